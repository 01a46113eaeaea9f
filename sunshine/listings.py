"""Listing pages: home, one list per kind, the catalog, organisations and the archive.

Each function returns :class:`PageSpec` values (path, template, context); the
render stage turns them into HTML. "Current" lists (home, kind lists) leave out
withdrawn records; the catalog, organisation pages and archive keep them, marked.
Records published in error (``gone``) appear in no listing. Kind lists have ``per_page``
items a page; the catalog, a year's archive and an organisation's records, which hold
every record, ``long_per_page`` (so a phone never loads thousands of rows at once).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from . import reports
from .kinds import KINDS, rating
from .site import Site
from .views import RecordView

__all__ = ["PageSpec", "Pager", "pages"]

K = TypeVar("K")
T = TypeVar("T")


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
    yield from _series(site, listed)
    if site.options.edition == "internal":
        yield from _compliance(site)
    yield from _catalog(site, listed)
    yield from _orgs(site, listed)
    yield from _archive(site, listed)


def _grouped(views: list[RecordView], keys: list[K], key: Callable[[RecordView], K]) -> dict[K, list[RecordView]]:
    """The views of each of ``keys`` (in one pass, in their order), by ``key``."""
    groups: dict[K, list[RecordView]] = {k: [] for k in keys}
    for v in views:
        group = groups.get(key(v))
        if group is not None:
            group.append(v)
    return groups


def _paginate(
    site: Site, base: str, template: str, items: list[RecordView], size: int | None = None, **context: Any,
) -> Iterator[PageSpec]:
    """Pages of ``size`` items (the site's ``per_page``): ``base``, then ``base/page/2/``…"""
    size = size or site.cfg.site.per_page
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
    by_category = _grouped(listed, [c.id for c in cfg.categories], lambda v: v.category_id)
    counts = {key: len(items) for key, items in by_category.items()}
    years = sorted({v.year for v in listed}, reverse=True)
    common = {"categories": cfg.categories, "counts": counts, "years": years, "orgs": cfg.orgs}
    size = cfg.site.long_per_page
    yield from _paginate(
        site, "catalog/", "lists/catalog.html", listed, size, **common, title="公开目录", current="", facets=_facets(listed, size, ""),
    )
    for category in cfg.categories:
        items = by_category[category.id]
        yield from _paginate(
            site, f"catalog/{category.id}/", "lists/catalog.html", items, size,
            **common, title=f"公开目录 · {category.name}", current=category.id, facets=_facets(items, size, category.name),
        )


def _facets(items: list[RecordView], size: int, category: str) -> dict[str, Any] | None:
    """For a catalog of several pages, what its in-page filter offers (publishers,
    categories and years of all its records, not only the page's) and the category it
    keeps to, else None: the filter reads them from the table."""
    if len(items) <= size:
        return None
    return {
        "category": category,
        "orgs": sorted({v.org_name for v in items}),
        "categories": sorted({v.category for v in items}),
        "years": sorted({str(v.year) for v in items}, reverse=True),
    }


def _orgs(site: Site, listed: list[RecordView]) -> Iterator[PageSpec]:
    cfg = site.cfg
    by_org = _grouped(listed, [o.id for o in cfg.orgs], lambda v: v.org_id)
    children: dict[str | None, list[Any]] = {}
    for o in cfg.orgs:
        children.setdefault(o.parent, []).append(o)
    yield PageSpec("orgs/", "lists/orgs.html", {"children": children, "counts": {k: len(v) for k, v in by_org.items()}, "title": "组织机构"})
    ratings = [v for v in listed if v.kind == "rating" and v.status == "active"]
    histories = _kept(site, "org-histories", ratings, lambda: _histories(site, ratings))
    year = site.options.now.astimezone(site.tz).year
    summaries = reports.public_summary(site, year)
    for org in cfg.orgs:
        history = histories[org.id]
        parent = cfg.org(org.parent) if org.parent else None
        yield from _paginate(
            site, f"orgs/{org.id}/", "lists/org.html", by_org[org.id], cfg.site.long_per_page,
            org=org, parent=parent, children_orgs=children.get(org.id, []), history=history, title=org.name,
            disclosure=summaries.get(org.id), disclosure_year=year,
        )


def _histories(site: Site, ratings: list[RecordView]) -> dict[str, list[dict[str, Any]]]:
    """Each organisation's ranks in every series of ratings, with a chart."""
    groups = rating.series_groups(ratings)
    found: dict[str, list[dict[str, Any]]] = {}
    for org in site.cfg.orgs:
        history = found[org.id] = []
        for series, members in sorted(groups.items()):
            rows = [(m, next((r for r in m.derived.rows if r.org == org.id), None)) for m in members]
            if any(row for _, row in rows):
                chart = rating.rank_chart(
                    f"rank-{series}", [(rating.short_period(m.fields.period), row.rank if row else None) for m, row in rows],
                    max(len(m.derived.rows) for m in members), f"{org.label}在“{series}”系列中的名次",
                )
                history.append({"series": series, "rows": [(m, row, len(m.derived.rows)) for m, row in rows if row], "chart": chart})
    return found


def _kept(site: Site, name: str, inputs: list[RecordView], make: Callable[[], T]) -> T:
    """``make()``, or what it gave for the very same ``inputs`` (the same view objects)
    when this site was listed last: the preview lists again after an edit of a title
    (:mod:`sunshine.frontedit`), and only ratings' views make these."""
    memo = site.memo.setdefault("listings", {})
    found = memo.get(name)
    if found is not None and len(found[0]) == len(inputs) and all(a is b for a, b in zip(found[0], inputs, strict=True)):
        return cast(T, found[1])
    made = make()
    memo[name] = (inputs, made)
    return made


def _series(site: Site, listed: list[RecordView]) -> Iterator[PageSpec]:
    ratings = [v for v in listed if v.kind == "rating" and v.status == "active"]
    yield from _kept(site, "series", ratings, lambda: list(_series_pages(site, ratings)))


def _series_pages(site: Site, ratings: list[RecordView]) -> Iterator[PageSpec]:
    names = {o.id: o.label for o in site.cfg.orgs}
    groups = rating.series_groups(ratings)
    for series, members in sorted(groups.items()):
        periods = [(m.derived.period_label, m.derived) for m in members]
        header, rows = rating.export.series_table(periods, names)
        count = max(len(m.derived.rows) for m in members)
        charts = []
        for row in rows:
            org = row[0]
            points = [(rating.short_period(m.fields.period), next((r.rank for r in m.derived.rows if r.org == org), None)) for m in members]
            charts.append((names.get(org, org), rating.rank_chart(f"rank-{org}", points, count, f"{names.get(org, org)}历次名次")))
        yield PageSpec(f"ratings/series/{series}/", "lists/series.html", {
            "series": series, "members": members, "header": header, "rows": rows, "charts": charts,
            "title": f"历次考评：{members[-1].org_name} · {members[-1].fields.method}",
        })


def _archive(site: Site, listed: list[RecordView]) -> Iterator[PageSpec]:
    years = sorted({v.year for v in listed}, reverse=True)
    by_year = _grouped(listed, years, lambda v: v.year)
    counts = {y: len(by_year[y]) for y in years}
    yield from _paginate(site, "archive/", "lists/archive.html", [], years=years, counts=counts, year=None, title="历年归档")
    for year in years:
        yield from _paginate(
            site, f"archive/{year}/", "lists/archive.html", by_year[year], site.cfg.site.long_per_page,
            years=years, counts=counts, year=year, title=f"{year}年归档",
        )


def _compliance(site: Site) -> Iterator[PageSpec]:
    """Internal edition only: the compliance report per year and the release register."""
    years = reports.compliance_years(site)
    items = {c.id: c for c in site.cfg.catalog}
    for i, year in enumerate(years):
        found = reports.compliance(site, year)
        context = {"year": year, "years": years, "obligations": found, "items": items, "title": f"{year}年公开情况检查"}
        yield PageSpec(f"compliance/{year}/", "lists/compliance.html", context)
        if i == 0:
            yield PageSpec("compliance/", "lists/compliance.html", context)
    yield PageSpec("register/", "lists/register.html", {
        "rows": reports.register_rows(site), "columns": reports.REGISTER_COLUMNS, "title": "公开登记",
    })
