"""The search index after a quick rebuild, made again in the shards holding its edited pages.

A quick rebuild normally indexes its edited pages apart (:mod:`sunshine.outputs.searchedits`);
past that module's limit it makes again the shards that hold them, here. A quick rebuild
(:mod:`sunshine.quickstore`) changes the bodies of records and
nothing else, so the pages indexed, their dates and therefore their shards are
those of the full build it patches, whose plan the store keeps
(:class:`sunshine.outputs.search.PlannedShard`). The other shards are in the output
as that build wrote them; only the shards holding an edited page are keyed and made
again (from the cache or by Pagefind), without reading every record and page of
the site. Where the plan does not fit the site, :func:`patch_index` answers None
and the caller makes the whole index.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from ..site import Site
from .search import BUNDLE, SHARDS, Page, PlannedShard, bundles, indexed_page, place
from .searchshards import Shard

__all__ = ["patch_index"]


def patch_index(
    site: Site, files: Mapping[str, bytes], plan: Sequence[PlannedShard], edited: Collection[str],
) -> tuple[dict[str, bytes], Callable[[str], bool]] | None:
    """The files of the shards holding a record in ``edited`` (record keys), made again
    from ``files``, and which output paths belong to those shards; None when a page
    of theirs is not where ``plan`` puts it."""
    hit = [planned for planned in plan if any(key in edited for _, key in planned.pages)]
    if not hit:
        return {}, lambda path: False
    shards: dict[Shard, list[Page]] = {}
    for planned in hit:
        members: list[Page] = []
        for url, key in planned.pages:
            record = site.records.get(key)
            page = indexed_page(site, record, files) if record is not None else None
            if page is None or page[0] != url:
                return None
            members.append(page)
        shards[planned.shard] = members
    made, _ = bundles(site, shards, frozenset(p.key for p in plan if p.shard not in shards))
    top = max(planned.shard for planned in plan)
    new = {path: content for shard, bundle in made.items() for path, content in place(shard, bundle, shard == top).items()}
    below = {f"{BUNDLE}{planned.shard.name}/": planned.shard for planned in plan if planned.shard != top}

    def owned(path: str) -> bool:
        """``path`` is a file of a shard made again (it goes if the new bundle lacks it)."""
        if not path.startswith(BUNDLE) or path == BUNDLE + SHARDS:
            return False
        folder = path[: path.find("/", len(BUNDLE)) + 1]
        return below.get(folder, top) in shards

    return new, owned
