"""Atom feeds (RFC 4287) of published records, newest first."""

from __future__ import annotations

import datetime as dt

from ..kinds import KINDS, notice
from ..site import Site
from ..views import RecordView

__all__ = ["all_feeds", "atom"]

FEED_SIZE = 50


def _id(site: Site, path: str) -> str:
    base = site.cfg.absolute_base
    return base + path if base else f"urn:sunshine:{site.cfg.orgs[0].code.lower()}:{path or 'home'}"


def atom(site: Site, views: list[RecordView], path: str, title: str, empty_since: dt.datetime | None = None) -> str:
    """An Atom feed at ``path`` (e.g. ``feed.xml``) of ``views``.

    Its ``updated`` is its newest entry's date; a feed with no entry gives ``empty_since``
    (the edition's newest record), not the build time, so it is not rewritten every day.
    """
    # here: it imports urllib and ssl, which a build that makes no feed does without
    from xml.sax.saxutils import escape, quoteattr

    cfg = site.cfg
    entries = sorted(views, key=lambda v: (v.date, v.index_no), reverse=True)[:FEED_SIZE]
    prefix = cfg.absolute_base or cfg.path_prefix
    latest = entries[0].date if entries else empty_since or site.options.now.astimezone(site.tz)
    updated = latest.isoformat()
    feed_path = path + "feed.xml"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(_id(site, feed_path))}</id>",
        f"  <updated>{updated}</updated>",
        f"  <link rel=\"self\" href={quoteattr(prefix + feed_path)}/>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(prefix + path)}/>",
        f"  <author><name>{escape(cfg.footer.host)}</name></author>",
    ]
    for v in entries:
        lines += [
            "  <entry>",
            f"    <title>{escape(v.title)}</title>",
            f"    <id>{escape(_id(site, v.path))}</id>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(prefix + v.path)}/>",
            f"    <published>{v.date.isoformat()}</published>",
            f"    <updated>{v.date.isoformat()}</updated>",
            f"    <author><name>{escape(v.org_name)}</name></author>",
            f"    <category term={quoteattr(v.kind)} label={quoteattr(v.kind_label)}/>",
            f"    <summary>{escape(v.description)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def all_feeds(site: Site, views: list[RecordView]) -> dict[str, str]:
    """The site feed, one per kind and one per organisation."""
    title = site.cfg.site.title
    newest_first = sorted(views, key=lambda v: (v.date, v.index_no), reverse=True)  # once: each feed takes its newest
    kinds: dict[str, list[RecordView]] = {kind.NAME: [] for kind in KINDS.values() if kind.NAME != "page"}
    types: dict[str, list[RecordView]] = {type_name: [] for type_name in notice.TYPE_SLUGS}
    orgs: dict[str, list[RecordView]] = {org.id: [] for org in site.cfg.orgs}
    for v in newest_first:
        if v.kind == "page":
            continue
        for feed in (kinds.get(v.kind), types.get(v.fields.type) if v.kind == "notice" else None, orgs.get(v.org_id)):
            if feed is not None and len(feed) < FEED_SIZE:
                feed.append(v)
    out = {"feed.xml": atom(site, newest_first[:FEED_SIZE], "", title)}
    newest = newest_first[0].date if newest_first else None
    for kind in KINDS.values():
        if kind.NAME != "page":
            out[f"{kind.FOLDER}/feed.xml"] = atom(site, kinds[kind.NAME], f"{kind.FOLDER}/", f"{kind.LABEL} - {title}", newest)
    for type_name, slug in notice.TYPE_SLUGS.items():
        out[f"notices/types/{slug}/feed.xml"] = atom(site, types[type_name], "notices/", f"{type_name} - {title}", newest)
    for org in site.cfg.orgs:
        out[f"orgs/{org.id}/feed.xml"] = atom(site, orgs[org.id], f"orgs/{org.id}/", f"{org.name} - {title}", newest)
    return out
