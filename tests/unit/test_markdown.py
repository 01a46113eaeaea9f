"""Markdown to safe HTML (sunshine.markdown): Chinese line breaks, sanitising, links."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOTICE, build_in_memory, make_site

from sunshine.markdown import LinkTarget, render_markdown, sanitise_html
from sunshine.problems import BuildFailed

RECORDS: dict[str, LinkTarget] = {
    "content/notices/a.md": ("content/notices/a.md", "/qingxi/notices/a/"),
    "content/notices/jingfei/index.md": ("content/notices/jingfei/index.md", "/qingxi/notices/jingfei/"),
    "content/plans/p.md": ("content/plans/p.md", "/qingxi/plans/p/"),
    "content/notices/party.md": ("content/notices/party.md", None),
}


def resolve(target: str) -> LinkTarget:
    return RECORDS.get(target, RECORDS.get(f"{target}/index.md", (None, None)))


def html(text: str) -> str:
    return render_markdown(text, "content/notices", resolve).html


def test_soft_break_between_chinese_characters_is_removed() -> None:
    assert html("第一行中文\n第二行中文\n") == "<p>第一行中文第二行中文</p>"


def test_soft_break_between_english_words_is_kept() -> None:
    assert html("English line one\nEnglish line two\n") == "<p>English line one\nEnglish line two</p>"


def test_soft_break_between_chinese_and_english_is_kept() -> None:
    assert html("中文\nEnglish\n") == "<p>中文\nEnglish</p>"


def test_soft_break_after_chinese_punctuation_is_removed() -> None:
    assert html("一、学习。\n二、工作。\n") == "<p>一、学习。二、工作。</p>"


def test_line_breaks_in_code_blocks_are_kept() -> None:
    assert "代码第一行\n代码第二行" in html("    代码第一行\n    代码第二行\n")


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", ["<script", "alert"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["alert"]),
        ("[x](javascript:alert(1))", ["javascript:"]),
        ('<p onclick="steal()">x</p>', ["onclick", "steal"]),
        ('<img src="x.png" onerror="steal()">', ["onerror", "steal"]),
        ('<img src="data:image/svg+xml;base64,AAAA">', ["data:"]),
        ('<iframe src="https://example.org/"></iframe>', ["<iframe"]),
        ('<object data="x.swf"></object>', ["<object"]),
        ('<p style="color:red">x</p>', ["style"]),
        ('<svg><script>alert(1)</script></svg>', ["<svg", "<script"]),
        ("<form action='/x'><input name=a></form>", ["<form", "<input"]),
        ("<!-- 内部备注 -->", ["内部备注"]),
    ],
)
def test_unsafe_html_is_stripped(text: str, forbidden: list[str]) -> None:
    out = html(text + "\n")
    for word in forbidden:
        assert word.lower() not in out.lower()


def test_safe_links_keep_their_schemes() -> None:
    out = html("[电话](tel:0571-64881234) [邮件](mailto:a@b.cn) [网站](https://www.12371.cn/)\n")
    assert 'href="tel:0571-64881234"' in out
    assert 'href="mailto:a@b.cn"' in out
    assert 'href="https://www.12371.cn/"' in out


def test_sanitise_keeps_tables_and_footnote_classes() -> None:
    out = sanitise_html('<table><tr><td colspan="2" onclick="x">a</td></tr></table><sup class="x">1</sup>')
    assert '<td colspan="2">a</td>' in out
    assert '<sup class="x">1</sup>' in out


def test_table_renders() -> None:
    out = html("| 支部 | 人数 |\n|---|---:|\n| 东山村党支部 | 58 |\n")
    assert "<table>" in out
    assert "<th>支部</th>" in out
    assert "<td>东山村党支部</td>" in out
    assert "58</td>" in out


def test_footnotes_render_and_link_back() -> None:
    out = html("全镇应参评党员512名[^1]。\n\n[^1]: 含预备党员。\n")
    assert 'href="#fn:1"' in out
    assert 'id="fn:1"' in out
    assert 'href="#fnref:1"' in out
    assert "含预备党员。" in out


def test_footnote_backlink_title_is_chinese() -> None:
    out = html("正文[^1]。\n\n[^1]: 注释。\n")
    assert "Jump back" not in out
    assert "footnote" not in out.replace('class="footnote', "")


def test_chinese_heading_keeps_its_characters_in_the_id() -> None:
    rendered = render_markdown("## 一、总体要求\n\n### （一）学习教育\n\n正文\n", "content/plans", resolve)
    assert '<h2 id="一总体要求">一、总体要求</h2>' in rendered.html
    assert rendered.toc[0]["id"] == "一总体要求"
    assert rendered.toc[0]["name"] == "一、总体要求"
    assert [c["name"] for c in rendered.toc[0]["children"]] == ["（一）学习教育"]


@pytest.mark.parametrize(
    ("link", "href"),
    [
        ("a.md", "/qingxi/notices/a/"),
        ("a.md#part", "/qingxi/notices/a/#part"),
        ("./a.md", "/qingxi/notices/a/"),
        ("../notices/a.md", "/qingxi/notices/a/"),
        ("../plans/p.md", "/qingxi/plans/p/"),
        ("jingfei/index.md", "/qingxi/notices/jingfei/"),
        ("https://example.org/a.md", "https://example.org/a.md"),
        ("#part", "#part"),
    ],
)
def test_links_to_source_files_become_urls(link: str, href: str) -> None:
    rendered = render_markdown(f"见[这里]({link})。\n", "content/notices", resolve)
    assert f'<a href="{href}">这里</a>' in rendered.html
    assert rendered.problems == []


def test_bad_links_are_located_problems() -> None:
    text = "第一段。\n\n见[党内通报](party.md)。\n\n见[计划](../plans/none.md)。\n"
    rendered = render_markdown(text, "content/notices", resolve, first_line=12)
    assert [(line, code) for line, _, _, code in rendered.problems] == [(14, "private-link"), (16, "broken-link")]
    assert 'href="party.md"' not in rendered.html
    assert "none.md" not in rendered.html


def test_links_between_records_in_a_build(tmp_path: Path) -> None:
    linking = NOTICE.replace("镇党委决定开展党员先锋岗活动。", "详见[另一公告](b.md#yaodian)和[指南](../pages/guide.md)。")
    other = NOTICE.replace("QXZ-2020-0001", "QXZ-2020-0002")
    guide = "---\ntitle: 党务公开指南\norg: town\ndate: 2020-05-12\nscope: public\nindex_no: QXZ-2020-0003\nslug: guide\n---\n\n指南。\n"
    root = make_site(tmp_path, {"content/notices/a.md": linking, "content/notices/b.md": other, "content/pages/guide.md": guide})
    page = build_in_memory(root)["notices/a/index.html"].decode()
    assert '<a href="/qingxi/notices/b/#yaodian">另一公告</a>' in page
    assert '<a href="/qingxi/guide/">指南</a>' in page


def test_link_to_an_unpublished_record_fails_the_build(tmp_path: Path) -> None:
    linking = NOTICE.replace("镇党委决定开展党员先锋岗活动。", "详见[定时公告](b.md)。")
    later = NOTICE.replace("QXZ-2020-0001", "QXZ-2020-0002").replace("type:", "publish_at: 2020-07-01 09:00:00\ntype:")
    root = make_site(tmp_path, {"content/notices/a.md": linking, "content/notices/b.md": later})
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root)
    (problem,) = info.value.problems.errors
    assert (problem.path, problem.line, problem.code) == ("content/notices/a.md", 15, "private-link")
