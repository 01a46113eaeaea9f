"""Stage 4, guard: decide what this edition may publish, and refuse personal data.

The public edition holds only ``scope: public`` records whose ``publish_at`` has
passed; the internal edition holds every record. Every field and body of every
record to be published is scanned for ID card, mobile, bank card numbers and
phones or e-mails that config.yaml does not declare as official contacts.
A record may allow one value with ``allow_personal`` (reported as a warning).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .personal import find_personal_data, normalise_phone
from .site import Record, Site

__all__ = ["guard_site"]


def guard_site(site: Site) -> None:
    """Fill ``site.published`` (sorted keys) and scan them for personal data."""
    site.published = sorted(k for k, r in site.records.items() if site.in_edition(r))
    official = _official_values(site)
    for record in site.published_records():
        _scan_record(site, record, official)


def _official_values(site: Site) -> set[str]:
    values: set[str] = set()
    for contact in site.cfg.contacts:
        if contact.phone:
            values.add(contact.phone)
            values.add(normalise_phone(contact.phone))
        if contact.email:
            values.add(contact.email.lower())
    return values


def _scan_record(site: Site, record: Record, official: set[str]) -> None:
    allowed = set(official)
    for i, entry in enumerate(record.fields.allow_personal):
        allowed.add(entry.value)
        site.problems.add(
            record.key, record.line_of(f"allow_personal[{i}]"), f"allow_personal[{i}]",
            f"按批准公开个人信息“{entry.value}”（理由：{entry.reason}）", "请确认已取得本人同意", code="allow-personal", severity="warning",
        )
    data = record.fields.model_dump(mode="json", exclude={"allow_personal"})
    for field, text in _strings(data, ""):
        for hit in find_personal_data(text, allowed):
            site.problems.add(
                record.key, record.line_of(field), field,
                f"{hit.label}“{hit.value}”不能公开", f"请删除或脱敏为 {hit.masked}", code="personal-data",
            )
    for hit in find_personal_data(record.body, allowed):
        line = record.body_line + record.body[: hit.start].count("\n")
        site.problems.add(
            record.key, line, "正文", f"{hit.label}“{hit.value}”不能公开", f"请删除或脱敏为 {hit.masked}", code="personal-data",
        )


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")
