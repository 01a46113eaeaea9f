"""Deterministic digests of the values a template sees, for the page cache.

:func:`digest` serialises a value with the C pickler and hashes the bytes. Plain
values (strings, numbers, dates, lists, tuples, dicts, ``Markup`` and other
picklable classes) are written by pickle itself, class names included (``Markup``
and ``str`` render differently); a few kinds are replaced on the way by a stable
description (``persistent_id``):

- sets: the sorted digests of their items (their order changes from one process
  to the next with hash randomisation);
- pydantic models: their JSON by pydantic-core (fixed by the schema);
- dataclasses: their fields; frozen ones once per build (``memo``, keyed by object
  identity; views live for the whole render and listing pages show the same views
  again and again; the memo holds each object it describes, so no other object can
  take its identity while the memo lives);
- anything else: its ``repr``, unless that is only a memory address
  (``<object at 0x…>``): then :class:`Unstable` is raised and the page is simply
  rendered, never taken from the cache.

Equal digests mean equal serialisations, and a pickle holds its whole value, so two
values with one digest render alike. The pickler runs without its memo (``fast``):
shared and unshared equal objects give the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import io
import pickle
import types
from collections.abc import Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from .forkmap import fork_map

__all__ = ["Unstable", "digest", "prime"]

Memo = dict[int, tuple[Any, bytes]]

PRIME_MIN = 1000  # below this many values, forking workers costs more than it saves
PRIME_SPANS = 3  # spans per worker (forkmap): a view's digest reads it, and only digests travel back

# Written by pickle as they are: their pickle is their value.
_NATIVE = frozenset(
    {str, int, float, bool, bytes, type(None), list, tuple, dict, Markup, Decimal}
    | {dt.date, dt.datetime, dt.time, dt.timedelta, dt.timezone}
)
# Pickled by value with their class, or by name (a lambda has none: PicklingError).
_BY_PICKLE = (enum.Enum, PurePath, str, int, float, list, tuple, dict, type, types.FunctionType, types.BuiltinFunctionType)


class Unstable(Exception):
    """A value that has no deterministic description."""


def digest(value: Any, memo: Memo | None = None) -> bytes:
    """SHA-256 of ``value``'s content (``memo`` caches digests of frozen dataclasses)."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, memo if memo is not None else {})
    try:
        pickler.dump(value)
    except Unstable:
        raise
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise Unstable(type(value).__qualname__) from exc
    return hashlib.sha256(buffer.getbuffer()).digest()


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, memo: Memo):
        super().__init__(file, protocol=5)
        self.fast = True  # no memo: the bytes depend on values only, not on sharing
        self.digests = memo

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _NATIVE:
            return None
        if kind is set or kind is frozenset:
            return ("set", kind is frozenset, sorted(digest(item, self.digests) for item in obj))
        if isinstance(obj, BaseModel):
            return ("model", _model_digest(obj, self.digests))
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return ("data", _object_digest(obj, self.digests))
        if isinstance(obj, _BY_PICKLE) or kind.__module__ == "zoneinfo":
            return None  # by value (subclasses with their class), or by name: functions, classes
        text = repr(obj)
        if " at 0x" in text or " object at " in text:
            raise Unstable(kind.__qualname__)
        return ("repr", kind.__module__, kind.__qualname__, text)


def _model_digest(value: BaseModel, memo: Memo) -> bytes:
    """A pydantic model: its type and its JSON by pydantic-core (fast, and fixed by the
    schema: a field always serialises the same way); once per object and build."""
    known = memo.get(id(value))
    if known is not None:
        return known[1]
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    try:
        dumped: Any = value.__pydantic_serializer__.to_json(value, round_trip=True)
    except Exception:  # not serialisable as JSON: its fields instead
        dumped = dict(value.__dict__)
    result = digest((name, dumped, value.__pydantic_extra__ or None), memo)
    memo[id(value)] = (value, result)
    return result


def _object_digest(value: Any, memo: Memo) -> bytes:
    """A dataclass: its type and fields; frozen ones are hashed once per build."""
    frozen = type(value).__dataclass_params__.frozen
    if frozen and id(value) in memo:
        return memo[id(value)][1]
    fields = tuple((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    result = digest((type(value).__module__, type(value).__qualname__, fields), memo)
    if frozen:
        memo[id(value)] = (value, result)
    return result


def prime(values: Sequence[Any], memo: Memo, workers: int | None = None) -> None:
    """Describe many frozen dataclasses at once, on all cores, into ``memo``: the
    record views every page key of a build meets (a record's page, its print sheet,
    each listing that shows it), so the keys made later, here or in forked render
    workers, find them done. A value without a stable description is left out."""

    def one(value: Any) -> bytes | None:
        try:
            return _object_digest(value, {})
        except Unstable:
            return None

    todo = [v for v in values if id(v) not in memo and getattr(getattr(type(v), "__dataclass_params__", None), "frozen", False)]
    for value, found in zip(todo, fork_map(one, todo, workers, PRIME_MIN, spans=PRIME_SPANS), strict=True):
        if found is not None:
            memo[id(value)] = (value, found)
