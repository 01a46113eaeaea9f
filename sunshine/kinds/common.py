"""Fields every record has, and the checks that apply to all kinds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Field, StrictBool, model_validator

from ..options import SCOPES
from ..problems import Problems, suggest
from ..schema import Strict
from ..site import Record, Site

__all__ = [
    "INDEX_PATTERN",
    "Approval",
    "AttachmentRef",
    "CommonFields",
    "check_common",
    "to_aware",
]

INDEX_PATTERN = r"^[A-Z]{2,6}-\d{4}-\d{4}$"
CLOSES_PATTERN = r"^[A-Z]{2,6}-\d{4}-\d{4}#[a-z0-9][a-z0-9-]*$"
Scope = Literal["public", "party", "restricted"]
DateOrTime = dt.date | dt.datetime
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="网址名：小写字母、数字和连字符")]

SCOPE_LABELS = dict(zip(SCOPES, ["向社会公开", "党内公开", "限定范围公开"], strict=True))
STATUS_LABELS = {"active": "有效", "withdrawn": "已撤回", "gone": "已删除"}


class Approval(Strict):
    """提出、审核（含保密审查）、审批."""

    proposed_by: str = Field(min_length=1, description="提出部门")
    reviewed_by: str = Field(min_length=1, description="审核部门")
    approved_by: str = Field(min_length=1, description="审批组织")
    approved_on: dt.date = Field(description="审批日期")
    secrecy_review: StrictBool = Field(description="是否已通过保密审查")


class AttachmentRef(Strict):
    file: str = Field(min_length=1, description="附件文件名（与 index.md 同一文件夹）")
    title: str = Field("", description="附件标题")


class AllowPersonal(Strict):
    value: str = Field(min_length=1, description="允许公开的具体值")
    reason: str = Field(min_length=2, description="允许的理由")


class ChangeNote(Strict):
    date: dt.date = Field(description="修改日期")
    note: str = Field(min_length=2, description="对外公布的修改说明")


class CommonFields(Strict):
    title: str = Field(min_length=1, max_length=200, description="标题")
    org: str = Field(min_length=1, description="发布机构：config.yaml 中的组织编号")
    date: DateOrTime = Field(description="发布日期；不带时区按北京时间")
    scope: Scope = Field(description="公开范围：public 向社会公开，party 党内公开，restricted 限定范围公开")
    category: str | None = Field(None, description="主题分类：config.yaml 中的分类编号")
    index_no: str | None = Field(None, pattern=INDEX_PATTERN, description="索引号，如 QXZ-2020-0007")
    doc_no: str = Field("", description="文号，如 青委〔2020〕5号")
    written: dt.date | None = Field(None, description="成文日期")
    event_on: dt.date | None = Field(None, description="事项发生日期（按事后限期公开的事项用来计算是否按时）")
    publish_at: DateOrTime | None = Field(None, description="定时发布：此时刻之前不公开")
    status: Literal["active", "withdrawn", "gone"] = Field("active", description="状态：active 有效，withdrawn 撤回，gone 错发删除")
    withdrawn_reason: str = Field("", description="撤回或删除的原因")
    withdrawn_on: dt.date | None = Field(None, description="撤回日期")
    corrects: str | None = Field(None, pattern=INDEX_PATTERN, description="本文更正的记录的索引号")
    summary: str = Field("", max_length=300, description="内容概述")
    slug: Slug | None = Field(None, description="网址名")
    aliases: list[str] = Field(default_factory=list, description="旧网址，自动跳转到本页")
    attachments: list[AttachmentRef] = Field(default_factory=list, description="附件")
    tags: list[str] = Field(default_factory=list, description="标签")
    catalog: str | None = Field(None, description="公开目录事项编号")
    approval: Approval | None = Field(None, description="审批记录")
    closes: list[Annotated[str, Field(pattern=CLOSES_PATTERN)]] = Field(default_factory=list, description="本记录完成的考评整改：考评索引号#组织编号，如 QXZ-2020-0006#beiwu")
    changes: list[ChangeNote] = Field(default_factory=list, description="修订说明；写了则代替提交记录显示在修订记录中")
    allow_personal: list[AllowPersonal] = Field(default_factory=list, description="经批准可公开的个人信息")

    @model_validator(mode="after")
    def _reason_needed(self) -> CommonFields:
        if self.status != "active" and not self.withdrawn_reason.strip():
            raise ValueError(
                f"withdrawn_reason@status::状态为 {self.status} 时必须写明原因|请添加“withdrawn_reason: 撤回原因”"
            )
        return self


def to_aware(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A date means its midnight; a time without offset is site time, never UTC."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    return dt.datetime(value.year, value.month, value.day, tzinfo=tz)


def check_common(record: Record, site: Site, problems: Problems) -> None:
    """Checks every kind shares: ids exist, numbers match, dates agree."""
    f = record.fields
    cfg = site.cfg
    path = record.key

    def add(field: str, message: str, hint: str, code: str, severity: Literal["error", "warning"] = "error") -> None:
        problems.add(path, record.line_of(field), field, message, hint, code=code, severity=severity)

    org_ids = cfg.org_ids
    if f.org not in org_ids:
        add("org", f"未知的组织编号“{f.org}”", suggest(f.org, org_ids), "unknown-org")
    categories = cfg.category_names
    if f.category is not None and f.category not in categories:
        add("category", f"未知的主题分类“{f.category}”", suggest(f.category, categories), "unknown-category")
    if f.index_no and f.org in org_ids:
        code, year, _ = f.index_no.split("-")
        org = cfg.org(f.org)
        if code != org.code:
            add("index_no", f"索引号代码“{code}”与发布机构不符", f"{org.name}的代码是 {org.code}", "index-code")
        if int(year) != record.date.year:
            add("index_no", f"索引号年份 {year} 与发布日期年份 {record.date.year} 不符", "索引号中的年份应为发布年份", "index-year")
    if f.written and f.written > record.date.date():
        add("written", "成文日期晚于发布日期", "请核对成文日期和发布日期", "written-after-date")
    if f.approval and f.approval.approved_on > record.date.date():
        add("approval.approved_on", "审批日期晚于发布日期", "先审批后公开：请核对日期", "approved-after-date")
    if f.approval is None and f.scope == "public" and problems.strict:  # CI's --strict build refuses it
        add("approval", "向社会公开的记录缺少审批记录", "请添加 approval：proposed_by 提出、reviewed_by 审核、approved_by 审批、approved_on 审批日期、secrecy_review: true", "no-approval", "warning")
    if f.approval and not f.approval.secrecy_review and f.scope == "public":
        add("approval.secrecy_review", "向社会公开的记录未通过保密审查", "保密审查通过后改为 true", "secrecy-review")
    _check_catalog(record, site, add)
    for i, alias in enumerate(f.aliases):
        if not alias.startswith("/") or ".." in alias or "//" in alias or "?" in alias or "#" in alias:
            add(f"aliases[{i}]", f"旧网址“{alias}”格式不对", "写成以“/”开头的站内路径，如 /old/notice-1/", "alias")


def _check_catalog(record: Record, site: Site, add: Callable[..., None]) -> None:
    """The record names a catalog item that exists, fits its kind and may be this public."""
    cfg = site.cfg
    f = record.fields
    if not cfg.catalog or record.kind == "page":
        return
    if f.catalog is None:
        add("catalog", "未指定公开目录事项", "请添加“catalog: 事项编号”，见 config.yaml 的 catalog", "no-catalog", "warning")
        return
    item = cfg.catalog_item(f.catalog)
    if item is None:
        add("catalog", f"未知的公开目录事项“{f.catalog}”", suggest(f.catalog, [c.id for c in cfg.catalog]), "unknown-catalog")
        return
    if f.scope == "public" and item.audience != "public":
        add("scope", f"事项“{item.name}”只在{SCOPE_LABELS[item.audience]}，不能向社会公开", f"改为“scope: {item.audience}”，或选择向社会公开的事项", "scope-catalog")
    if item.kinds and record.kind not in item.kinds:
        add("catalog", f"事项“{item.name}”不由这类记录公开", "可选的记录类别：" + "、".join(item.kinds), "catalog-kind")
    notice_type = getattr(f, "type", None)
    if item.types and notice_type not in item.types:
        add("catalog", f"事项“{item.name}”应以{'、'.join(item.types)}公开", "请核对 type 或 catalog", "catalog-kind")
    if f.org in cfg.org_ids and f.org not in cfg.owers(item):
        add("catalog", f"事项“{item.name}”不是本组织应公开的事项", "请核对 org 或 catalog", "catalog-org", "warning")
