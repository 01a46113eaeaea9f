"""What a deploy uploads and deletes, and in which order.

Only files whose digest differs from the old manifest's are uploaded, in an order
that never lets a live page link to a page that is not there yet:

1. static assets, attachments and per-record data (``static/``, ``notices/a/x.csv``)
2. record pages (``notices/a/index.html``, its print sheet, free pages like ``about/``)
3. other pages (404, redirect pages of old addresses)
4. list pages and the search index (``notices/``, ``catalog/``, ``orgs/``, ``archive/``, ``page/N``)
5. home page, feeds, calendars, ``sitemap.xml``, ``SHA256SUMS``
6. removed files are deleted: only files listed in the *old* manifest (never anything
   this tool did not publish), and then folders they leave empty
7. ``manifest.json``, the commit mark of a deploy
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"

# Upload batches, in order; deletions run between the last two.
TIER_LABELS = (
    "静态资源与附件",
    "记录页面",
    "其他页面",
    "列表页与搜索索引",
    "首页、订阅与网站地图",
    "清单 manifest.json",
)
ASSETS, RECORDS, PAGES, LISTS, HOME, LAST = range(6)
# First path segments of list pages (their records' own pages are recognised by URL).
LIST_SECTIONS = frozenset(["notices", "plans", "ratings", "catalog", "orgs", "archive", "search", "tags", "page"])

# The files that name the others: uploaded after them, like the home page.
_SEARCH_ENTRIES = re.compile(r"^pagefind/(?:[0-9a-z]+/)?pagefind-entry\.json$|^pagefind/shards\.json$")


@dataclass(frozen=True)
class Step:
    action: Literal["upload", "delete"]
    label: str
    paths: tuple[str, ...]


@dataclass
class Plan:
    """What a deploy does, in order: upload batches, deletions, then the manifest."""

    target: str
    steps: list[Step] = field(default_factory=list)
    unchanged: int = 0
    first: bool = False  # no manifest on the target yet

    @property
    def uploads(self) -> list[str]:
        return [p for s in self.steps if s.action == "upload" for p in s.paths]

    @property
    def deletes(self) -> list[str]:
        return [p for s in self.steps if s.action == "delete" for p in s.paths]

    def lines(self) -> list[str]:
        """``上传 path`` / ``删除 path``, one per file, in execution order."""
        return [f"{'上传' if s.action == 'upload' else '删除'} {p}" for s in self.steps for p in s.paths]

    def summary(self) -> str:
        return f"上传 {len(self.uploads)} 个文件，删除 {len(self.deletes)} 个文件，{self.unchanged} 个文件未变"


def tier_of(path: str, record_urls: Iterable[str] = ()) -> int:
    """The upload batch of ``path`` (ASSETS … LAST); ``record_urls`` like ``notices/a/``."""
    urls = record_urls if isinstance(record_urls, (set, frozenset)) else frozenset(record_urls)
    parts = path.split("/")
    name = parts[-1]
    suffix = PurePosixPath(name).suffix.lower()
    if path == MANIFEST:
        return LAST
    if path in ("index.html", SUMS) or _SEARCH_ENTRIES.match(path) or suffix in (".xml", ".atom", ".rss"):
        return HOME
    if len(parts) == 1 and suffix == ".txt":  # robots.txt, next-change.txt
        return HOME
    if parts[0] == "static":
        return ASSETS
    if any("/".join(parts[:i]) + "/" in urls for i in range(1, len(parts))):
        return RECORDS if suffix == ".html" else ASSETS
    if parts[0] == "pagefind":
        return LISTS
    if parts[0] == "data":
        return LISTS if name.startswith("catalog") else ASSETS
    if suffix == ".ics":  # calendars of lists (notices/open.ics)
        return HOME
    if suffix == ".html":
        return LISTS if parts[0] in LIST_SECTIONS or "page" in parts[:-1] else PAGES
    return ASSETS


def _home_order(path: str) -> tuple[int, str]:
    if path == "index.html":
        return (0, path)
    if path == "sitemap.xml":
        return (2, path)
    if path.endswith((".xml", ".atom", ".rss", ".ics")):
        return (1, path)
    return (3, path)


def sums_text(files: dict[str, str]) -> bytes:
    """SHA256SUMS as the build writes it for manifest ``files``."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(files.items())).encode("utf-8")


def safe_path(path: str) -> bool:
    """A plain relative path inside the site: no ``..``, no absolute, no control characters."""
    if not path or path.startswith("/") or "\\" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _parent_dirs(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def make_plan(
    target: str,
    new: dict[str, str],
    record_urls: Iterable[str],
    old_files: dict[str, str] | None,
    old_manifest_digest: str | None = None,
) -> Plan:
    """Compare ``new`` (path → SHA-256 of every file to publish, manifest.json included)
    with the old manifest's ``files`` (None: nothing published yet)."""
    plan = Plan(target=target, first=old_files is None)
    old: dict[str, str] = dict(old_files or {})
    if old_files is not None:
        old[SUMS] = hashlib.sha256(sums_text(old_files)).hexdigest()
        if old_manifest_digest:
            old[MANIFEST] = old_manifest_digest
    urls = frozenset(record_urls)
    changed = [p for p, digest in new.items() if old.get(p) != digest]
    plan.unchanged = len(new) - len(changed)
    tiers: dict[int, list[str]] = {}
    for path in changed:
        tiers.setdefault(tier_of(path, urls), []).append(path)
    for tier in range(LAST):
        paths = sorted(tiers.get(tier, []), key=_home_order if tier == HOME else None)
        if paths:
            plan.steps.append(Step("upload", TIER_LABELS[tier], tuple(paths)))
    removed = sorted(p for p in (old_files or {}) if p not in new and p not in (MANIFEST, SUMS) and safe_path(p))
    if removed:
        plan.steps.append(Step("delete", "删除已撤下的文件", tuple(removed)))
    if LAST in tiers:
        plan.steps.append(Step("upload", TIER_LABELS[LAST], (MANIFEST,)))
    return plan
