"""The preview server's search index follows edits (sunshine/serve.py).

The server indexes the site once, at its first build. After a body edit's rebuild
(the page written, the browser reloaded) it indexes the edited pages apart, as the
command line's quick rebuild does (the edits shard, sunshine/outputs/searchedits.py),
in a Pagefind service it keeps warm (sunshine/servesearch.py), so a clerk finds the new
text in the preview's search; later full rebuilds of the server keep that index. What a
reader finds must be what a full build indexes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from sunshine import servesearch
from sunshine.outputs import search as search_mod
from sunshine.outputs import searchwarm
from sunshine.pipeline import build
from sunshine.serve import Rebuilder
from tests.search import bundle

from .conftest import SAMPLE_NOTICE, SAMPLE_NOTICE_PAGE, Counter, options_for
from .test_quick_rebuild import add_to_body

ANCHOR = "以下三名同志拟列为发展对象"
WORD = "鹭鸶湾水塘清淤议事会"
PAGE = "/qingxi/" + SAMPLE_NOTICE_PAGE.removesuffix("index.html")


def _found(out: Path, word: str) -> list[str]:
    pages, _ = bundle.seen(out)
    return sorted(url for url, fragment in pages.items() if word in fragment["content"].replace("\u200b", ""))


def _as_a_full_build_finds(rebuilder: Rebuilder) -> None:
    options = dataclasses.replace(rebuilder.options, cache=False, out_dir=rebuilder.options.root / "reference")
    _, reference = build(options)
    assert bundle.seen(rebuilder.options.output) == bundle.seen(reference)


@pytest.fixture
def rebuilder(sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> Rebuilder:
    monkeypatch.delenv("SUNSHINE_NO_SEARCH")
    monkeypatch.setattr(search_mod, "SHARD_PAGES", 4)  # the sample's pages in several shards
    rebuilder = Rebuilder(options_for(sample_root))
    assert rebuilder.rebuild().ok
    yield rebuilder
    searchwarm.stop()


def test_a_body_edit_is_found_in_the_preview_search(sample_root: Path, rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    served: list[int] = []
    real = searchwarm.Service.index

    def index(self: searchwarm.Service, docs: dict[str, str], exclude: Any) -> dict[str, bytes]:
        served.append(len(docs))
        return real(self, docs, exclude)

    monkeypatch.setattr(searchwarm.Service, "index", index)
    out = rebuilder.options.output
    assert _found(out, WORD) == []
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, f"（{WORD}）")
    before = bundle.seen(out)
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 0 and WORD in (out / SAMPLE_NOTICE_PAGE).read_text(encoding="utf-8")
    assert bundle.seen(out) == before and served == []  # the page first
    assert rebuilder.follow_search()  # then its index
    assert served == [1]  # by the warm service
    assert _found(out, WORD) == [PAGE]
    assert list(bundle.listing(out)["edits"]) == ["qingxi/" + SAMPLE_NOTICE_PAGE]
    assert not rebuilder.follow_search()  # nothing more to index
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, "（第二处修改。）")  # two edits before the index follows
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    other = "content/plans/2020-dangjian-gongzuo-yaodian.md"
    add_to_body(sample_root, other, "\n\n", f"{WORD}（计划）")
    assert rebuilder.rebuild([other]).ok
    assert rebuilder.follow_search()
    assert counter.full == 0 and served == [1, 2]
    assert _found(out, WORD) == sorted([PAGE, "/qingxi/plans/2020-dangjian-gongzuo-yaodian/"])
    _as_a_full_build_finds(rebuilder)


def test_a_full_rebuild_of_the_server_keeps_the_followed_index(sample_root: Path, rebuilder: Rebuilder) -> None:
    out = rebuilder.options.output
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, f"（{WORD}）")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert rebuilder.follow_search()
    assert rebuilder.rebuild().ok  # a full build (as after a template edit): the index is kept, not made again
    assert _found(out, WORD) == [PAGE]
    _as_a_full_build_finds(rebuilder)


def test_an_edit_the_index_cannot_follow_leaves_it_as_it_was(sample_root: Path, rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the edits cannot be indexed apart the server does not index the whole site
    again (minutes at 10,000 records): its search lags until it restarts."""
    out = rebuilder.options.output
    before = bundle.seen(out)
    monkeypatch.setattr("sunshine.outputs.searchedits.edit_index", lambda *a: None)
    monkeypatch.setattr(search_mod, "search_index", lambda *a: pytest.fail("the whole index made again"))
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, f"（{WORD}）")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert not rebuilder.follow_search()
    assert WORD in (out / SAMPLE_NOTICE_PAGE).read_text(encoding="utf-8")
    assert bundle.seen(out) == before


