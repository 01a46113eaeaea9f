"""Rating arithmetic (sunshine.kinds.rating): totals, ranks with ties, marks, rounding."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import build_site, make_site

from sunshine.kinds.rating import (
    highlight_marks,
    period_label,
    rank_with_ties,
    round_half_up,
    total_score,
)


def D(*values: float | str) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


@pytest.mark.parametrize(
    ("totals", "ranks"),
    [
        ([90, 85, 85, 80], [1, 2, 2, 4]),
        ([80, 85, 90, 85], [4, 2, 1, 2]),
        ([70, 70, 70], [1, 1, 1]),
        ([100], [1]),
        ([], []),
        ([90, 90, 80, 80, 70], [1, 1, 3, 3, 5]),
        (["89.5", "89.50", "89.4"], [1, 1, 3]),
    ],
)
def test_rank_with_ties(totals: list[float | str], ranks: list[int]) -> None:
    assert rank_with_ties(D(*totals)) == ranks


@pytest.mark.parametrize(
    ("totals", "n", "marks"),
    [
        ([90, 85, 80, 75, 70], 1, ["top", "", "", "", "bottom"]),
        ([90, 85, 80, 75, 70], 2, ["top", "top", "", "bottom", "bottom"]),
        ([90, 85, 85, 80, 70, 70], 1, ["top", "", "", "", "bottom", "bottom"]),  # ties share the mark
        ([90, 85, 85, 80, 75, 70], 2, ["top", "top", "top", "", "bottom", "bottom"]),
        ([90, 80], 3, ["top", "top"]),  # overlap: top wins
        ([90, 85, 80], 2, ["top", "top", "bottom"]),
        ([80, 80, 80], 1, ["top", "top", "top"]),
        ([90, 85, 80], 0, ["", "", ""]),
        ([], 3, []),
    ],
)
def test_highlight_marks(totals: list[float], n: int, marks: list[str]) -> None:
    assert highlight_marks(D(*totals), n) == marks


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [
        ("0.05", 1, "0.1"),
        ("2.25", 1, "2.3"),
        ("2.35", 1, "2.4"),
        ("0.15", 1, "0.2"),
        ("89.45", 1, "89.5"),
        ("89.44", 1, "89.4"),
        ("89.5", 0, "90"),
        ("88.5", 0, "89"),
        ("-0.05", 1, "-0.1"),
        ("1", 2, "1.00"),
        ("2.675", 2, "2.68"),
    ],
)
def test_round_half_up(value: str, places: int, rounded: str) -> None:
    result = round_half_up(Decimal(value), places)
    assert str(result) == rounded


def test_total_score_adds_exactly() -> None:
    scores = {"organization": 27, "study": 18.5, "service": 0.1, "conduct": 0.2}
    assert total_score(scores, ["organization", "study", "service", "conduct"], 1) == Decimal("45.8")
    assert total_score({"a": 0.1, "b": 0.2}, ["a", "b"], 2) == Decimal("0.30")


def test_total_score_counts_only_the_criteria_and_rounds_half_up() -> None:
    scores = {"a": 44.25, "b": 45, "ignored": 99}
    assert total_score(scores, ["a", "b"], 1) == Decimal("89.3")
    assert total_score(scores, ["a", "b"], 0) == Decimal("89")
    assert total_score({"a": 44.25}, ["a", "b"], 1) == Decimal("44.3")  # a missing score counts 0


@pytest.mark.parametrize(
    ("period", "label"),
    [("2020-Q1", "2020年第一季度"), ("2020-Q4", "2020年第四季度"), ("2020-H1", "2020年上半年"), ("2020-H2", "2020年下半年"), ("2020", "2020年度")],
)
def test_period_label(period: str, label: str) -> None:
    assert period_label(period) == label


RATING = """\
title: 2020年第一季度各党支部党建工作互评结果通报
org: town
date: 2020-04-10
scope: public
category: organization
index_no: QXZ-2020-0001
period: 2020-Q1
method: 每季互评
highlight: 1
criteria:
  - {id: organization, name: 组织建设, max: 60}
  - {id: study, name: 学习教育, max: 40}
subjects:
  - {org: xiling, scores: {organization: 50, study: 35.05}}
  - {org: dongshan, scores: {organization: 55, study: 30.05}}
"""


def test_rating_enrich_ties_and_full_mark(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/ratings/2020-q1.yaml": RATING})
    site, files = build_site(root)
    (record,) = site.records.values()
    rows = record.derived.rows
    assert [(r.org, str(r.total), r.rank, r.mark) for r in rows] == [
        ("dongshan", "85.1", 1, "top"),
        ("xiling", "85.1", 1, "top"),
    ]
    assert str(record.derived.full_mark) == "100"
    assert "ratings/2020-q1/index.html" in files


def test_the_followup_date_is_shown_only_while_an_open_one_can_fall_overdue() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from sunshine.kinds.rating import FollowupState, _as_of

    today = dt.date(2020, 6, 15)

    def record(deadline: dt.date | None) -> Any:
        return SimpleNamespace(fields=SimpleNamespace(followup=SimpleNamespace(deadline=deadline)))

    open_one = [FollowupState("a", "open", "整改中"), FollowupState("b", "done", "已整改", "k")]
    assert _as_of(record(today), open_one, today) == today  # due today: overdue tomorrow
    assert _as_of(record(today - dt.timedelta(days=1)), open_one, today) is None  # already overdue
    assert _as_of(record(None), open_one, today) is None  # never falls overdue
    assert _as_of(record(dt.date(2020, 12, 31)), [FollowupState("b", "done", "已整改", "k")], today) is None
    assert _as_of(SimpleNamespace(fields=SimpleNamespace(followup=None)), [], today) is None
