"""Full-text search: a Pagefind index of the edition's record pages, built in memory.

Every published record page (notices, plans, ratings, free pages; not lists,
redirects, print sheets, 404 or gone pages) is handed to Pagefind's extended
build (Chinese word segmentation), run as a command. The page HTML is not
changed on the site: the copy given to Pagefind holds only the ``<html>`` tag and
the record's ``<article>``, marked ``data-pagefind-body``, with a hidden block of
filters (kind, organisation, category, year), meta (title, date as 2020年6月1日,
organisation, kind, status) and a date sort key. (The rest of a page is not
indexed; with it left out of the copy Pagefind makes the same index, its pages in
another order, a fifth quicker.)

The copies are written into a temporary folder (in ``/dev/shm`` when it has room)
laid out under the site's path prefix (``/qingxi/notices/a/index.html``) so that
result URLs carry the prefix, indexed by one run of Pagefind's program (found as
its Python package finds it, ``PAGEFIND_BINARY_PATH`` first) and the bundle is read
back as ``{"pagefind/...": bytes}``. Pagefind's own UI bundles
are left out: the site's ``static/js/search.js`` uses only ``pagefind.js`` and its
worker, wasm and index files.

Two work-arounds for Pagefind 1.5.2, both checked by tests/search:

* Queries are split into words by the browser (ICU), pages by Pagefind (jieba);
  where they disagree a word is not found (转正, 党费, 党委). Each page therefore
  also carries, hidden and after a ``⁂``, its CJK bigrams (:mod:`sunshine.outputs.searchtext`).
* Filter files come out in hash-map order, different on every run;
  :func:`canonical_bundle` (:mod:`sunshine.outputs.searchcanon`) sorts them so
  that two builds are byte-identical.

The index is cut into shards by date (:mod:`sunshine.outputs.searchshards`), so an
edit re-indexes only the shard of the edited page; the command line's quick rebuild
indexes only the edited pages (:mod:`sunshine.outputs.searchedits`), in a Pagefind
service started while the engine reads its store (:mod:`sunshine.outputs.searchwarm`).

Set ``SUNSHINE_NO_SEARCH=1`` to skip the index (fast tests).
"""

from __future__ import annotations

import contextlib
import gzip
import html
import importlib
import importlib.util
import json
import logging
import os
import re
import tempfile
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..forkmap import fork_map
from ..kinds import KINDS
from ..options import ENV_SKIP_SEARCH as ENV_SKIP
from ..options import search_enabled
from ..problems import BuildFailed, Problems
from ..route import output_path
from ..site import Record, Site
from ..views import cn_date
from . import searchwarm
from .searchcache import bundle_key, load_bundle, prune, save_bundle
from .searchcanon import canonical_bundle
from .searchshards import EDITS, SHARD_PAGES, Shard, plan_shards
from .searchtext import companion, without_dated

__all__ = [
    "BUNDLE",
    "ENV_SKIP",
    "EXCLUDE",
    "canonical_bundle",
    "listing",
    "search_documents",
    "search_enabled",
    "search_index",
]

log = logging.getLogger("sunshine")
T = TypeVar("T")

BUNDLE = "pagefind/"
# Parts of a record page that are the same on every page of a kind, or not text.
EXCLUDE = [
    "svg", "nav.toc", ".print-links", ".objection", "script", "style",
    ".docmeta th", ".docmeta caption",  # the labels 索引号, 主题分类, 发布日期… on every page
]
SCRATCH = "/dev/shm"  # see _scratch
SCRATCH_SPARE = 256 << 20  # left free there for everything else
WARM_PAGES = 200  # at most this many pages go to a service started ahead (searchwarm), one by one
PAGEFIND_AT_ONCE = 2  # Pagefind runs indexing shards at the same time, at most one per core
SHARDS = "shards.json"  # {"merge": [the shards below pagefind/, newest first]}
# What a shard below the newest needs: the browser runs the newest's script and wasm.
_SHARD_DATA = re.compile(r"^(pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|(index|fragment|filter)/[^/]+)$")
# Pagefind's ready-made UIs: not used by static/js/search.js, about 420 KB.
_UI_FILES = re.compile(r"^pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$")
_ARTICLE = re.compile(r"<article\b[^>]*\bclass=\"[^\"]*\brecord\b[^\"]*\"[^>]*>")
_MAIN = re.compile(r"<main\b[^>]*>")
_HTML = re.compile(r"<html\b[^>]*>")
PLAN = "search_plan"  # site.memo: the build's [PlannedShard], oldest first

Page = tuple[str, Record, bytes]  # URL path with prefix + index.html, record, page


@dataclass(frozen=True)
class PlannedShard:
    """A shard of a build's index: its cache key and its pages, as (URL, record key)."""

    shard: Shard
    key: str
    pages: tuple[tuple[str, str], ...]


