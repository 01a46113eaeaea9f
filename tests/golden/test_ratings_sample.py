"""The sample's 2020 rating series, built after the year end: ties, a climber, changes, grades."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from conftest import build_in_memory

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return build_in_memory(REPO, now="2021-03-01T10:00:00+08:00")


def _csv(files: dict[str, bytes], path: str) -> list[list[str]]:
    data = files[path]
    assert data.startswith(b"\xef\xbb\xbf"), "CSV starts with a BOM so Excel reads Chinese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def test_q2_has_a_tie_sharing_fifth_place(files: dict[str, bytes]) -> None:
    rows = _csv(files, "data/ratings/2020-q2.csv")
    ranks = [(r[1], r[0]) for r in rows[1:]]
    assert ("xiling", "5") in ranks and ("nantang", "5") in ranks
    assert [r[0] for r in rows[1:]].count("6") == 0, "after a tie for 5th the next rank is 7"


def test_beiwu_climbs_from_the_bottom_three_to_the_top_three(files: dict[str, bytes]) -> None:
    marks = {}
    for quarter in ("q1", "q2", "q3", "q4"):
        rows = _csv(files, f"data/ratings/2020-{quarter}.csv")
        row = next(r for r in rows[1:] if r[1] == "beiwu")
        marks[quarter] = (int(row[0]), row[-2], row[-1])
    assert marks["q1"][0] == 9 and marks["q1"][1] == "后列"
    assert marks["q4"][0] == 2 and marks["q4"][1] == "前列" and marks["q4"][2] == "↑2"
    assert marks["q2"][2] == "↑2" and marks["q3"][2] == "↑3"


def test_series_csv_and_page(files: dict[str, bytes]) -> None:
    rows = _csv(files, "data/ratings/series/town-branch-2020.csv")
    assert rows[0][:4] == ["组织编号", "组织", "2020年第一季度总分", "2020年第一季度名次"]
    assert len(rows) == 11
    page = files["ratings/series/town-branch-2020/index.html"].decode()
    assert page.count('class="chart chart-rank"') == 10


def test_q1_followup_closed_by_a_later_notice(files: dict[str, bytes]) -> None:
    page = files["ratings/2020-q1/index.html"].decode()
    assert re.search(r"北坞村党支部：<span class=\"fu fu-done\">已整改</span>（见 <a href=\"/qingxi/notices/2020-05-beiwu-zhengai-qingkuang/\">", page)
    assert page.count('fu fu-overdue') == 2  # the other two of the bottom three missed the deadline


def test_annual_rating_has_star_grades(files: dict[str, bytes]) -> None:
    page = files["ratings/2020-annual/index.html"].decode()
    assert "星级</th>" in page and "四星" in page
    org = files["orgs/jiguan/index.html"].decode()
    assert "四星" in org and 'class="chart chart-rank"' in org
