"""The preview server's quick rebuild of front-matter edits (sunshine/frontedit.py).

A title, summary, document number, tags, category or approval corrected in the
preview reaches the record's pages, every list showing it, the rating pages linking
to it, the feeds, the data exports and the manifest. After each edit the output must
be byte for byte what a full build without any cache makes, the manifest's record list
included; anything the module does not take on is a full build, and a problem found
in the edited record is reported by that full build.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from conftest import generated_site

from sunshine.pipeline import build_in_memory
from sunshine.serve import Rebuilder
from sunshine.site import BuildOptions
from sunshine.templatereads import keys_looked_up
from tests.search import bundle

from .conftest import SAMPLE_NOTICE, SAMPLE_NOTICE_PAGE, Counter, options_for
from .test_quick_cli import Builds
from .test_quick_corpus import NOW
from .test_quick_rebuild import add_to_body, assert_same_as_full_build, on_disk

REPO = Path(__file__).resolve().parents[2]
CLOSER = "content/notices/2020-05-beiwu-zhengai-qingkuang.md"  # closes a rating's follow-up: the rating links to it
PLAN = "content/plans/2020-dangjian-gongzuo-yaodian.md"


def edit(root: Path, rel: str, pattern: str, replacement: str) -> None:
    """Replace the first match of ``pattern`` (a line of the front matter) in ``rel``."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")


def assert_manifest_lists_the_records(rebuilder: Rebuilder) -> None:
    """manifest.json names every record with the title a full build gives it."""
    site, _ = build_in_memory(rebuilder.options.__class__(**{**vars(rebuilder.options), "cache": False}), search=False)
    listed = json.loads((rebuilder.options.output / "manifest.json").read_text(encoding="utf-8"))["records"]
    assert listed == [
        {"index_no": r.index_no, "kind": r.kind, "status": r.status, "title": r.title, "url": r.url}
        for r in sorted(site.published_records(), key=lambda r: r.index_no)
    ]


WITHDRAWN = "scope: public\nstatus: withdrawn\nwithdrawn_reason: 因材料需补充，本公示撤回，补充后重新公示。\nwithdrawn_on: 2020-06-14"

FRONT_EDITS = [  # (source, a line of its front matter, the line now, text the record's page shows)
    (SAMPLE_NOTICE, r"^title: (.*)$", r"title: \1（修订）", "（修订）"),
    (PLAN, r"^title: (.*)$", r"title: \1（第二稿）", "（第二稿）"),
    (SAMPLE_NOTICE, r"^summary: (.*)$", "summary: 公示拟确定的发展对象，接受党员和群众监督。", "接受党员和群众监督"),
    (PLAN, r"^doc_no: .*$", "doc_no: 青委〔2020〕9号", "青委〔2020〕9号"),
    (SAMPLE_NOTICE, r"^category: .*$", "category: cadres", "干部选拔任用和管理"),
    (SAMPLE_NOTICE, r"^tags: .*$", "tags: [发展党员, 预审]", "预审"),
    (CLOSER, r"^title: (.*)$", r"title: \1（更新）", "（更新）"),
    ("content/notices/2019-dangjian-jingfei-gongkai/index.md", r"^title: (.*)$", r"title: \1（含附件）", "（含附件）"),
    (SAMPLE_NOTICE, r"^    education: 大专$", "    education: 大学本科（在读）", "大学本科（在读）"),  # a person of the notice
    (SAMPLE_NOTICE, r"^contact: .*$", "contact: town-discipline-office", ""),
    (SAMPLE_NOTICE, r"^date: .*$", "date: 2020-06-10", "2020年6月10日"),  # earlier in the lists
    (PLAN, r"^date: .*$", "date: 2020-06-14T09:30", "2020年6月14日"),  # now the newest record
    (PLAN, r"^date: .*$", "date: 2020-03-02", "2020年3月2日"),
    (SAMPLE_NOTICE, r"^scope: public$", WITHDRAWN, "因材料需补充"),  # off the current lists, marked in the catalog
    ("content/notices/2020-03-chunji-dangyuan-lunxun.md", r"^status: withdrawn$", "status: active", ""),  # put back
]


