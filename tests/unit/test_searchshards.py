"""The search index's shards: which pages go together (a pure function of their dates)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from sunshine.outputs.searchshards import plan_shards


def _days(year: int, month: int, n: int) -> list[dt.date]:
    return [dt.date(year, month, 1 + i % 28) for i in range(n)]


def _names(dates: list[dt.date], limit: int) -> Counter[str]:
    return Counter(s.name for s in plan_shards(dates, limit))


def test_a_small_site_is_one_shard() -> None:
    dates = _days(2018, 1, 3) + _days(2020, 6, 7)
    assert _names(dates, 10) == {"all": 10}


def test_years_then_quarters_then_months() -> None:
    dates = _days(2018, 2, 5) + _days(2019, 1, 4) + _days(2019, 5, 3) + _days(2020, 4, 7) + _days(2020, 6, 2)
    assert _names(dates, 6) == {
        "2018": 5,  # a year within the limit is one shard
        "2019q1": 4, "2019q2": 3,  # 2019 has 7: by quarter
        "2020m04": 7, "2020m06": 2,  # 2020's second quarter has 9: by month (a month over the limit stays whole)
    }


def test_the_newest_month_is_a_shard_of_its_own() -> None:
    dates = _days(2019, 3, 3) + _days(2020, 1, 3) + _days(2020, 6, 2)
    assert _names(dates, 5) == {"2019": 3, "2020": 3, "2020m06": 2}  # a new record re-indexes two pages, not five
    later = [*dates, dt.date(2020, 7, 1)]
    assert _names(later, 5) == {"2019": 3, "2020": 5, "2020m07": 1}  # June joins its year once July begins


def test_shards_sort_by_time_not_by_name() -> None:
    dates = _days(2019, 1, 3) + _days(2019, 4, 4) + _days(2019, 5, 4) + _days(2020, 1, 1)
    order = sorted(set(plan_shards(dates, 5)))
    assert [s.name for s in order] == ["2019q1", "2019m04", "2019m05", "2020m01"]


@given(st.lists(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=300), st.integers(1, 50))
def test_a_shard_is_a_span_of_time_and_pages_are_placed_by_date_alone(dates: list[dt.date], limit: int) -> None:
    plan = plan_shards(dates, limit)
    assert len(plan) == len(dates)
    assert plan_shards(dates[::-1], limit)[::-1] == plan  # order of pages does not matter
    for date, shard in zip(dates, plan, strict=True):
        if shard.name != "all":
            assert shard.name.startswith(str(date.year)) and shard.start <= (date.year, date.month)
    if len(dates) > limit:  # the newest month alone in its shard, the top one
        newest = max((d.year, d.month) for d in dates)
        top = max(plan)
        assert {d for d, shard in zip(dates, plan, strict=True) if shard == top} == {d for d in dates if (d.year, d.month) == newest}
    # a shard over the limit is a single month
    for name, count in Counter(s.name for s in plan).items():
        assert count <= limit or name[4:5] == "m", (name, count)
