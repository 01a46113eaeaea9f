"""The disclosure catalog checked against what was released: due, on time, late, missing.

For every catalog item and every organisation that owes it, the obligations of a
year are laid out by cadence and matched with the records that name the item:

- ``fixed``: one standing obligation, met by any release;
- ``quarterly``: one per quarter, due on ``due_day`` of the first month of the
  next quarter (Q4 is due in January of the next year);
- ``yearly``: one per year, due on ``due`` (MM-DD) of that year;
- ``on_event``: one per release, due ``within`` working days after its
  ``event_on`` date.

A release on or before the due date is on time; after it, late by the number of
working days past the due date; an obligation whose due date has passed with no
release is missing; one not yet due is upcoming. Pure functions on plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .config import CatalogItem
from .workdays import UnknownYear, add_working_days, count_working_days

__all__ = ["STATUS_LABELS", "Obligation", "Release", "obligations", "stale_items"]

IsWorkday = Callable[[dt.date], bool]
STATUS_LABELS = {"on_time": "按时公开", "late": "逾期公开", "missing": "未公开", "upcoming": "未到期"}


@dataclass(frozen=True)
class Release:
    """What compliance needs of one record."""

    key: str
    org: str
    item: str
    released: dt.date
    index_no: str
    title: str
    event_on: dt.date | None = None


@dataclass(frozen=True)
class Obligation:
    item: str
    org: str
    label: str
    due: dt.date | None
    status: str
    release: Release | None = None
    late_days: int = 0

    @property
    def status_label(self) -> str:
        if self.status == "late":
            return f"逾期 {self.late_days} 个工作日"
        return STATUS_LABELS[self.status]


def _late_days(due: dt.date, released: dt.date, is_workday: IsWorkday) -> int:
    try:
        return count_working_days(due + dt.timedelta(days=1), released, is_workday)
    except UnknownYear:
        return (released - due).days


def _judge(item: CatalogItem, org: str, label: str, due: dt.date | None, found: Release | None,
           today: dt.date, is_workday: IsWorkday) -> Obligation:
    if found is None:
        status = "upcoming" if due is not None and due >= today else "missing"
        return Obligation(item.id, org, label, due, status)
    if due is None or found.released <= due:
        return Obligation(item.id, org, label, due, "on_time", found)
    return Obligation(item.id, org, label, due, "late", found, _late_days(due, found.released, is_workday))


def _quarter_due(year: int, quarter: int, day: int) -> dt.date:
    month = quarter * 3 + 1
    return dt.date(year + (month > 12), (month - 1) % 12 + 1, day)


def _windows(item: CatalogItem, year: int) -> list[tuple[str, dt.date, dt.date, dt.date]]:
    """(label, window start, window end exclusive, due) for periodic cadences."""
    if item.cadence == "quarterly":
        names = ["第一季度", "第二季度", "第三季度", "第四季度"]
        out = []
        for q in range(1, 5):
            start = dt.date(year, q * 3 - 2, 1)
            due = _quarter_due(year, q, item.due_day)
            following = _quarter_due(year + (q == 4), 1 if q == 4 else q + 1, item.due_day)
            out.append((f"{year}年{names[q - 1]}", start, following, due))
        return out
    month, day = (int(x) for x in item.due.split("-"))
    due = dt.date(year, month, min(day, 28 if month == 2 else day))
    return [(f"{year}年度", due.replace(year=year - 1) + dt.timedelta(days=1), due.replace(year=year + 1), due)]


def _assign_quarters(releases: Sequence[Release], year: int) -> dict[int, Release]:
    """Which release reports on which quarter of ``year``.

    A release reports on the quarter that ended most recently before it; if that one
    is taken, it catches up the earliest earlier quarter still open, else it counts
    for its own quarter (released early).
    """
    taken: dict[tuple[int, int], Release] = {}
    for r in releases:
        ended = (r.released.year, (r.released.month - 1) // 3)
        if ended[1] == 0:
            ended = (ended[0] - 1, 4)
        own = (r.released.year, (r.released.month - 1) // 3 + 1)
        earlier = [(ended[0], q) for q in range(1, ended[1])]
        for slot in [ended, *earlier, own]:
            if slot not in taken:
                taken[slot] = r
                break
    return {q: r for (y, q), r in taken.items() if y == year}


def obligations(
    item: CatalogItem, orgs: Sequence[str], releases: Sequence[Release], year: int, today: dt.date,
    is_workday: IsWorkday,
) -> list[Obligation]:
    """Every obligation of ``item`` for ``orgs`` in ``year``, judged as of ``today``."""
    out: list[Obligation] = []
    for org in orgs:
        mine = sorted((r for r in releases if r.item == item.id and r.org == org), key=lambda r: (r.released, r.key))
        if item.cadence == "fixed":
            current = [r for r in mine if r.released <= today]
            out.append(
                Obligation(item.id, org, "长期公开", None, "on_time", current[0]) if current
                else Obligation(item.id, org, "长期公开", None, "missing")
            )
        elif item.cadence == "on_event":
            for r in mine:
                if r.released.year != year:
                    continue
                due = None
                if r.event_on is not None:
                    try:
                        due = add_working_days(r.event_on + dt.timedelta(days=1), item.within, is_workday)
                    except UnknownYear:
                        due = r.event_on + dt.timedelta(days=item.within)
                out.append(_judge(item, org, r.title, due, r, today, is_workday))
        elif item.cadence == "quarterly":
            assigned = _assign_quarters(mine, year)
            for q, (label, start, _, due) in enumerate(_windows(item, year), start=1):
                if start > today and q not in assigned:
                    continue  # the quarter has not begun
                out.append(_judge(item, org, label, due, assigned.get(q), today, is_workday))
        else:
            label, start, end, due = _windows(item, year)[0]
            found = next((r for r in mine if start <= r.released < end), None)
            if found is not None or start <= today:
                out.append(_judge(item, org, label, due, found, today, is_workday))
    return out


def stale_items(items: Sequence[CatalogItem], releases: Sequence[Release], today: dt.date) -> list[tuple[CatalogItem, int | None]]:
    """Items with no release at all (age None) or none newer than their ``max_age_days``."""
    stale: list[tuple[CatalogItem, int | None]] = []
    for item in items:
        dates = [r.released for r in releases if r.item == item.id and r.released <= today]
        if not dates:
            stale.append((item, None))
        elif item.max_age_days is not None and (today - max(dates)).days > item.max_age_days:
            stale.append((item, (today - max(dates)).days))
    return stale
