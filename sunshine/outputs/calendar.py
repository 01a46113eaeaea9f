"""iCalendar (RFC 5545) files for notice periods: one per notice and the open ones."""

from __future__ import annotations

import datetime as dt

from ..site import Site
from ..views import RecordView

__all__ = ["notice_calendars"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _event(site: Site, v: RecordView) -> list[str]:
    base = site.cfg.absolute_base or site.cfg.path_prefix
    host = (site.cfg.absolute_base.split("/")[2] if site.cfg.absolute_base else "sunshine.local")
    end = v.derived.end + dt.timedelta(days=1)
    return [
        "BEGIN:VEVENT",
        f"UID:{v.index_no}@{host}",
        f"DTSTAMP:{v.date.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",  # when the notice was published: stable between builds
        f"DTSTART;VALUE=DATE:{v.derived.start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end:%Y%m%d}",
        f"SUMMARY:{_escape('公示期：' + v.title)}",
        f"DESCRIPTION:{_escape(v.org_name + '。如有异议，请在公示期内反映。')}",
        f"URL:{base}{v.path}",
        "END:VEVENT",
    ]


def _calendar(site: Site, views: list[RecordView], name: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Sunshine//阳光党务//ZH", "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(name)}"]
    for v in views:
        lines += _event(site, v)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def notice_calendars(site: Site, views: list[RecordView]) -> dict[str, bytes]:
    """``notices/SLUG/notice.ics`` for each notice and ``notices/open.ics`` for open ones."""
    notices = sorted((v for v in views if v.kind == "notice" and v.status == "active"), key=lambda v: v.index_no)
    files = {f"{v.path}notice.ics": _calendar(site, [v], v.title) for v in notices}
    current = [v for v in notices if v.derived.status != "closed"]
    files["notices/open.ics"] = _calendar(site, current, f"正在公示 - {site.cfg.site.title}")
    return files
