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
from ..workdays import (
    IsWorkday,
    UnknownYear,
    add_working_days,
    count_working_days,
    working_days_between,
)
from .common import CommonFields

NAME = "notice"
FOLDER = "notices"
LABEL = "公示公告"
TEMPLATE = "kinds/notice.html"
LIST_TEMPLATE = "lists/kind.html"
PRINT_TEMPLATE: str | None = "print/notice.html"

NoticeType = Literal["发展对象公示", "预备党员转正公示", "任前公示", "换届选举公告", "党费收缴公示", "经费公开", "一般公告"]
STATUS_LABELS = {"upcoming": "未开始", "open": "公示中", "closed": "已结束"}


class Objections(Strict):
    received: int = Field(ge=0, description="收到意见的件数")
    resolved: int = Field(ge=0, description="已核实处理的件数")
    summary: str = Field("", description="处理情况简述（不写反映人信息）")


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


class Election(Strict):
    date: dt.date = Field(description="选举大会日期")
    place: str = Field("", description="选举大会地点")
    seats: int = Field(ge=1, le=99, description="应选名额")


@dataclass(frozen=True)
class TypeRule:
    """What a notice type needs: person columns, a money table, election facts, a minimum period."""

    people: tuple[str, ...] = ()
    amounts: bool = False
    election: bool = False
    min_working_days: int = 0


TYPE_RULES: dict[str, TypeRule] = {
    "发展对象公示": TypeRule(people=("gender", "birth", "education", "applied", "activist"), min_working_days=5),
    "预备党员转正公示": TypeRule(people=("gender", "birth", "admitted"), min_working_days=5),
    "任前公示": TypeRule(people=("gender", "birth", "education", "current_post", "post"), min_working_days=5),
    "换届选举公告": TypeRule(election=True),
    "党费收缴公示": TypeRule(amounts=True),
    "经费公开": TypeRule(amounts=True),
    "一般公告": TypeRule(),
}
TYPE_SLUGS = {
    "发展对象公示": "fazhan-duixiang", "预备党员转正公示": "yubei-zhuanzheng", "任前公示": "renqian",
    "换届选举公告": "huanjie-xuanju", "党费收缴公示": "dangfei", "经费公开": "jingfei", "一般公告": "yiban",
}
PERSON_LABELS = {
    "gender": "性别", "birth": "出生年月", "education": "学历", "applied": "申请入党时间",
    "activist": "确定为积极分子时间", "admitted": "入党时间", "current_post": "现任职务", "post": "拟任职务",
}


class Fields(CommonFields):
    type: NoticeType = Field(description="公示类型")
    period: Period = Field(description="公示期")
    contact: str = Field(min_length=1, description="受理意见的联系方式：config.yaml 中 contacts 的编号")
    people: list[Person] = Field(default_factory=list, description="公示对象")
    amounts: list[Amount] = Field(default_factory=list, description="金额明细")
    total: Decimal | None = Field(None, max_digits=14, decimal_places=2, description="合计金额，须等于明细之和")
    election: Election | None = Field(None, description="换届选举：大会日期、地点、应选名额")
    objections: Objections | None = Field(None, description="公示结束后填写：收到的意见及处理情况")


@dataclass(frozen=True)
class Derived:
    start: dt.date
    end: dt.date
    working_days: int
    status: str
    status_label: str
    remaining: int
    amounts_total: Decimal
    # the build date the status holds at; None once closed, which no later date changes, so a
    # closed notice's page (most of a site) is the same on every day's build and stays cached
    as_of: dt.date | None
    workdays: tuple[dt.date, ...] = ()

    @property
    def workdays_text(self) -> str:
        """The period's working days, for the page script that recounts them."""
        return ",".join(d.isoformat() for d in self.workdays)

    @property
    def remaining_text(self) -> str:
        unit = "个工作日" if self.workdays else "天"
        return f"还剩 {self.remaining} {unit}"


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
            problems.add(path, record.line_of("total"), "total", f"合计 {f.total:,.2f} 与明细之和 {computed:,.2f} 不符", "请核对各项金额和合计", code="total-mismatch")
    elif f.total is not None:
        problems.add(path, record.line_of("total"), "total", "写了合计但没有金额明细", "请添加 amounts 明细或删除 total", code="total-mismatch")
    org_ids = site.cfg.org_ids
    for i, person in enumerate(f.people):
        if person.branch is not None and person.branch not in org_ids:
            field = f"people[{i}].branch"
            problems.add(path, record.line_of(field), field, f"未知的组织编号“{person.branch}”", suggest(person.branch, org_ids), code="unknown-org")
    try:
        _, _, days = _period_dates(f.period, site.is_workday)
    except UnknownYear as exc:
        problems.add(path, record.line_of("period"), "period", f"节假日日历不包含 {exc.year} 年，无法计算工作日", f"请在 config.yaml 的 calendar.holidays / calendar.workdays 中写明 {exc.year} 年的放假和调休日期", code="calendar-year")
        return
    _check_type(record, problems, days)


