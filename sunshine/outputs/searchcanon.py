"""Pagefind bundles made reproducible: filter files in a fixed order.

Pagefind 1.5 writes the values of a filter, and the filters listed in a
language's meta file, in hash-map order, which changes from run to run. Only
the filter files, the meta file (it names the filter files) and
pagefind-entry.json (it names the meta file) are affected. They are gzipped
CBOR after a "pagefind_dcd" signature; :func:`canonical_bundle` sorts both
lists, re-encodes, and names the files by the SHA-256 of their content. A file
that does not decode and re-encode to exactly its own bytes (another Pagefind
version) is left as it is.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import struct
from typing import Any

__all__ = ["SIGNATURE", "canonical_bundle", "unpack"]

log = logging.getLogger("sunshine")

SIGNATURE = b"pagefind_dcd"
_META = re.compile(r"^pagefind\.(?P<hash>(?P<lang>[^_]+)_[0-9a-f]+)\.pf_meta$")
_FILTER = re.compile(r"^filter/(?P<hash>(?P<lang>[^_]+)_[0-9a-f]+)\.pf_filter$")


class _Map(list[tuple[Any, Any]]):
    """A CBOR map, kept as ordered pairs."""


def _cbor_decode(data: bytes) -> Any:
    value, end = _cbor_item(data, 0)
    if end != len(data):
        raise ValueError("trailing bytes")
    return value


def _cbor_item(data: bytes, pos: int) -> tuple[Any, int]:
    head = data[pos]
    major, info = head >> 5, head & 0x1F
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info not in simple:
            raise ValueError("unsupported CBOR simple value or float")
        return simple[info], pos
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        raise ValueError("indefinite-length CBOR")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        chunk = data[pos : pos + arg]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _cbor_item(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = _Map()
        for _ in range(arg):
            key, pos = _cbor_item(data, pos)
            value, pos = _cbor_item(data, pos)
            pairs.append((key, value))
        return pairs, pos
    raise ValueError(f"unsupported CBOR major type {major}")


def _cbor_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if arg < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, arg)
    raise ValueError("CBOR argument too large")


def _cbor_encode(value: Any) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xE0 | {False: 20, True: 21, None: 22}[value]])
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, _Map):
        return _cbor_head(5, len(value)) + b"".join(_cbor_encode(k) + _cbor_encode(v) for k, v in value)
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def unpack(content: bytes) -> Any:
    """Decode a Pagefind data file; ValueError unless it re-encodes to the same bytes."""
    raw = gzip.decompress(content)
    if not raw.startswith(SIGNATURE):
        raise ValueError("no Pagefind signature")
    value = _cbor_decode(raw[len(SIGNATURE) :])
    if _cbor_encode(value) != raw[len(SIGNATURE) :]:
        raise ValueError("CBOR does not round-trip")
    return value


def _pack(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + _cbor_encode(value), compresslevel=9, mtime=0)


def _digest(content: bytes, lang: str, length: int) -> str:
    return f"{lang}_{hashlib.sha256(gzip.decompress(content)).hexdigest()[:length]}"


def canonical_bundle(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle (paths relative to pagefind/) with filters in a fixed order."""
    try:
        return _canonical(bundle)
    except (ValueError, TypeError, KeyError, IndexError, OSError, EOFError) as exc:
        log.warning("search: Pagefind output left unsorted (%s); builds may differ byte for byte", exc)
        return bundle


def _canonical(bundle: dict[str, bytes]) -> dict[str, bytes]:
    out = dict(bundle)
    renamed: dict[str, str] = {}
    for path, content in bundle.items():
        match = _FILTER.match(path)
        if not match:
            continue
        name, values = unpack(content)
        if not isinstance(name, str) or not all(isinstance(v, list) and len(v) == 2 for v in values):
            raise ValueError(f"unexpected filter layout in {path}")
        packed = _pack([name, sorted(values, key=lambda v: str(v[0]))])
        new = _digest(packed, match["lang"], len(match["hash"]) - len(match["lang"]) - 1)
        renamed[match["hash"]] = new
        del out[path]
        out[f"filter/{new}.pf_filter"] = packed
    entry = out["pagefind-entry.json"].decode("utf-8")
    for path, content in bundle.items():
        match = _META.match(path)
        if not match:
            continue
        meta = unpack(content)
        lists = [
            i for i, part in enumerate(meta)
            if isinstance(part, list) and part
            and all(isinstance(p, list) and len(p) == 2 and isinstance(p[1], str) and p[1] in renamed for p in part)
        ]
        if len(lists) > 1 or (renamed and not lists and any(h.startswith(match["lang"] + "_") for h in renamed)):
            raise ValueError(f"filter list not found in {path}")
        for i in lists:
            meta[i] = sorted(([n, renamed[h]] for n, h in meta[i]), key=lambda p: str(p[0]))
        packed = _pack(meta)
        new = _digest(packed, match["lang"], len(match["hash"]) - len(match["lang"]) - 1)
        del out[path]
        out[f"pagefind.{new}.pf_meta"] = packed
        if f'"{match["hash"]}"' not in entry:
            raise ValueError(f"{match['hash']} not named in pagefind-entry.json")
        entry = entry.replace(f'"{match["hash"]}"', f'"{new}"')
    out["pagefind-entry.json"] = entry.encode("utf-8")
    return dict(sorted(out.items()))
