"""iCalendar (RFC 5545) files for notice periods: one per notice and the open ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from ..site import Site
from ..views import RecordView

__all__ = ["FILE", "notice_calendars", "own_calendar"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    if len(line) <= 18:  # 18 characters are at most 72 octets
        return line
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # not the first byte of a character: the line breaks before it
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # a continuation line starts with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


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


def _calendar(name: str, events: list[str]) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Sunshine//阳光党务//ZH", "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(name)}"]
    return ("\r\n".join([*map(_fold, head), *events, "END:VCALENDAR"]) + "\r\n").encode("utf-8")


FILE = "notice.ics"  # in the folder of each active notice


def own_calendar(view: RecordView) -> str | None:
    """The path of the record's own calendar, if it has one (an active notice)."""
    return f"{view.path}{FILE}" if view.kind == "notice" and view.status == "active" else None


def notice_calendars(site: Site, views: list[RecordView], only: Collection[str] | None = None) -> dict[str, bytes]:
    """``notices/SLUG/notice.ics`` for each notice (only those keyed in ``only``, when
    given: the preview's quick rebuilds) and ``notices/open.ics`` for open ones."""
    notices = sorted((v for v in views if own_calendar(v) is not None), key=lambda v: v.index_no)
    events = {
        v.key: "\r\n".join(map(_fold, _event(site, v)))
        for v in notices if only is None or v.key in only or v.derived.status != "closed"
    }
    files = {f"{v.path}{FILE}": _calendar(v.title, [events[v.key]]) for v in notices if only is None or v.key in only}
    current = [events[v.key] for v in notices if v.derived.status != "closed"]
    files["notices/open.ics"] = _calendar(f"正在公示 - {site.cfg.site.title}", current)
    return files
