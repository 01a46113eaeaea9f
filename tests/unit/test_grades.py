"""Star grades from score bands, with quotas and ties."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sunshine.kinds.rating import rank_changes
from sunshine.kinds.rating.chart import bar_chart, heat_level, rank_chart
from sunshine.kinds.rating.rank import assign_grades

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
