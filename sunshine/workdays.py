"""Working days on the official mainland calendar.

Weekends are off, public holidays are off and adjusted working weekends (调休)
are on. The calendar comes from the ``chinesecalendar`` package; a year it does
not know raises :class:`UnknownYear` instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable

import chinese_calendar

__all__ = ["UnknownYear", "add_working_days", "count_working_days", "make_calendar", "official_is_workday", "working_days_between"]

IsWorkday = Callable[[dt.date], bool]


class UnknownYear(Exception):
    """The holiday calendar does not cover this year."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


@functools.lru_cache(maxsize=8192)
def official_is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day by the State Council's calendar (cached: a
    lookup validates the date against the whole table)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise UnknownYear(day.year) from None


def add_working_days(start: dt.date, n: int, is_workday: IsWorkday = official_is_workday) -> dt.date:
    """The date of the ``n``-th working day counted from ``start`` (inclusive).

    >>> add_working_days(dt.date(2020, 6, 1), 5, lambda d: d.weekday() < 5)
    datetime.date(2020, 6, 5)
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    counted = 0
    while True:
        if is_workday(day):
            counted += 1
            if counted == n:
                return day
        day += dt.timedelta(days=1)


def count_working_days(start: dt.date, end: dt.date, is_workday: IsWorkday = official_is_workday) -> int:
    """How many working days lie between ``start`` and ``end``, both included."""
    count = 0
    day = start
    while day <= end:
        count += is_workday(day)
        day += dt.timedelta(days=1)
    return count


def make_calendar(holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> IsWorkday:
    """The official calendar with config.yaml's own days on top.

    A day listed in ``holidays`` is off and one in ``workdays`` is on. For a year the
    package does not know, a site that lists any day of that year is taken to have
    declared all its holidays and 调休 days; weekends are off otherwise.
    """
    off, on = frozenset(holidays), frozenset(workdays)
    declared_years = {d.year for d in off | on}

    def is_workday(day: dt.date) -> bool:
        if day in off:
            return False
        if day in on:
            return True
        try:
            return official_is_workday(day)
        except UnknownYear:
            if day.year in declared_years:
                return day.weekday() < 5
            raise

    return is_workday


def working_days_between(start: dt.date, end: dt.date, is_workday: IsWorkday = official_is_workday) -> list[dt.date]:
    """Every working day from ``start`` to ``end``, both included."""
    days = []
    day = start
    while day <= end:
        if is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days
