"""Star grades from score bands, with quotas and ties."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import build_site

from sunshine.kinds.rating import rank_changes
from sunshine.kinds.rating.chart import bar_chart, heat_level, rank_chart
from sunshine.kinds.rating.rank import assign_grades

REPO = Path(__file__).resolve().parents[2]
BANDS = [(Decimal(95), "五星"), (Decimal(85), "四星"), (Decimal(75), "三星"), (Decimal(60), "一星")]


def grades(totals: list[float], quotas: dict[str, float] | None = None) -> list[str]:
    return assign_grades([Decimal(str(t)) for t in totals], BANDS, quotas)


def test_bands_without_quotas() -> None:
    assert grades([96, 95, 94.9, 85, 74, 59]) == ["五星", "五星", "四星", "四星", "一星", ""]


def test_quota_moves_the_lower_ranked_down() -> None:
    # 10 subjects, at most 10 % five-star: only the best keeps it
    assert grades([99, 97, 96, 80, 80, 80, 80, 80, 80, 80], {"五星": 0.1})[:3] == ["五星", "四星", "四星"]


def test_ties_at_the_quota_cut_move_down_together() -> None:
    # quota 1 of 10, but two share first place: neither may be five-star alone
    assert grades([98, 98, 90, 80, 80, 80, 80, 80, 80, 80], {"五星": 0.1})[:3] == ["四星", "四星", "四星"]


def test_cascading_quotas() -> None:
    result = grades([99, 98, 97, 96, 80, 80, 80, 80, 80, 80], {"五星": 0.1, "四星": 0.2})
    assert result[:4] == ["五星", "四星", "四星", "三星"]


@pytest.mark.parametrize(("score", "maximum", "level"), [(30, 30, 4), (27, 30, 3), (24, 30, 2), (21, 30, 1), (10, 30, 0), (5, 0, 0)])
def test_heat_level(score: int, maximum: float, level: int) -> None:
    assert heat_level(Decimal(score), maximum) == level


def test_rank_changes_with_a_branch_added_and_removed() -> None:
    before = {"a": (1, Decimal(90)), "b": (2, Decimal(85)), "gone": (3, Decimal(80))}
    after = {"b": (1, Decimal(91)), "a": (2, Decimal(88)), "new": (3, Decimal(70))}
    changes = rank_changes(before, after)
    assert {k: v.label for k, v in changes.items()} == {"b": "↑1", "a": "↓1", "new": "新"}
    assert changes["b"].score_delta == Decimal(6)
    assert changes["a"].words == "比上期下降 1 名"


def test_charts_carry_text_alternatives() -> None:
    svg = bar_chart("c", [("东山村", Decimal("90.5"), "top"), ("西岭村", Decimal(70), "bottom")], Decimal(100), "总分")
    assert '<title id="c-t">总分</title>' in svg and "东山村 90.5 分" in svg and "url(#c-hatch)" in svg
    line = rank_chart("r", [("一季度", 9), ("二季度", None), ("三季度", 2)], 10, "名次")
    assert "二季度 未参评" in line and line.count("<circle") == 2



def test_grades_by_group_apply_quotas_within_each_group(tmp_path: Path) -> None:
    """The sample's year-end rating with villages and other branches graded apart."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    config = (REPO / "config.yaml").read_text(encoding="utf-8")
    for org in ("dongshan", "xiling", "nantang", "beiwu", "xikou", "shiqiao", "zhulin"):
        config = config.replace(f"id: {org}\n", f"id: {org}\n    group: 农村\n", 1)
    config = config.replace("  methods: [年底考评]\n", "  methods: [年底考评]\n  by_group: true\n", 1)
    (tmp_path / "config.yaml").write_text(config, encoding="utf-8")
    site, _ = build_site(tmp_path, now="2021-03-01")
    rows = next(r for r in site.records.values() if r.kind == "rating" and r.fields.period == "2020").derived.rows
    grade = {r.org: r.grade for r in rows}
    # villages: 7 branches, four-star quota 30 % -> 2 places; only 东山村 (92) reaches 90
    assert grade["dongshan"] == "四星" and grade["beiwu"] == "三星"
    # others: 3 branches, a 30 % quota leaves no four-star place, so 机关 (93.5) is three-star
    assert grade["jiguan"] == "三星" and grade["xiaoxue"] == "三星"
