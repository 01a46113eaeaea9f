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

Two work-arounds for Pagefind 1.5.2, both checked by tests/search:

* Queries are split into words by the browser (ICU), pages by Pagefind (jieba);
  where they disagree a word is not found (转正, 党费, 党委). Each page therefore
  also carries, hidden and after a ``⁂``, its CJK bigrams (:func:`_companion`).
* Filter files come out in hash-map order, different on every run;
  :func:`canonical_bundle` sorts them so that two builds are byte-identical.

Set ``SUNSHINE_NO_SEARCH=1`` to skip the index (fast tests).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import hashlib
import html
import importlib.util
import json
import logging
import os
import re
import struct
import tempfile
from collections.abc import Coroutine
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

from ..kinds import KINDS
from ..problems import BuildFailed, Problems
from ..route import output_path
from ..site import Record, Site
from ..views import cn_date
from .searchcache import bundle_key, load_bundle, save_bundle

__all__ = [
    "BUNDLE",
    "ENV_SKIP",
    "EXCLUDE",
    "canonical_bundle",
    "search_documents",
    "search_enabled",
    "search_index",
]

log = logging.getLogger("sunshine")
T = TypeVar("T")

ENV_SKIP = "SUNSHINE_NO_SEARCH"
BUNDLE = "pagefind/"
# Parts of a record page that are the same on every page of a kind, or not text.
EXCLUDE = [
    "svg", "nav.toc", ".print-links", ".objection", "script", "style",
    ".docmeta th", ".docmeta caption",  # the labels 索引号, 主题分类, 发布日期… on every page
]
COMPANION_WEIGHT = 0.5  # see _companion
# Pagefind's ready-made UIs: not used by static/js/search.js, about 420 KB.
_UI_FILES = re.compile(r"^pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$")
_ARTICLE = re.compile(r"<article\b[^>]*\bclass=\"[^\"]*\brecord\b[^\"]*\"[^>]*>")
_MAIN = re.compile(r"<main\b[^>]*>")


def search_enabled() -> bool:
    """False when ``SUNSHINE_NO_SEARCH`` is set to a true value (1, yes, true)."""
    return os.environ.get(ENV_SKIP, "").strip().lower() not in ("1", "yes", "true")


