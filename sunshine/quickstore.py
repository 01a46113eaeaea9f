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
(views stored once and referred to by key); a head: the site without its records,
the shared context, which pages show which records, and each entry's place and
BLAKE2 digest; and a journal of the quick rebuilds since, each record naming the id
it follows, the places of its new entries, the build's problems and the new titles
and addresses of records whose front matter it changed (:mod:`sunshine.frontedit`). Entries are read
only when used, so an edit reads a handful of them. A damaged head, entry or journal
record is a miss: the build is a full one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import logging
import mmap
import os
import pickle
import secrets
import time
from collections import ChainMap
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from .bodyedit import Snapshot, quick_rebuild
from .cachefile import engine_fingerprint
from .gcpause import collector_paused
from .options import search_enabled
from .outputs.schedule import next_change
from .outputs.search import PLAN, PlannedShard
from .outputs.searchedits import index_changes
from .problems import BuildFailed, Problem
from .qr import adopt_version, encoder_version
from .render import RenderState, make_environment
from .site import BuildOptions, Record, Site, Source
from .storefile import (
    DIGEST,
    KINDS,
    Entries,
    Index,
    Places,
    Store,
    ViewRefs,
    Writer,
    append_record,
    digest,
    read_records,
)
from .views import LinkView, RecordView

__all__ = ["Pending", "commit", "finish", "keep_entries", "load", "read_ahead", "rebuild", "store_folder"]

log = logging.getLogger("sunshine")

FORMAT = "sunshine-quick-5"
KEEP = 6  # stores kept, one per output folder, the most recently used first


def store_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sunshine" / "quick"


def _paths(options: BuildOptions) -> tuple[Path, Path]:
    """The store's head and data files; its journal lies beside them (:func:`_journal`)."""
    name = hashlib.sha256(str(options.output.resolve()).encode()).hexdigest()[:16]
    folder = store_folder() / name
    return folder / "head", folder / "data"


def _journal(head: Path) -> Path:
    return head.with_name("journal")


@dataclass
class Pending:
    """A store whose entries are written, waiting for its build to succeed (:func:`finish`)."""

    snap: Snapshot  # without the views and pages, which are in the entries
    index: Index
    order: tuple[list[str], ...]


def keep_entries(site: Site) -> Pending | None:
    """Write the entries of what ``site``'s render saw (a build with ``keep=True``), then
    let the render state go, so the rest of the build runs in less memory."""
    state = site.memo.pop("render", None)
    if not isinstance(state, RenderState) or not site.options.cache:
        return None
    head, data = _paths(site.options)
    part = data.with_name(f"data.{os.getpid()}.part")
    try:
        return _keep(site, state, head, data, part)
    except Exception as exc:  # the store only saves time: the build goes on without it
        log.debug("no quick-rebuild store (%s: %s)", type(exc).__name__, exc)
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        return None
    finally:
        _prune(head.parent)


def _keep(site: Site, state: RenderState, head: Path, data: Path, part: Path) -> Pending:
    snap = Snapshot(site, {}, state, next_change(site))
    snap.index(describe=True)
    for template in snap.templates:
        snap.reads(template)
    head.parent.mkdir(parents=True, exist_ok=True)
    earlier = _EarlierViews(head, data)
    head.unlink(missing_ok=True)  # the old head does not describe the new entries
    _journal(head).unlink(missing_ok=True)
    reused = 0
    with contextlib.closing(earlier), part.open("wb") as stream:
        writer = Writer(stream, 0)
        for key, record in site.records.items():
            writer.add("r\0" + key, dataclasses.replace(record, body=""))  # kept without their bodies
        for source in site.sources:
            writer.add("s\0" + source.path, dataclasses.replace(source, body=""))
        for key, view in state.views.items():
            blob = earlier(key, state.digests.get(key))
            if blob is None:
                writer.add("v\0" + key, view)
            else:
                writer.add_pickled("v\0" + key, blob)
                reused += 1
        for target, page in state.pages.items():
            writer.add("p\0" + target, page, refs=True)
    part.replace(data)
    log.debug("quick-rebuild store: %d of %d views taken from the last one", reused, len(state.views))
    order = list(site.records), [s.path for s in site.sources], list(state.views), list(state.pages)
    light = RenderState(state.env, state.common, {}, state.links, digests=state.digests, listed=state.listed)
    return Pending(dataclasses.replace(snap, state=light), writer.index, order)


_NO_DIGEST = bytes(32)  # a view whose content digest was not made


