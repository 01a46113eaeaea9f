"""Stage 5, route: give each published record its URL and check nothing collides.

URLs are site-relative paths without the base prefix and end in ``/``:
``notices/<slug>/``, ``plans/<slug>/``, ``ratings/<slug>/`` and, for free pages,
``<slug>/``. An alias is an old path that becomes a redirect page. Two records
(or a record and an alias, or a page and a built-in section) on one URL are one
problem naming every file involved.
"""

from __future__ import annotations

from .kinds import KINDS
from .site import Record, Site

__all__ = ["RESERVED", "output_path", "route_site"]

RESERVED = frozenset(
    ["catalog", "orgs", "archive", "search", "data", "static", "feeds", "pagefind", "admin", "404.html", "sitemap.xml", "robots.txt"]
    + [k.FOLDER for k in KINDS.values()]
)


def record_url(record: Record) -> str:
    if record.kind == "page":
        return f"{record.slug}/"
    return f"{KINDS[record.kind].FOLDER}/{record.slug}/"


def output_path(url: str) -> str:
    """``notices/a/`` -> ``notices/a/index.html``; ``feed.xml`` stays."""
    return url + "index.html" if url.endswith("/") or url == "" else url


def route_site(site: Site) -> None:
    """Set ``record.url`` for published records and fill ``site.routes``."""
    claims: dict[str, list[str]] = {}
    for record in site.published_records():
        record.url = record_url(record)
        claims.setdefault(record.url, []).append(record.key)
        if record.kind == "page" and record.slug in RESERVED:
            site.problems.add(record.key, record.line_of("slug"), "slug", f"网址名“{record.slug}”是系统保留的栏目", "请换一个网址名", code="reserved-url")
        for alias in record.fields.aliases:
            path = alias.strip("/") + "/"
            claims.setdefault(path, []).append(f"{record.key}（旧网址）")
    for url, owners in sorted(claims.items()):
        if len(owners) > 1:
            first = owners[0].removesuffix("（旧网址）")
            line = site.records[first].line_of("slug")
            site.problems.add(first, line, "slug", f"网址 /{url} 被多个记录使用：{'、'.join(owners)}", "请给其中一个记录另设 slug", code="url-clash")
        site.routes[output_path(url)] = owners[0]
