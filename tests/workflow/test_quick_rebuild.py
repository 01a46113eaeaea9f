"""The preview server's quick rebuild of body-only edits (sunshine/bodyedit.py).

Every quick rebuild must leave exactly the files a full build of the same sources
makes, touch only the files whose bytes changed, refuse what the guard refuses, and
hand over to a full build whenever anything but a body changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sunshine.bodyedit import Snapshot, quick_rebuild
from sunshine.pipeline import build_in_memory
from sunshine.serve import Rebuilder
from sunshine.templatereads import closure, reads_through, template_reads
from sunshine.views import RecordView

from .conftest import SAMPLE_NOTICE, SAMPLE_NOTICE_PAGE, Counter, options_for

BODY_EDITS = [  # (source, text in its body, the page that shows it)
    (SAMPLE_NOTICE, "以下三名同志拟列为发展对象", SAMPLE_NOTICE_PAGE),
    ("content/notices/2019-dangjian-jingfei-gongkai/index.md", "\n\n", "notices/2019-dangjian-jingfei-gongkai/index.html"),
    ("content/notices/2020-04-dangfei-shoujiao-q1-gengzheng.md", "\n\n", "notices/2020-04-dangfei-shoujiao-q1-gengzheng/index.html"),
    ("content/plans/2020-dangjian-gongzuo-yaodian.md", "\n\n", "plans/2020-dangjian-gongzuo-yaodian/index.html"),
    ("content/ratings/2020-q1.yaml", "body: |\n", "ratings/2020-q1/index.html"),
]
ADDED = "（预览修改：请各支部于月底前报送材料。）"


def add_to_body(root: Path, rel: str, anchor: str, text: str = ADDED) -> None:
    path = root / rel
    source = path.read_text(encoding="utf-8")
    if rel.endswith(".yaml"):
        head, _, rest = source.partition(anchor)
        indent = rest[: len(rest) - len(rest.lstrip(" "))]
        path.write_text(f"{head}{anchor}{indent}{text}\n{indent}\n{rest}", encoding="utf-8")
    elif anchor == "\n\n":  # after the front matter's closing line
        first, sep, body = source.partition("\n---\n")
        path.write_text(f"{first}{sep}\n{text}\n{body}", encoding="utf-8")
    else:
        assert anchor in source
        path.write_text(source.replace(anchor, text + anchor, 1), encoding="utf-8")


def on_disk(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def assert_same_as_full_build(rebuilder: Rebuilder) -> None:
    """The output folder holds what a full build makes now, and its manifest is true."""
    options = dataclasses.replace(rebuilder.options, cache=False)
    _, expected = build_in_memory(options, search=False)
    found = on_disk(rebuilder.options.output)
    sums = found.pop("SHA256SUMS").decode()
    manifest = found.pop("manifest.json")
    assert found.keys() == expected.keys()
    for path, content in expected.items():
        assert found[path] == content, path
    listed = dict(line.split("  ")[::-1] for line in sums.splitlines())
    assert listed == {path: hashlib.sha256(content).hexdigest() for path, content in found.items()}
    assert b'"files"' in manifest


@pytest.mark.parametrize(("rel", "anchor", "page"), BODY_EDITS, ids=[e[0].split("/")[-1] for e in BODY_EDITS])
def test_body_edit_is_quick_and_equals_a_full_build(
    sample_root: Path, rebuilder: Rebuilder, counter: Counter, rel: str, anchor: str, page: str
) -> None:
    out = rebuilder.options.output
    home = (out / "index.html").stat()
    add_to_body(sample_root, rel, anchor)
    result = rebuilder.rebuild([rel])
    assert result.ok, result.problems_text
    assert counter.full == 1  # no full build
    assert ADDED in (out / page).read_text(encoding="utf-8")
    assert_same_as_full_build(rebuilder)
    after = (out / "index.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (home.st_ino, home.st_mtime_ns)  # untouched pages stay as they were


def test_successive_edits_and_a_revert(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    original = (sample_root / SAMPLE_NOTICE).read_text(encoding="utf-8")
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    add_to_body(sample_root, SAMPLE_NOTICE, "\n\n", "第二处修改。")
    assert rebuilder.rebuild([sample_root / SAMPLE_NOTICE]).ok  # an absolute path works too
    assert_same_as_full_build(rebuilder)
    (sample_root / SAMPLE_NOTICE).write_text(original, encoding="utf-8")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 1
    assert_same_as_full_build(rebuilder)
    assert rebuilder.rebuild().ok  # a full build afterwards takes over cleanly
    assert counter.full == 2
    assert_same_as_full_build(rebuilder)


def test_description_change_reaches_feeds_and_head(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    rel = "content/notices/2020-05-beiwu-zhengai-qingkuang.md"
    text = (sample_root / rel).read_text(encoding="utf-8")
    assert "\nsummary:" not in text  # its description is the start of its body
    add_to_body(sample_root, rel, "\n\n", "开头一句新写的话。")
    assert rebuilder.rebuild([rel]).ok
    assert counter.full == 1
    feed = (rebuilder.options.output / "feed.xml").read_text(encoding="utf-8")
    assert "开头一句新写的话。" in feed
    page = (rebuilder.options.output / "notices/2020-05-beiwu-zhengai-qingkuang/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="开头一句新写的话。' in page
    assert_same_as_full_build(rebuilder)


def test_personal_data_in_a_body_is_refused_and_nothing_is_written(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    out = rebuilder.options.output
    before = on_disk(out)
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象", "联系人手机13812345678。")
    result = rebuilder.rebuild([SAMPLE_NOTICE])
    assert not result.ok and counter.full == 1
    line = next(n for n, t in enumerate((sample_root / SAMPLE_NOTICE).read_text(encoding="utf-8").splitlines(), 1) if "1381234" in t)
    assert result.problems == (f"{SAMPLE_NOTICE}:{line}: 正文: 手机号码“13812345678”不能公开 — 请删除或脱敏为 138****5678",)
    assert on_disk(out) == before
    path = sample_root / SAMPLE_NOTICE
    path.write_text(path.read_text(encoding="utf-8").replace("联系人手机13812345678。", "联系人手机请见办公室公告。"), encoding="utf-8")
    fixed = rebuilder.rebuild([SAMPLE_NOTICE])
    assert fixed.ok and counter.full == 1
    assert_same_as_full_build(rebuilder)


def test_a_body_edit_keeps_what_the_guard_found_in_the_fields(sample_root: Path, counter: Counter) -> None:
    """A quick rebuild scans only the edited body: the record's fields, and so the
    ``allow_personal`` warnings and what is allowed, are as the full build found them."""
    path = sample_root / SAMPLE_NOTICE
    source = path.read_text(encoding="utf-8")
    allowed = "allow_personal:\n  - value: '13812345678'\n    reason: 本人书面同意公开联系电话\n"
    path.write_text(source.replace("\ntitle: ", f"\n{allowed}title: ", 1).replace(
        "\nsummary: ", "\nsummary: 联系人手机13812345678。", 1), encoding="utf-8")
    rebuilder = Rebuilder(options_for(sample_root))
    assert rebuilder.rebuild().ok and counter.full == 1
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象", "联系人手机13812345678，或座机0571-8765 4321。")
    quick = rebuilder.rebuild([SAMPLE_NOTICE])
    assert counter.full == 1
    full = Rebuilder(options_for(sample_root)).rebuild()
    assert (quick.ok, quick.problems, quick.warnings) == (full.ok, full.problems, full.warnings)
    found = quick.problems + quick.warnings
    assert not quick.ok and [line for line in found if "不能公开" in line] == [
        next(line for line in found if "0571-8765 4321" in line)]  # the allowed mobile, in the summary and the body, is not
    assert any("allow_personal[0]" in line and "13812345678" in line for line in found)


def test_a_broken_link_is_reported_as_a_full_build_reports_it(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象", "详见[另一份公示](no-such-notice.md)。")
    quick = rebuilder.rebuild([SAMPLE_NOTICE])
    assert counter.full == 1
    full = Rebuilder(options_for(sample_root)).rebuild()
    assert (quick.ok, quick.problems, quick.warnings) == (full.ok, full.problems, full.warnings)
    assert any("no-such-notice.md" in line for line in quick.problems + quick.warnings)


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        (SAMPLE_NOTICE, "\nscope: public", "\nscope: party"),  # front matter beyond a title or summary (sunshine/frontedit.py)
        ("content/pages/about.md", "title: ", "title: 修订："),  # a page of the menu: its front matter
        ("templates/kinds/notice.html", "{% block content %}", "{% block content %}<!-- x -->"),
        ("config.yaml", "per_page: 20", "per_page: 21"),
    ],
    ids=["front-matter", "nav-page", "template", "config"],
)
def test_anything_but_a_body_is_a_full_build(
    sample_root: Path, rebuilder: Rebuilder, counter: Counter, rel: str, old: str, new: str
) -> None:
    path = sample_root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert rebuilder.rebuild([rel]).ok
    assert counter.full == 2
    assert_same_as_full_build(rebuilder)


def test_a_menu_page_body_edit_is_quick_unless_the_menu_shows_what_changed(
    sample_root: Path, rebuilder: Rebuilder, counter: Counter,
) -> None:
    """Every page shows the menu's pages (their titles and addresses): a new first
    paragraph changes the page's description and HTML, which the menu does not show."""
    about, base = sample_root / "content/pages/about.md", sample_root / "templates/base.html"
    about.write_text(about.read_text(encoding="utf-8").replace("\n---\n", "\n---\n新的一段。\n", 1), encoding="utf-8")
    assert rebuilder.rebuild(["content/pages/about.md"]).ok
    assert counter.full == 1
    assert_same_as_full_build(rebuilder)
    menu = "{{ p.title }}</a></li>"
    assert menu in base.read_text(encoding="utf-8")
    base.write_text(base.read_text(encoding="utf-8").replace(menu, "{{ p.title }}</a><small>{{ p.description }}</small></li>"), encoding="utf-8")
    assert rebuilder.rebuild(["templates/base.html"]).ok
    assert counter.full == 2
    about.write_text(about.read_text(encoding="utf-8").replace("新的一段。", "又改了一段。", 1), encoding="utf-8")
    assert rebuilder.rebuild(["content/pages/about.md"]).ok
    assert counter.full == 3  # the menu now shows the description
    assert_same_as_full_build(rebuilder)


