"""Read-only views of the model for templates and outputs.

Templates never see live records: they get :class:`RecordView` objects (frozen)
and plain values. Formatting helpers used as Jinja filters live here too.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .kinds import KINDS
from .kinds.common import SCOPE_LABELS
from .site import Attachment, Record, Site

__all__ = ["RecordView", "cn_date", "cn_range", "excerpt", "money", "record_view"]


def cn_date(value: dt.date | dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """2020年6月1日 (a datetime is shown in the site time zone)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and tz is not None:
        value = value.astimezone(tz)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_range(start: dt.date, end: dt.date) -> str:
    """2020年6月1日至6月5日; the year is repeated only when it changes."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else cn_date(end)
    return f"{cn_date(start)}至{tail}"


def money(value: Decimal | float | int) -> str:
    """¥1,234.50"""
    return f"¥{Decimal(str(value)):,.2f}"


def excerpt(text: str, limit: int = 120) -> str:
    """Plain text from HTML or Markdown, cut by characters (Chinese has no word breaks)."""
    plain = re.sub(r"<[^>]+>", "", text)
    plain = re.sub(r"[#>*_`|\[\]()-]+", " ", html.unescape(plain))
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


@dataclass(frozen=True)
class LinkView:
    title: str
    url: str
    index_no: str


@dataclass(frozen=True)
class RecordView:
    key: str
    kind: str
    kind_label: str
    title: str
    url: str
    path: str
    org_id: str
    org_name: str
    org_url: str
    date: dt.datetime
    index_no: str
    category: str
    category_id: str
    doc_no: str
    written: dt.date | None
    status: str
    withdrawn_reason: str
    withdrawn_on: dt.date | None
    scope: str
    scope_label: str
    summary: str
    description: str
    fields: Any
    derived: Any
    attachments: tuple[Attachment, ...]
    html: str = ""
    toc: tuple[dict[str, Any], ...] = ()
    corrects: LinkView | None = None
    corrected_by: tuple[LinkView, ...] = field(default_factory=tuple)
    history: tuple[tuple[dt.date, str, str], ...] = ()

    @property
    def year(self) -> int:
        return self.date.year


def record_view(
    record: Record, site: Site, html_body: str = "", toc: tuple[dict[str, Any], ...] = (),
    links: dict[str, LinkView] | None = None, corrected_by: tuple[LinkView, ...] = (),
) -> RecordView:
    cfg = site.cfg
    f = record.fields
    prefix = cfg.path_prefix
    org = cfg.org(record.org)
    date = record.date.astimezone(site.tz)
    summary = str(f.summary)
    return RecordView(
        key=record.key,
        kind=record.kind,
        kind_label=KINDS[record.kind].LABEL,
        title=record.title,
        url=prefix + record.url,
        path=record.url,
        org_id=org.id,
        org_name=org.name,
        org_url=f"{prefix}orgs/{org.id}/",
        date=date,
        index_no=record.index_no,
        category=cfg.category_names.get(f.category or "", ""),
        category_id=f.category or "",
        doc_no=f.doc_no,
        written=f.written,
        status=record.status,
        withdrawn_reason=f.withdrawn_reason,
        withdrawn_on=f.withdrawn_on,
        scope=record.scope,
        scope_label=SCOPE_LABELS[record.scope],
        summary=summary,
        description=summary or excerpt(html_body or record.body) or record.title,
        fields=f,
        derived=record.derived,
        attachments=tuple(record.attachments),
        html=html_body,
        toc=toc,
        corrects=(links or {}).get(f.corrects or ""),
        corrected_by=corrected_by,
        history=_history(record, site),
    )


def _history(record: Record, site: Site) -> tuple[tuple[dt.date, str, str], ...]:
    """(date, note, short content hash), newest first: front-matter notes win over git.

    Only revisions made by the build time count, so a build "as of" a past date
    shows the history as it stood then.
    """
    if record.fields.changes:
        return tuple((c.date, c.note, "") for c in sorted(record.fields.changes, key=lambda c: c.date, reverse=True))
    tz = site.tz
    now = site.options.now
    return tuple(
        (r.when.astimezone(tz).date(), r.note, r.blob) for r in site.history.get(record.key, []) if r.when <= now
    )
