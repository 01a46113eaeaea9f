"""The preview server's search index: made once, then following body edits.

``serve`` indexes the site at its first build only (minutes at 10,000 records) and
writes that index again with every later full build. Body edits are indexed apart, as
the command line's quick rebuild does (the edits shard,
:mod:`sunshine.outputs.searchedits`), a moment after the page is written: the server
writes the page and reloads the browser first, then :meth:`PreviewIndex.follow`
indexes the pages edited since, in a Pagefind service kept warm
(:mod:`sunshine.outputs.searchwarm`), so a clerk finds the new text in the preview's
search. A full rebuild that changes the pages of a few records (a title, a date, a
category) has those pages indexed the same way after it. A new or removed record, or a
change of many pages (a template, the day passing), reaches the preview's search when
the server starts again; where the edits cannot be indexed apart the index is left as it
is, never made whole again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path

from .bodyedit import Snapshot
from .outputs.search import BUNDLE, PLAN, PlannedShard, warm_up
from .outputs.searchedits import index_changes
from .route import output_path
from .site import Site
from .write import patch_site

__all__ = ["FOLLOW_MAX", "PreviewIndex"]

log = logging.getLogger("sunshine")

FOLLOW_MAX = 20  # record pages a full rebuild changed that are indexed apart after it (about 40 ms each)


class PreviewIndex:
    """The files of ``pagefind/`` the server writes, and the edits they still lack."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] | None = None  # pagefind/…, as last written
        self.plan: list[PlannedShard] | None = None  # as the build that made the index planned it
        self.pending: set[str] = set()  # records (keys) edited since the index last followed

    @property
    def wanted(self) -> bool:
        """Whether the next build must make the index."""
        return self.files is None

    def read(self, output: Path) -> None:
        """Take the index an earlier server left in ``output`` (it cannot follow edits)."""
        if self.files is None and (output / BUNDLE).is_dir():
            found = sorted(p for p in (output / BUNDLE).rglob("*") if p.is_file())
            self.files = {p.relative_to(output).as_posix(): p.read_bytes() for p in found}

    def built(self, site: Site, files: MutableMapping[str, bytes]) -> None:
        """After a full build: keep the index it made, or add the kept one to its files."""
        if self.files is None:
            self.files = {path: content for path, content in files.items() if path.startswith(BUNDLE)}
            self.plan = site.memo.get(PLAN)
        for path, content in self.files.items():
            files.setdefault(path, content)
        if self.plan:
            warm_up()  # a Pagefind service for the next edit's pages

    def edited(self, keys: Iterable[str]) -> None:
        """Records whose bodies a quick rebuild has just written."""
        if self.plan:
            self.pending.update(keys)

    def rebuilt(self, site: Site, before: Mapping[str, bytes], after: Mapping[str, bytes]) -> None:
        """After a full rebuild (``before``: the output it replaced): the records whose
        pages changed, when there are at most :data:`FOLLOW_MAX`, are indexed apart like
        body edits."""
        if not self.plan:  # no index to follow (search off, or not made yet)
            return
        changed = [record.key for record in site.published_records() if record.url and _differs(before, after, output_path(record.url))]
        if len(changed) <= FOLLOW_MAX:
            self.edited(changed)

    def follow(self, snap: Snapshot | None) -> bool:
        """Index the pages of the records edited since the last call (:meth:`edited`) as
        ``snap`` holds them, and write what changes in ``pagefind/``; whether anything did.
        A failure leaves the index as it was (the preview's search lags)."""
        keys, self.pending = self.pending, set()
        if not keys or snap is None or snap.sums is None or self.files is None:
            return False
        site = snap.site
        records = [site.records[key] for key in sorted(keys) if key in site.records]
        pages = {path: snap.files[path] for r in records if r.url and (path := output_path(r.url)) in snap.files}
        try:
            changes = index_changes(site, snap.files, self.plan, snap.sums, pages, records, whole=False)
            if changes:
                patch_site(site, changes, snap.sums)
        except Exception as exc:  # a preview's search may lag; the preview goes on
            log.debug("preview search: edits not indexed (%s: %s)", type(exc).__name__, exc)
            return False
        finally:
            warm_up()  # for the next edit: this one used its service
        for path, content in changes.items():
            for kept in (snap.files, self.files):
                if content is None:
                    kept.pop(path, None)
                else:
                    kept[path] = content
        return bool(changes)


def _differs(before: Mapping[str, bytes], after: Mapping[str, bytes], path: str) -> bool:
    try:
        return before.get(path) != after.get(path)
    except OSError:  # kept on disk, and gone: as good as changed
        return True
