"""Branch ratings (考评/排名通报): totals, competition ranks with ties, top/bottom marks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import Field

from ..problems import Problems, suggest
from ..schema import Strict
from ..site import Record, Site
from .common import CommonFields, Slug

NAME = "rating"
FOLDER = "ratings"
LABEL = "考评排名"
TEMPLATE = "kinds/rating.html"
LIST_TEMPLATE = "lists/kind.html"
PRINT_TEMPLATE: str | None = None

PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-H[12])?$"


class Criterion(Strict):
    id: Slug
    name: str = Field(min_length=1, description="考评项目")
    max: float = Field(gt=0, le=1000, description="满分")
    description: str = Field("", description="说明")


class Subject(Strict):
    org: str = Field(min_length=1, description="被考评的组织编号")
    scores: dict[str, float] = Field(description="各项得分：考评项目编号: 分数")
    comment: str = Field("", description="领导点评")


class Followup(Strict):
    action: str = Field(min_length=1, description="对后几名的措施，如 约谈支部书记、限期整改")
    deadline: dt.date | None = Field(None, description="整改期限")


class Fields(CommonFields):
    period: str = Field(pattern=PERIOD_PATTERN, description="考评期间：2020-Q1…Q4、2020-H1/H2 或 2020")
    method: Literal["每季互评", "年底考评", "领导点评"] = Field(description="考评方式")
    series: Slug | None = Field(None, description="系列编号：同一系列的考评前后比较")
    rounding: int = Field(1, ge=0, le=3, description="总分保留小数位数（四舍五入）")
    highlight: int = Field(3, ge=0, le=20, description="标出前几名和后几名")
    criteria: list[Criterion] = Field(min_length=1, description="考评项目")
    subjects: list[Subject] = Field(min_length=1, description="被考评组织及得分")
    followup: Followup | None = Field(None, description="对后几名的跟进措施")


Mark = Literal["top", "bottom", ""]


@dataclass(frozen=True)
class Row:
    org: str
    scores: dict[str, Decimal]
    total: Decimal
    rank: int
    mark: Mark
    comment: str


@dataclass(frozen=True)
class Derived:
    rows: list[Row] = field(default_factory=list)
    full_mark: Decimal = Decimal(0)
    averages: dict[str, Decimal] = field(default_factory=dict)
    period_label: str = ""


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round like a score sheet does: 0.05 -> 0.1, never banker's rounding."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def total_score(scores: dict[str, float], criteria: Sequence[str], places: int) -> Decimal:
    """The sum of the criteria's scores, rounded half up to ``places`` decimals."""
    return round_half_up(sum((Decimal(str(scores.get(c, 0))) for c in criteria), Decimal(0)), places)


def rank_with_ties(totals: Sequence[Decimal]) -> list[int]:
    """Competition ranks, highest first: [90, 85, 85, 80] -> [1, 2, 2, 4]."""
    return [1 + sum(1 for other in totals if other > value) for value in totals]


def highlight_marks(totals: Sequence[Decimal], n: int) -> list[Mark]:
    """Mark the top ``n`` and bottom ``n`` by competition rank; ties share the mark.

    When the lists would overlap (few subjects), a subject is marked top only.
    """
    top = rank_with_ties(totals)
    bottom = [1 + sum(1 for other in totals if other < value) for value in totals]
    marks: list[Mark] = []
    for t, b in zip(top, bottom, strict=True):
        marks.append("top" if t <= n else "bottom" if b <= n else "")
    return marks


def period_label(period: str) -> str:
    """``2020-Q1`` -> 2020年第一季度; ``2020-H2`` -> 2020年下半年; ``2020`` -> 2020年度."""
    year, _, part = period.partition("-")
    names = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度", "H1": "上半年", "H2": "下半年"}
    return f"{year}年{names[part]}" if part else f"{year}年度"


def check(record: Record, site: Site, problems: Problems) -> None:
    f: Fields = record.fields
    path = record.key
    ids = [c.id for c in f.criteria]
    maxima = {c.id: c.max for c in f.criteria}
    if f.category is None:
        problems.add(path, record.line_of("title"), "category", "缺少主题分类", "请添加“category: …”", code="missing")
    for i, c in enumerate(f.criteria):
        if ids.index(c.id) != i:
            problems.add(path, record.line_of(f"criteria[{i}].id"), f"criteria[{i}].id", f"考评项目编号“{c.id}”重复", "每个项目用不同的编号", code="duplicate-criterion")
    org_ids = site.cfg.org_ids
    under = _descendants(site, f.org)
    seen: dict[str, int] = {}
    for i, s in enumerate(f.subjects):
        where = f"subjects[{i}]"
        if s.org not in org_ids:
            problems.add(path, record.line_of(f"{where}.org"), f"{where}.org", f"未知的组织编号“{s.org}”", suggest(s.org, org_ids), code="unknown-org")
        elif s.org not in under:
            problems.add(path, record.line_of(f"{where}.org"), f"{where}.org", f"“{s.org}”不是本考评组织的下级组织", "只能考评发布机构的下级党组织", code="not-subordinate")
        if s.org in seen:
            problems.add(path, record.line_of(f"{where}.org"), f"{where}.org", f"组织“{s.org}”被重复考评（第 {seen[s.org] + 1} 项已有）", "每个组织只写一次", code="duplicate-subject")
        seen.setdefault(s.org, i)
        for cid, score in s.scores.items():
            field_path = f"{where}.scores.{cid}"
            if cid not in maxima:
                problems.add(path, record.line_of(field_path), field_path, f"未知的考评项目“{cid}”", suggest(cid, ids), code="unknown-criterion")
            elif score < 0:
                problems.add(path, record.line_of(field_path), field_path, f"得分 {score:g} 不能为负数", "请核对得分", code="score-range")
            elif score > maxima[cid]:
                problems.add(path, record.line_of(field_path), field_path, f"得分 {score:g} 超过该项满分 {maxima[cid]:g}", f"得分应在 0 到 {maxima[cid]:g} 之间", code="score-range")
        for cid in ids:
            if cid not in s.scores:
                problems.add(path, record.line_of(f"{where}.scores"), f"{where}.scores.{cid}", f"缺少考评项目“{cid}”的得分", f"请添加“{cid}: 分数”", code="missing-score")


def _descendants(site: Site, org_id: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for o in site.cfg.orgs:
        children.setdefault(o.parent, []).append(o.id)
    found: set[str] = set()
    stack = list(children.get(org_id, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def enrich(record: Record, site: Site) -> Derived:
    f: Fields = record.fields
    ids = [c.id for c in f.criteria]
    totals = [total_score(s.scores, ids, f.rounding) for s in f.subjects]
    ranks = rank_with_ties(totals)
    marks = highlight_marks(totals, f.highlight)
    rows = [
        Row(s.org, {c: Decimal(str(s.scores.get(c, 0))) for c in ids}, total, rank, mark, s.comment)
        for s, total, rank, mark in zip(f.subjects, totals, ranks, marks, strict=True)
    ]
    rows.sort(key=lambda r: (r.rank, r.org))
    n = len(rows)
    averages = {
        c: round_half_up(sum((r.scores[c] for r in rows), Decimal(0)) / n, f.rounding) for c in ids
    }
    full = sum((Decimal(str(c.max)) for c in f.criteria), Decimal(0))
    return Derived(rows, _plain(full), averages, period_label(f.period))


def _plain(value: Decimal) -> Decimal:
    """100.0 -> 100 and 99.50 -> 99.5, never 1E+2."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
