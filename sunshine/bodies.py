"""Markdown bodies of the published records: cached, and converted across all cores.

Converting Markdown is nearly all the cost of a cold build, so this module
1. looks each body up in a persistent cache in ``.cache/markdown/`` (pack files,
   :mod:`sunshine.packcache`), keyed by a hash of the body, its folder and the
   engine version — never by modification times — and checks that every link the
   cached HTML rewrote still points where it did (a renamed or unpublished target
   invalidates the entry); the entries of the last build are also kept in memory,
   checked the same way, so the preview server's rebuilds read none of them again;
2. converts the rest in a process pool (one Markdown converter per worker), in
   chunks, merging results by record key so the output is the same as a serial run;
   each worker appends the entries it made to a pack of its own.

A damaged or foreign cache entry is ignored and rebuilt, never trusted. The
personal-data guard does not depend on this cache: it scans sources on every build.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from .cachefile import package_version
from .markdown import LinkTarget, Rendered, render_markdown
from .packcache import PackCache
from .site import Record, Site

__all__ = ["cache_version", "link_map", "render_bodies", "render_body"]


@cache
def cache_version() -> str:
    """What a cached body depends on besides its text: this code and its libraries."""
    from . import markdown as converter

    parts = [Path(converter.__file__).read_bytes()]
    for package in ("Markdown", "nh3"):
        parts.append(package_version(package).encode())
    return "sunshine-md-2-" + hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]

PARALLEL_MIN = 300  # below this many bodies a pool costs more than it saves

_LINKS: dict[str, tuple[str | None, str | None]] = {}
_PACK = PackCache(None)  # where this process writes new entries
_KEPT: dict[str, dict[str, Any]] = {}  # cache key -> entry, of the last build in this process


def link_map(site: Site) -> dict[str, tuple[str | None, str | None]]:
    """For every record key (and folder alias): (key, URL if published in this edition)."""
    published = set(site.published)
    prefix = site.cfg.path_prefix
    links: dict[str, tuple[str | None, str | None]] = {}
    for key, record in site.records.items():
        target = (key, prefix + record.url if key in published and record.url else None)
        links[key] = target
        if key.endswith("/index.md"):
            links[key.removesuffix("/index.md")] = target
    return links


def _resolve(target: str) -> LinkTarget:
    return _LINKS.get(target, (None, None))


class _Recorder:
    """A resolver that remembers every lookup, so a cache entry can be re-validated."""

    def __init__(self) -> None:
        self.used: dict[str, list[str | None]] = {}

    def __call__(self, target: str) -> LinkTarget:
        found = _resolve(target)
        self.used[target] = list(found)
        return found


def _convert(job: tuple[str, str, str, int]) -> tuple[str, dict[str, Any]]:
    key, body, folder, first_line = job
    recorder = _Recorder()
    rendered = render_markdown(body, folder, recorder, first_line)
    return key, {**vars(rendered), "links": recorder.used}  # shallow: asdict would copy the headings again


def _init_worker(links: dict[str, tuple[str | None, str | None]], folder: Path | None) -> None:
    global _LINKS, _PACK
    _LINKS, _PACK = links, PackCache(folder, scan=False)


def _cache_key(body: str, folder: str, first_line: int) -> str:
    digest = hashlib.sha256(f"{cache_version()}\0{folder}\0{first_line}\0".encode() + body.encode("utf-8"))
    return digest.hexdigest()


def _read_cache(pack: PackCache, digest: str, links: dict[str, tuple[str | None, str | None]]) -> dict[str, Any] | None:
    value = pack.get(digest)
    if value is None:
        return None
    try:
        entry = json.loads(value)
        if entry.pop("version", None) != cache_version() or not isinstance(entry.get("html"), str):
            return None
        return entry if _links_hold(entry, links) else None
    except (ValueError, TypeError, AttributeError, KeyError):
        return None


def _links_hold(entry: dict[str, Any], links: dict[str, tuple[str | None, str | None]]) -> bool:
    """Whether every link the entry's HTML rewrote still resolves as it did."""
    return all(list(links.get(target, (None, None))) == found for target, found in entry["links"].items())


def _entry(result: dict[str, Any]) -> bytes:
    return json.dumps({**result, "version": cache_version()}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


Job = tuple[tuple[str, str, str, int], str | None]  # (key, body, folder, first line), cache key to write


def _chunks(jobs: list[Job], workers: int) -> Iterable[list[Job]]:
    size = max(1, len(jobs) // (workers * 8))
    for i in range(0, len(jobs), size):
        yield jobs[i : i + size]


def _convert_chunk(chunk: list[Job]) -> list[tuple[str, dict[str, Any]]]:
    """Convert each body and append its cache entry to this process's pack."""
    converted = []
    for job, digest in chunk:
        key, result = _convert(job)
        if digest is not None:
            _PACK.put(digest, _entry(result))
        converted.append((key, result))
    return converted


def render_bodies(site: Site, workers: int | None = None, use_cache: bool = True) -> dict[str, Rendered]:
    """Rendered Markdown of every published record (gone records get an empty body)."""
    global _LINKS, _PACK
    links = link_map(site)
    _LINKS = links
    folder_of_packs = site.options.root / ".cache" / "markdown" if use_cache else None
    pack: PackCache | None = None  # read only when the memory of the last build misses
    _PACK = PackCache(folder_of_packs, scan=False)
    results: dict[str, dict[str, Any]] = {}
    jobs: list[Job] = []
    digests: dict[str, str] = {}
    for record in site.published_records():
        if record.status == "gone":
            results[record.key] = {"html": "", "toc": [], "problems": []}
            continue
        folder = str(PurePosixPath(record.key).parent)
        digest = digests[record.key] = _cache_key(record.body, folder, record.body_line)
        cached = None
        if use_cache:
            cached = _KEPT.get(digest)
            if cached is None or not _links_hold(cached, links):
                pack = pack or PackCache(folder_of_packs)
                cached = _read_cache(pack, digest, links)
        if cached is not None:
            results[record.key] = cached
        else:
            jobs.append(((record.key, record.body, folder, record.body_line), digest if use_cache else None))
    if pack is not None:
        pack.close()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(jobs) >= PARALLEL_MIN:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(links, folder_of_packs)) as pool:
            converted = [item for chunk in pool.map(_convert_chunk, _chunks(jobs, workers)) for item in chunk]
    else:
        converted = _convert_chunk(jobs)
        _PACK.close()
    results.update(converted)
    if use_cache:
        _KEPT.clear()
        _KEPT.update((digests[key], results[key]) for key in digests)
        if jobs:
            PackCache(folder_of_packs, scan=False).keep(_KEPT)
    return {key: _rendered(r) for key, r in sorted(results.items())}


def render_body(record: Record, links: dict[str, tuple[str | None, str | None]]) -> Rendered:
    """One published record's body, converted here and now (``links``: :func:`link_map`)."""
    global _LINKS
    if record.status == "gone":
        return Rendered("", [], [])
    _LINKS = links
    _, result = _convert((record.key, record.body, str(PurePosixPath(record.key).parent), record.body_line))
    return _rendered(result)


def _rendered(r: dict[str, Any]) -> Rendered:
    return Rendered(r["html"], list(r["toc"]), [(int(p[0]), str(p[1]), str(p[2]), str(p[3])) for p in r["problems"]])
