"""The search-only companion of a record page: every CJK bigram of its indexed text.

Pagefind segments page text with jieba when it builds the index but queries with
the browser's ICU segmenter, and a query word that the two split differently
(党费 -> 党 + 费, 转正, 党委 inside 镇党委) finds nothing. With every bigram of the
page (and the last character of each run of Chinese) added as words of their own,
every one- or two-character query word that occurs in the page matches.

The text is the one Pagefind indexes: without scripts, styles, drawings, the table
of contents, the print links, the objection box, the labels of the document
table and anything marked ``data-pagefind-ignore``. It is read with one regular
expression over the tags and a stack of open elements (the pages are the build's
own, well-formed output): :class:`html.parser.HTMLParser` took two and a half
times as long, and preparing the copies was a seventh of a cold build's search step.
"""

from __future__ import annotations

import html
import re

__all__ = ["COMPANION_WEIGHT", "MARK", "companion", "indexed_text", "without_dated"]

COMPANION_WEIGHT = 0.5  # below the page's own words: the bigrams only widen what matches
MARK = "⁂"  # static/js/search.js cuts the shown text here

_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])
_SKIP_TAGS = frozenset(["script", "style", "svg", "template"])
_SKIP_CLASSES = frozenset(["toc", "print-links", "objection"])
_DOCMETA_LABELS = frozenset(["th", "caption"])
# a start or end tag (name, attributes, quoted values may hold ">"), a comment, or a declaration
_TAG = re.compile(
    r"<(?:(/?)([a-zA-Z][^\t\n\r\f />\x00]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|!--.*?-->|[!?][^>]*>)", re.S
)
_CLASS = re.compile(r"(?:^|[\s/])class\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))", re.I)
_IGNORE = re.compile(r"(?:^|[\s/])data-pagefind-ignore(?=[\s=/]|$)", re.I)
_AS_OF = re.compile(r"(?:^|[\s/])data-as-of(?=[\s=/]|$)", re.I)
_AS_OF_ANYWHERE = re.compile("data-as-of", re.I)
_RAW_END = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in ("script", "style")}
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CUT = "\x00"  # between two runs of Chinese in the joined text: no bigram spans it


def companion(fragment: str) -> str:
    """A hidden paragraph with every CJK bigram of ``fragment``'s indexed text, once, in order.

    Low weight, after a :data:`MARK` that search.js cuts the shown text at; empty
    when the text holds no Chinese.
    """
    runs = _CJK_RUN.findall(indexed_text(fragment))
    if not runs:
        return ""
    joined = _CUT.join(runs) + _CUT
    pairs = dict.fromkeys([joined[i : i + 2] for i in range(len(joined) - 1)])
    # "X\0" is the last character of a run; "\0X" spans two runs
    words = [pair[0] if pair[1] == _CUT else pair for pair in pairs if pair[0] != _CUT]
    return f'<p hidden data-pagefind-weight="{COMPANION_WEIGHT}">{MARK} {" ".join(words)}</p>'


def indexed_text(fragment: str) -> str:
    """The text of an HTML fragment that Pagefind indexes (see the module's note), entities decoded."""
    parts: list[str] = []
    stack: list[tuple[bool, bool]] = []  # per open element: (skipped, inside the document table)
    pos = 0
    while True:
        match = _TAG.search(fragment, pos)
        end = match.start() if match else len(fragment)
        if end > pos and not (stack and stack[-1][0]):
            parts.append(fragment[pos:end])
        if match is None:
            break
        pos = match.end()
        closing, name, attrs = match.groups()
        if name is None:  # comment or declaration
            continue
        tag = name.lower()
        if tag in _VOID:
            continue
        if closing:
            if stack:
                stack.pop()
            continue
        skipped, docmeta = stack[-1] if stack else (False, False)
        classes = _classes(attrs)
        skipped = (
            skipped or tag in _SKIP_TAGS or _IGNORE.search(attrs) is not None
            or not classes.isdisjoint(_SKIP_CLASSES) or (docmeta and tag in _DOCMETA_LABELS)
        )
        if attrs.endswith("/"):  # <tag/>: opened and closed at once
            continue
        stack.append((skipped, docmeta or "docmeta" in classes))
        if tag in _RAW_END:  # skipped, and up to its end tag whatever it holds
            close = _RAW_END[tag].search(fragment, pos)
            if close is None:
                break
            pos = close.end()
            stack.pop()
    text = "".join(parts)
    return html.unescape(text) if "&" in text else text


def without_dated(fragment: str) -> str:
    """``fragment`` without the elements marked ``data-as-of``, whatever they hold.

    The templates mark so what changes with the build date (a notice's status and
    remaining working days, the "as of" dates): left out of the copy Pagefind is
    given, and so of the search shard's cache key made of it, they keep both the
    same from one day to the next (and nobody searches for them).
    """
    if _AS_OF_ANYWHERE.search(fragment) is None:
        return fragment
    kept: list[str] = []
    start = pos = depth = 0  # start: where the text to keep begins; depth: open elements being cut
    while (match := _TAG.search(fragment, pos)) is not None:
        pos = match.end()
        closing, name, attrs = match.groups()
        if name is None:
            continue
        tag = name.lower()
        whole = tag in _VOID or attrs.endswith("/")  # no end tag to wait for
        if not closing and tag in _RAW_END:  # to its end tag whatever it holds
            close = _RAW_END[tag].search(fragment, pos)
            end = close.end() if close else len(fragment)
        else:
            end = pos
        if depth:
            if whole:  # a void or self-closed tag: nothing opened
                pass
            elif closing:
                depth -= 1
            elif end == pos:  # not a script or style, which was skipped whole above
                depth += 1
            pos = end
            if depth == 0:
                start = pos
        elif not closing and _AS_OF.search(attrs):
            kept.append(fragment[start : match.start()])
            pos = end
            if whole or end != match.end():
                start = pos
            else:
                depth = 1
        else:
            pos = end
    if depth == 0:
        kept.append(fragment[start:])
    return "".join(kept)


def _classes(attrs: str) -> frozenset[str]:
    match = _CLASS.search(attrs) if "class" in attrs.lower() else None
    if match is None:
        return frozenset()
    value = next(group for group in match.groups() if group is not None)
    return frozenset(html.unescape(value).split())
