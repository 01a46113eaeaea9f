"""Each notice type's required fields and minimum period, as located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_site

from sunshine.cli import parse_now
from sunshine.pipeline import build_in_memory
from sunshine.problems import BuildFailed
from sunshine.site import BuildOptions

HEAD = """---
title: 测试公示
org: town
date: 2020-06-01
scope: public
category: organization
index_no: QXZ-2020-0001
type: {type}
period: {{start: 2020-06-01, {period}}}
contact: town-org-office
{extra}---
正文。
"""

PERSON = "people:\n  - {name: 陈某某, gender: 男, birth: '1990-05', education: 大专, applied: 2018-03-01, activist: 2018-09-01, admitted: 2019-06-01, current_post: 村委委员, post: 支部副书记}\n"


def _problems(tmp_path: Path, type_: str, extra: str = "", period: str = "working_days: 5") -> list[tuple[str, str]]:
    root = make_site(tmp_path, {"content/notices/a.md": HEAD.format(type=type_, extra=extra, period=period)})
    try:
        build_in_memory(BuildOptions(root=root, now=parse_now("2020-06-15", {}), history=False), search=False)
    except BuildFailed as failed:
        return [(p.field, p.message) for p in failed.problems.errors]
    return []


@pytest.mark.parametrize(("type_", "field", "message"), [
    ("发展对象公示", "people", "发展对象公示缺少公示对象名单"),
    ("预备党员转正公示", "people", "预备党员转正公示缺少公示对象名单"),
    ("任前公示", "people", "任前公示缺少公示对象名单"),
    ("换届选举公告", "election", "换届选举公告缺少选举信息"),
    ("党费收缴公示", "amounts", "党费收缴公示缺少金额明细"),
    ("经费公开", "amounts", "经费公开缺少金额明细"),
])
def test_missing_table_of_a_type(tmp_path: Path, type_: str, field: str, message: str) -> None:
    assert (field, message) in _problems(tmp_path, type_)


def test_every_type_passes_with_its_fields(tmp_path: Path) -> None:
    extras = {
        "发展对象公示": PERSON, "预备党员转正公示": PERSON, "任前公示": PERSON,
        "换届选举公告": "election: {date: 2020-06-10, seats: 1}\n" + PERSON,
        "党费收缴公示": "amounts: [{item: 一季度, amount: 100.50}]\ntotal: 100.50\n",
        "经费公开": "amounts: [{item: 学习资料, amount: 20}]\ntotal: 20\n",
        "一般公告": "",
    }
    for i, (type_, extra) in enumerate(extras.items()):
        assert _problems(tmp_path / str(i), type_, extra) == [], type_


def test_person_columns_a_type_needs(tmp_path: Path) -> None:
    found = _problems(tmp_path, "任前公示", "people:\n  - {name: 陈某某, gender: 男, birth: '1990-05'}\n")
    assert ("people[0].education", "任前公示需要填写学历") in found
    assert ("people[0].current_post", "任前公示需要填写现任职务") in found
    assert ("people[0].post", "任前公示需要填写拟任职务") in found


def test_minimum_working_days(tmp_path: Path) -> None:
    # 2020-06-01..06-03 is three working days; a member-development notice needs five
    found = _problems(tmp_path, "发展对象公示", PERSON, "end: 2020-06-03")
    assert ("period", "公示期只有 3 个工作日，发展对象公示至少 5 个工作日") in found


def test_amount_total_without_rows(tmp_path: Path) -> None:
    assert ("total", "写了合计但没有金额明细") in _problems(tmp_path, "一般公告", "total: 10\n")


def test_fewer_candidates_than_seats(tmp_path: Path) -> None:
    found = _problems(tmp_path, "换届选举公告", "election: {date: 2020-06-10, seats: 3}\n" + PERSON)
    assert ("people", "候选人 1 名，少于应选名额 3 名") in found
