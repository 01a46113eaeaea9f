"""Full-text search: a Pagefind index of the edition's record pages, built in memory.

Every published record page (notices, plans, ratings, free pages; not lists,
redirects, print sheets, 404 or gone pages) is handed to Pagefind's extended
build (Chinese word segmentation) through its Python API. The page HTML is not
changed on the site: the copy given to Pagefind gets ``data-pagefind-body`` on
the record's ``<article>`` and a hidden block of filters (kind, organisation,
category, year), meta (title, date as 2020年6月1日, organisation, kind, status)
and a date sort key.

The copies are written into a temporary folder laid out under the site's path
prefix (``/qingxi/notices/a/index.html``) so that result URLs carry the prefix,
indexed with one ``add_directory`` call (the Python API answers one request per
0.1 s, so one call per page would cost seconds) and the bundle is read back as
``{"pagefind/...": bytes}``. Pagefind's own UI bundles are left out: the site's
``static/js/search.js`` uses only ``pagefind.js`` and its worker, wasm and index
files.

Set ``SUNSHINE_NO_SEARCH=1`` to skip the index (fast tests).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import logging
import os
import re
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from ..kinds import KINDS
from ..route import output_path
from ..site import Record, Site
from ..views import cn_date

__all__ = ["BUNDLE", "ENV_SKIP", "EXCLUDE", "search_documents", "search_enabled", "search_index"]

log = logging.getLogger("sunshine")
T = TypeVar("T")

ENV_SKIP = "SUNSHINE_NO_SEARCH"
BUNDLE = "pagefind/"
# Parts of a record page that are the same on every page of a kind, or not text.
EXCLUDE = ["svg", "nav.toc", ".print-links", ".objection", "script", "style"]
# Pagefind's ready-made UIs: not used by static/js/search.js, about 420 KB.
_UI_FILES = re.compile(r"^pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$")
_ARTICLE = re.compile(r"<article\b[^>]*\bclass=\"[^\"]*\brecord\b[^\"]*\"[^>]*>")
_MAIN = re.compile(r"<main\b[^>]*>")


def search_enabled() -> bool:
    """False when ``SUNSHINE_NO_SEARCH`` is set to a true value (1, yes, true)."""
    return os.environ.get(ENV_SKIP, "").strip().lower() not in ("1", "yes", "true")


def search_index(site: Site, files: dict[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for the record pages in ``files``: ``{"pagefind/...": bytes}``."""
    if not search_enabled():
        return {}
    docs = search_documents(site, files)
    if not docs:
        return {}
    return _run(_pagefind(docs))


def search_documents(site: Site, files: dict[str, bytes]) -> dict[str, str]:
    """``{URL path with prefix + index.html: HTML prepared for Pagefind}`` per record page."""
    prefix = site.cfg.path_prefix
    docs: dict[str, str] = {}
    for record in site.published_records():
        if record.status == "gone" or not record.url:
            continue
        path = output_path(record.url)
        content = files.get(path)
        if content is None:
            continue
        docs[(prefix + path).lstrip("/")] = _prepare(site, record, content.decode("utf-8"), path)
    return docs


def _prepare(site: Site, record: Record, page: str, path: str) -> str:
    """``page`` with the indexed part marked and the record's filters and meta added."""
    block = _hidden_block(site, record)
    match = _ARTICLE.search(page) or _MAIN.search(page)
    if match is None:
        log.warning("search: %s has no <article class=record> or <main>; indexing the whole page", path)
        return page.replace("</body>", block + "</body>", 1)
    tag = match.group(0)
    marked = tag[:-1] + " data-pagefind-body>" + block
    return page[: match.start()] + marked + page[match.end() :]


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


async def _pagefind(docs: dict[str, str]) -> dict[str, bytes]:
    from pagefind.index import IndexConfig, PagefindIndex

    with tempfile.TemporaryDirectory(prefix="sunshine-search-") as tmp:
        src = Path(tmp, "src")
        out = Path(tmp, "out")
        for rel, text in sorted(docs.items()):
            target = src / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        config = IndexConfig(output_path=str(out), exclude_selectors=EXCLUDE)
        async with PagefindIndex(config=config) as index:
            result = await index.add_directory(str(src))
            if result["page_count"] != len(docs):
                raise RuntimeError(f"Pagefind indexed {result['page_count']} of {len(docs)} pages")
        return {
            BUNDLE + p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and not _UI_FILES.match(p.name)
        }


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to the end, also when the caller is inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
