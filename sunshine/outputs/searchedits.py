"""The search index after a quick rebuild: the edited pages in a small shard of their own.

A full build cuts the index into shards by date (:mod:`sunshine.outputs.searchshards`).
Indexing again the shard of an edited page was nearly all of a quick rebuild with
search: some 7 s for a shard of 900 pages at N = 10,000, where Pagefind indexes one
page in 0.2 s. So a quick rebuild indexes only the pages edited since the full build
it patches, in the shard ``pagefind/edits/``, and leaves every other shard as that
build wrote it. ``pagefind/shards.json`` then names, beside the shards to merge:

- ``edits``: each edited page's URL and the Pagefind id (its fragment's name) of its
  earlier version in its own shard; ``static/js/search.js`` drops those ids from
  every result list, and the next quick rebuild indexes these pages again with its own;
- ``twins``: per filter and value, how many pages the edits shard holds, which the
  script takes off Pagefind's filter totals (such a page is counted in two shards).

Every page a reader can find is then indexed as a full build indexes it (tests compare
the fragments); the next full build indexes the shards again and has no edits shard.
A page whose edit gives back what its shard holds leaves the edits shard. Past
:data:`EDITS_MAX` pages, or where the output does not hold what the plan says, the
shards holding the pages are indexed again instead (:mod:`sunshine.outputs.searchpatch`)
and the edits shard goes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import ChainMap, Counter
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from ..manifestsums import listed_under
from ..route import output_path
from ..site import Record, Site
from . import search
from .search import BUNDLE, SHARDS, Page, PlannedShard, bundles, indexed_page, listing, place
from .searchcanon import SIGNATURE, unpack
from .searchpatch import patch_index
from .searchshards import EDITS, Shard

__all__ = ["EDITS_MAX", "edit_index", "index_changes"]

EDITS_MAX = 200  # pages in the edits shard; past it the shards are indexed again

# files made, which old files they replace, and a folder holding every file they may replace
IndexFiles = tuple[dict[str, bytes], Callable[[str], bool], str]


def index_changes(
    site: Site, files: MutableMapping[str, bytes], plan: Sequence[PlannedShard] | None, sums: Mapping[str, str],
    written: Mapping[str, bytes], edited: Collection[Record], whole: bool = True,
) -> dict[str, bytes | None]:
    """The files of ``pagefind/`` that change (None: go) once the records ``edited`` have
    the new pages ``written`` over the output ``files`` (``sums``: their digests, as the
    manifest lists them); ``plan``: the index's, as its build made it. Where the edits
    cannot be indexed apart (no plan, an output without its listing) the whole index is
    made again, or, unless ``whole``, left as it is ({}). Only files of ``pagefind/`` are
    ever replaced."""
    keys = {record.key for record in edited if record.url and output_path(record.url) in written}
    if not keys:
        return {}
    merged = ChainMap(dict(written), files)
    patched = edit_index(site, merged, plan, keys) if plan else None
    if patched is None:
        if not whole:
            return {}
        patched = search.search_index(site, merged), lambda path: True, BUNDLE
    bundle, owned, folder = patched
    changes: dict[str, bytes | None] = {
        path: content for path, content in bundle.items() if sums.get(path) != hashlib.sha256(content).hexdigest()
    }
    changes.update((path, None) for path in listed_under(sums, folder) if owned(path) and path not in bundle)
    return changes


def edit_index(site: Site, files: Mapping[str, bytes], plan: Sequence[PlannedShard], edited: Collection[str]) -> IndexFiles | None:
    """The search index's new files once the records ``edited`` (keys) have new pages
    in ``files``, and which files of ``pagefind/`` they replace; None when the whole
    index must be made again."""
    where = {key: (planned, url) for planned in plan for url, key in planned.pages}
    by_url = {url: key for key, (_, url) in where.items()}
    before = _edits_before(files)
    if before is None or not before.keys() <= by_url.keys():  # what the edits shard holds is not known
        return None
    earlier = {by_url[url] for url in before}
    members = sorted(earlier | {key for key in edited if key in where})
    if not members:  # no edited page is indexed
        return {}, lambda path: False, f"{BUNDLE}{EDITS.name}/"
    if len(members) <= EDITS_MAX:
        made = _edits_shard(site, files, plan, where, members, before)
        if made is not None:
            return made
    return _shards_again(site, files, plan, set(members))


def _edits_before(files: Mapping[str, bytes]) -> dict[str, str] | None:
    """The edits shard's pages as ``shards.json`` names them (URL -> superseded id), or
    None when the listing cannot be read."""
    try:
        doc = json.loads(files[BUNDLE + SHARDS])
        edits = doc.get("edits", {})
        if not isinstance(edits, dict) or not all(isinstance(v, str) for v in edits.values()):
            return None
        return {str(url): id_ for url, id_ in edits.items()}
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def _edits_shard(
    site: Site, files: Mapping[str, bytes], plan: Sequence[PlannedShard], where: Mapping[str, tuple[PlannedShard, str]],
    members: list[str], before: Mapping[str, str],
) -> IndexFiles | None:
    pages: list[Page] = []
    stale = dict(before)  # URL -> the id of the page's version in its shard
    unknown: dict[Shard, list[str]] = {}  # the pages edited now for the first time, by shard
    for key in members:
        planned, url = where[key]
        record = site.records.get(key)
        page = indexed_page(site, record, files) if record is not None else None
        if page is None or page[0] != url:
            return None
        pages.append(page)
        if url not in stale:
            unknown.setdefault(planned.shard, []).append(url)
    for shard, urls in unknown.items():
        where_ids = _shard_folder(site.options.output, shard, plan)
        shard_urls = next(tuple(url for url, _ in planned.pages) for planned in plan if planned.shard == shard)
        found = _ids_by_order(where_ids, shard_urls, urls) or _fragment_ids(where_ids)
        if found is None or not found.keys() >= set(urls):
            return None
        stale.update((url, found[url]) for url in urls)
    kept = frozenset(planned.key for planned in plan)
    fragments: dict[str, tuple[str, dict[str, Any]]] = {}
    bundle: dict[str, bytes] = {}
    while pages:
        made, _ = bundles(site, {EDITS: pages}, kept)
        bundle, fragments = made[EDITS], _fragments(made[EDITS])
        if fragments.keys() != {page[0] for page in pages}:  # Pagefind wrote other addresses than the plan's
            return None
        same = {url for url, (id_, _) in fragments.items() if stale[url] == id_}  # edited back to what its shard holds
        if not same:
            break
        pages = [page for page in pages if page[0] not in same]
    if not pages:
        bundle, fragments = {}, {}
    edits = {url: stale[url] for url in fragments}
    new = {BUNDLE + SHARDS: listing([planned.shard for planned in plan], edits, _twins(fragments))}
    new.update(place(EDITS, bundle, top=False))
    folder = f"{BUNDLE}{EDITS.name}/"
    return new, lambda path: True, folder


def _shards_again(site: Site, files: Mapping[str, bytes], plan: Sequence[PlannedShard], keys: set[str]) -> IndexFiles | None:
    """The shards holding the pages of ``keys`` indexed again, and no edits shard."""
    patched = patch_index(site, files, plan, keys)
    if patched is None:
        return None
    made, owned = patched
    folder = f"{BUNDLE}{EDITS.name}/"
    return {**made, BUNDLE + SHARDS: listing([planned.shard for planned in plan])}, lambda path: path.startswith(folder) or owned(path), BUNDLE


def _shard_folder(output: Path, shard: Shard, plan: Sequence[PlannedShard]) -> Path:
    top = max(planned.shard for planned in plan)
    return output / BUNDLE if shard == top else output / BUNDLE / shard.name


def _ids_by_order(folder: Path, shard_urls: Sequence[str], wanted: Collection[str]) -> dict[str, str] | None:
    """URL -> id of the pages ``wanted`` of a shard holding ``shard_urls``, from the order
    of the pages in its meta file, or None where that does not hold.

    Pagefind lists a bundle's pages in reverse order of their paths (their copies' paths
    are the plan's URLs), so the meta file alone names every page: one file read instead
    of a shard's thousand fragments (a tenth of a second). Each page found so is checked
    against its own fragment; a mismatch gives None, and the fragments are read."""
    try:
        metas = list(folder.glob("pagefind.*.pf_meta"))
        if len(metas) != 1:
            return None
        pages = unpack(metas[0].read_bytes())[1]
        if len(pages) != len(shard_urls) or not all(isinstance(page[0], str) for page in pages):
            return None
        ids = dict(zip(sorted(shard_urls, reverse=True), (str(page[0]) for page in pages), strict=True))
        found = {url: ids[url] for url in wanted}
        for url, id_ in found.items():
            if _plan_url(_fragment((folder / "fragment" / f"{id_}.pf_fragment").read_bytes())["url"]) != url:
                return None
        return found
    except (OSError, ValueError, TypeError, KeyError, IndexError, EOFError):
        return None


def _fragment_ids(folder: Path) -> dict[str, str] | None:
    """URL (as the plan has it) -> id of every page a shard's folder holds, or None if unreadable."""
    try:
        found = {}
        for path in (folder / "fragment").glob("*.pf_fragment"):
            found[_plan_url(_fragment(path.read_bytes())["url"])] = path.name.removesuffix(".pf_fragment")
        return found
    except (OSError, ValueError, TypeError, KeyError, EOFError):
        return None