@pytest.mark.parametrize(("rel", "pattern", "replacement", "shown"), FRONT_EDITS,
                         ids=["notice-title", "plan-title", "summary", "doc-no", "category", "tags", "closer-title", "folder-title", "people", "contact",
                              "notice-date", "plan-date-newest", "plan-date", "withdrawn", "put-back"])
def test_a_front_matter_edit_is_quick_and_equals_a_full_build(
    sample_root: Path, rebuilder: Rebuilder, counter: Counter, rel: str, pattern: str, replacement: str, shown: str,
) -> None:
    out = rebuilder.options.output
    untouched = (out / "static").rglob("*.css").__next__().stat()
    edit(sample_root, rel, pattern, replacement)
    result = rebuilder.rebuild([rel])
    assert result.ok, result.problems_text
    assert counter.full == 1  # no full build
    page = out / ("plans/2020-dangjian-gongzuo-yaodian/index.html" if rel == PLAN else SAMPLE_NOTICE_PAGE if rel == SAMPLE_NOTICE else "")
    if page.is_file():
        assert shown in page.read_text(encoding="utf-8")
    assert_same_as_full_build(rebuilder)
    assert_manifest_lists_the_records(rebuilder)
    again = (out / "static").rglob("*.css").__next__().stat()
    assert (again.st_ino, again.st_mtime_ns) == (untouched.st_ino, untouched.st_mtime_ns)


