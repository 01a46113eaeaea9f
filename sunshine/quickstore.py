"""Quick rebuilds from the command line: the last build's render state kept on disk.

The preview server applies an edit of a record's text in a tenth of a second because
it keeps its last build in memory (:mod:`sunshine.bodyedit`). ``python build.py`` is a
new process each time; this module keeps the same snapshot between processes, so a
build after a text edit patches the output as the server does, instead of building
all over again.

Where: ``$XDG_CACHE_HOME/sunshine/quick/`` (else ``~/.cache/sunshine/quick/``), one
store per output folder, the most recently used few kept. A store is Python pickles,
so it is kept in the user's own cache folder and never in the project's ``.cache/``,
which CI restores from earlier runs: only what this user's own builds wrote is loaded.
Deleting it is safe; the next build is a full one.

What: a data file of separately pickled entries, every record without its body, its
source's front matter, its view, and every page's template and own context values
(views stored once and referred to by key); and a head: the site without its records,
the shared context, which pages show which records, and each entry's place and
BLAKE2 digest. Entries are read only when used, so an edit reads a handful of them.
A damaged head or entry is a miss: the build is a full one.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import logging
import os
import pickle
import secrets
import time
from collections import ChainMap
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .bodyedit import Snapshot, quick_rebuild
from .cachefile import engine_fingerprint
from .options import search_enabled
from .outputs.schedule import next_change
from .outputs.search import BUNDLE, search_index
from .pipeline import collector_paused
from .problems import BuildFailed, Problem
from .render import RenderState, make_environment
from .route import output_path
from .site import BuildOptions, Record, Site, Source
from .views import RecordView

__all__ = ["Pending", "StoreDamaged", "commit", "finish", "keep_entries", "load", "rebuild", "store_folder"]

log = logging.getLogger("sunshine")

FORMAT = "sunshine-quick-1"
KEEP = 6  # stores kept, one per output folder, the most recently used first
_DIGEST = 16


class StoreDamaged(Exception):
    """A store's entry does not match its digest: the build must be a full one."""


def store_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sunshine" / "quick"


def _paths(options: BuildOptions) -> tuple[Path, Path]:
    name = hashlib.sha256(str(options.output.resolve()).encode()).hexdigest()[:16]
    folder = store_folder() / name
    return folder / "head", folder / "data"


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


class _ViewRefs(pickle.Pickler):
    """Pickles record views as references to their own entries."""

    def persistent_id(self, obj: Any) -> str | None:
        return obj.key if type(obj) is RecordView else None