class _EarlierViews:
    """The pickled record views of the last full build's store, for the next one.

    Given a view's content digest now (:mod:`sunshine.fingerprint`, made for the page
    cache), the entry's bytes if that build stored an equal view, else None. Pickling
    the views was 1 s of a 10,000-record store; a build whose views mostly did not
    change (the next day, a template or a title edit) copies them. Only the views that
    full build wrote count, not those of quick edits since, and only bytes that match
    their BLAKE2 digest; another store, or any damage, gives None for every view. The
    entries are read, not mapped: mapped pages would count as the build's memory."""

    def __init__(self, head: Path, data: Path):
        self._stream: IO[bytes] | None = None
        try:
            read = _read_head(head)
            if read is None:
                return
            meta = read[0]
            self._places, self._digests = Places(meta["order"], meta["index"]), meta["view-digests"]
            if not isinstance(self._digests, bytes) or len(self._digests) != 32 * len(meta["order"][2]):
                return
            self._stream = data.open("rb")
        except Exception:  # the store only saves time
            self._stream = None

    def __call__(self, key: str, now: bytes | None) -> bytes | None:
        stream = self._stream
        i = self._places.position("v\0" + key) if stream is not None else None
        if stream is None or now is None or now == _NO_DIGEST or i is None or self._digests[32 * i : 32 * i + 32] != now:
            return None
        offset, length, expected = self._places["v\0" + key]
        try:
            found = os.pread(stream.fileno(), length, offset)
        except OSError:
            return None
        return found if len(found) == length and digest(found) == expected else None

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def finish(pending: Pending, site: Site) -> str | None:
    """Write the head of the store once ``site`` is built and written: its id, or None."""
    try:
        skeleton = dataclasses.replace(site, sources=[], records={}, memo={})
        return _write_head(pending.snap, skeleton, site.memo.get(PLAN), pending.index, *pending.order)
    except Exception as exc:  # the store only saves time
        log.debug("no quick-rebuild store (%s: %s)", type(exc).__name__, exc)
        return None


def _write_head(snap: Snapshot, skeleton: Site, search: list[PlannedShard] | None, index: Index, *order: list[str]) -> str:
    """Write the store's head; ``search``: the plan of the build's search index, if made;
    ``order``: the keys of records, sources, views and pages."""
    ident = secrets.token_hex(8)
    meta = {"format": FORMAT, "engine": engine_fingerprint(), "id": ident, "index": Places.pack(index, order), "order": order,
            "qr-encoder": encoder_version(),
            "view-digests": b"".join(snap.state.digests.get(key, _NO_DIGEST) for key in order[2])}
    doc = {
        "site": skeleton, "common": snap.state.common, "links": snap.state.links, "until": snap.until,
        "uses": snap.uses, "shared": snap.shared, "safe": snap.safe, "link_map": snap.links, "templates": snap.templates,
        "page_meta": snap.page_meta, "reads": snap._reads, "search": search, "listed": snap.state.listed,
    }
    buffer = io.BytesIO()
    ViewRefs(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(doc)  # refers to views: read once the index is
    blob = pickle.dumps((meta, buffer.getvalue()), protocol=pickle.HIGHEST_PROTOCOL)
    head, _ = _paths(skeleton.options)
    part = head.with_name(f"head.{os.getpid()}.part")
    part.write_bytes(digest(blob) + blob)
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


def _mapped(path: Path) -> mmap.mmap:
    """The data file mapped, not read: an edit needs a few of its entries. Entries
    appended later or a data file replaced by a full build leave the mapping as it was."""
    with path.open("rb") as stream:
        return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)


def _read_head(head: Path) -> tuple[dict[str, Any], bytes] | None:
    """The head's description of the store and its pickled rest, if the head is whole
    and was written by this engine (a file that cannot be read or unpickled raises)."""
    raw = head.read_bytes()
    blob = raw[DIGEST:]
    if digest(blob) != raw[:DIGEST]:
        return None
    meta, rest = pickle.loads(blob)
    if meta.get("format") != FORMAT or meta.get("engine") != engine_fingerprint():
        return None
    return meta, rest


MAX_QUICK = 100  # quick rebuilds on one store; the next edit is a full build, which starts a new one


