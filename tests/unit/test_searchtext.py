"""The search-only companion: which text it is made of, and the bigrams it holds."""

from __future__ import annotations

import re

import pytest

from sunshine.outputs.searchtext import (
    COMPANION_WEIGHT,
    MARK,
    companion,
    indexed_text,
    without_dated,
)


def _words(fragment: str) -> list[str]:
    made = companion(fragment)
    match = re.fullmatch(rf'<p hidden data-pagefind-weight="{COMPANION_WEIGHT}">{MARK} (.*)</p>', made)
    assert match, made
    return match.group(1).split(" ")


def test_bigrams_in_order_once_with_the_last_character_of_each_run() -> None:
    assert _words("<p>党费收缴，党费使用</p>") == ["党费", "费收", "收缴", "缴", "费使", "使用", "用"]


def test_no_bigram_spans_two_runs_or_other_scripts() -> None:
    words = _words("<p>转正 2020 年<b>党委</b>镇</p>")
    assert words == ["转正", "正", "年党", "党委", "委镇", "镇"]  # tags do not cut a run: the text does
    assert "正年" not in words


def test_no_chinese_no_companion() -> None:
    assert companion("<p>2020-06-15 ABC</p>") == ""
    assert companion("") == ""


@pytest.mark.parametrize(
    "skipped",
    [
        "<script>var a = '<p>党费</p>';</script>",
        "<style>p::before { content: '党费' }</style>",
        '<svg viewBox="0 0 1 1"><title>党费</title><path d="M0 0"/></svg>',
        "<template><p>党费</p></template>",
        '<nav class="toc" aria-label="目录"><ol><li><a href="#a">党费</a></li></ol></nav>',
        '<p class="print-links"><a href="print/">党费</a></p>',
        '<aside class="notice objection"><h2>党费</h2><p>反映<b>党费</b></p></aside>',
        '<div hidden data-pagefind-ignore="index"><span>党费</span></div>',
        "<div data-pagefind-ignore><span>党费</span></div>",
        '<table class="docmeta"><caption>党费</caption><tr><th scope="row">党费</th></tr></table>',
    ],
)
def test_parts_pagefind_skips_are_left_out(skipped: str) -> None:
    assert "党费" not in indexed_text(f"<p>正文</p>{skipped}<p>结尾</p>")
    assert _words(f"<p>正文</p>{skipped}<p>结尾</p>") == ["正文", "文结", "结尾", "尾"]  # a tag does not cut a run


def test_the_document_table_keeps_its_values() -> None:
    table = '<table class="docmeta"><tr><th>发布机构</th><td><a href="/o/">青溪镇党委</a></td></tr></table>'
    assert indexed_text(table) == "青溪镇党委"


def test_entities_void_and_self_closed_tags_comments() -> None:
    fragment = (
        "<p>&#x515A;&#36153;&amp;<br>收<br/>缴<img src='a.png' alt='图'><!-- 注释 <p>不算</p> --></p>"
        '<p data-x="a>b" class="lead">增&nbsp;强</p><P CLASS="TOC">大写</P>'
    )
    assert indexed_text(fragment) == "党费&收缴增\xa0强大写"


def test_class_is_matched_as_a_whole_attribute_and_word() -> None:
    assert indexed_text('<p data-class="toc">留</p><p class="tocx">也留</p><p class=toc>去</p>') == "留也留"


@pytest.mark.parametrize(
    ("fragment", "kept"),
    [
        ('<p>状态：<span class="status" data-as-of>公示中，还剩 <b>3</b> 个工作日</span>。</p>', "<p>状态：。</p>"),
        ("<div data-as-of><div>甲<div>乙</div></div><br>丙<img src=x /></div>丁", "丁"),
        ("甲<img data-as-of alt='乙'>丙<span data-as-of/>丁", "甲丙丁"),
        ('甲<span data-as-of title="a>b">乙<script>var s = "</span>";</script></span>丙', "甲丙"),
        ('甲<script data-as-of>"</span>"</script>乙', "甲乙"),
        ('甲<span DATA-AS-OF="">乙<i>丙</i>', "甲"),  # unclosed: to the end
        ('<p data-as-of-x>甲</p><p x-data-as-of>乙</p><p title="data-as-of">丙</p>', '<p data-as-of-x>甲</p><p x-data-as-of>乙</p><p title="data-as-of">丙</p>'),
    ],
)
def test_what_changes_with_the_build_date_is_cut_out_whole(fragment: str, kept: str) -> None:
    assert without_dated(fragment) == kept
