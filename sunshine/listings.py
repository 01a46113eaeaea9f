"""Listing pages: home, one list per kind, the catalog, organisations and the archive.

Each function returns :class:`PageSpec` values (path, template, context); the
render stage turns them into HTML. "Current" lists (home, kind lists) leave out
withdrawn records; the catalog, organisation pages and archive keep them, marked.
Records published in error (``gone``) appear in no listing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .kinds import KINDS
from .site import Site
from .views import RecordView

__all__ = ["PageSpec", "Pager", "pages"]


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    prev_url: str
    next_url: str


@dataclass(frozen=True)
class PageSpec:
    path: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _newest(views: list[RecordView]) -> list[RecordView]:
    return sorted(views, key=lambda v: (v.date, v.index_no), reverse=True)


def pages(site: Site, views: list[RecordView]) -> Iterator[PageSpec]:
    listed = _newest([v for v in views if v.status != "gone"])
    current = [v for v in listed if v.status == "active"]
    yield _home(current)
    for kind in KINDS.values():
        if kind.NAME == "page":
            continue
        of_kind = [v for v in current if v.kind == kind.NAME]
        yield from _paginate(site, f"{kind.FOLDER}/", kind.LIST_TEMPLATE, of_kind, title=kind.LABEL, kind=kind.NAME)
    yield from _catalog(site, listed)
    yield from _orgs(site, listed)
    yield from _archive(site, listed)


def _paginate(site: Site, base: str, template: str, items: list[RecordView], **context: Any) -> Iterator[PageSpec]:
    size = site.cfg.site.per_page
    count = max(1, math.ceil(len(items) / size))
    prefix = site.cfg.path_prefix

    def url(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    for n in range(1, count + 1):
        pager = Pager(n, count, prefix + url(n - 1) if n > 1 else "", prefix + url(n + 1) if n < count else "")
        yield PageSpec(url(n), template, {**context, "items": items[(n - 1) * size : n * size], "pager": pager, "total": len(items)})


def _home(current: list[RecordView]) -> PageSpec:
    notices = [v for v in current if v.kind == "notice"]
    open_now = sorted((v for v in notices if v.derived.status == "open"), key=lambda v: (v.derived.end, v.index_no))
    upcoming = sorted((v for v in notices if v.derived.status == "upcoming"), key=lambda v: (v.derived.start, v.index_no))
    ratings = [v for v in current if v.kind == "rating"]
    plans = [v for v in current if v.kind == "plan" and v.fields.tasks]
    latest = [v for v in current if v.kind != "page"][:10]
    return PageSpec("", "home.html", {
        "open_notices": open_now,
        "upcoming_notices": upcoming,
        "latest": latest,
        "latest_rating": ratings[0] if ratings else None,
        "plans": plans[:3],
    })


def _catalog(site: Site, listed: list[RecordView]) -> Iterator[PageSpec]:
    cfg = site.cfg
    counts = {c.id: sum(1 for v in listed if v.category_id == c.id) for c in cfg.categories}
    years = sorted({v.year for v in listed}, reverse=True)
    common = {"categories": cfg.categories, "counts": counts, "years": years, "orgs": cfg.orgs}
    yield PageSpec("catalog/", "lists/catalog.html", {**common, "items": listed, "title": "公开目录", "current": ""})
    for category in cfg.categories:
        items = [v for v in listed if v.category_id == category.id]
        yield PageSpec(f"catalog/{category.id}/", "lists/catalog.html", {**common, "items": items, "title": f"公开目录 · {category.name}", "current": category.id})


def _orgs(site: Site, listed: list[RecordView]) -> Iterator[PageSpec]:
    cfg = site.cfg
    by_org = {o.id: [v for v in listed if v.org_id == o.id] for o in cfg.orgs}
    children: dict[str | None, list[Any]] = {}
    for o in cfg.orgs:
        children.setdefault(o.parent, []).append(o)
    yield PageSpec("orgs/", "lists/orgs.html", {"children": children, "counts": {k: len(v) for k, v in by_org.items()}, "title": "组织机构"})
    ratings = [v for v in listed if v.kind == "rating" and v.status == "active"]
    for org in cfg.orgs:
        history = []
        for rating in sorted(ratings, key=lambda v: (v.date, v.index_no)):
            row = next((r for r in rating.derived.rows if r.org == org.id), None)
            if row is not None:
                history.append((rating, row, len(rating.derived.rows)))
        parent = cfg.org(org.parent) if org.parent else None
        yield PageSpec(f"orgs/{org.id}/", "lists/org.html", {
            "org": org, "parent": parent, "children_orgs": children.get(org.id, []),
            "items": by_org[org.id], "history": history, "title": org.name,
        })


def _archive(site: Site, listed: list[RecordView]) -> Iterator[PageSpec]:
    years = sorted({v.year for v in listed}, reverse=True)
    counts = {y: sum(1 for v in listed if v.year == y) for y in years}
    yield PageSpec("archive/", "lists/archive.html", {"years": years, "counts": counts, "items": [], "year": None, "title": "历年归档"})
    for year in years:
        items = [v for v in listed if v.year == year]
        yield PageSpec(f"archive/{year}/", "lists/archive.html", {"years": years, "counts": counts, "items": items, "year": year, "title": f"{year}年归档"})