def _fragments(bundle: Mapping[str, bytes]) -> dict[str, tuple[str, dict[str, Any]]]:
    """URL (as the plan has it) -> (id, fragment) of every page in ``bundle``."""
    found = {}
    for path, content in bundle.items():
        if path.startswith("fragment/"):
            fragment = _fragment(content)
            found[_plan_url(fragment["url"])] = (path.removeprefix("fragment/").removesuffix(".pf_fragment"), fragment)
    return found


def _twins(fragments: Mapping[str, tuple[str, dict[str, Any]]]) -> dict[str, dict[str, int]]:
    """Per filter and value, how many of the pages have it."""
    counts: dict[str, Counter[str]] = {}
    for _, fragment in fragments.values():
        for name, values in fragment.get("filters", {}).items():
            counts.setdefault(name, Counter()).update(values)
    return {name: dict(sorted(values.items())) for name, values in sorted(counts.items())}


def _fragment(content: bytes) -> dict[str, Any]:
    raw = gzip.decompress(content)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind fragment")
    doc = json.loads(raw[len(SIGNATURE) :])
    if not isinstance(doc, dict):
        raise ValueError("not a Pagefind fragment")
    return doc


def _plan_url(url: str) -> str:
    """A fragment's URL (``/qingxi/a/``) as the plan writes it (``qingxi/a/index.html``)."""
    path = url.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path
