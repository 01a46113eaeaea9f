"""The quick inline and table-of-contents passes give exactly the stock passes' output."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import InlineProcessor

from sunshine.markdown import TOC_MARKER, LinkTarget, new_converter

ROOT = Path(__file__).resolve().parents[2]
QUICK = new_converter()
STOCK = new_converter(quick=False)


def resolve(target: str) -> LinkTarget:
    return (target, "/x/" + target) if "missing" not in target else (None, None)


def convert(md: object, text: str) -> tuple[str, object, list[tuple[str, str, str, str]]]:
    md.reset()  # type: ignore[attr-defined]
    links = md.treeprocessors["sunshine-links"]  # type: ignore[attr-defined]
    links.base, links.resolve, links.bad = "content/notices", resolve, []
    toc = md.treeprocessors["toc"]  # type: ignore[attr-defined]
    if hasattr(toc, "wanted"):
        toc.wanted = TOC_MARKER in text
    html = md.convert(text)  # type: ignore[attr-defined]
    return html, md.toc_tokens, links.bad  # type: ignore[attr-defined]


def same(text: str) -> None:
    assert convert(QUICK, text) == convert(STOCK, text)


def test_the_stock_pass_still_has_the_overridden_method() -> None:
    # The quick pass overrides a private method by name: an upgrade that renames it must fail here.
    assert hasattr(InlineProcessor, "_InlineProcessor__handleInline")
    assert hasattr(InlineProcessor, "_InlineProcessor__applyPattern")


def test_the_quick_passes_are_the_ones_in_use() -> None:
    assert type(QUICK.treeprocessors["inline"]).__name__ == "_QuickInline"
    assert type(STOCK.treeprocessors["inline"]) is InlineProcessor


SOURCES = sorted(
    p for folder in ("content", "tests") for p in (ROOT / folder).rglob("*.md") if ".cache" not in p.parts and "node_modules" not in p.parts
)


def test_every_markdown_file_in_the_repository_converts_the_same() -> None:
    assert len(SOURCES) > 20
    for path in SOURCES:
        same(path.read_text(encoding="utf-8", errors="replace"))


PIECES = [
    "党支部", "全体党员", "。", "，", "（一）", "一、", " ", "  \n", "\n", "\n\n", "*", "**", "_", "__",
    "`", "```\n", "\\", "\\*", "[", "]", "(", ")", "[链接](../plans/p.md)", "[坏](missing.md)",
    "![图](a.png)", "[^1]", "[^1]: 注释\n", "<span>", "</span>", "<b>x</b>", "<http://a.example/>",
    "<a@b.cn>", "&amp;", "&#1234;", "&", "<", ">", "## 二、标题\n", "### 小节\n", "- 项\n", "1. 项\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "> 引用\n", TOC_MARKER, "\n[TOC]\n", "[x]: http://a.example/\n", "[x]",
    "    代码\n", "~", "!", "**一是强化保障。**全镇", "http://a.example/",
]


@settings(max_examples=400, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_generated_markdown_converts_the_same(pieces: list[str]) -> None:
    same("".join(pieces))


@pytest.mark.parametrize(
    "text",
    [
        "**一是强化保障。**全镇党员",
        "前文\n\n[TOC]\n\n## 一、总体要求\n\n### （一）目标\n\n正文",
        "见[计划](../plans/p.md#目标)和[缺失](missing.md)。",
        "行尾两个空格  \n下一行",
        "`**不是加粗**` 和 \\*转义\\*",
        "注释[^a]。\n\n[^a]: 说明 **加粗** <span>x</span>\n",
    ],
)
def test_markup_cases_convert_the_same(text: str) -> None:
    same(text)


def test_a_toc_marker_still_becomes_a_table_of_contents() -> None:
    html, _, _ = convert(QUICK, "[TOC]\n\n## 一、总体要求\n\n正文")
    assert '<div class="toc">' in html and 'href="#一总体要求"' in html
