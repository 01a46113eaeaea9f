"""Notices (sunshine.kinds.notice): status on a date, periods, amounts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import NOTICE, build_in_memory, build_site, make_site

from sunshine.kinds.notice import notice_status
from sunshine.problems import BuildFailed

D = dt.date


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2020, 5, 31), "upcoming"),
        (D(2020, 6, 1), "open"),
        (D(2020, 6, 3), "open"),
        (D(2020, 6, 5), "open"),
        (D(2020, 6, 6), "closed"),
    ],
)
def test_notice_status(today: dt.date, status: str) -> None:
    assert notice_status(D(2020, 6, 1), D(2020, 6, 5), today) == status


def _notice(period: str, extra: str = "") -> str:
    return NOTICE.replace("period:\n  start: 2020-06-01\n  end: 2020-06-05\n", period + extra)


def test_working_days_period_ends_after_the_holiday(tmp_path: Path) -> None:
    text = _notice("period:\n  start: 2020-09-30\n  working_days: 5\n").replace("date: 2020-06-01", "date: 2020-09-30")
    root = make_site(tmp_path, {"content/notices/a.md": text.replace("QXZ-2020-0001", "QXZ-2020-0002")})
    site, files = build_site(root, now="2020-10-09T10:00")
    derived = next(iter(site.records.values())).derived
    # 9-30, (10-1..10-8 off), 10-9, 10-10 (Saturday, worked), 10-12, 10-13
    assert (derived.start, derived.end, derived.working_days) == (D(2020, 9, 30), D(2020, 10, 13), 5)
    assert (derived.status, derived.remaining) == ("open", 4)
    page = files["notices/a/index.html"].decode()
    assert "2020年9月30日至10月13日" in page


def test_status_uses_the_build_date_in_beijing(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE})
    # 2020-06-05 17:00 UTC is already 2020-06-06 in Beijing: the notice has closed
    site, _ = build_site(root, now="2020-06-05T17:00:00+00:00")
    assert next(iter(site.records.values())).derived.status == "closed"
    site, _ = build_site(root, now="2020-06-05T15:00:00+00:00")
    assert next(iter(site.records.values())).derived.status == "open"


def test_a_closed_notice_page_is_the_same_on_every_later_day(tmp_path: Path) -> None:
    """The 截至 date shows while the status can still change; a closed notice's page does
    not change from one day's build to the next (so it stays cached and indexed)."""
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE})  # 2020-06-01..05
    site, open_files = build_site(root, now="2020-06-03T10:00")
    assert next(iter(site.records.values())).derived.as_of == D(2020, 6, 3)
    assert "（截至 2020年6月3日）" in open_files["notices/a/index.html"].decode()
    pages = [build_site(root, now=f"2020-{day}T10:00")[1]["notices/a/index.html"] for day in ("06-08", "06-09", "12-31")]
    assert pages[0] == pages[1] == pages[2]
    assert "已结束" in pages[0].decode() and "截至" not in pages[0].decode()


def test_amounts_add_up_exactly(tmp_path: Path) -> None:
    amounts = "amounts:\n  - {item: 甲, amount: 0.10}\n  - {item: 乙, amount: 0.20}\ntotal: 0.30\n"
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE.replace("contact: town-org-office\n", "contact: town-org-office\n" + amounts)})
    assert "notices/a/index.html" in build_in_memory(root)


def test_total_mismatch_names_both_sums(tmp_path: Path) -> None:
    amounts = "amounts:\n  - {item: 甲, amount: 1236.00}\n  - {item: 乙, amount: 986.50}\ntotal: 2220.50\n"
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE.replace("contact: town-org-office\n", "contact: town-org-office\n" + amounts)})
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root)
    (problem,) = info.value.problems.errors
    assert (problem.field, problem.line, problem.code) == ("total", 16, "total-mismatch")
