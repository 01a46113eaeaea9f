"""Parsed front matter kept between builds: YAML is parsed again only when its text changes.

Parsing with line numbers is most of the load stage, and its result is a pure
function of the text, so ``.cache/yaml.json`` keeps, per SHA-256 of (text, first
line, Sunshine's code, PyYAML's version), the parsed mapping and the line of every
key, as JSON: dates as text, with a list of where they are, so that an entry reads
back without a hook called on every object. Each entry carries a checksum and is
decoded only when used; a damaged, foreign or stale entry is parsed again. The
preview server also keeps the parsed documents in memory between rebuilds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from .cachefile import engine_fingerprint, save_json
from .yamlsrc import YamlDoc, load_yaml

__all__ = ["YamlCache"]

Steps = list[str | int]  # keys and list indexes from a document's top to one value


def _dated(value: Any, path: Steps, found: list[list[Any]]) -> Any:
    """``value`` with every date and time as ISO text; their paths go to ``found``."""
    if isinstance(value, dt.date):  # a datetime is a date too
        found.append(["datetime" if isinstance(value, dt.datetime) else "date", *path])
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dated(v, [*path, k], found) for k, v in value.items()}
    if isinstance(value, list):
        return [_dated(v, [*path, i], found) for i, v in enumerate(value)]
    return value


def _encode(doc: YamlDoc) -> str:
    """A parsed document as JSON: its mapping (dates as text), its lines, and where the
    dates were, so that reading it back needs no hook called on every object."""
    dates: list[list[Any]] = []
    data = _dated(doc.data, [], dates)
    return json.dumps([data, doc.lines, dates], ensure_ascii=False, separators=(",", ":"))


def _decode(payload: str) -> YamlDoc | None:
    """:func:`_encode` undone, or None when ``payload`` is not what it writes."""
    data, lines, dates = json.loads(payload)
    if not isinstance(data, dict) or not isinstance(lines, dict) or not all(type(n) is int for n in lines.values()):
        return None
    for tag, *path, last in dates:
        parent = data
        for step in path:
            parent = parent[step]
        parent[last] = (dt.datetime if tag == "datetime" else dt.date).fromisoformat(parent[last])
    return YamlDoc(data, lines)


def _check(key: str, payload: str) -> str:
    return hashlib.sha256(f"{key}\0{payload}".encode()).hexdigest()[:24]


class YamlCache:
    """``load_yaml`` with its results kept in ``file`` (None: in memory only)."""

    def __init__(self, file: Path | None):
        self.file = file
        self.salt = f"{engine_fingerprint()}\0{yaml.__version__}\0"
        self.stored: dict[str, Any] = {}
        self.used: dict[str, list[str]] = {}
        self.memory: dict[str, tuple[YamlDoc, list[str]]] = {}  # key: (document, its stored entry)
        self.hits = 0
        self.last = ""  # the key of the last text loaded
        if file is not None:
            try:
                doc = json.loads(file.read_text(encoding="utf-8"))
                if isinstance(doc, dict) and doc.get("salt") == self.salt and isinstance(doc.get("entries"), dict):
                    self.stored = doc["entries"]
            except (OSError, ValueError):
                pass

    def load(self, text: str, first_line: int = 1) -> YamlDoc:
        """Like :func:`sunshine.yamlsrc.load_yaml` (same errors), from the cache when possible."""
        key = self.last = hashlib.sha256(f"{self.salt}{first_line}\0{text}".encode()).hexdigest()
        kept = self.memory.get(key)
        if kept is not None:
            doc, self.used[key] = kept
            self.hits += 1
            return _copy(doc)
        found = self._stored(key)
        if found is not None:
            self.hits += 1
            doc = found
        else:
            doc = load_yaml(text, first_line)
            payload = _encode(doc)
            self.used[key] = [payload, _check(key, payload)]
        self.memory[key] = (doc, self.used[key])
        return _copy(doc)

    def _stored(self, key: str) -> YamlDoc | None:
        entry = self.stored.get(key)
        try:
            payload, check = entry  # type: ignore[misc]
            if not isinstance(payload, str) or check != _check(key, payload):
                return None
            doc = _decode(payload)
        except (TypeError, ValueError, KeyError, IndexError):
            return None
        if doc is not None:
            self.used[key] = [payload, check]
        return doc

    def adopt(self, key: str, entry: list[str], hit: bool, doc: YamlDoc | None) -> None:
        """Take in what a forked worker's copy of this cache did for one text: its entry,
        whether it was a hit, and (if unchanged by the reader) the document itself, else
        None: then it is not kept in memory, whether or not the text was read here."""
        self.used[key] = entry
        self.hits += hit
        if doc is not None:
            self.memory[key] = (doc, entry)
        else:
            self.memory.pop(key, None)

    def save(self) -> None:
        """Keep the entries this build used (others belonged to files since changed)."""
        if self.file is not None and self.used.keys() != self.stored.keys():
            save_json(self.file, {"salt": self.salt, "entries": self.used})
        self.memory = {k: v for k, v in self.memory.items() if k in self.used}
        self.stored, self.used = dict(self.used), {}


def _copy(doc: YamlDoc) -> YamlDoc:
    """A copy the caller may change (load takes ``body`` out of a YAML record)."""
    return YamlDoc(dict(doc.data), dict(doc.lines))
