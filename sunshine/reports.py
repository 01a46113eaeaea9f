"""Reports over the site: compliance with the catalog, the release register, freshness,
and the numbers of the annual report.

They read the records of the current edition only, so the public edition's summary
never counts what is not public.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .compliance import Obligation, Release, obligations, stale_items
from .kinds.common import SCOPE_LABELS
from .site import Record, Site

__all__ = [
    "REGISTER_COLUMNS", "annual_numbers", "compliance", "compliance_json", "compliance_table", "compliance_years",
    "freshness", "public_summary", "register_rows", "releases",
]


def _local(site: Site, record: Record) -> dt.date:
    return record.date.astimezone(site.tz).date()


def releases(site: Site) -> list[Release]:
    """Every record of the edition that names a catalog item.

    Records published in error (gone) and corrections (which re-issue a release, not
    a new one) do not count.
    """
    out = []
    for record in site.published_records():
        item = record.fields.catalog
        if item and record.status != "gone" and not record.fields.corrects:
            out.append(Release(record.key, record.org, item, _local(site, record), record.index_no, record.title, record.fields.event_on))
    return out


def compliance(site: Site, year: int, org: str | None = None) -> list[Obligation]:
    """All obligations of ``year`` as of the build time, catalog order then org order."""
    today = site.options.now.astimezone(site.tz).date()
    found = releases(site)
    out: list[Obligation] = []
    for item in site.cfg.catalog:
        if site.options.edition == "public" and item.audience != "public":
            continue
        orgs = [o for o in site.cfg.owers(item) if org is None or o == org]
        out += obligations(item, orgs, found, year, today, site.is_workday)
    return out


@dataclass(frozen=True)
class Summary:
    on_time: int
    late: int
    missing: int
    due: int


def public_summary(site: Site, year: int) -> dict[str, Summary]:
    """Per organisation: obligations due so far this year and how they were met."""
    counts: dict[str, Counter[str]] = {}
    for ob in compliance(site, year):
        if ob.status != "upcoming":
            counts.setdefault(ob.org, Counter())[ob.status] += 1
    return {
        org: Summary(c["on_time"], c["late"], c["missing"], sum(c.values())) for org, c in counts.items()
    }


def freshness(site: Site) -> list[str]:
    """Reminders (not problems) about catalog columns that are empty or stale."""
    today = site.options.now.astimezone(site.tz).date()
    lines = []
    items = [c for c in site.cfg.catalog if site.options.edition == "internal" or c.audience == "public"]
    for item, age in stale_items(items, releases(site), today):
        if age is None:
            lines.append(f"栏目“{item.name}”（{item.id}）还没有任何公开内容")
        else:
            lines.append(f"栏目“{item.name}”（{item.id}）已 {age} 天没有更新，超过 {item.max_age_days} 天的要求")
    return lines


def register_rows(site: Site) -> list[dict[str, Any]]:
    """The release register (公开登记), oldest release first."""
    rows = []
    for record in sorted(site.published_records(), key=lambda r: (r.date, r.index_no)):
        f = record.fields
        item = site.cfg.catalog_item(f.catalog) if f.catalog else None
        approval = f.approval
        derived = record.derived
        duration = "长期"
        if hasattr(derived, "start") and hasattr(derived, "end"):
            duration = f"{derived.start.isoformat()} 至 {derived.end.isoformat()}"
        rows.append({
            "release": _local(site, record).isoformat(),
            "index_no": record.index_no,
            "title": record.title,
            "org": site.cfg.org(record.org).name,
            "item": item.name if item else "",
            "audience": SCOPE_LABELS[record.scope],
            "channel": item.channel if item else "网站",
            "duration": duration,
            "proposed_by": approval.proposed_by if approval else "",
            "reviewed_by": approval.reviewed_by if approval else "",
            "secrecy_review": ("已通过" if approval.secrecy_review else "未通过") if approval else "",
            "approved_by": approval.approved_by if approval else "",
            "approved_on": approval.approved_on.isoformat() if approval else "",
            "status": record.status,
        })
    return rows


REGISTER_COLUMNS = [
    ("release", "公开日期"), ("index_no", "索引号"), ("title", "标题"), ("org", "发布机构"), ("item", "公开事项"),
    ("audience", "公开范围"), ("channel", "公开渠道"), ("duration", "公开期限"), ("proposed_by", "提出"),
    ("reviewed_by", "审核"), ("secrecy_review", "保密审查"), ("approved_by", "审批"), ("approved_on", "审批日期"),
    ("status", "状态"),
]


def annual_numbers(site: Site, year: int) -> dict[str, Any]:
    """The computed part of the annual report (年度报告) for ``year``."""
    records = [r for r in site.published_records() if _local(site, r).year == year]
    names = site.cfg.category_names
    obligations_due = [o for o in compliance(site, year) if o.status != "upcoming"]
    on_time = sum(1 for o in obligations_due if o.status == "on_time")
    notices = [r for r in records if r.kind == "notice"]
    received = sum(r.fields.objections.received for r in notices if r.fields.objections)
    resolved = sum(r.fields.objections.resolved for r in notices if r.fields.objections)
    return {
        "year": year,
        "total": len(records),
        "by_category": sorted(Counter(names.get(r.fields.category or "", "未分类") for r in records).items()),
        "by_org": [(o.name, sum(1 for r in records if r.org == o.id)) for o in site.cfg.orgs],
        "by_kind": sorted(Counter(r.kind for r in records).items()),
        "obligations": len(obligations_due),
        "on_time": on_time,
        "late": sum(1 for o in obligations_due if o.status == "late"),
        "missing": sum(1 for o in obligations_due if o.status == "missing"),
        "on_time_rate": f"{100 * on_time / len(obligations_due):.1f}%" if obligations_due else "—",
        "notices": len(notices),
        "objections_received": received,
        "objections_resolved": resolved,
        "corrections": sum(1 for r in records if r.fields.corrects),
        "withdrawals": sum(1 for r in records if r.status == "withdrawn"),
        "gone": sum(1 for r in records if r.status == "gone"),
    }


def compliance_years(site: Site) -> list[int]:
    """The years a compliance report makes sense for, newest first."""
    now_year = site.options.now.astimezone(site.tz).year
    years = {r.date.astimezone(site.tz).year for r in site.published_records()} | {now_year}
    return sorted((y for y in years if y <= now_year), reverse=True)


def compliance_table(site: Site, found: list[Obligation]) -> str:
    """A plain-text table for the terminal, one obligation per line."""
    names = {o.id: o.label for o in site.cfg.orgs}
    items = {c.id: c.name for c in site.cfg.catalog}
    lines = ["公开事项 | 组织 | 期间 | 截止日期 | 公开记录 | 公开日期 | 情况"]
    for ob in found:
        release = ob.release
        lines.append(" | ".join([
            items[ob.item], names.get(ob.org, ob.org), ob.label, ob.due.isoformat() if ob.due else "—",
            release.index_no if release else "—", release.released.isoformat() if release else "—", ob.status_label,
        ]))
    counts = Counter(ob.status for ob in found)
    lines.append(f"共 {len(found)} 项：按时 {counts['on_time']}，逾期 {counts['late']}，未公开 {counts['missing']}，未到期 {counts['upcoming']}。")
    return "\n".join(lines)


def compliance_json(site: Site, years: list[int]) -> dict[str, Any]:
    doc: dict[str, Any] = {"as_of": site.options.now.astimezone(site.tz).isoformat(), "years": {}}
    for year in years:
        doc["years"][str(year)] = [
            {
                "item": ob.item, "org": ob.org, "period": ob.label, "due": ob.due.isoformat() if ob.due else None,
                "status": ob.status, "late_working_days": ob.late_days,
                "index_no": ob.release.index_no if ob.release else None,
                "released": ob.release.released.isoformat() if ob.release else None,
            }
            for ob in compliance(site, year)
        ]
    return doc