def test_an_edit_pending_across_a_full_rebuild_is_indexed_after_it(sample_root: Path, rebuilder: Rebuilder) -> None:
    """The index follows on a timer after the reload; a full rebuild may come first."""
    out = rebuilder.options.output
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, f"（{WORD}）")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert rebuilder.rebuild().ok
    assert rebuilder.follow_search()
    assert _found(out, WORD) == [PAGE]
    _as_a_full_build_finds(rebuilder)


@pytest.mark.parametrize(
    ("rel", "old", "new", "page", "full"),
    [  # a notice's or plan's title: a quick rebuild (sunshine/frontedit.py); a menu page's: a full one
        (SAMPLE_NOTICE, "title: 青溪镇", f"title: （{WORD}）青溪镇", PAGE, 0),
        ("content/plans/2020-dangjian-gongzuo-yaodian.md", "title: 中共", f"title: {WORD}中共", "/qingxi/plans/2020-dangjian-gongzuo-yaodian/", 0),
        ("content/pages/about.md", "title: ", f"title: {WORD}", "/qingxi/about/", 1),  # a page of the menu: every page changes
    ],
    ids=["notice", "plan", "menu-page"],
)
def test_a_title_edit_is_found_in_the_preview_search_after_its_rebuild(
    sample_root: Path, rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch, rel: str, old: str, new: str, page: str, full: int,
) -> None:
    counter = Counter(monkeypatch)
    out = rebuilder.options.output
    path = sample_root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text and _found(out, WORD) == []
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert rebuilder.rebuild([rel]).ok
    assert counter.full == full
    assert rebuilder.follow_search()
    assert _found(out, WORD) == [page]
    _as_a_full_build_finds(rebuilder)


def test_a_rebuild_that_changes_many_pages_leaves_the_preview_search_as_it_was(
    sample_root: Path, rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Indexing them apart would hold the preview up (about 40 ms a page): past
    FOLLOW_MAX changed record pages the search lags until the server starts again."""
    monkeypatch.setattr(servesearch, "FOLLOW_MAX", 3)
    out = rebuilder.options.output
    before = bundle.seen(out)
    about = sample_root / "content/pages/about.md"  # its title is in every page's menu
    about.write_text(about.read_text(encoding="utf-8").replace("title: ", f"title: {WORD}", 1), encoding="utf-8")
    assert rebuilder.rebuild(["content/pages/about.md"]).ok
    assert not rebuilder.follow_search()
    assert bundle.seen(out) == before


def test_a_summary_edit_leaves_the_preview_search_as_it_was(sample_root: Path, rebuilder: Rebuilder) -> None:
    """A plan's summary is not in its page's indexed text: nothing to index again."""
    out = rebuilder.options.output
    before = bundle.seen(out)
    plan = sample_root / "content/plans/2020-dangjian-gongzuo-yaodian.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("summary: ", f"summary: {WORD}", 1), encoding="utf-8")
    assert rebuilder.rebuild(["content/plans/2020-dangjian-gongzuo-yaodian.md"]).ok
    rebuilder.follow_search()
    assert bundle.seen(out) == before
    _as_a_full_build_finds(rebuilder)


def test_a_date_edit_is_indexed_as_a_full_build_indexes_it(
    sample_root: Path, rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new date (the record stays published) is a quick rebuild; the page's date, in its
    text and meta, follows in the preview's search."""
    counter = Counter(monkeypatch)
    path = sample_root / SAMPLE_NOTICE
    path.write_text(path.read_text(encoding="utf-8").replace("\ndate: 2020-06-11", "\ndate: 2020-06-10", 1), encoding="utf-8")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 0
    assert rebuilder.follow_search()
    _as_a_full_build_finds(rebuilder)


def test_a_withdrawn_notice_is_indexed_as_a_full_build_indexes_it(
    sample_root: Path, rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch,
) -> None:
    counter = Counter(monkeypatch)
    path = sample_root / SAMPLE_NOTICE
    withdrawn = "\nscope: public\nstatus: withdrawn\nwithdrawn_reason: 因材料需补充，本公示撤回。\nwithdrawn_on: 2020-06-14\n"
    path.write_text(path.read_text(encoding="utf-8").replace("\nscope: public\n", withdrawn, 1), encoding="utf-8")
    assert rebuilder.rebuild([SAMPLE_NOTICE]).ok
    assert counter.full == 0
    assert rebuilder.follow_search()
    _as_a_full_build_finds(rebuilder)
