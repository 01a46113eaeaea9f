"""The last-build record on disk (:mod:`sunshine.lastbuild`): a small JSON head, then
its long lists as flat binary parts.

At 10,000 records the record lists some 58,000 output files and 16,000 folders with
their stats and 10,000 input files with their digests. As JSON that is 5.5 MB, and a
quick edit read it and wrote it again: 0.09 s of a one-second command. Here the paths
are one NUL-separated UTF-8 string (NUL cannot occur in a path) and the stats one
array of 64-bit integers, each read with a single C call.

Layout: :data:`MAGIC`, one line of JSON (the record without its packed lists, plus
``"parts"``: each list's place, kind, item count and byte length), then the parts.
The head's JSON is plain data, nothing is executed when reading, unlike a pickle,
since ``.cache/`` may be restored by CI from other runs. A file that does not read
whole is no record (None); one damaged in its numbers only makes the output check
fail, which means a full build.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from array import array
from pathlib import Path
from typing import Any

__all__ = ["MAGIC", "PACKED", "load", "save"]

MAGIC = b"sunshine-record-1\n"
PACKED = (  # (section, list, kind): the lists written as binary parts
    ("files", "paths", "text"), ("files", "sums", "text"),
    ("outputs", "paths", "text"), ("outputs", "stats", "ints"),
    ("folders", "paths", "text"), ("folders", "stats", "ints"),
)
_INT = "q"  # 64-bit: sizes, nanosecond times and inode numbers


def _encoded(values: list[Any], kind: str) -> bytes:
    if kind == "text":
        return "\0".join(values).encode("utf-8", "surrogateescape")
    return array(_INT, values).tobytes()


def _decoded(blob: bytes, kind: str, count: int) -> list[Any]:
    values: list[Any]
    if kind == "text":
        values = blob.decode("utf-8", "surrogateescape").split("\0") if count else []
    else:
        numbers = array(_INT)
        numbers.frombytes(blob)
        values = numbers.tolist()
    if len(values) != count:
        raise ValueError("a part of the record has the wrong length")
    return values


def save(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` atomically (a temporary file renamed over it); give up
    quietly on I/O errors, as every cache does. The lists of :data:`PACKED` are taken
    from ``doc`` if present; everything else must be JSON data."""
    head = {key: value for key, value in doc.items() if key not in {s for s, _, _ in PACKED}}
    parts: list[bytes] = []
    places: list[list[Any]] = []
    for section, name, kind in PACKED:
        if section not in doc:
            continue
        head.setdefault(section, {k: v for k, v in doc[section].items() if k not in {n for s, n, _ in PACKED if s == section}})
        values = doc[section][name]
        parts.append(_encoded(values, kind))
        places.append([section, name, kind, len(values), len(parts[-1])])
    head["parts"] = places
    head["byteorder"] = sys.byteorder
    blob = b"".join([MAGIC, json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), b"\n", *parts])
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):  # its folder may be no folder
            tmp.unlink(missing_ok=True)


def load(path: Path) -> dict[str, Any] | None:
    """The record at ``path``, or None when there is none or it does not read whole."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        if not blob.startswith(MAGIC):
            return None
        end = blob.index(b"\n", len(MAGIC))
        doc = json.loads(blob[len(MAGIC) : end])
        if not isinstance(doc, dict) or doc.pop("byteorder", None) != sys.byteorder:
            return None
        at = end + 1
        for section, name, kind, count, size in doc.pop("parts"):
            if (section, name, kind) not in PACKED or at + size > len(blob):
                return None
            doc[section][name] = _decoded(blob[at : at + size], kind, count)
            at += size
        return doc if at == len(blob) else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
