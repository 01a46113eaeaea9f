"""Branch ratings (考评/排名通报).

A rating lists criteria with maxima and each subject's scores; the build derives
totals (minus deductions, rounded half up as declared), competition ranks with
ties, top/bottom marks, per-criterion averages and best subjects, the change
against the previous rating of the same series, follow-up status of the bottom N,
and an SVG bar chart. Only ratings in this edition are compared, so a public page
never reveals a rating that is not public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ...problems import Problems, suggest
from ...site import Record, Site
from . import export
from .chart import bar_chart, heat_level, rank_chart
from .rank import (
    assign_grades,
    highlight_marks,
    period_key,
    period_label,
    plain,
    rank_with_ties,
    round_half_up,
    short_period,
    total_score,
)
from .schema import Criterion, Fields, Followup, Mark, Subject
from .series import Change, rank_changes

NAME = "rating"
FOLDER = "ratings"
LABEL = "考评排名"
TEMPLATE = "kinds/rating.html"
LIST_TEMPLATE = "lists/kind.html"
PRINT_TEMPLATE: str | None = None

__all__ = [
    "Change",
    "Criterion",
    "Derived",
    "Fields",
    "Followup",
    "Row",
    "Subject",
    "bar_chart",
    "check",
    "enrich",
    "export",
    "heat_level",
    "highlight_marks",
    "period_key",
    "period_label",
    "rank_changes",
    "rank_chart",
    "rank_with_ties",
    "round_half_up",
    "series_groups",
    "short_period",
    "total_score",
]


@dataclass(frozen=True)
class Row:
    org: str
    scores: dict[str, Decimal]
    heat: dict[str, int]
    deducted: Decimal
    deductions: tuple[tuple[Decimal, str], ...]
    total: Decimal
    rank: int
    mark: Mark
    comment: str
    grade: str = ""


@dataclass(frozen=True)
class FollowupState:
    org: str
    status: str  # done | overdue | open
    label: str
    closed_by: str | None = None  # record key


@dataclass(frozen=True)
class Derived:
    rows: list[Row] = field(default_factory=list)
    full_mark: Decimal = Decimal(0)
    averages: dict[str, Decimal] = field(default_factory=dict)
    best: dict[str, list[str]] = field(default_factory=dict)
    period_label: str = ""
    series: str = ""
    previous: str | None = None
    changes: dict[str, Change] = field(default_factory=dict)
    followups: list[FollowupState] = field(default_factory=list)
    chart: str = ""
    as_of: dt.date | None = None  # see _as_of


def check(record: Record, site: Site, problems: Problems) -> None:
    f: Fields = record.fields
    path = record.key

    def add(where: str, message: str, hint: str, code: str) -> None:
        problems.add(path, record.line_of(where), where, message, hint, code=code)

    ids = [c.id for c in f.criteria]
    maxima = {c.id: c.max for c in f.criteria}
    if f.category is None:
        problems.add(path, record.line_of("title"), "category", "缺少主题分类", "请添加“category: …”", code="missing")
    for i, c in enumerate(f.criteria):
        if ids.index(c.id) != i:
            add(f"criteria[{i}].id", f"考评项目编号“{c.id}”重复", "每个项目用不同的编号", "duplicate-criterion")
    org_ids = site.cfg.org_ids
    under = _descendants(site, f.org)
    seen: dict[str, int] = {}
    for i, s in enumerate(f.subjects):
        where = f"subjects[{i}]"
        if s.org not in org_ids:
            add(f"{where}.org", f"未知的组织编号“{s.org}”", suggest(s.org, org_ids), "unknown-org")
        elif s.org not in under:
            add(f"{where}.org", f"“{s.org}”不是本考评组织的下级组织", "只能考评发布机构的下级党组织", "not-subordinate")
        if s.org in seen:
            add(f"{where}.org", f"组织“{s.org}”被重复考评（第 {seen[s.org] + 1} 项已有）", "每个组织只写一次", "duplicate-subject")
        seen.setdefault(s.org, i)
        for cid, score in s.scores.items():
            at = f"{where}.scores.{cid}"
            if cid not in maxima:
                add(at, f"未知的考评项目“{cid}”", suggest(cid, ids), "unknown-criterion")
            elif score < 0:
                add(at, f"得分 {score:g} 不能为负数", "请核对得分", "score-range")
            elif score > maxima[cid]:
                add(at, f"得分 {score:g} 超过该项满分 {maxima[cid]:g}", f"得分应在 0 到 {maxima[cid]:g} 之间", "score-range")
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


def compute_rows(f: Fields) -> list[Row]:
    """Totals, ranks and marks of one rating, best first."""
    ids = [c.id for c in f.criteria]
    maxima = {c.id: c.max for c in f.criteria}
    totals = [total_score(s.scores, ids, f.rounding, sum(d.points for d in s.deductions)) for s in f.subjects]
    ranks = rank_with_ties(totals)
    marks = highlight_marks(totals, f.highlight)
    rows = []
    for s, total, rank, mark in zip(f.subjects, totals, ranks, marks, strict=True):
        scores = {c: plain(Decimal(str(s.scores.get(c, 0)))) for c in ids}
        deductions = tuple((plain(Decimal(str(d.points))), d.reason) for d in s.deductions)
        rows.append(Row(
            s.org, scores, {c: heat_level(scores[c], maxima[c]) for c in ids},
            sum((d for d, _ in deductions), Decimal(0)), deductions, total, rank, mark, s.comment,
        ))
    rows.sort(key=lambda r: (r.rank, r.org))
    return rows


def _series_members(site: Site) -> dict[str, list[Record]]:
    """Active ratings of this edition by series (computed once per build)."""
    found = site.memo.get("rating-series")
    if found is None:
        found = {}
        for r in sorted(site.records.values(), key=lambda r: r.key):
            if r.kind == NAME and r.status == "active" and site.in_edition(r):
                found.setdefault(r.fields.series_id, []).append(r)
        site.memo["rating-series"] = found
    return dict(found)


def _previous(record: Record, site: Site) -> Record | None:
    f: Fields = record.fields
    key = period_key(f.period)
    earlier = [
        r for r in _series_members(site).get(f.series_id, [])
        if r.key != record.key and period_key(r.fields.period) < key
    ]
    return max(earlier, key=lambda r: (period_key(r.fields.period), r.key), default=None)


def _closers(site: Site) -> dict[str, dict[str, str]]:
    """{rating index_no: {org: key of the first record that closes its follow-up}} (once per build)."""
    found = site.memo.get("rating-closers")
    if found is None:
        found = {}
        for other in sorted(site.records.values(), key=lambda r: r.key):
            if site.in_edition(other) and other.status == "active":
                refs = list(other.fields.closes)
                refs += [ref for task in getattr(other.fields, "tasks", ()) if task.status == "done" for ref in task.closes]
                for ref in refs:
                    number, _, org = ref.partition("#")
                    found.setdefault(number, {}).setdefault(org, other.key)
        site.memo["rating-closers"] = found
    return dict(found)


def _followups(record: Record, site: Site, rows: list[Row], today: dt.date) -> list[FollowupState]:
    f: Fields = record.fields
    if f.followup is None:
        return []
    closers = _closers(site).get(record.index_no, {})
    states = []
    for row in rows:
        if row.mark != "bottom":
            continue
        if row.org in closers:
            states.append(FollowupState(row.org, "done", "已整改", closers[row.org]))
        elif f.followup.deadline and f.followup.deadline < today:
            states.append(FollowupState(row.org, "overdue", "逾期未整改"))
        else:
            states.append(FollowupState(row.org, "open", "整改中"))
    return states


def enrich(record: Record, site: Site) -> Derived:
    f: Fields = record.fields
    rows = compute_rows(f)
    ids = [c.id for c in f.criteria]
    n = len(rows)
    averages = {c: round_half_up(sum((r.scores[c] for r in rows), Decimal(0)) / n, f.rounding) for c in ids}
    tops = {c: max(r.scores[c] for r in rows) for c in ids}
    best = {c: [r.org for r in rows if r.scores[c] == tops[c]] for c in ids}
    full = plain(sum((Decimal(str(c.max)) for c in f.criteria), Decimal(0)))
    previous = _previous(record, site)
    changes: dict[str, Change] = {}
    if previous is not None:
        before = {r.org: (r.rank, r.total) for r in compute_rows(previous.fields)}
        changes = rank_changes(before, {r.org: (r.rank, r.total) for r in rows})
    grading = site.cfg.grades
    if grading is not None and f.method in grading.methods:
        bands = [(Decimal(str(b.min)), b.name) for b in grading.bands]
        quotas = {b.name: b.quota for b in grading.bands if b.quota is not None}
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            key = site.cfg.org(r.org).group if grading.by_group and r.org in site.cfg.org_ids else ""
            groups.setdefault(key, []).append(i)
        grades = [""] * len(rows)
        for members in groups.values():
            for i, grade in zip(members, assign_grades([rows[i].total for i in members], bands, quotas), strict=True):
                grades[i] = grade
        rows = [replace(r, grade=g) for r, g in zip(rows, grades, strict=True)]
    labels = {o.id: o.label for o in site.cfg.orgs}
    today = site.options.now.astimezone(site.tz).date()
    chart = bar_chart(
        f"bar-{record.slug}", [(labels.get(r.org, r.org), r.total, r.mark) for r in rows], full,
        f"{period_label(f.period)}各组织总分",
    )
    followups = _followups(record, site, rows, today)
    return Derived(
        rows, full, averages, best, period_label(f.period), f.series_id,
        previous.key if previous else None, changes, followups, chart, _as_of(record, followups, today),
    )


def _as_of(record: Record, followups: list[FollowupState], today: dt.date) -> dt.date | None:
    """The build date the follow-up states hold at, or None when no later date can change
    them (no deadline ahead of an open one): the page then stays the same from day to day."""
    deadline = record.fields.followup.deadline if record.fields.followup else None
    if deadline is not None and deadline >= today and any(s.status == "open" for s in followups):
        return today
    return None


def series_groups(ratings: list[Any]) -> dict[str, list[Any]]:
    """Ratings (records or views with ``derived`` and ``fields``) by series, in period order."""
    groups: dict[str, list[Any]] = {}
    for r in ratings:
        groups.setdefault(r.derived.series, []).append(r)
    return {k: sorted(g, key=lambda r: (period_key(r.fields.period), r.key)) for k, g in groups.items()}