def load(options: BuildOptions, ident: str) -> Snapshot | None:
    """The snapshot of the build whose store id is ``ident``, or None."""
    head, data = _paths(options)
    try:
        read = _read_head(head)
        if read is None:
            return None
        meta, rest = read
        adopt_version(str(meta["qr-encoder"]))  # the same engine fingerprint: the same zxing-cpp
        index, order = Places(meta["order"], meta["index"]), [dict.fromkeys(keys) for keys in meta["order"]]
        current, problems = meta["id"], None
        relinked: dict[str, LinkView] = {}
        for count, (base, new, added, more, problems_then, links_then) in enumerate(read_records(_journal(head)), 1):
            if base != current:
                break
            if count >= MAX_QUICK:  # a full build starts a new store: data file and journal only grow
                return None
            index.update(added)
            for keys, extra in zip(order, more, strict=True):
                keys.update(dict.fromkeys(extra))
            relinked.update(links_then)
            current, problems = new, problems_then
        if current != ident:
            return None
        store = Store(_mapped(data), index, current, {kind: set(keys) for kind, keys in zip(KINDS, order, strict=True)})
        records, sources, views, pages = (Entries(store, kind, list(keys)) for kind, keys in zip(KINDS, order, strict=True))
        store.views = views
        doc = store.unpickle(rest)
        if problems is not None:
            doc["site"].problems = problems
        for key, link in relinked.items():  # titles changed by quick rebuilds since (sunshine/frontedit.py)
            doc["common"]["record_links"][key] = doc["links"][link.index_no] = link
        os.utime(head.parent)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, AttributeError, ImportError):
        return None
    site: Site = doc["site"]
    site.records = cast(dict[str, Record], records)
    state = RenderState(make_environment(site), doc["common"], cast(dict[str, RecordView], views), doc["links"],
                        cast(dict[str, tuple[str, str, dict[str, Any]]], pages), listed=doc["listed"])
    return Snapshot(
        site, _Output(site.options.output.resolve()), state, doc["until"], uses=doc["uses"], shared=doc["shared"],
        safe=doc["safe"], links=doc["link_map"], sources=cast(dict[str, Source], sources), templates=doc["templates"],
        page_meta=doc["page_meta"], _reads=doc["reads"], search=doc["search"], front_matter=True,
    )


def read_ahead(options: BuildOptions, ident: str) -> Snapshot | None:
    """:func:`load`, before it is known whether the output allows a quick rebuild."""
    try:
        with collector_paused():
            return load(options, ident)
    except Exception as exc:  # as in rebuild: a full build decides
        log.debug("no quick rebuild from the store (%s: %s)", type(exc).__name__, exc)
        return None


def rebuild(
    options: BuildOptions, ident: str, changed: list[str], snap: Snapshot | None = None,
) -> tuple[list[Problem], list[str], str] | None:
    """Apply edits of record bodies (``changed``: paths relative to the site root) to the
    output of the build whose store is ``ident`` (``snap``: that store, if read already
    by :func:`read_ahead`).

    Returns the build's problems, the output files written or removed and the store's
    new id, or None when a full build is needed. Raises :class:`BuildFailed` when an
    edited body has errors; then nothing is written."""
    try:
        with collector_paused():
            started = time.perf_counter()
            snap = snap or load(options, ident)
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


def _search_files(snap: Snapshot, written: dict[str, bytes | None], edited: list[Record]) -> dict[str, bytes | None]:
    """The search index's files that change with the pages ``written`` (:func:`index_changes`),
    the ``edited`` records as they are now (their front matter may have changed)."""
    assert snap.sums is not None
    now = cast(dict[str, Record], ChainMap({record.key: record for record in edited}, snap.site.records))
    pages = {path: content for path, content in written.items() if content is not None}  # not a removed calendar
    return index_changes(dataclasses.replace(snap.site, records=now), snap.files, snap.search, snap.sums, pages, edited)


def commit(snap: Snapshot) -> str | None:
    """Add what a quick rebuild changed in ``snap`` (from :func:`load`) to its store: the
    new entries to the data file, their places and the build's problems to the journal
    (rewriting the head would cost a third of a quick rebuild). The store's new id."""
    kinds = [cast(Entries, m) for m in (snap.site.records, snap.sources, snap.state.views, snap.state.pages)]
    store = kinds[0].store
    head, data = _paths(snap.site.options)
    try:
        with data.open("ab") as stream:
            writer = Writer(stream, stream.tell())
            for entries in kinds:
                for key in sorted(entries.new):
                    value = entries[key]
                    if entries.kind in "rs":  # records and sources are kept without their bodies
                        value = dataclasses.replace(value, body="")
                    writer.add(entries.kind + "\0" + key, value, refs=entries.kind == "p")
        ident = secrets.token_hex(8)
        more = tuple(sorted(entries.new - store.known[entries.kind]) for entries in kinds)
        append_record(_journal(head), (store.ident, ident, writer.index, more, snap.site.problems, snap.relinked))
        store.ident = ident
        return ident
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return None