class _Writer:
    """Entries appended to a data file, each pickled apart."""

    def __init__(self, data: io.BufferedWriter, start: int):
        self.data = data
        self.offset = start
        self.index: dict[str, tuple[int, int, bytes]] = {}

    def add(self, name: str, value: Any, refs: bool = False) -> None:
        buffer = io.BytesIO()
        (_ViewRefs if refs else pickle.Pickler)(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        blob = buffer.getvalue()
        self.data.write(blob)
        self.index[name] = (self.offset, len(blob), _digest(blob))
        self.offset += len(blob)


@dataclass
class Pending:
    """A store whose entries are written, waiting for its build to succeed (:func:`finish`)."""

    snap: Snapshot  # without the views and pages, which are in the entries
    index: dict[str, tuple[int, int, bytes]]
    order: tuple[list[str], ...]


def keep_entries(site: Site) -> Pending | None:
    """Write the entries of what ``site``'s render saw (a build with ``keep=True``), then
    let the render state go, so the rest of the build runs in less memory."""
    state = site.memo.pop("render", None)
    if not isinstance(state, RenderState) or not site.options.cache:
        return None
    snap = Snapshot(site, {}, state, next_change(site))
    snap.index()
    for template in snap.templates:
        snap.reads(template)
    snap.describe_pages()
    head, data = _paths(site.options)
    try:
        head.parent.mkdir(parents=True, exist_ok=True)
        head.unlink(missing_ok=True)  # the old head does not describe the new entries
        part = data.with_name(f"data.{os.getpid()}.part")
        with part.open("wb") as stream:
            writer = _Writer(stream, 0)
            for key, record in site.records.items():
                writer.add("r\0" + key, dataclasses.replace(record, body=""))
            for source in site.sources:
                writer.add("s\0" + source.path, dataclasses.replace(source, body=""))
            for key, view in state.views.items():
                writer.add("v\0" + key, view)
            for target, page in state.pages.items():
                writer.add("p\0" + target, page, refs=True)
        part.replace(data)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return None
    finally:
        _prune(head.parent)
    order = list(site.records), [s.path for s in site.sources], list(state.views), list(state.pages)
    light = RenderState(state.env, state.common, {}, state.links)
    return Pending(dataclasses.replace(snap, state=light), writer.index, order)


def finish(pending: Pending, site: Site) -> str | None:
    """Write the head of the store once ``site`` is built and written: its id, or None."""
    try:
        return _write_head(pending.snap, dataclasses.replace(site, sources=[], records={}, memo={}), pending.index, *pending.order)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return None


def _write_head(snap: Snapshot, skeleton: Site, index: dict[str, tuple[int, int, bytes]], *order: list[str]) -> str:
    """Write the store's head; ``order``: the keys of records, sources, views and pages."""
    ident = secrets.token_hex(8)
    meta = {"format": FORMAT, "engine": engine_fingerprint(), "id": ident, "index": index, "order": order}
    doc = {
        "site": skeleton, "common": snap.state.common, "links": snap.state.links, "until": snap.until,
        "uses": snap.uses, "shared": snap.shared, "safe": snap.safe, "link_map": snap.links, "templates": snap.templates,
        "page_meta": snap.page_meta, "reads": snap._reads,
    }
    buffer = io.BytesIO()
    _ViewRefs(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(doc)  # refers to views: read once the index is
    blob = pickle.dumps((meta, buffer.getvalue()), protocol=pickle.HIGHEST_PROTOCOL)
    head, _ = _paths(skeleton.options)
    part = head.with_name(f"head.{os.getpid()}.part")
    part.write_bytes(_digest(blob) + blob)
    part.replace(head)
    return ident


def _prune(folder: Path) -> None:
    try:
        stores = sorted((d for d in folder.parent.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True)
        for old in stores[KEEP:]:
            for f in old.iterdir():
                f.unlink()
            old.rmdir()
    except OSError:
        pass


class _Entries(MutableMapping[str, Any]):
    """One kind of entry of a store, read when first used; what is set is new."""

    def __init__(self, store: _Store, kind: str, keys: list[str]):
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


class _Output(MutableMapping[str, bytes]):
    """The output folder's files, read when asked for; what is set is what was written."""

    def __init__(self, out: Path):
        self.out = out
        self.written: dict[str, bytes] = {}

    def __getitem__(self, path: str) -> bytes:
        if path in self.written:
            return self.written[path]
        try:
            return (self.out / path).read_bytes()
        except OSError:
            raise KeyError(path) from None

    def __setitem__(self, path: str, content: bytes) -> None:
        self.written[path] = content

    def __delitem__(self, path: str) -> None:
        self.written.pop(path, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.written)

    def __len__(self) -> int:
        return len(self.written)


class _Store:
    def __init__(self, data: bytes, index: dict[str, tuple[int, int, bytes]]):
        self.data = data
        self.index = index
        self.views: _Entries | None = None

    def entry(self, name: str) -> Any:
        offset, length, digest = self.index[name]
        blob = self.data[offset : offset + length]
        if len(blob) != length or _digest(blob) != digest:
            raise StoreDamaged(name)
        return self.unpickle(blob)

    def unpickle(self, blob: bytes) -> Any:
        views = self.views
        reader = pickle.Unpickler(io.BytesIO(blob))
        reader.persistent_load = lambda key: views[key]  # type: ignore[index, method-assign]
        return reader.load()


def load(options: BuildOptions, ident: str) -> Snapshot | None:
    """The snapshot of the build whose store id is ``ident``, or None."""
    head, data = _paths(options)
    try:
        raw = head.read_bytes()
        blob = raw[_DIGEST:]
        if _digest(blob) != raw[:_DIGEST]:
            return None
        meta, rest = pickle.loads(blob)
        if meta.get("format") != FORMAT or meta.get("id") != ident or meta.get("engine") != engine_fingerprint():
            return None
        store = _Store(data.read_bytes(), meta["index"])
        records, sources, views, pages = (_Entries(store, kind, keys) for kind, keys in zip("rsvp", meta["order"], strict=True))
        store.views = views
        doc = store.unpickle(rest)
        os.utime(head.parent)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, AttributeError, ImportError):
        return None
    site: Site = doc["site"]
    site.records = cast(dict[str, Record], records)
    state = RenderState(make_environment(site), doc["common"], cast(dict[str, RecordView], views), doc["links"],
                        cast(dict[str, tuple[str, str, dict[str, Any]]], pages))
    return Snapshot(
        site, _Output(site.options.output.resolve()), state, doc["until"], uses=doc["uses"], shared=doc["shared"],
        safe=doc["safe"], links=doc["link_map"], sources=cast(dict[str, Source], sources), templates=doc["templates"],
        page_meta=doc["page_meta"], _reads=doc["reads"],
    )


def rebuild(options: BuildOptions, ident: str, changed: list[str]) -> tuple[list[Problem], list[str], str] | None:
    """Apply edits of record bodies (``changed``: paths relative to the site root) to the
    output of the build whose store is ``ident``: the build's problems, the output files
    written and the store's new id, or None when a full build is needed. Raises :class:`BuildFailed` when an
    edited body has errors; then nothing is written."""
    try:
        with collector_paused():
            started = time.perf_counter()
            snap = load(options, ident)
            if snap is None:
                return None
            loaded = time.perf_counter()
            also = functools.partial(_search_files, snap) if search_enabled() else None
            written = quick_rebuild(snap, options, changed, also)
            if written is None:
                return None
            done = time.perf_counter()
            ident = commit(snap) or ""
            log.debug("quick rebuild: store read %.3f s, %d file(s) written %.3f s, store updated %.3f s",
                      loaded - started, len(written), done - loaded, time.perf_counter() - done)
            return snap.site.problems.sorted(), written, ident
    except BuildFailed:
        raise
    except Exception as exc:  # a damaged store or anything unexpected: a full build decides
        log.debug("no quick rebuild from the store (%s: %s)", type(exc).__name__, exc)
        return None


def _search_files(snap: Snapshot, written: dict[str, bytes], edited: list[Record]) -> dict[str, bytes | None]:
    """The search index's files that change with the pages ``written``: the shards
    holding an edited record's page are indexed again, the others come from the cache."""
    pages = {output_path(record.url) for record in edited if record.url}
    if not pages & written.keys():
        return {}
    assert snap.sums is not None
    sums = snap.sums
    files = cast(dict[str, bytes], ChainMap(written, snap.files))
    bundle = search_index(snap.site, files)
    changes: dict[str, bytes | None] = {
        path: content for path, content in bundle.items() if sums.get(path) != hashlib.sha256(content).hexdigest()
    }
    changes.update((path, None) for path in sums if path.startswith(BUNDLE) and path not in bundle)
    return changes


def commit(snap: Snapshot) -> str | None:
    """Add what a quick rebuild changed in ``snap`` (from :func:`load`) to its store; the new id."""
    records, sources = cast(_Entries, snap.site.records), cast(_Entries, snap.sources)
    views, pages = cast(_Entries, snap.state.views), cast(_Entries, snap.state.pages)
    store = views.store
    _, data = _paths(snap.site.options)
    try:
        with data.open("ab") as stream:
            writer = _Writer(stream, stream.tell())
            for entries, kind in ((records, "r"), (sources, "s"), (views, "v")):
                for key in sorted(entries.new):
                    value = entries[key]
                    writer.add(kind + "\0" + key, dataclasses.replace(value, body="") if kind in "rs" else value)
            for key in sorted(pages.new):
                writer.add("p\0" + key, pages[key], refs=True)
        index = {**store.index, **writer.index}
        skeleton = dataclasses.replace(snap.site, sources=[], records={}, memo={})
        return _write_head(snap, skeleton, index, list(records), list(sources), list(views), list(pages))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return None
