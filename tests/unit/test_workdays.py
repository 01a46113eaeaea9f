"""Working days on the official calendar (sunshine.workdays)."""

from __future__ import annotations

import datetime as dt

import pytest

from sunshine.workdays import (
    UnknownYear,
    add_working_days,
    count_working_days,
    make_calendar,
    official_is_workday,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2020, 9, 27), True),  # Sunday, adjusted working day (调休上班)
        (D(2020, 9, 30), True),
        *[(D(2020, 10, d), False) for d in range(1, 9)],  # National Day + Mid-Autumn
        (D(2020, 10, 9), True),
        (D(2020, 10, 10), True),  # Saturday, adjusted working day
        (D(2020, 10, 11), False),  # an ordinary Sunday
        (D(2020, 6, 15), True),
        (D(2020, 6, 25), False),  # Dragon Boat Festival
        (D(2021, 1, 1), False),
    ],
)
def test_official_calendar(day: dt.date, working: bool) -> None:
    assert official_is_workday(day) is working


def test_add_working_days_over_national_day() -> None:
    assert add_working_days(D(2020, 9, 30), 1) == D(2020, 9, 30)
    assert add_working_days(D(2020, 9, 30), 2) == D(2020, 10, 9)
    assert add_working_days(D(2020, 9, 30), 3) == D(2020, 10, 10)
    assert add_working_days(D(2020, 10, 1), 1) == D(2020, 10, 9)


def test_add_working_days_counts_an_adjusted_sunday() -> None:
    assert add_working_days(D(2020, 9, 26), 1) == D(2020, 9, 27)
    assert add_working_days(D(2020, 9, 26), 4) == D(2020, 9, 30)
    assert add_working_days(D(2020, 9, 26), 5) == D(2020, 10, 9)


def test_count_working_days_over_national_day() -> None:
    # 9-27 (Sunday, worked), 9-28, 9-29, 9-30, 10-9, 10-10 (Saturday, worked)
    assert count_working_days(D(2020, 9, 26), D(2020, 10, 11)) == 6
    assert count_working_days(D(2020, 10, 1), D(2020, 10, 8)) == 0
    assert working_days_between(D(2020, 10, 8), D(2020, 10, 11)) == [D(2020, 10, 9), D(2020, 10, 10)]


def test_period_over_new_year() -> None:
    # 12-30, 12-31, (1-1 holiday, 1-2 and 1-3 weekend), 1-4, 1-5, 1-6
    end = add_working_days(D(2020, 12, 30), 5)
    assert end == D(2021, 1, 6)
    assert count_working_days(D(2020, 12, 30), end) == 5


def test_count_is_inclusive_and_empty_when_reversed() -> None:
    assert count_working_days(D(2020, 6, 15), D(2020, 6, 15)) == 1
    assert count_working_days(D(2020, 6, 16), D(2020, 6, 15)) == 0


def test_add_working_days_needs_at_least_one() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2020, 6, 15), 0)


def test_unknown_year_raises() -> None:
    with pytest.raises(UnknownYear) as info:
        add_working_days(D(2035, 1, 2), 5)
    assert info.value.year == 2035
    with pytest.raises(UnknownYear):
        count_working_days(D(2035, 1, 2), D(2035, 1, 8))


def test_a_period_running_into_an_unknown_year_raises() -> None:
    with pytest.raises(UnknownYear) as info:
        count_working_days(D(2026, 12, 28), D(2027, 1, 8))
    assert info.value.year == 2027


def test_make_calendar_overrides_and_declared_years() -> None:
    is_workday = make_calendar(holidays=[D(2020, 6, 16), D(2035, 2, 1)], workdays=[D(2020, 6, 21)])
    assert is_workday(D(2020, 6, 16)) is False  # a local day off
    assert is_workday(D(2020, 6, 21)) is True  # a Sunday made a working day
    assert is_workday(D(2020, 6, 17)) is True
    assert is_workday(D(2035, 2, 1)) is False
    assert is_workday(D(2035, 2, 2)) is True  # a declared year: weekdays work
    assert is_workday(D(2035, 2, 3)) is False  # Saturday
    with pytest.raises(UnknownYear):
        is_workday(D(2036, 2, 2))