def search_index(site: Site, files: dict[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for the record pages in ``files``: ``{"pagefind/...": bytes}``.

    With the build cache on, a bundle made from the same pages is reused
    (:mod:`sunshine.outputs.searchcache`).
    """
    if not search_enabled():
        return {}
    pages = _indexed(site, files)
    if not pages:
        return {}
    folder = site.options.root / ".cache" / "search" if site.options.cache else None
    key = None
    if folder is not None:
        key = bundle_key(f"{url}\0{_hidden_block(site, r)}\0".encode() + content for url, r, content in pages)
        cached = load_bundle(folder, key)
        if cached is not None:
            return cached
    missing = _missing_pagefind()
    if missing:
        problems = Problems()
        hint = "请运行 pip install 'pagefind[extended]==1.5.2'，或设置环境变量 SUNSHINE_NO_SEARCH=1 跳过全文搜索"
        problems.add("pagefind", 0, "", missing, hint, code="no-pagefind")
        raise BuildFailed(problems)
    docs = {url: _prepare(site, record, content.decode("utf-8"), url) for url, record, content in pages}
    bundle = _run(_pagefind(docs))
    if folder is not None and key is not None:
        save_bundle(folder, key, bundle)
    return bundle


def _missing_pagefind() -> str | None:
    """Why the extended Pagefind (the one that segments Chinese) cannot be used, or None."""
    if importlib.util.find_spec("pagefind") is None:
        return "未安装全文搜索组件 Pagefind"
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return None
    if importlib.util.find_spec("pagefind_bin_extended") is None:
        return "只安装了不支持中文分词的 Pagefind，需要扩展版 pagefind[extended]"
    return None


def search_documents(site: Site, files: dict[str, bytes]) -> dict[str, str]:
    """``{URL path with prefix + index.html: HTML prepared for Pagefind}`` per record page."""
    return {url: _prepare(site, record, content.decode("utf-8"), url) for url, record, content in _indexed(site, files)}


def _indexed(site: Site, files: dict[str, bytes]) -> list[tuple[str, Record, bytes]]:
    """(URL path with prefix + index.html, record, page) of every record page to index."""
    prefix = site.cfg.path_prefix
    pages: list[tuple[str, Record, bytes]] = []
    for record in site.published_records():
        if record.status == "gone" or not record.url:
            continue
        content = files.get(output_path(record.url))
        if content is not None:
            pages.append(((prefix + output_path(record.url)).lstrip("/"), record, content))
    return pages


def _prepare(site: Site, record: Record, page: str, path: str) -> str:
    """``page`` with the indexed part marked and the record's filters and meta added."""
    block = _hidden_block(site, record)
    match = _ARTICLE.search(page) or _MAIN.search(page)
    if match is None:
        log.warning("search: %s has no <article class=record> or <main>; indexing the whole page", path)
        return page.replace("</body>", block + "</body>", 1)
    close = "</article>" if match.group(0).startswith("<article") else "</main>"
    end = page.find(close, match.end())
    if end < 0:
        end = len(page)
    tag = match.group(0)
    body = page[match.end() : end]
    return (
        page[: match.start()] + tag[:-1] + " data-pagefind-body>" + block + body
        + _companion(body) + page[end:]
    )


class _Text(HTMLParser):
    """The text of an HTML fragment, without the parts Pagefind is told to skip."""

    SKIP_TAGS = frozenset(["script", "style", "svg", "template"])
    SKIP_CLASSES = frozenset(["toc", "print-links", "objection"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[bool, bool]] = []  # (skipped, inside .docmeta)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        attr = dict(attrs)
        classes = set((attr.get("class") or "").split())
        skipped, docmeta = self.stack[-1] if self.stack else (False, False)
        skipped = (
            skipped or tag in self.SKIP_TAGS or "data-pagefind-ignore" in attr
            or bool(classes & self.SKIP_CLASSES) or (docmeta and tag in ("th", "caption"))
        )
        self.stack.append((skipped, docmeta or "docmeta" in classes))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][0]):
            self.parts.append(data)


_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _companion(body: str) -> str:
    """Every CJK bigram of ``body`` (and the last character of each run), once.

    Pagefind segments page text with jieba at build time but queries with the
    browser's ICU segmenter, and a query word that the two split differently
    (党费 -> 党 + 费, 转正, 党委 inside 镇党委) finds nothing. With these bigrams
    every one- or two-character query word that occurs in the page matches.
    Low weight, after a ⁂ that search.js cuts the shown text at.
    """
    parser = _Text()
    parser.feed(body)
    parser.close()
    seen: dict[str, None] = {}
    for run in _CJK_RUN.findall("".join(parser.parts)):
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
        seen.setdefault(run[-1], None)
    if not seen:
        return ""
    return f'<p hidden data-pagefind-weight="{COMPANION_WEIGHT}">⁂ {" ".join(seen)}</p>'


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
        # Pagefind 1.5 answers WriteFiles before its (tokio) file writes are done, and
        # leaving the context kills the service: a file could be cut short (1 build in
        # 25 had an empty pagefind-entry.json). So the bundle is written to ``out``
        # explicitly and read back only once complete, with the service still running.
        # Leaving the context would then write the whole index a second time (as long
        # as the first write); deleting the index first makes it skip that, so the
        # service is closed here.
        config = IndexConfig(output_path=str(Path(tmp, "discard")), exclude_selectors=EXCLUDE)
        async with PagefindIndex(config=config) as index:
            result = await index.add_directory(str(src))
            if result["page_count"] != len(docs):
                raise RuntimeError(f"Pagefind indexed {result['page_count']} of {len(docs)} pages")
            await index.write_files(output_path=str(out))
            bundle = await _settled(out)
            service = getattr(index, "_service", None)
            if service is not None and callable(getattr(service, "close", None)):
                await index.delete_index()  # the context's exit now writes nothing …
                await service.close()  # … and closes nothing: the service is closed here
    return {BUNDLE + path: content for path, content in canonical_bundle(bundle).items()}


async def _settled(out: Path, timeout: float = 30.0) -> dict[str, bytes]:
    """The files in ``out`` once Pagefind has finished writing them all."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    previous: dict[str, bytes] | None = None
    sizes: dict[str, int] | None = None
    while True:
        # cheap first: wait until the listing and sizes stop changing, then read and verify
        now_sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()}
        if now_sizes != sizes:
            sizes = now_sizes
            if loop.time() > deadline:
                raise RuntimeError("Pagefind did not finish writing its files")
            await asyncio.sleep(0.02)
            continue
        files = {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and not _UI_FILES.match(p.name)
        }
        if files == previous and _complete(files):
            return files
        if loop.time() > deadline:
            raise RuntimeError("Pagefind did not finish writing its files")
        previous = files
        await asyncio.sleep(0.02)


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
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --------------------------------------------------------------------------- reproducibility
#
# Pagefind 1.5 writes the values of a filter, and the filters listed in a
# language's meta file, in hash-map order, which changes from run to run. Only
# the filter files, the meta file (it names the filter files) and
# pagefind-entry.json (it names the meta file) are affected. They are gzipped
# CBOR after a "pagefind_dcd" signature; we sort both lists, re-encode, and name
# the files by the SHA-256 of their content. A file that does not decode and
# re-encode to exactly its own bytes (another Pagefind version) is left as it is.

_SIGNATURE = b"pagefind_dcd"
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


def _unpack(content: bytes) -> Any:
    """Decode a Pagefind data file; ValueError unless it re-encodes to the same bytes."""
    raw = gzip.decompress(content)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("no Pagefind signature")
    value = _cbor_decode(raw[len(_SIGNATURE) :])
    if _cbor_encode(value) != raw[len(_SIGNATURE) :]:
        raise ValueError("CBOR does not round-trip")
    return value


def _pack(value: Any) -> bytes:
    return gzip.compress(_SIGNATURE + _cbor_encode(value), compresslevel=9, mtime=0)


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
        name, values = _unpack(content)
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
        meta = _unpack(content)
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
