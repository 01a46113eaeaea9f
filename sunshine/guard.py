"""Stage 4, guard: decide what this edition may publish, and refuse personal data.

The public edition holds only ``scope: public`` records whose ``publish_at`` has
passed; the internal edition holds every record. Every field and body of every
record to be published is scanned for ID card, mobile, bank card numbers and
phones or e-mails that config.yaml does not declare as official contacts.
A record may allow one value with ``allow_personal`` (reported as a warning).

The scan runs on every build. Its findings per record may come from
``.cache/guard.json``, keyed by a SHA-256 of exactly what is scanned (the record's
fields and body, their line numbers, the allowed values) and of Sunshine's code;
each entry carries its own checksum, so a damaged or foreign entry is scanned again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cachefile import engine_fingerprint, save_json
from .forkmap import fork_map
from .personal import find_personal_data, may_hold_personal_data, normalise_phone
from .problems import BODY_FIELD, Problems
from .site import Record, Site

Finding = tuple[int, str, str, str]  # line, message, hint, field

__all__ = ["CODES", "guard_body", "guard_record", "guard_site"]

CODES = ("allow-personal", "personal-data")  # the codes of the problems this stage reports
GUARD_SPANS = 3  # spans per worker (sunshine.forkmap): a scan reads one record and gives back a key and findings


def guard_site(site: Site) -> None:
    """Fill ``site.published`` (sorted keys) and scan them for personal data.

    Each record's scan key is made, and findings are taken from the cache where the
    scanned content is unchanged or scanned anew, on all cores; problems are reported in
    record order."""
    site.published = sorted(k for k, r in site.records.items() if site.in_edition(r))
    official = _official_values(site)
    cache = _Findings(site.options.root / ".cache" / "guard.json" if site.options.cache else None)
    records = site.published_records()

    def look(record: Record) -> tuple[str, list[Finding]]:
        """The key of what is scanned of ``record``, and its findings: kept, or scanned now."""
        scan = _prepare(record, official)
        findings = cache.get(scan.key)
        return scan.key, _scan(scan) if findings is None else findings

    found = fork_map(look, records, site.options.workers, spans=GUARD_SPANS)
    for record, (key, findings) in zip(records, found, strict=True):
        cache.put(key, findings)  # in this process: a forked worker's cache is its own
        _report(site.problems, record, findings)
    cache.save()


def guard_body(site: Site, record: Record, problems: Problems) -> None:
    """Scan the body of one record of ``site`` again, after an edit of its body alone, into
    ``problems``. Its fields and their lines are as the last build scanned them, and so
    are the findings in them and the ``allow_personal`` warnings, which the caller keeps."""
    allowed = _official_values(site) | {entry.value for entry in record.fields.allow_personal}
    for line, message, hint, field in _scan_body(record, allowed):
        problems.add(record.key, line, field, message, hint, code="personal-data")


def guard_record(site: Site, record: Record, problems: Problems) -> None:
    """Scan one record of ``site`` (its fields and body) into ``problems``, after an edit
    of its file (the preview's quick rebuilds); the cache is not used."""
    _report(problems, record, _scan(_prepare(record, _official_values(site))))


class _Findings:
    """Personal-data findings per scanned content, kept between builds."""

    def __init__(self, file: Path | None):
        self.file = file
        self.old: dict[str, Any] = {}
        self.new: dict[str, list[Any]] = {}
        if file is not None:
            try:
                doc = json.loads(file.read_text(encoding="utf-8"))
                if isinstance(doc, dict) and doc.get("engine") == engine_fingerprint():
                    self.old = doc["entries"]
            except (OSError, ValueError, KeyError, TypeError):
                pass

    @staticmethod
    def _check(key: str, findings: list[Any]) -> str:
        return hashlib.sha256((key + json.dumps(findings, ensure_ascii=False)).encode()).hexdigest()[:20]

    def get(self, key: str) -> list[Finding] | None:
        entry = self.old.get(key)
        try:
            findings, check = entry  # type: ignore[misc]
            if check != self._check(key, findings):
                return None
            result = [(int(a), str(b), str(c), str(d)) for a, b, c, d in findings]
        except (TypeError, ValueError):
            return None
        self.new[key] = [findings, check]
        return result

    def put(self, key: str, findings: list[Finding]) -> None:
        plain = [list(f) for f in findings]
        self.new[key] = [plain, self._check(key, plain)]

    def save(self) -> None:
        if self.file is None or self.new == self.old:
            return
        save_json(self.file, {"engine": engine_fingerprint(), "entries": self.new})


def _official_values(site: Site) -> set[str]:
    values: set[str] = set()
    for contact in site.cfg.contacts:
        if contact.phone:
            values.add(contact.phone)
            values.add(normalise_phone(contact.phone))
        if contact.email:
            values.add(contact.email.lower())
    return values


@dataclass
class _Scan:
    """What is scanned of one record, and its cache key."""

    record: Record
    data: dict[str, Any]
    allowed: set[str]
    key: str


def _prepare(record: Record, official: set[str]) -> _Scan:
    allowed = set(official) | {entry.value for entry in record.fields.allow_personal}
    data = record.fields.model_dump(mode="json", exclude={"allow_personal"})
    scanned = json.dumps([data, record.body_line, record.lines, sorted(allowed)], ensure_ascii=False, sort_keys=True)
    key = hashlib.sha256(f"{scanned}\0{record.body}".encode("utf-8", "surrogatepass")).hexdigest()  # the body as it is: no escaping
    return _Scan(record, data, allowed, key)


def _report(problems: Problems, record: Record, findings: list[Finding]) -> None:
    for i, entry in enumerate(record.fields.allow_personal):
        problems.add(
            record.key, record.line_of(f"allow_personal[{i}]"), f"allow_personal[{i}]",
            f"按批准公开个人信息“{entry.value}”（理由：{entry.reason}）", "请确认已取得本人同意", code="allow-personal", severity="warning",
        )
    for line, message, hint, field in findings:
        problems.add(record.key, line, field, message, hint, code="personal-data")


def _scan(scan: _Scan) -> list[Finding]:
    record, allowed = scan.record, scan.allowed
    found: list[Finding] = []
    fields = _strings(scan.data, "") if may_hold_personal_data(json.dumps(scan.data, ensure_ascii=False)) else ()
    for field, text in fields:  # most records hold nothing to look at field by field
        for hit in find_personal_data(text, allowed):
            found.append((record.line_of(field), f"{hit.label}“{hit.value}”不能公开", f"请删除或脱敏为 {hit.masked}", field))
    return found + _scan_body(record, allowed)


def _scan_body(record: Record, allowed: set[str]) -> list[Finding]:
    found: list[Finding] = []
    for hit in find_personal_data(record.body, allowed):
        line = record.body_line + record.body[: hit.start].count("\n")
        found.append((line, f"{hit.label}“{hit.value}”不能公开", f"请删除或脱敏为 {hit.masked}", BODY_FIELD))
    return found


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")
