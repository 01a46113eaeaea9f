"""next-change.txt: the next moment at which the public output changes by itself.

Candidates: a scheduled public record's ``publish_at``, a notice period's start and
the day after its end, a rating follow-up's deadline passing, a plan task falling
overdue. An operator or scheduler can rebuild exactly then; the daily build is the
default.
"""

from __future__ import annotations

import datetime as dt

from ..site import Site

__all__ = ["next_change", "next_change_text", "next_change_uncached"]


def next_change(site: Site) -> dt.datetime | None:
    """The next moment after the build time at which the output changes by itself, or None.

    Asked three times by a build (this file, the last-build record, the quick-rebuild
    store), a tenth of a second each at 10,000 records: kept in ``site.memo`` for the
    build's time, as the records it reads do not change after the guard."""
    key = f"next_change {site.options.now.isoformat()}"
    if key not in site.memo:
        site.memo[key] = _next_change(site)
    moment: dt.datetime | None = site.memo[key]
    return moment


def next_change_uncached(site: Site) -> dt.datetime | None:
    """:func:`next_change` worked out again (the records of ``site`` may differ from those
    of the build whose memo it shares: a quick rebuild's edited site)."""
    return _next_change(site)


def _next_change(site: Site) -> dt.datetime | None:
    now = site.options.now
    tz = site.tz
    moments: list[dt.datetime] = []

    def day_start(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=tz)

    for record in site.records.values():
        if record.scope != "public" and site.options.edition == "public":
            continue
        if record.publish_at > now:
            moments.append(record.publish_at)
            continue
        if not site.in_edition(record) or record.status != "active":
            continue
        derived = record.derived
        for name in ("start", "end"):
            day = getattr(derived, name, None)
            if isinstance(day, dt.date):
                moments.append(day_start(day if name == "start" else day + dt.timedelta(days=1)))
        for task in getattr(record.fields, "tasks", ()):
            if task.deadline and task.status != "done":
                moments.append(day_start(task.deadline + dt.timedelta(days=1)))
        followup = getattr(record.fields, "followup", None)
        if followup is not None and followup.deadline:
            moments.append(day_start(followup.deadline + dt.timedelta(days=1)))
    future = [m for m in moments if m > now]
    return min(future) if future else None


def next_change_text(site: Site) -> str:
    moment = next_change(site)
    return (moment.astimezone(site.tz).isoformat() if moment else "none") + "\n"
