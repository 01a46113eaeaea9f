"""Markdown to safe HTML: Python-Markdown, link rewriting, sanitising, Chinese line breaks.

- Tables, footnotes and heading anchors (Chinese headings keep their characters:
  ``## 一、总体要求`` gets ``id="一总体要求"``); the heading list feeds tables of contents.
- A link to another record's source file (``../notices/a.md#part``) becomes that
  record's URL; a link to a missing or unpublished record is a located problem.
- Raw HTML is sanitised with nh3 (the Ammonia sanitiser): no script, iframe,
  object, event handlers, style or ``javascript:``/``data:`` URLs.
- A soft line break between two Chinese characters is removed, so it does not
  show as a space.
- Two passes are made quicker without changing their output: an inline pattern is
  tried only on text holding one of its trigger characters, and the table-of-contents
  HTML is built only for a body holding ``[TOC]`` (the heading list always is).

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
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, TocTreeprocessor, slugify_unicode
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString

__all__ = ["TOC_MARKER", "LinkTarget", "Rendered", "new_converter", "render_markdown", "sanitise_html"]

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


# Characters a piece of text must hold for an inline pattern to match it: Chinese prose
# mostly holds none, so most patterns need not be tried on most text. A pattern not
# named here (another extension's) is always tried.
TOC_MARKER = "[TOC]"
_TRIGGERS: dict[str, frozenset[str]] = {
    name: frozenset(chars)
    for name, chars in {
        "backtick": "`",
        "escape": "\\",
        "footnote": "[",
        "reference": "[",
        "link": "[",
        "short_reference": "[",
        "image_link": "!",
        "image_reference": "!",
        "short_image_ref": "!",
        "autolink": "<",
        "automail": "<",
        "html": "<",
        "linebreak": "\n",
        "entity": "&",
        "em_strong": "*_",
    }.items()
}
_TRIGGER_CHARS = frozenset().union(*_TRIGGERS.values())


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline pass, trying a pattern only on text that holds its trigger.

    The output is the stock pass's; only patterns that cannot match are not called.
    """

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        needs = {id(self.inlinePatterns[name]): t for name, t in _TRIGGERS.items() if name in self.inlinePatterns}
        self._plan: list[tuple[Any, frozenset[str] | None]] = [(p, needs.get(id(p))) for p in self.inlinePatterns]
        return super().run(tree, ancestors)

    # Overrides the stock pass's private per-text loop (Markdown is pinned; a test checks
    # that the name still exists and that the output equals the stock pass's).
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, AtomicString):
            return data
        # A match only replaces text by a placeholder, so these stay a superset.
        present = _TRIGGER_CHARS.intersection(data)
        plan, start = self._plan, 0
        while patternIndex < len(plan):
            pattern, needs = plan[patternIndex]
            if needs is None or not needs.isdisjoint(present):
                data, matched, start = self._InlineProcessor__applyPattern(pattern, data, patternIndex, start)  # type: ignore[attr-defined]
                if matched:
                    continue
            patternIndex, start = patternIndex + 1, 0
        return data


class _QuickToc(TocTreeprocessor):
    """Heading ids and the heading list; the table-of-contents HTML only for a ``[TOC]`` body."""

    wanted = True  # set per document: does the body hold the marker?

    def build_toc_div(self, toc_list: list[Any]) -> Element:
        return super().build_toc_div(toc_list) if self.wanted else Element("div")

    def replace_marker(self, root: Element, elem: Element) -> None:
        if self.wanted:
            super().replace_marker(root, elem)


class _Toc(TocExtension):
    TreeProcessorClass = _QuickToc


class _SunshineExtension(Extension):
    def __init__(self, quick: bool) -> None:
        super().__init__()
        self.quick = quick

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        if self.quick:
            md.treeprocessors.register(_QuickInline(md), "inline", 20)
        md.treeprocessors.register(_LinkRewriter(md), "sunshine-links", 1)


def new_converter(quick: bool = True) -> markdown.Markdown:
    """The site's converter; ``quick=False`` gives the stock passes (tests compare the two)."""
    toc = {"slugify": slugify_unicode, "toc_depth": "2-3"}
    return markdown.Markdown(  # extensions as objects: a name is looked up among installed packages (30 ms)
        extensions=[
            TableExtension(),
            FootnoteExtension(BACKLINK_TITLE="返回正文第 %d 处注释"),
            SaneListExtension(),
            _Toc(**toc) if quick else TocExtension(**toc),
            _SunshineExtension(quick),
        ],
        output_format="html",
    )


_MD: markdown.Markdown | None = None


def _converter() -> markdown.Markdown:
    global _MD
    if _MD is None:
        _MD = new_converter()
    return _MD


_CLEANER: list[nh3.Cleaner] = []  # made once: ``nh3.clean`` builds its sanitiser anew at each call


def sanitise_html(html: str) -> str:
    """Keep only safe tags, attributes and URL schemes."""
    if not _CLEANER:
        _CLEANER.append(nh3.Cleaner(
            tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"}, link_rel=None, strip_comments=True,
        ))
    return str(_CLEANER[0].clean(html))


def _join_cjk_lines(html: str) -> str:
    parts = _PRE.split(html)
    return "".join(p if p.startswith("<pre") else _CJK_BREAK.sub("", p) for p in parts)


def render_markdown(text: str, source_dir: str, resolve: Resolver, first_line: int = 1) -> Rendered:
    """Convert one record's Markdown body; ``source_dir`` anchors relative links."""
    md = _converter()
    md.reset()
    rewriter: _LinkRewriter = md.treeprocessors["sunshine-links"]  # type: ignore[assignment]
    rewriter.base, rewriter.resolve, rewriter.bad = source_dir, resolve, []
    toc = md.treeprocessors["toc"]
    if isinstance(toc, _QuickToc):
        toc.wanted = TOC_MARKER in text
    html = _join_cjk_lines(sanitise_html(md.convert(text)))
    headings = [_toc_entry(t) for t in getattr(md, "toc_tokens", [])]
    problems = []
    for href, message, hint, code in rewriter.bad:
        index = text.find(href)
        line = first_line + (text[:index].count("\n") if index >= 0 else 0)
        problems.append((line, message, hint, code))
    return Rendered(html, headings, problems)


def _toc_entry(token: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": token["id"],
        "name": re.sub(r"<[^>]+>", "", str(token["name"])),
        "children": [_toc_entry(c) for c in token.get("children", [])],
    }