def test_a_page_reading_a_property_of_an_edited_view_is_rendered_again(
    sample_root: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a view's property reads is not known: a page whose templates read one of an
    edited record renders again (here a list that shows each item's length of text)."""
    monkeypatch.setattr(RecordView, "text_length", property(lambda view: len(view.html)), raising=False)
    listing = sample_root / "templates/partials/record_list.html"
    listing.write_text(listing.read_text(encoding="utf-8").replace("{{ r.title }}</a>", "{{ r.title }}</a>（{{ r.text_length }}）"), encoding="utf-8")
    rebuilder = Rebuilder(options_for(sample_root))
    assert rebuilder.rebuild().ok
    counter = Counter(monkeypatch)
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 0
    assert_same_as_full_build(rebuilder)


def test_new_and_deleted_files_are_full_builds(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    (sample_root / SAMPLE_NOTICE).unlink()
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 2
    assert_same_as_full_build(rebuilder)


def test_failed_full_build_keeps_its_changes_pending(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    other = "content/plans/2020-dangjian-gongzuo-yaodian.md"
    path = sample_root / other
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", "\nbad: [\n---\n", 1), encoding="utf-8")
    assert not rebuilder.rebuild([other]).ok  # a YAML error: a full build that fails
    path.write_text(text.replace("\n---\n", "\n---\n改过的正文。\n", 1), encoding="utf-8")
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok  # the plan's edit since the last good build counts too
    assert_same_as_full_build(rebuilder)


def test_record_outside_the_edition_changes_nothing(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    rel = "content/notices/2020-05-minzhu-pingyi-jieguo.md"  # party scope: not in the public edition
    before = on_disk(rebuilder.options.output)
    add_to_body(sample_root, rel, "\n\n")
    assert rebuilder.rebuild([rel]).ok
    assert counter.full == 1
    assert on_disk(rebuilder.options.output) == before


def test_internal_edition(sample_root: Path, counter: Counter) -> None:
    rebuilder = Rebuilder(options_for(sample_root, edition="internal"))
    assert rebuilder.rebuild().ok
    rel = "content/notices/2020-05-minzhu-pingyi-jieguo.md"
    add_to_body(sample_root, rel, "\n\n")
    assert rebuilder.rebuild([rel]).ok
    assert counter.full == 1
    assert ADDED in (rebuilder.options.output / "notices/2020-05-minzhu-pingyi-jieguo/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(rebuilder)


def test_the_clock_passing_the_next_change_needs_a_full_build(sample_root: Path, rebuilder: Rebuilder) -> None:
    snapshot = rebuilder.snapshot
    assert isinstance(snapshot, Snapshot) and snapshot.until is not None
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    options = rebuilder.options
    assert quick_rebuild(snapshot, dataclasses.replace(options, now=snapshot.until), [SAMPLE_NOTICE]) is None
    next_day = options.now.replace(hour=0) + dt.timedelta(days=1)
    assert quick_rebuild(snapshot, dataclasses.replace(options, now=next_day), [SAMPLE_NOTICE]) is None
    assert quick_rebuild(snapshot, dataclasses.replace(options, now=options.now.replace(hour=11)), [SAMPLE_NOTICE]) is None
    assert quick_rebuild(snapshot, dataclasses.replace(options, edition="internal"), [SAMPLE_NOTICE]) is None
    later = options.now.replace(hour=13)
    assert later < snapshot.until
    assert quick_rebuild(snapshot, dataclasses.replace(options, now=later), [SAMPLE_NOTICE]) == [
        SAMPLE_NOTICE_PAGE, SAMPLE_NOTICE_PAGE.replace("index.html", "print/index.html"),
    ]  # the page and its print version: nothing else shows the body of a notice with a summary


def reads(source: str, safe: frozenset[str] = frozenset({"site"}), **others: str) -> Any:
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": source, **others}))
    return template_reads(env, "t.html", safe)


def test_what_a_template_reads() -> None:
    found = reads("{{ v.description }}{{ site.html }}{{ self.toc() }}{% block toc %}{% endblock %}{{ items | sort(attribute='date') }}")
    assert {"description", "date"} <= found.attrs and not {"html", "toc"} & found.attrs
    assert reads("{% set site = items[0] %}{{ site.html }}").attrs >= {"html"}  # a shared name bound again
    assert reads("{{ v[name] }}{{ site[name] }}{{ counts[y] }}").computed == {"v", "counts"}
    assert reads("{% include name %}").anything
    assert reads("{{ v | attr(name) }}").anything
    assert reads("{{ items | tojson }}").anything
    assert reads("{% extends 'base.html' %}", **{"base.html": "{{ record.toc }}"}).attrs >= {"toc"}


def through(source: str, **others: str) -> frozenset[str] | None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": source, **others}))
    trees = closure(env, "t.html")
    assert trees is not None
    return reads_through(trees.values(), "nav")


def test_what_templates_read_of_a_shared_value() -> None:
    assert through("{% for p in nav if p.url %}<a href='{{ p.url }}'>{{ p['title'] }}{{ loop.index }}</a>{% endfor %}") == {"url", "title"}
    assert through("{% include 'm.html' %}", **{"m.html": "{% for p in nav %}{{ p.fields.nav }}{% endfor %}"}) == {"fields"}
    assert through("{{ site.title }}") == frozenset()
    assert through("{% for p in nav %}{{ p }}{% endfor %}") is None  # the item itself
    assert through("{% for p in nav %}{{ show(p) }}{% endfor %}") is None
    assert through("{% for p in nav %}{{ p[name] }}{% endfor %}") is None
    assert through("{{ nav | length }}") is None
    assert through("{% set menu = nav %}{% for p in menu %}{{ p.url }}{% endfor %}") is None
    assert through("{% for p in nav | sort(attribute='title') %}{{ p.url }}{% endfor %}") is None
    assert through("{% for a, b in nav %}{{ a }}{% endfor %}") is None
    assert through("{% for p in nav recursive %}{{ loop(p.children) }}{% endfor %}") is None
    assert through("{% for p in nav %}{% include 'item.html' %}{% endfor %}", **{"item.html": "{{ p.html }}"}) is None
    assert through("{% for p in nav %}{% block item scoped %}{{ p.url }}{% endblock %}{% endfor %}") is None


def test_a_damaged_manifest_is_written_whole_again(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    out = rebuilder.options.output
    (out / "manifest.json").write_text("{", encoding="utf-8")
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 1
    assert_same_as_full_build(rebuilder)
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert files.keys() == on_disk(out).keys() - {"manifest.json", "SHA256SUMS"}


def test_without_a_manifest_to_start_from_a_full_build_is_made(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    snapshot = rebuilder.snapshot
    assert snapshot is not None
    (rebuilder.options.output / "manifest.json").unlink()
    snapshot.uses = snapshot.sums = None  # as if not primed yet
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 2
    assert_same_as_full_build(rebuilder)


def test_a_manifest_cut_short_before_the_first_edit_means_a_full_build(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    """Digests are looked up in the manifest's text (sunshine.manifestsums), which is
    taken only when whole; a cut one is never patched."""
    snapshot = rebuilder.snapshot
    assert snapshot is not None
    manifest = rebuilder.options.output / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:-200])
    snapshot.uses = snapshot.sums = None  # as if not primed yet
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 2
    assert_same_as_full_build(rebuilder)
    json.loads(manifest.read_bytes())


def test_files_shared_with_the_spare_folder_are_replaced_not_written_through(sample_root: Path, rebuilder: Rebuilder) -> None:
    assert rebuilder.rebuild().ok  # a second full build: the spare now shares files with the output
    out = rebuilder.options.output
    spare = out.parent / f".{out.name}.spare"
    page, kept = out / SAMPLE_NOTICE_PAGE, spare / SAMPLE_NOTICE_PAGE
    assert page.stat().st_ino == kept.stat().st_ino
    before = kept.read_bytes()
    add_to_body(sample_root, SAMPLE_NOTICE, "以下三名同志拟列为发展对象")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert kept.read_bytes() == before and ADDED.encode() in page.read_bytes()
    assert not list(out.rglob(".*.part-*"))  # no half-written file left
    assert rebuilder.rebuild().ok  # and the next full build starts from that spare correctly
    assert_same_as_full_build(rebuilder)


def test_an_optional_include_that_is_missing_counts_as_reading_everything() -> None:
    assert reads("{% include 'partials/extra.html' ignore missing %}").anything