def search_index(site: Site, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for the record pages in ``files``: ``{"pagefind/...": bytes}``.

    The index is made of shards by date (:mod:`sunshine.outputs.searchshards`); the
    newest lies in ``pagefind/`` with Pagefind's script, the others in
    ``pagefind/<shard>/`` with only their data, and ``pagefind/shards.json`` names
    them for ``static/js/search.js``. With the build cache on, a shard made from
    the same pages is reused (:mod:`sunshine.outputs.searchcache`).
    """
    if not search_enabled():
        return {}
    pages = _indexed(site, files)
    if not pages:
        return {}
    plan = plan_shards([record.date.astimezone(site.tz).date() for _, record, _ in pages], SHARD_PAGES)
    shards: dict[Shard, list[Page]] = {}
    for shard, page in zip(plan, pages, strict=True):
        shards.setdefault(shard, []).append(page)
    made, keys = bundles(site, shards)
    site.memo[PLAN] = [
        PlannedShard(shard, keys[shard], tuple((url, record.key) for url, record, _ in shards[shard])) for shard in sorted(shards)
    ]
    top = max(made)
    bundle = {path: content for shard in sorted(made, reverse=True) for path, content in place(shard, made[shard], shard == top).items()}
    bundle[BUNDLE + SHARDS] = listing(made)
    return dict(sorted(bundle.items()))


def listing(shards: Iterable[Shard], edits: Mapping[str, str] | None = None, twins: Mapping[str, Any] | None = None) -> bytes:
    """``pagefind/shards.json``: the shards below the newest, newest first; after a quick
    rebuild also the edits shard, with what it replaces (:mod:`sunshine.outputs.searchedits`)."""
    doc: dict[str, Any] = {"merge": [shard.name for shard in sorted(shards, reverse=True)[1:]]}
    if edits:
        doc["merge"].append(EDITS.name)
        doc["edits"] = dict(sorted(edits.items()))
        doc["twins"] = dict(twins or {})
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def bundles(
    site: Site, shards: dict[Shard, list[Page]], also_used: frozenset[str] = frozenset(),
) -> tuple[dict[Shard, dict[str, bytes]], dict[Shard, str]]:
    """Pagefind's bundle of each shard, and its cache key: from the cache when the same
    pages were indexed before, else indexed now and kept (``also_used``: keys of other
    shards in use, kept in the cache too)."""
    folder = site.options.root / ".cache" / "search" if site.options.cache else None
    keys = {shard: bundle_key(_key_part(site, *page) for page in members) for shard, members in shards.items()}
    made = {} if folder is None else {sh: b for sh, key in keys.items() if (b := load_bundle(folder, key)) is not None}
    missing = [shard for shard in sorted(shards) if shard not in made]
    if missing:
        _require_pagefind()
        made.update(_index(site, {shard: shards[shard] for shard in missing}))
    if folder is not None:
        for shard in missing:
            save_bundle(folder, keys[shard], made[shard])
        prune(folder, set(keys.values()) | also_used)
    return made, keys


def _index(site: Site, shards: dict[Shard, list[Page]]) -> dict[Shard, dict[str, bytes]]:
    """Pagefind's bundle of each shard: the pages prepared on all cores, then indexed."""
    todo = [page for members in shards.values() for page in members]
    warm = searchwarm.claim()  # started ahead by a quick rebuild (see there), for a few pages
    if warm is not None and (len(shards) != 1 or len(todo) > WARM_PAGES):
        warm.close()
        warm = None
    prepared = iter(fork_map(lambda page: _prepare(site, page[1], page[2].decode("utf-8"), page[0]), todo))
    docs = [{url: next(prepared) for url, _, _ in members} for members in shards.values()]
    if warm is not None:
        try:
            return {shard: _checked(warm.index(docs[0], EXCLUDE), docs[0]) for shard in shards}
        except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
            log.debug("search: the Pagefind service started ahead failed (%s); running its command", exc)
        finally:
            warm.close()
    return dict(zip(shards, _run(_pagefind_all(docs)), strict=True))


def place(shard: Shard, bundle: dict[str, bytes], top: bool) -> dict[str, bytes]:
    """Where a shard's bundle goes under ``pagefind/``: the newest shard at the top with
    Pagefind's script, the others in a folder of their own with only their data."""
    if top:
        return {BUNDLE + path: content for path, content in bundle.items()}
    return {f"{BUNDLE}{shard.name}/{path}": content for path, content in bundle.items() if _SHARD_DATA.match(path)}


def warm_up() -> None:
    """Start Pagefind's service ahead of a quick rebuild that will index a few pages
    (:mod:`sunshine.outputs.searchwarm`); nothing without search or Pagefind, or if it
    cannot be started (the indexing step then runs the command, and says what is wrong)."""
    if not search_enabled() or _missing_pagefind() is not None:
        return
    try:
        searchwarm.start(_executable())
    except (ImportError, OSError, RuntimeError) as exc:
        log.debug("search: no Pagefind service started ahead (%s)", exc)


def _require_pagefind() -> None:
    missing = _missing_pagefind()
    if missing:
        problems = Problems()
        hint = "请运行 pip install 'pagefind[extended]==1.5.2'，或设置环境变量 SUNSHINE_NO_SEARCH=1 跳过全文搜索"
        problems.add("pagefind", 0, "", missing, hint, code="no-pagefind")
        raise BuildFailed(problems)


def _missing_pagefind() -> str | None:
    """Why the extended Pagefind (the one that segments Chinese) cannot be used, or None."""
    if importlib.util.find_spec("pagefind") is None:
        return "未安装全文搜索组件 Pagefind"
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return None
    if importlib.util.find_spec("pagefind_bin_extended") is None:
        return "只安装了不支持中文分词的 Pagefind，需要扩展版 pagefind[extended]"
    return None


def search_documents(site: Site, files: Mapping[str, bytes]) -> dict[str, str]:
    """``{URL path with prefix + index.html: HTML prepared for Pagefind}`` per record page, one shard or not."""
    return {url: _prepare(site, record, content.decode("utf-8"), url) for url, record, content in _indexed(site, files)}


def _indexed(site: Site, files: Mapping[str, bytes]) -> list[Page]:
    """(URL path with prefix + index.html, record, page) of every record page to index."""
    pages: list[Page] = []
    for record in site.published_records():
        page = indexed_page(site, record, files)
        if page is not None:
            pages.append(page)
    return pages


def indexed_page(site: Site, record: Record, files: Mapping[str, bytes]) -> Page | None:
    """(URL path with prefix + index.html, record, page) if ``record``'s page is indexed."""
    if record.status == "gone" or not record.url:
        return None
    content = files.get(output_path(record.url))
    return None if content is None else ((site.cfg.path_prefix + output_path(record.url)).lstrip("/"), record, content)


def _prepare(site: Site, record: Record, page: str, path: str) -> str:
    """The copy of ``page`` Pagefind indexes: its ``<html>`` tag and the marked record, with
    the record's filters and meta and the search-only companion added."""
    block = _hidden_block(site, record)
    marked = _marked(page)
    if marked is None:
        log.warning("search: %s has no <article class=record> or <main>; indexing the whole page", path)
        return page.replace("</body>", block + "</body>", 1)
    # only the marked part is indexed: the rest of the page (head, menus, footer) is left
    # out of the copy, which Pagefind then indexes a fifth quicker (see the module's note)
    root, tag, body, close = marked
    return (
        f'<!DOCTYPE html>\n{root}<head><meta charset="utf-8"></head><body>'
        f"{tag[:-1]} data-pagefind-body>{block}{body}{companion(body)}{close}</body></html>"
    )


def _marked(page: str) -> tuple[str, str, str, str] | None:
    """The page's ``<html>`` tag, the record's opening tag, what it holds (less what is
    marked ``data-as-of``: what changes with the build date) and its closing tag; None
    for a page without ``<article class=record>`` or ``<main>``."""
    match = _ARTICLE.search(page) or _MAIN.search(page)
    if match is None:
        return None
    close = "</article>" if match.group(0).startswith("<article") else "</main>"
    end = page.find(close, match.end())
    if end < 0:
        end = len(page)
    root = _HTML.search(page, 0, match.start())
    return root.group(0) if root else "<html>", match.group(0), without_dated(page[match.end() : end]), close


def _key_part(site: Site, url: str, record: Record, content: bytes) -> bytes:
    """All a page's copy is made of (:func:`_prepare`), for its shard's cache key: a change
    outside the record (a menu, the footer, the stylesheet's link) indexes nothing again."""
    page = content.decode("utf-8")
    marked = _marked(page)
    parts = ("marked", *marked) if marked else ("whole", page)
    return "\0".join([url, _hidden_block(site, record), *parts]).encode("utf-8", "surrogatepass")


def _hidden_block(site: Site, record: Record) -> str:
    cfg = site.cfg
    date = record.date.astimezone(site.tz)
    org = cfg.org(record.org).name
    kind = KINDS[record.kind].LABEL
    category = cfg.category_names.get(record.fields.category or "", "")
    meta = {"title": record.title, "date": cn_date(date), "org": org, "kind": kind}
    if record.status == "withdrawn":
        meta["status"] = "已撤回"
    filters = {"kind": kind, "org": org, "category": category, "year": str(date.year)}
    parts = [f'<span data-pagefind-meta="{k}">{html.escape(v)}</span>' for k, v in meta.items()]
    parts += [
        f'<span data-pagefind-filter="{k}">{html.escape(v)}</span>' for k, v in filters.items() if v
    ]
    parts.append(f'<span data-pagefind-sort="date">{date:%Y-%m-%dT%H:%M}</span>')
    return '<div hidden data-pagefind-ignore="index">' + "".join(parts) + "</div>"


async def _pagefind_all(shards: list[dict[str, str]]) -> list[dict[str, bytes]]:
    """:func:`_pagefind` for each shard, as many at once as there are cores."""
    import asyncio  # here, as in the other coroutines: a build without search does without it

    gate = asyncio.Semaphore(max(1, min(PAGEFIND_AT_ONCE, os.cpu_count() or 1)))

    async def one(docs: dict[str, str]) -> dict[str, bytes]:
        async with gate:
            return await _pagefind(docs)

    return list(await asyncio.gather(*(one(docs) for docs in shards)))


async def _pagefind(docs: dict[str, str]) -> dict[str, bytes]:
    """Pagefind's bundle for ``docs`` (paths relative to its folder, in a fixed order)."""
    import asyncio

    need = 3 * sum(len(text) for text in docs.values())  # the copies (UTF-8: up to 3 bytes each) and the bundle
    with tempfile.TemporaryDirectory(prefix="sunshine-search-", dir=_scratch(need)) as tmp:
        src = Path(tmp, "src")
        out = Path(tmp, "out")
        for rel, text in sorted(docs.items()):
            target = src / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        # Pagefind's command line rather than its Python API's service: the same bundle
        # byte for byte, quicker (6 % for one shard, a fifth for two at once: the service
        # is polled every 0.1 s), and whole once the process has ended.
        args = [str(_executable()), "--site", str(src), "--output-path", str(out), "--silent"]
        for selector in EXCLUDE:
            args += ["--exclude-selectors", selector]
        process = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        _, err = await process.communicate()
        if process.returncode != 0:
            said = err.decode("utf-8", "replace").strip()[-800:]
            raise RuntimeError(f"Pagefind stopped with exit code {process.returncode}: {said}")
        bundle = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return _checked(bundle, docs)


def _checked(bundle: dict[str, bytes], docs: Mapping[str, str]) -> dict[str, bytes]:
    """Pagefind's files for ``docs`` without its UI bundles, in canonical form, once
    checked whole and holding every page."""
    bundle = {path: content for path, content in bundle.items() if not _UI_FILES.match(path)}
    if not _complete(bundle):
        raise RuntimeError("Pagefind left an incomplete index")
    count = _page_count(bundle)
    if count != len(docs):
        raise RuntimeError(f"Pagefind indexed {count} of {len(docs)} pages")
    return canonical_bundle(bundle)


def _executable() -> Path:
    """Pagefind's program, as its Python package finds it: ``PAGEFIND_BINARY_PATH``, else
    the extended program's package (:func:`_missing_pagefind` requires one of the two).
    Asked of that package directly: ``pagefind.service`` imports asyncio and ssl, 20 ms
    of the main process while a quick edit reads its store."""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given is not None:
        return Path(given)
    with contextlib.suppress(ImportError):
        return Path(importlib.import_module("pagefind_bin_extended").get_executable())
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:  # pragma: no cover - _require_pagefind has asked already
        raise RuntimeError("Pagefind's program was not found")
    return found


def _page_count(bundle: dict[str, bytes]) -> int:
    entry = json.loads(bundle["pagefind-entry.json"])
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def _scratch(need: int) -> str | None:
    """A folder in memory (``/dev/shm``) for the copies if it has room for ``need`` bytes
    and more, else None (the system's temporary folder): the copies live a few seconds,
    and creating and deleting thousands of files on a disk cost more than indexing them."""
    with contextlib.suppress(OSError):
        room = os.statvfs(SCRATCH)
        if os.access(SCRATCH, os.W_OK | os.X_OK) and room.f_bavail * room.f_frsize > 2 * need + SCRATCH_SPARE:
            return SCRATCH
    return None


def _complete(files: dict[str, bytes]) -> bool:
    """Whether the bundle is whole: entry names a meta file, every gzip file ends properly."""
    try:
        entry = json.loads(files["pagefind-entry.json"])
        for lang in entry["languages"].values():
            if f"pagefind.{lang['hash']}.pf_meta" not in files:
                return False
        for path, content in files.items():
            if not content:
                return False
            if path.endswith((".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter", ".pagefind")):
                gzip.decompress(content)
    except (KeyError, ValueError, TypeError, EOFError, OSError):
        return False
    return "pagefind.js" in files and "pagefind-worker.js" in files


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to the end, also when the caller is inside an event loop."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
