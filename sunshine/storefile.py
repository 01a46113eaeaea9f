"""The file format of the quick-rebuild store (:mod:`sunshine.quickstore`).

Entries are pickled one by one into a data file; the index gives each entry's place,
length and BLAKE2 digest, and an entry is unpickled only when used, after its digest
is checked. Record views inside other entries are pickled as references to their own
entries (``v\0<key>``), so a view is stored once and read once. A journal is a file of
records, each its digest, its length and its pickle, read up to the first damaged one.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import pickle
import sys
from array import array
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import IO, Any

from .views import RecordView

__all__ = ["DIGEST", "KINDS", "Entries", "Index", "Places", "Store", "StoreDamaged", "ViewRefs", "Writer", "append_record", "digest", "pickled", "read_records"]

DIGEST = 16  # bytes of a BLAKE2 digest
Index = dict[str, tuple[int, int, bytes]]  # entry name: offset, length, digest
KINDS = "rsvp"  # records, sources, views, pages: an entry's name is its kind, NUL, its key


class StoreDamaged(Exception):
    """A store's entry does not match its digest: the build must be a full one."""


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST).digest()


class ViewRefs(pickle.Pickler):
    """Pickles record views as references to their own entries."""

    def persistent_id(self, obj: Any) -> str | None:
        return obj.key if type(obj) is RecordView else None


class Writer:
    """Entries appended to a data file, each pickled apart."""

    def __init__(self, data: IO[bytes], start: int):
        self.data = data
        self.offset = start
        self.index: Index = {}

    def add(self, name: str, value: Any, refs: bool = False) -> None:
        self.add_pickled(name, pickled(value, refs))

    def add_pickled(self, name: str, blob: bytes) -> None:
        """An entry pickled already (taken from an earlier store)."""
        self.data.write(blob)
        self.index[name] = (self.offset, len(blob), digest(blob))
        self.offset += len(blob)


def pickled(value: Any, refs: bool = False) -> bytes:
    """``value`` pickled as an entry; ``refs``: with record views as references."""
    buffer = io.BytesIO()
    (ViewRefs if refs else pickle.Pickler)(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class Entries(MutableMapping[str, Any]):
    """One kind of entry of a store, read when first used; what is set is new."""

    def __init__(self, store: Store, kind: str, keys: list[str]):
        self.store = store
        self.kind = kind
        self.order = dict.fromkeys(keys)
        self.got: dict[str, Any] = {}
        self.new: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        if key in self.got:
            return self.got[key]
        if key not in self.order:
            raise KeyError(key)
        value = self.got[key] = self.store.entry(self.kind + "\0" + key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self.got[key] = value
        self.order.setdefault(key)
        self.new.add(key)

    def __delitem__(self, key: str) -> None:
        raise TypeError("a store's entries are never removed")

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


class Places:
    """Where a store's entries lie: those of the full build that made it as three flat
    arrays (offsets, lengths, digests) in the order of their keys, those added since in a
    dict. Read in one step instead of unpickling a tuple per entry (30 ms at 10,000
    records); a kind's keys are indexed when one of them is first looked up."""

    def __init__(self, order: Sequence[Sequence[str]], packed: tuple[str, bytes, bytes, bytes]):
        byteorder, offsets, lengths, self._digests = packed
        if byteorder != sys.byteorder:
            raise ValueError("a store written on another machine")
        self._offsets, self._lengths = array("q"), array("q")
        self._offsets.frombytes(offsets)
        self._lengths.frombytes(lengths)
        self._order = dict(zip(KINDS, order, strict=True))
        self._starts: dict[str, int] = {}
        start = 0
        for kind, keys in self._order.items():
            self._starts[kind] = start
            start += len(keys)
        if not len(self._offsets) == len(self._lengths) == len(self._digests) // DIGEST == start:
            raise ValueError("a store's index does not match its keys")
        self._positions: dict[str, dict[str, int]] = {}
        self.added: Index = {}

    @staticmethod
    def pack(index: Index, order: Sequence[Sequence[str]]) -> tuple[str, bytes, bytes, bytes]:
        """``index`` (of every key in ``order``, by kind) as :class:`Places` reads it."""
        places = [index[kind + "\0" + key] for kind, keys in zip(KINDS, order, strict=True) for key in keys]
        return (sys.byteorder, array("q", [p[0] for p in places]).tobytes(),
                array("q", [p[1] for p in places]).tobytes(), b"".join(p[2] for p in places))

    def __getitem__(self, name: str) -> tuple[int, int, bytes]:
        if name in self.added:
            return self.added[name]
        kind, _, key = name.partition("\0")
        i = self._at(kind)[key] + self._starts[kind]
        return self._offsets[i], self._lengths[i], self._digests[i * DIGEST : i * DIGEST + DIGEST]

    def position(self, name: str) -> int | None:
        """Where the full build listed the entry among the keys of its kind, or None."""
        kind, _, key = name.partition("\0")
        return self._at(kind).get(key) if kind in self._order else None

    def _at(self, kind: str) -> dict[str, int]:
        at = self._positions.get(kind)
        if at is None:
            at = self._positions[kind] = {k: i for i, k in enumerate(self._order[kind])}
        return at

    def update(self, added: Index) -> None:
        self.added.update(added)


class Store:
    """A data file's bytes (or its mapping) and its index: the entries of one store."""

    def __init__(self, data: bytes | mmap.mmap, index: Index | Places, ident: str, known: dict[str, set[str]]):
        self.data = data
        self.index = index
        self.ident = ident
        self.known = known  # kind: the keys the store holds already
        self.views: Entries | None = None

    def entry(self, name: str) -> Any:
        offset, length, expected = self.index[name]
        blob = self.data[offset : offset + length]
        if len(blob) != length or digest(blob) != expected:
            raise StoreDamaged(name)
        return self.unpickle(blob)

    def unpickle(self, blob: bytes) -> Any:
        views = self.views
        reader = pickle.Unpickler(io.BytesIO(blob))
        reader.persistent_load = lambda key: views[key]  # type: ignore[index, method-assign]
        return reader.load()


def read_records(path: Path) -> Iterator[Any]:
    """The journal's intact records, in order, up to the first damaged one."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    at = 0
    while at + DIGEST + 8 <= len(raw):
        size = int.from_bytes(raw[at + DIGEST : at + DIGEST + 8], "little")
        blob = raw[at + DIGEST + 8 : at + DIGEST + 8 + size]
        if len(blob) != size or digest(blob) != raw[at : at + DIGEST]:
            return
        yield pickle.loads(blob)
        at += DIGEST + 8 + size


def append_record(path: Path, value: Any) -> None:
    """Append ``value`` to the journal at ``path`` as one record."""
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with path.open("ab") as journal:
        journal.write(digest(blob) + len(blob).to_bytes(8, "little") + blob)
