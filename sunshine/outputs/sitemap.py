"""sitemap.xml (sitemaps.org 0.9) and robots.txt."""

from __future__ import annotations

from urllib.parse import quote

from ..site import Site

__all__ = ["robots", "sitemap"]

_SKIP = ("404.html",)


def sitemap(site: Site, paths: list[str]) -> str:
    """Every HTML page of the edition except redirects and error pages, as absolute URLs."""
    from xml.sax.saxutils import escape  # here: it imports urllib.request and ssl

    base = site.cfg.absolute_base or site.cfg.path_prefix
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in paths:
        if not path.endswith("index.html") or path in _SKIP:
            continue
        url = path.removesuffix("index.html")
        lines.append(f"  <url><loc>{escape(base + quote(url))}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(site: Site) -> str:
    if site.options.edition == "internal":
        return "User-agent: *\nDisallow: /\n"
    base = site.cfg.absolute_base or site.cfg.path_prefix
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