def _check_type(record: Record, problems: Problems, days: int) -> None:
    f: Fields = record.fields
    path = record.key
    rule = TYPE_RULES[f.type]
    if rule.min_working_days and days < rule.min_working_days:
        problems.add(path, record.line_of("period"), "period", f"公示期只有 {days} 个工作日，{f.type}至少 {rule.min_working_days} 个工作日", f"写成 working_days: {rule.min_working_days}，或推迟结束日期", code="period-too-short")
    if rule.people and not f.people:
        problems.add(path, record.line_of("type"), "people", f"{f.type}缺少公示对象名单", "请添加 people，每人一项", code="type-field")
    for i, person in enumerate(f.people):
        for key in rule.people:
            if getattr(person, key) in (None, ""):
                problems.add(path, record.line_of(f"people[{i}]"), f"people[{i}].{key}", f"{f.type}需要填写{PERSON_LABELS[key]}", f"请添加“{key}: …”", code="type-field")
    if rule.amounts:
        if not f.amounts:
            problems.add(path, record.line_of("type"), "amounts", f"{f.type}缺少金额明细", "请添加 amounts，每项写 item 和 amount", code="type-field")
        elif f.total is None:
            problems.add(path, record.line_of("amounts"), "total", f"{f.type}缺少合计金额", "请添加 total，等于各项之和", code="type-field")
    if rule.election:
        if f.election is None:
            problems.add(path, record.line_of("type"), "election", f"{f.type}缺少选举信息", "请添加 election: {date: 大会日期, seats: 应选名额}", code="type-field")
        elif f.people and len(f.people) < f.election.seats:
            problems.add(path, record.line_of("people"), "people", f"候选人 {len(f.people)} 名，少于应选名额 {f.election.seats} 名", "请核对候选人名单和应选名额", code="type-field")
    if f.objections and f.objections.resolved > f.objections.received:
        problems.add(path, record.line_of("objections.resolved"), "objections.resolved", "处理件数多于收到件数", "请核对", code="objections")


def _period_dates(period: Period, is_workday: IsWorkday) -> tuple[dt.date, dt.date, int]:
    """Start, end and working-day count of a period; raises UnknownYear."""
    if period.end is not None:
        try:
            return period.start, period.end, count_working_days(period.start, period.end, is_workday)
        except UnknownYear:  # the dates fix the period; only the count is unknown
            return period.start, period.end, 0
    assert period.working_days is not None
    return period.start, add_working_days(period.start, period.working_days, is_workday), period.working_days


def enrich(record: Record, site: Site) -> Derived:
    f: Fields = record.fields
    today = site.options.now.astimezone(site.tz).date()
    start, end, days = _period_dates(f.period, site.is_workday)
    try:
        workdays = tuple(working_days_between(start, end, site.is_workday))
    except UnknownYear:
        workdays = ()
    status = notice_status(start, end, today)
    remaining = sum(1 for d in workdays if d >= today) if status != "closed" else 0
    if status != "closed" and not workdays:
        remaining = (end - max(today, start)).days + 1
    total = sum((a.amount for a in f.amounts), Decimal(0))
    as_of = None if status == "closed" else today
    return Derived(start, end, days, status, STATUS_LABELS[status], remaining, total, as_of, workdays)
