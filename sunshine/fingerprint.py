"""Deterministic digests of the values a template sees, for the page cache.

:func:`digest` walks strings, numbers, dates, containers, dataclasses and pydantic
models and hashes what they hold, the type names included (``Markup`` and ``str``
render differently). Two builds that give a template equal values get equal
digests, in any process. A value whose only description is its memory address
(``<object at 0x…>``) cannot be fingerprinted: :class:`Unstable` is raised and the
page is simply rendered, never taken from the cache.

Record views are hashed once per build (``memo``, keyed by object identity; the
views live for the whole render) because listing pages show the same views again
and again. The memo holds each object it describes, so no other object can take
its identity while the memo lives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

__all__ = ["Unstable", "digest"]

_SCALARS = (int, float, bool, Decimal, dt.date, dt.time, dt.timedelta, type(None))


class Unstable(Exception):
    """A value that has no deterministic description."""


def digest(value: Any, memo: dict[int, tuple[Any, bytes]] | None = None) -> bytes:
    """SHA-256 of ``value``'s content (``memo`` caches digests of frozen dataclasses)."""
    h = hashlib.sha256()
    _feed(h, value, memo if memo is not None else {})
    return h.digest()


def _feed(h: Any, value: Any, memo: dict[int, tuple[Any, bytes]]) -> None:
    kind = type(value)
    if kind is str:
        h.update(b"s%d:" % len(value))
        h.update(value.encode("utf-8", "surrogatepass"))
    elif isinstance(value, str):  # Markup and other str subclasses
        h.update(f"{kind.__qualname__}:{len(value)}:".encode())
        h.update(value.encode("utf-8", "surrogatepass"))
    elif isinstance(value, enum.Enum):
        h.update(f"e{kind.__qualname__}.{value.name};".encode())
    elif isinstance(value, _SCALARS):
        h.update(f"{kind.__qualname__}:{value!r};".encode())
    elif isinstance(value, bytes):
        h.update(b"b%d:" % len(value))
        h.update(value)
    elif isinstance(value, (list, tuple)):
        h.update(b"[" if kind is list else f"({kind.__qualname__}".encode())
        for item in value:
            _feed(h, item, memo)
        h.update(b"]")
    elif isinstance(value, dict):
        h.update(b"{")
        for key, item in value.items():
            _feed(h, key, memo)
            _feed(h, item, memo)
        h.update(b"}")
    elif isinstance(value, (set, frozenset)):
        h.update(b"<")
        for item in sorted(digest(item, memo) for item in value):
            h.update(item)
        h.update(b">")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(_object_digest(value, memo))
    elif isinstance(value, BaseModel):
        h.update(_model_digest(value, memo))
    else:
        text = repr(value)
        if " at 0x" in text or " object at " in text:
            raise Unstable(kind.__qualname__)
        h.update(f"r{kind.__qualname__}:{text};".encode())


def _model_digest(value: BaseModel, memo: dict[int, tuple[Any, bytes]]) -> bytes:
    """A pydantic model: its type and its JSON by pydantic-core (fast, and fixed by the
    schema: a field always serialises the same way); once per object and build."""
    if id(value) in memo:
        return memo[id(value)][1]
    try:
        dumped = value.__pydantic_serializer__.to_json(value, round_trip=True)
        h = hashlib.sha256(f"m{type(value).__module__}.{type(value).__qualname__}:".encode() + dumped)
    except Exception:  # not serialisable as JSON: walk its fields instead
        h = hashlib.sha256(f"m{type(value).__qualname__}{{".encode())
        for name, item in value.__dict__.items():
            _feed(h, name, memo)
            _feed(h, item, memo)
    extra = value.__pydantic_extra__
    if extra:
        _feed(h, extra, memo)
    result = h.digest()
    memo[id(value)] = (value, result)
    return result


def _object_digest(value: Any, memo: dict[int, tuple[Any, bytes]]) -> bytes:
    """A dataclass: its type and fields; frozen ones are hashed once per build."""
    frozen = type(value).__dataclass_params__.frozen
    if frozen and id(value) in memo:
        return memo[id(value)][1]
    h = hashlib.sha256(f"d{type(value).__qualname__}{{".encode())
    for f in dataclasses.fields(value):
        _feed(h, f.name, memo)
        _feed(h, getattr(value, f.name), memo)
    result = h.digest()
    if frozen:
        memo[id(value)] = (value, result)
    return result
