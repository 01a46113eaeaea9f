"""Fields every record has (sunshine.kinds.common): times, scope, shared checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import NOTICE, build_in_memory, build_site, make_site

from sunshine.kinds.common import to_aware
from sunshine.problems import BuildFailed

BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_date_means_midnight_in_site_time() -> None:
    assert to_aware(dt.date(2020, 6, 15), BEIJING) == dt.datetime(2020, 6, 15, tzinfo=BEIJING)


def test_a_naive_time_is_site_time_never_utc() -> None:
    aware = to_aware(dt.datetime(2020, 6, 15, 8, 0), BEIJING)
    assert aware.utcoffset() == dt.timedelta(hours=8)
    assert aware == dt.datetime(2020, 6, 15, 0, 0, tzinfo=dt.UTC)


def test_an_aware_time_keeps_its_offset() -> None:
    value = dt.datetime(2020, 6, 15, 1, 30, tzinfo=dt.UTC)
    assert to_aware(value, BEIJING) is value


def _dated(date: str, extra: str = "") -> str:
    return NOTICE.replace("date: 2020-06-01\n", f"date: {date}\n{extra}")


@pytest.mark.parametrize(
    ("date", "now", "published"),
    [
        ("2020-06-15 08:00:00", "2020-06-15T09:00", True),  # 08:00 Beijing, built 09:00 Beijing
        ("2020-06-15 08:00:00", "2020-06-15T07:59", False),
        ("2020-06-15 08:00:00", "2020-06-15T00:30:00+00:00", True),  # 08:30 Beijing
        ("2020-06-15T01:30:00Z", "2020-06-15T09:00", False),  # 09:30 Beijing
        ("2020-06-15T01:30:00Z", "2020-06-15T09:30", True),
        ("2020-06-15", "2020-06-15T00:00", True),
        ("2020-06-16", "2020-06-15T23:59", False),
    ],
)
def test_publication_time_is_beijing_time(tmp_path: Path, date: str, now: str, published: bool) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": _dated(date)})
    site, files = build_site(root, now=now)
    assert (site.published == ["content/notices/a.md"]) is published
    assert ("notices/a/index.html" in files) is published


def test_publish_at_holds_a_record_back(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": _dated("2020-06-01", "publish_at: 2020-06-15 09:00:00\n")})
    assert "notices/a/index.html" not in build_in_memory(root, now="2020-06-15T08:59")
    assert "notices/a/index.html" in build_in_memory(root, now="2020-06-15T09:00")


@pytest.mark.parametrize("scope", ["party", "restricted"])
def test_only_public_records_in_the_public_edition(tmp_path: Path, scope: str) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE.replace("scope: public", f"scope: {scope}")})
    assert "notices/a/index.html" not in build_in_memory(root)
    assert "notices/a/index.html" in build_in_memory(root, edition="internal")


def test_problems_of_several_files_are_all_reported(tmp_path: Path) -> None:
    root = make_site(tmp_path, {
        "content/notices/a.md": NOTICE.replace("org: town", "org: nowhere"),
        "content/notices/b.md": NOTICE.replace("category: service", "category: nothing").replace("0001", "0002"),
        "content/notices/c.md": NOTICE.replace("date: 2020-06-01", "date: 2020-02-30").replace("0001", "0003"),
    })
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root)
    found = [(p.path, p.line, p.field) for p in info.value.problems.sorted()]
    assert found == [
        ("content/notices/a.md", 3, "org"),
        ("content/notices/b.md", 6, "category"),
        ("content/notices/c.md", 4, "date"),
    ]


def test_secrecy_review_must_pass_for_public_records(tmp_path: Path) -> None:
    approval = (
        "approval:\n  proposed_by: 组织办\n  reviewed_by: 组织委员\n  approved_by: 镇党委\n"
        "  approved_on: 2020-05-29\n  secrecy_review: false\n"
    )
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE.replace("type: 一般公告\n", approval + "type: 一般公告\n")})
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root)
    (problem,) = info.value.problems.errors
    assert (problem.line, problem.field) == (13, "approval.secrecy_review")


def test_missing_index_number_is_a_provisional_warning(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE.replace("index_no: QXZ-2020-0001\n", "")})
    site, _ = build_site(root)
    (warning,) = site.problems.warnings
    assert warning.field == "index_no"
    assert "QXZ-2020-0001" in warning.hint
    assert site.records["content/notices/a.md"].index_no == "QXZ-2020-0001"
    with pytest.raises(BuildFailed):
        build_in_memory(root, strict=True)
