"""Public notices (公示/公告): period, status as of the build, objections contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from ..problems import Problems, suggest
from ..schema import Strict
from ..site import Record, Site
from ..workdays import UnknownYear, add_working_days, count_working_days
from .common import CommonFields

NAME = "notice"
FOLDER = "notices"
LABEL = "公示公告"
TEMPLATE = "kinds/notice.html"
LIST_TEMPLATE = "lists/kind.html"
PRINT_TEMPLATE: str | None = "print/notice.html"

NoticeType = Literal["发展对象公示", "预备党员转正公示", "任前公示", "换届选举公告", "党费收缴公示", "经费公开", "一般公告"]
STATUS_LABELS = {"upcoming": "未开始", "open": "公示中", "closed": "已结束"}


class Period(Strict):
    start: dt.date = Field(description="公示开始日期")
    end: dt.date | None = Field(None, description="公示结束日期（与 working_days 二选一）")
    working_days: int | None = Field(None, ge=1, le=60, description="公示期：工作日天数（与 end 二选一）")

    @model_validator(mode="after")
    def _one_of(self) -> Period:
        if (self.end is None) == (self.working_days is None):
            raise ValueError("公示期要写 end（结束日期）或 working_days（工作日数）其中之一|例如 working_days: 5")
        if self.end is not None and self.end < self.start:
            raise ValueError("结束日期早于开始日期|请核对 start 和 end")
        return self


class Person(Strict):
    name: str = Field(min_length=1, description="姓名")
    gender: Literal["男", "女"] | None = Field(None, description="性别")
    birth: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="出生年月，如 1990-05")
    ethnicity: str = Field("", description="民族")
    education: str = Field("", description="学历")
    branch: str | None = Field(None, description="所在党支部的组织编号")
    applied: dt.date | None = Field(None, description="申请入党时间")
    activist: dt.date | None = Field(None, description="确定为入党积极分子时间")
    candidate: dt.date | None = Field(None, description="确定为发展对象时间")
    admitted: dt.date | None = Field(None, description="入党时间")
    post: str = Field("", description="拟任职务")
    current_post: str = Field("", description="现任职务")
    introducers: list[str] = Field(default_factory=list, description="入党介绍人")
    note: str = Field("", description="备注")


class Amount(Strict):
    item: str = Field(min_length=1, description="项目")
    amount: Decimal = Field(max_digits=14, decimal_places=2, description="金额（元）")
    note: str = Field("", description="备注")


class Fields(CommonFields):
    type: NoticeType = Field(description="公示类型")
    period: Period = Field(description="公示期")
    contact: str = Field(min_length=1, description="受理意见的联系方式：config.yaml 中 contacts 的编号")
    people: list[Person] = Field(default_factory=list, description="公示对象")
    amounts: list[Amount] = Field(default_factory=list, description="金额明细")
    total: Decimal | None = Field(None, max_digits=14, decimal_places=2, description="合计金额，须等于明细之和")


@dataclass(frozen=True)
class Derived:
    start: dt.date
    end: dt.date
    working_days: int
    status: str
    status_label: str
    remaining: int
    amounts_total: Decimal
    as_of: dt.date


def notice_status(start: dt.date, end: dt.date, today: dt.date) -> str:
    """upcoming before ``start``, open from ``start`` to ``end`` inclusive, then closed."""
    if today < start:
        return "upcoming"
    return "open" if today <= end else "closed"


def check(record: Record, site: Site, problems: Problems) -> None:
    f: Fields = record.fields
    path = record.key
    if f.category is None:
        problems.add(path, record.line_of("title"), "category", "缺少主题分类", "请添加“category: …”", code="missing")
    contacts = site.cfg.contact_map
    if f.contact not in contacts:
        problems.add(path, record.line_of("contact"), "contact", f"未知的联系方式“{f.contact}”", suggest(f.contact, contacts), code="unknown-contact")
    if f.amounts:
        computed = sum((a.amount for a in f.amounts), Decimal(0))
        if f.total is not None and f.total != computed:
            problems.add(path, record.line_of("total"), "total", f"合计 {f.total} 与明细之和 {computed} 不符", "请核对各项金额和合计", code="total-mismatch")
    elif f.total is not None:
        problems.add(path, record.line_of("total"), "total", "写了合计但没有金额明细", "请添加 amounts 明细或删除 total", code="total-mismatch")
    org_ids = site.cfg.org_ids
    for i, person in enumerate(f.people):
        if person.branch is not None and person.branch not in org_ids:
            field = f"people[{i}].branch"
            problems.add(path, record.line_of(field), field, f"未知的组织编号“{person.branch}”", suggest(person.branch, org_ids), code="unknown-org")
    try:
        _period_dates(f.period)
    except UnknownYear as exc:
        problems.add(path, record.line_of("period"), "period", f"节假日日历不包含 {exc.year} 年，无法计算工作日", "请改写结束日期 end，或在 config.yaml 中补充该年节假日", code="calendar-year")


def _period_dates(period: Period) -> tuple[dt.date, dt.date, int]:
    if period.end is not None:
        try:
            days = count_working_days(period.start, period.end)
        except UnknownYear:
            days = 0
        return period.start, period.end, days
    assert period.working_days is not None
    return period.start, add_working_days(period.start, period.working_days), period.working_days


def enrich(record: Record, site: Site) -> Derived:
    f: Fields = record.fields
    today = site.options.now.astimezone(site.tz).date()
    start, end, days = _period_dates(f.period)
    status = notice_status(start, end, today)
    remaining = 0
    if status != "closed":
        try:
            remaining = count_working_days(max(today, start), end)
        except UnknownYear:
            remaining = (end - max(today, start)).days + 1
    total = sum((a.amount for a in f.amounts), Decimal(0))
    return Derived(start, end, days, status, STATUS_LABELS[status], remaining, total, today)
