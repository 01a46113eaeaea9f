"""Pure arithmetic of a rating: totals, competition ranks with ties, marks, periods."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .schema import Mark

__all__ = ["assign_grades", "highlight_marks", "period_key", "period_label", "plain", "rank_with_ties", "round_half_up", "total_score"]


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round like a score sheet does: 0.05 -> 0.1, never banker's rounding."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> Decimal:
    """100.0 -> 100 and 99.50 -> 99.5, never 1E+2."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def total_score(scores: dict[str, float], criteria: Sequence[str], places: int, deducted: float = 0) -> Decimal:
    """The criteria's scores minus deductions, rounded half up to ``places`` decimals."""
    raw = sum((Decimal(str(scores.get(c, 0))) for c in criteria), Decimal(0)) - Decimal(str(deducted))
    return round_half_up(raw, places)


def rank_with_ties(totals: Sequence[Decimal]) -> list[int]:
    """Competition ranks, highest first: [90, 85, 85, 80] -> [1, 2, 2, 4]."""
    return [1 + sum(1 for other in totals if other > value) for value in totals]


def highlight_marks(totals: Sequence[Decimal], n: int) -> list[Mark]:
    """Mark the top ``n`` and bottom ``n`` by competition rank; ties share the mark.

    When the two would overlap (few subjects), a subject is marked top only.
    """
    top = rank_with_ties(totals)
    bottom = [1 + sum(1 for other in totals if other < value) for value in totals]
    return ["top" if t <= n else "bottom" if b <= n else "" for t, b in zip(top, bottom, strict=True)]


_PARTS = {"Q1": ("第一季度", 1), "Q2": ("第二季度", 2), "H1": ("上半年", 2.5), "Q3": ("第三季度", 3), "Q4": ("第四季度", 4), "H2": ("下半年", 4.5), "": ("度", 5)}


def period_label(period: str) -> str:
    """``2020-Q1`` -> 2020年第一季度; ``2020-H2`` -> 2020年下半年; ``2020`` -> 2020年度."""
    year, _, part = period.partition("-")
    return f"{year}年{_PARTS[part][0]}"


def period_key(period: str) -> tuple[int, float]:
    """Sort key: quarters, then half years after their last quarter, then the year."""
    year, _, part = period.partition("-")
    return int(year), _PARTS[part][1]


def short_period(period: str) -> str:
    """``2020-Q1`` -> 一季度 ; for chart axes."""
    year, _, part = period.partition("-")
    return {"Q1": "一季度", "Q2": "二季度", "Q3": "三季度", "Q4": "四季度", "H1": "上半年", "H2": "下半年", "": f"{year}年"}[part]


def assign_grades(
    totals: Sequence[Decimal], bands: Sequence[tuple[Decimal, str]], quotas: dict[str, float] | None = None
) -> list[str]:
    """Grade names by score band (``bands``: (minimum, name), best first), with quotas.

    A quota caps a grade's share of all subjects (``{"五星": 0.1}``: at most 10 %).
    When more subjects reach a capped grade, the lower-ranked ones move down a band;
    subjects tied at the cut move down together, so a tie never splits a grade.
    Below every band the grade is "".
    """
    quotas = quotas or {}
    ordered = sorted(bands, key=lambda b: b[0], reverse=True)
    names = [name for _, name in ordered]
    grades = []
    for total in totals:
        grades.append(next((i for i, (minimum, _) in enumerate(ordered) if total >= minimum), len(ordered)))
    ranks = rank_with_ties(totals)
    for level, name in enumerate(names):
        if name not in quotas:
            continue
        cap = int(quotas[name] * len(totals) + 1e-9)
        holders = sorted((ranks[i], i) for i, g in enumerate(grades) if g == level)
        if len(holders) <= cap:
            continue
        cut_rank = holders[cap][0]  # the first rank that does not fit (with its ties)
        for rank, i in holders:
            if rank >= cut_rank:
                grades[i] = level + 1
    return [names[g] if g < len(names) else "" for g in grades]
