"""Markdown to safe HTML: Python-Markdown, link rewriting, sanitising, Chinese line breaks.

- Tables, footnotes and heading anchors (Chinese headings keep their characters:
  ``## 一、总体要求`` gets ``id="一总体要求"``); the heading list feeds tables of contents.
- A link to another record's source file (``../notices/a.md#part``) becomes that
  record's URL; a link to a missing or unpublished record is a located problem.
- Raw HTML is sanitised with nh3 (the Ammonia sanitiser): no script, iframe,
  object, event handlers, style or ``javascript:``/``data:`` URLs.
- A soft line break between two Chinese characters is removed, so it does not
  show as a space.

One converter per process, reset for each document.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

__all__ = ["LinkTarget", "Rendered", "render_markdown", "sanitise_html"]

# (target key or None if missing, url or None if unpublished)
LinkTarget = tuple[str | None, str | None]
Resolver = Callable[[str], LinkTarget]

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])\n(?=[{_CJK}])")
_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.DOTALL)
_SOURCE_LINK = re.compile(r"^(?![a-z][a-z0-9+.-]*:|/|#)([^?#]*?\.(?:md|ya?ml))(#.*)?$", re.IGNORECASE)

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "*": {"id", "title", "lang"},
    "a": {"href", "class"},
    "abbr": {"title"},
    "div": {"class"},
    "img": {"src", "alt", "width", "height"},
    "li": {"class"},
    "ol": {"start"},
    "sup": {"class"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
}


@dataclass
class Rendered:
    html: str
    toc: list[dict[str, Any]] = field(default_factory=list)
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, message, hint, code


class _LinkRewriter(Treeprocessor):
    """Rewrite links to source files into record URLs; remember bad ones."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.base = ""
        self.resolve: Resolver | None = None
        self.bad: list[tuple[str, str, str, str]] = []  # href, message, hint, code

    def run(self, root: Element) -> None:
        for element in root.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if value:
                    new = self._rewrite(value)
                    if new is not None:
                        element.set(attr, new)

    def _rewrite(self, href: str) -> str | None:
        m = _SOURCE_LINK.match(href)
        if m is None or self.resolve is None:
            return None
        target = posixpath.normpath(posixpath.join(self.base, m[1]))
        key, url = self.resolve(target)
        if key is None:
            self.bad.append((href, f"链接的文件“{m[1]}”不存在", "请核对路径，链接写成相对于本文件的路径，如 ../notices/a.md", "broken-link"))
            return "#"
        if url is None:
            self.bad.append((href, f"链接到未公开的记录 {key}", "公开的记录不能链接到党内或未发布的记录：请删除链接", "private-link"))
            return "#"
        return url + (m[2] or "")


class _SunshineExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_LinkRewriter(md), "sunshine-links", 1)


_MD: markdown.Markdown | None = None


def _converter() -> markdown.Markdown:
    global _MD
    if _MD is None:
        _MD = markdown.Markdown(
            extensions=["tables", "footnotes", "sane_lists", "toc", _SunshineExtension()],
            extension_configs={
                "toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
                "footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处注释"},
            },
            output_format="html",
        )
    return _MD


def sanitise_html(html: str) -> str:
    """Keep only safe tags, attributes and URL schemes."""
    return str(
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel=None,
            strip_comments=True,
        )
    )


def _join_cjk_lines(html: str) -> str:
    parts = _PRE.split(html)
    return "".join(p if p.startswith("<pre") else _CJK_BREAK.sub("", p) for p in parts)


def render_markdown(text: str, source_dir: str, resolve: Resolver, first_line: int = 1) -> Rendered:
    """Convert one record's Markdown body; ``source_dir`` anchors relative links."""
    md = _converter()
    md.reset()
    rewriter: _LinkRewriter = md.treeprocessors["sunshine-links"]  # type: ignore[assignment]
    rewriter.base, rewriter.resolve, rewriter.bad = source_dir, resolve, []
    html = _join_cjk_lines(sanitise_html(md.convert(text)))
    toc = [_toc_entry(t) for t in getattr(md, "toc_tokens", [])]
    problems = []
    for href, message, hint, code in rewriter.bad:
        index = text.find(href)
        line = first_line + (text[:index].count("\n") if index >= 0 else 0)
        problems.append((line, message, hint, code))
    return Rendered(html, toc, problems)


def _toc_entry(token: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": token["id"],
        "name": re.sub(r"<[^>]+>", "", str(token["name"])),
        "children": [_toc_entry(c) for c in token.get("children", [])],
    }
