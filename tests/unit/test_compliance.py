"""The catalog's cadences, due dates across holidays, and matching releases."""

from __future__ import annotations

import datetime as dt

import pytest

from sunshine.compliance import Release, obligations, stale_items
from sunshine.config import CatalogItem
from sunshine.workdays import official_is_workday

D = dt.date


def item(**kw: object) -> CatalogItem:
    base = {"id": "x", "name": "事项", "category": "other", "audience": "public", "orgs": ["a"]}
    return CatalogItem.model_validate({**base, **kw})


def rel(key: str, day: dt.date, event: dt.date | None = None, org: str = "a") -> Release:
    return Release(key, org, "x", day, f"AB-{day.year}-{key[-1:]:0>4}", key, event)


def statuses(found: list) -> list[tuple[str, str, int]]:
    return [(o.label, o.status, o.late_days) for o in found]


def test_quarterly_on_time_late_missing_upcoming() -> None:
    quarterly = item(cadence="quarterly", due_day=10)
    releases = [rel("q1", D(2020, 4, 15)), rel("q3", D(2020, 10, 9))]
    found = obligations(quarterly, ["a"], releases, 2020, D(2020, 12, 1), official_is_workday)
    assert statuses(found) == [
        ("2020年第一季度", "late", 3),  # due Fri 10 Apr; 13, 14, 15 Apr are three working days late
        ("2020年第二季度", "missing", 0),
        ("2020年第三季度", "on_time", 0),
        ("2020年第四季度", "upcoming", 0),  # due 10 Jan 2021
    ]
    assert found[3].due == D(2021, 1, 10)


def test_late_days_skip_the_national_day_holiday() -> None:
    quarterly = item(cadence="quarterly", due_day=15)
    # Q3 is due Thursday 15 Oct 2020; a release on Tuesday 20 Oct is 3 working days late
    found = obligations(quarterly, ["a"], [rel("q3", D(2020, 10, 20))], 2020, D(2020, 10, 31), official_is_workday)
    assert statuses(found)[2] == ("2020年第三季度", "late", 3)


def test_on_event_counts_working_days_after_the_event() -> None:
    on_event = item(cadence="on_event", within=5)
    # event Tue 29 Sep 2020: 5 working days are 30 Sep, 9, 10 (调休 Saturday), 12, 13 Oct
    found = obligations(on_event, ["a"], [rel("e1", D(2020, 10, 13), D(2020, 9, 29)), rel("e2", D(2020, 10, 14), D(2020, 9, 29))],
                        2020, D(2020, 12, 1), official_is_workday)
    assert [o.due for o in found] == [D(2020, 10, 13), D(2020, 10, 13)]
    assert [(o.status, o.late_days) for o in found] == [("on_time", 0), ("late", 1)]


def test_yearly_and_fixed() -> None:
    yearly = item(cadence="yearly", due="03-31")
    assert statuses(obligations(yearly, ["a", "b"], [rel("p", D(2020, 2, 20))], 2020, D(2020, 6, 1), official_is_workday)) == [
        ("2020年度", "on_time", 0), ("2020年度", "missing", 0),
    ]
    assert statuses(obligations(yearly, ["a"], [], 2020, D(2020, 3, 1), official_is_workday)) == [("2020年度", "upcoming", 0)]
    fixed = item(cadence="fixed")
    assert statuses(obligations(fixed, ["a", "b"], [rel("g", D(2020, 5, 1))], 2020, D(2020, 6, 1), official_is_workday)) == [
        ("长期公开", "on_time", 0), ("长期公开", "missing", 0),
    ]


def test_one_release_satisfies_one_quarter_only() -> None:
    quarterly = item(cadence="quarterly", due_day=15)
    found = obligations(quarterly, ["a"], [rel("r", D(2020, 4, 20))], 2020, D(2020, 8, 1), official_is_workday)
    assert [o.status for o in found] == ["late", "missing", "upcoming"]


def test_other_orgs_releases_do_not_count() -> None:
    quarterly = item(cadence="quarterly", due_day=15)
    found = obligations(quarterly, ["a"], [rel("r", D(2020, 4, 1), org="b")], 2020, D(2020, 5, 1), official_is_workday)
    assert found[0].status == "missing"


@pytest.mark.parametrize(("age", "expected"), [(10, []), (40, [30])])
def test_stale_items(age: int, expected: list[int]) -> None:
    news = item(cadence="on_event", max_age_days=30)
    empty = item(id="y", cadence="fixed")
    today = D(2020, 6, 1)
    stale = stale_items([news, empty], [rel("n", today - dt.timedelta(days=age))], today)
    assert [(i.id, a) for i, a in stale] == [*[("x", age) for _ in expected], ("y", None)]