def test_amounts_and_objections_of_a_notice(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    """A notice's own figures: its total is checked against its items as in a full build,
    and its data file and page follow."""
    dues = "content/notices/2020-04-dangfei-shoujiao-q1.md"
    edit(sample_root, dues, r"^    amount: 742\.00$", "    amount: 752.00")
    edit(sample_root, dues, r"^total: 14679\.80$", "total: 14689.80")
    assert rebuilder.rebuild([dues]).ok
    assert counter.full == 1
    assert b"14689.8" in (rebuilder.options.output / "data/records/QXZ-2020-0007.json").read_bytes()
    assert_same_as_full_build(rebuilder)
    edit(sample_root, dues, r"^total: 14689\.80$", "total: 14679.80")  # no longer the sum: the full build says so
    result = rebuilder.rebuild([dues])
    assert not result.ok and counter.full == 2
    assert any("total" in line for line in result.problems)
    edit(sample_root, dues, r"^    amount: 752\.00$", "    amount: 742.00")
    assert rebuilder.rebuild([dues]).ok
    edit(sample_root, SAMPLE_NOTICE, r"^(contact: .*)$", "\\1\nobjections:\n  received: 1\n  resolved: 1\n  summary: 经核实，反映的问题不影响确定为发展对象。")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert_same_as_full_build(rebuilder)


def test_the_rating_linking_to_a_record_shows_its_new_title(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    edit(sample_root, CLOSER, r"^title: (.*)$", "title: 北坞村党支部整改情况公告（新标题）")
    assert rebuilder.rebuild([CLOSER]).ok
    assert counter.full == 1
    shown = [p for p in (rebuilder.options.output / "ratings").rglob("index.html") if "（新标题）" in p.read_text(encoding="utf-8")]
    assert shown  # the rating's follow-up names the record that closed it
    assert_same_as_full_build(rebuilder)


def test_successive_front_matter_edits_and_a_revert(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    before = on_disk(rebuilder.options.output)
    original = (sample_root / SAMPLE_NOTICE).read_text(encoding="utf-8")
    edit(sample_root, SAMPLE_NOTICE, r"^title: (.*)$", r"title: \1（一）")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    edit(sample_root, SAMPLE_NOTICE, r"^title: (.*)$", r"title: \1（二）")
    add = (sample_root / SAMPLE_NOTICE).read_text(encoding="utf-8") + "\n补充一句正文。\n"
    (sample_root / SAMPLE_NOTICE).write_text(add, encoding="utf-8")  # the body too, in the same save
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert "补充一句正文" in (rebuilder.options.output / SAMPLE_NOTICE_PAGE).read_text(encoding="utf-8")
    assert_same_as_full_build(rebuilder)
    (sample_root / SAMPLE_NOTICE).write_text(original, encoding="utf-8")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 1
    after = on_disk(rebuilder.options.output)
    assert after.keys() == before.keys()
    assert {p for p in after if after[p] != before[p]} == set()


@pytest.mark.parametrize(
    ("rel", "pattern", "replacement"),
    [
        (SAMPLE_NOTICE, r"^date: .*$", "date: 2020-06-16"),  # published after the build time: not shown yet
        (SAMPLE_NOTICE, r"^scope: .*$", "scope: party"),  # whether it is shown
        (PLAN, r"^index_no: .*$", "index_no: QXZ-2020-0999"),
        ("content/pages/about.md", r"^title: (.*)$", r"title: \1（修订）"),  # the menu shows it on every page
        ("content/ratings/2020-q1.yaml", r"^title: (.*)$", r"title: \1（修订）"),  # ranks reach other ratings
        ("content/notices/2020-04-dangfei-shoujiao-q1-gengzheng.md", r"^title: (.*)$", r"title: \1（修订）"),  # corrects another
        ("content/notices/2020-04-dangfei-shoujiao-q1.md", r"^title: (.*)$", r"title: \1（修订）"),  # corrected by another
        ("content/notices/2020-06-yubei-dangyuan-zhuanzheng-gongshi.md", r"^scope: public$", WITHDRAWN),  # its start was the next change
        (CLOSER, r"^scope: public$", WITHDRAWN),  # no longer closes the rating's follow-up
        ("content/pages/about.md", r"^scope: public$", WITHDRAWN),  # the menu shows active pages only
        (SAMPLE_NOTICE, r"^scope: public$", WITHDRAWN.replace("withdrawn", "gone", 1)),  # published in error: its pages go
    ],
    ids=["date-after-now", "scope", "index-no", "menu-page-title", "rating", "correction", "corrected",
         "withdraw-next-change", "withdraw-closer", "withdraw-menu-page", "gone"],
)
def test_other_front_matter_edits_are_full_builds(
    sample_root: Path, rebuilder: Rebuilder, counter: Counter, rel: str, pattern: str, replacement: str,
) -> None:
    edit(sample_root, rel, pattern, replacement)
    result = rebuilder.rebuild([rel])
    assert result.ok, result.problems_text
    assert counter.full == 2
    assert_same_as_full_build(rebuilder)


def test_a_date_the_checks_refuse_goes_to_the_full_build(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    """Into last year: the index number's year no longer matches, and the plan was
    written and approved after it. The full build reports it, and writes nothing."""
    before = on_disk(rebuilder.options.output)
    edit(sample_root, PLAN, r"^date: .*$", "date: 2019-12-30")
    result = rebuilder.rebuild([PLAN])
    assert not result.ok
    assert counter.full == 2
    assert any("index_no" in line and "2019" in line for line in result.problems)
    assert on_disk(rebuilder.options.output) == before


def test_personal_data_in_a_title_is_refused_by_the_full_build(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    before = on_disk(rebuilder.options.output)
    edit(sample_root, SAMPLE_NOTICE, r"^title: (.*)$", r"title: \1（联系电话 13912345678）")
    result = rebuilder.rebuild([SAMPLE_NOTICE])
    assert not result.ok
    assert counter.full == 2
    assert any("title" in line and "13912345678" in line for line in result.problems)
    assert on_disk(rebuilder.options.output) == before


def test_a_record_with_a_warning_goes_to_the_full_build(sample_root: Path, counter: Counter) -> None:
    rebuilder = Rebuilder(options_for(sample_root))
    edit(sample_root, PLAN, r"^index_no: .*\n", "")  # a warning: the number is made up for this build
    assert rebuilder.rebuild().ok
    edit(sample_root, PLAN, r"^title: (.*)$", r"title: \1（修订）")
    result = rebuilder.rebuild([PLAN])
    assert result.ok and result.warnings
    assert counter.full == 2
    assert_same_as_full_build(rebuilder)


def test_internal_edition(sample_root: Path, counter: Counter) -> None:
    rebuilder = Rebuilder(options_for(sample_root, edition="internal"))
    assert rebuilder.rebuild().ok
    rel = "content/notices/2020-05-minzhu-pingyi-jieguo.md"  # party scope: only in this edition
    edit(sample_root, rel, r"^title: (.*)$", r"title: \1（修订）")
    assert rebuilder.rebuild([rel]).ok
    edit(sample_root, CLOSER, r"^title: (.*)$", r"title: \1（修订）")  # the compliance table links to it
    assert rebuilder.rebuild([CLOSER]).ok
    edit(sample_root, rel, r"^date: .*$", "date: 2020-06-12")  # released later: the compliance report judges it again
    assert rebuilder.rebuild([rel]).ok
    assert counter.full == 1
    assert_same_as_full_build(rebuilder)


def test_record_outside_the_edition(sample_root: Path, rebuilder: Rebuilder, counter: Counter) -> None:
    rel = "content/notices/2020-05-minzhu-pingyi-jieguo.md"
    before = on_disk(rebuilder.options.output)
    edit(sample_root, rel, r"^title: (.*)$", r"title: \1（修订）")
    assert rebuilder.rebuild([rel]).ok
    assert counter.full == 1
    assert on_disk(rebuilder.options.output) == before


def keys(source: str) -> frozenset[object] | None:
    import jinja2

    env = jinja2.Environment()
    return keys_looked_up([env.parse(source)], "record_links")


def test_which_keys_a_template_looks_up() -> None:
    assert keys("{{ x }}") == frozenset()
    assert keys("{{ record_links[d.previous].title }}{% if s.k in record_links %}{{ record_links[s.k].url }}{% endif %}") == frozenset()
    assert keys('{{ record_links["content/a.md"].title }}') == {"content/a.md"}
    assert keys("{% for k in record_links %}{{ k }}{% endfor %}") is None  # every record
    assert keys("{{ record_links.get(k) }}") is None
    assert keys("{{ record_links | length }}") is None
    assert keys('{{ record_links["content/" ~ k].title }}') is None  # a key made in the template
    assert keys("{% set m = record_links %}{{ m[k] }}") is None


# ---------------------------------------------------------------- from the command line (sunshine/quickstore.py)

@pytest.fixture
def builds(sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> Builds:
    made = Builds(sample_root, monkeypatch)
    made()
    assert made.full == 1
    return made


def test_title_edits_from_the_command_line_patch_the_output(builds: Builds, sample_root: Path) -> None:
    edit(sample_root, SAMPLE_NOTICE, r"^title: (.*)$", r"title: \1（修订）")
    builds()
    assert builds.full == 1
    assert "（修订）" in (builds.out / SAMPLE_NOTICE_PAGE).read_text(encoding="utf-8")
    builds.assert_same_as_full_build()
    edit(sample_root, CLOSER, r"^title: (.*)$", "title: 北坞村党支部整改情况公告（新标题）")  # the rating links to it
    builds()
    edit(sample_root, PLAN, r"^summary: (.*)$", "summary: 全年党建工作的重点任务。")
    builds()
    assert builds.full == 1
    builds.assert_same_as_full_build()


def test_a_new_title_kept_in_the_journal_reaches_a_later_edit(builds: Builds, sample_root: Path) -> None:
    """The rating page looks the record that closed its follow-up up by key in the shared
    context, which the store's head holds: a later quick rebuild of the rating page must
    show the title a quick rebuild gave that record before."""
    edit(sample_root, CLOSER, r"^title: (.*)$", "title: 北坞村党支部整改情况公告（新标题）")
    builds()
    add_to_body(sample_root, "content/ratings/2020-q1.yaml", "body: |\n")
    builds()
    assert builds.full == 1
    assert "（新标题）" in (builds.out / "ratings/2020-q1/index.html").read_text(encoding="utf-8")
    builds.assert_same_as_full_build()


def test_a_date_edit_from_the_command_line_patches_the_output(builds: Builds, sample_root: Path) -> None:
    edit(sample_root, SAMPLE_NOTICE, r"^date: .*$", "date: 2020-06-10")
    builds()
    assert builds.full == 1
    assert "2020年6月10日" in (builds.out / SAMPLE_NOTICE_PAGE).read_text(encoding="utf-8")
    builds.assert_same_as_full_build()
    edit(sample_root, SAMPLE_NOTICE, r"^date: .*$", "date: 2020-06-16")  # after the build time: not shown yet
    builds()
    assert builds.full == 2
    builds.assert_same_as_full_build()


def test_withdrawing_a_notice_from_the_command_line_is_a_full_build(builds: Builds, sample_root: Path) -> None:
    """It leaves the current lists (home, notices), so the pages holding it change, which
    the store's head records: a full build, as for a new category."""
    edit(sample_root, SAMPLE_NOTICE, r"^scope: public$", WITHDRAWN)
    builds()
    assert builds.full == 2
    assert not (builds.out / "notices/2020-06-fazhan-duixiang-gongshi/notice.ics").exists()
    builds.assert_same_as_full_build()


def test_a_record_moving_to_another_list_is_a_full_build_from_the_command_line(builds: Builds, sample_root: Path) -> None:
    """Which pages hold which record is part of the store's head: a new category moves
    the record to another catalog page, so the command line builds fully (the preview
    server, which keeps it in memory, does not)."""
    edit(sample_root, SAMPLE_NOTICE, r"^category: .*$", "category: cadres")
    builds()
    assert builds.full == 2
    builds.assert_same_as_full_build()


def test_a_title_edit_is_found_by_the_search_after_a_quick_rebuild(
    builds: Builds, sample_root: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SUNSHINE_NO_SEARCH")
    builds()
    word = "鹭鸶湾水塘清淤议事会"
    edit(sample_root, SAMPLE_NOTICE, r"^title: (.*)$", rf"title: \1（{word}）")
    builds()
    assert builds.full == 2
    pages, _ = bundle.seen(builds.out)
    found = [url for url, fragment in pages.items() if word in fragment["content"].replace("\u200b", "")]
    assert found == ["/qingxi/" + SAMPLE_NOTICE_PAGE.removesuffix("index.html")]
    builds.assert_found_as_after_a_full_build()


# ---------------------------------------------------------------- another site: the benchmark's corpus

def test_front_matter_edits_on_another_site_equal_a_full_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    root = generated_site(tmp_path, 120, 20201208)
    counter = Counter(monkeypatch)
    rebuilder = Rebuilder(BuildOptions(root=root, now=NOW, history=False))
    assert rebuilder.rebuild().ok
    rng = random.Random(20201208)
    records = sorted(p for p in (root / "content").rglob("*.md") if "\nnav:" not in p.read_text(encoding="utf-8"))
    changes = [
        (r"^title: (.*)$", r"title: \1（修订稿）"),
        (r"^summary: (.*)$", "summary: 概述已按审核意见改写。"),
        (r"^(date: .*)$", "\\1\nwritten: 2018-01-02"),
        (r"^tags:$", "tags:\n- 修订"),
        (r"^title: (.*)$", r"title: 关于\1的补充说明"),
        (r"^date: (\d{4})-(\d\d)-\d\d$", r"date: \1-\2-28"),  # quick while it stays published and passes the checks
    ]
    quick = 0
    for pattern, replacement in changes:
        path = rng.choice(records)
        rel = path.relative_to(root).as_posix()
        edit(root, rel, pattern, replacement)
        full = counter.full
        result = rebuilder.rebuild([rel])
        assert result.ok, result.problems_text
        quick += counter.full == full
        assert_same_as_full_build(rebuilder)
    assert quick >= 4  # most are quick: the corpus's records hold no warnings
