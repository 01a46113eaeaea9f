"""Quick rebuilds from the command line (sunshine/quickstore.py).

After a text edit, ``python build.py`` patches the output from the last build's
stored render state, as the preview server does. The output must always be exactly
what a full build of the same sources makes, the search index included; a damaged,
foreign or stale store, or any change but a body's, means a full build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sunshine import cli, pipeline, quickstore, recordfile, write, writeout
from sunshine.lastbuild import _state_file, build_or_reuse
from sunshine.outputs import search as search_mod
from sunshine.outputs import searchedits, searchwarm
from sunshine.site import BuildOptions
from tests.search import bundle

from .conftest import NOW, SAMPLE_NOTICE, SAMPLE_NOTICE_PAGE
from .test_quick_rebuild import ADDED, BODY_EDITS, add_to_body, on_disk

ANCHOR = "以下三名同志拟列为发展对象"


class Builds:
    """Builds a site the way the command line does, counting the full builds."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.options = BuildOptions(root=root, now=NOW, history=False)
        self.full = 0
        real = self.real = pipeline.build

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.full += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, "build", counted)

    def __call__(self, **changes: Any) -> Any:
        summary, _ = build_or_reuse(dataclasses.replace(self.options, **changes))
        return summary

    @property
    def out(self) -> Path:
        return self.options.output

    def assert_same_as_full_build(self) -> None:
        """The output holds what a full build without any cache makes now."""
        reference = dataclasses.replace(self.options, cache=False, out_dir=self.options.root / "reference")
        _, out = self.real(reference)
        assert on_disk(self.out) == on_disk(out)

    def assert_found_as_after_a_full_build(self) -> None:
        """Every file but the search index's is what a full build without any cache makes
        now, and the index answers with the same pages, as that build indexes them, and
        the same filter counts (after a quick rebuild the edited pages are indexed apart)."""
        reference = dataclasses.replace(self.options, cache=False, out_dir=self.options.root / "reference")
        _, out = self.real(reference)
        assert bundle.outside_the_index(self.out) == bundle.outside_the_index(out)
        assert bundle.seen(self.out) == bundle.seen(out)


@pytest.fixture
def builds(sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> Builds:
    made = Builds(sample_root, monkeypatch)
    made()
    assert made.full == 1
    return made


@pytest.mark.parametrize(("rel", "anchor", "page"), BODY_EDITS, ids=[r.split("/")[1] for r, _, _ in BODY_EDITS])
def test_a_body_edit_patches_the_output_as_a_full_build_would(builds: Builds, sample_root: Path, rel: str, anchor: str, page: str) -> None:
    add_to_body(sample_root, rel, anchor)
    summary = builds()
    assert builds.full == 1 and not summary.reused and not summary.problems
    assert ADDED in (builds.out / page).read_text(encoding="utf-8")
    assert summary.pages == sum(1 for _ in builds.out.rglob("*.html"))
    assert builds().reused  # and the next build finds nothing changed
    builds.assert_same_as_full_build()


def test_successive_edits_and_a_revert(builds: Builds, sample_root: Path) -> None:
    path = sample_root / SAMPLE_NOTICE
    original = path.read_text(encoding="utf-8")
    before = on_disk(builds.out)
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, "（第二处修改。）")
    builds()
    assert "（第二处修改。）" in (builds.out / SAMPLE_NOTICE_PAGE).read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    builds()
    assert builds.full == 1
    assert on_disk(builds.out) == before


def test_a_store_serves_a_limited_number_of_edits(builds: Builds, sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data file and the journal only grow: after MAX_QUICK quick rebuilds the next
    edit is a full build, whose new store serves the edits after it."""
    monkeypatch.setattr(quickstore, "MAX_QUICK", 3)
    path = sample_root / SAMPLE_NOTICE
    fulls = []
    for n in range(6):
        path.write_text(path.read_text(encoding="utf-8").replace(ANCHOR, f"（第{n}次修改）" + ANCHOR, 1), encoding="utf-8")
        builds()
        fulls.append(builds.full)
    assert fulls == [1, 1, 1, 2, 2, 2]
    builds.assert_same_as_full_build()


def test_anything_but_a_body_or_what_a_record_says_of_itself_is_a_full_build(builds: Builds, sample_root: Path) -> None:
    path = sample_root / SAMPLE_NOTICE
    path.write_text(path.read_text(encoding="utf-8").replace("\ndate: 2020-06-11", "\ndate: 2020-06-16", 1), encoding="utf-8")  # not shown yet
    builds()
    assert builds.full == 2
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)  # and the store of that full build serves the next edit
    builds()
    assert builds.full == 2
    builds.assert_same_as_full_build()


def test_the_body_of_a_menu_page_is_a_quick_edit(builds: Builds, sample_root: Path) -> None:
    """Every page shows the menu's pages, but only their titles and addresses
    (templates/base.html): a new first paragraph is patched in."""
    add_to_body(sample_root, "content/pages/about.md", "\n\n")
    builds()
    assert builds.full == 1
    builds.assert_same_as_full_build()


def test_a_full_build_takes_the_unchanged_views_from_the_last_store(
    builds: Builds, sample_root: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """Views whose content digest did not change are copied from the last full build's
    store, not pickled again; the store still serves edits exactly, the reverted one too."""
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()  # a quick edit: its new view goes to the journal, not to the head
    base = sample_root / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with caplog.at_level("DEBUG", logger="sunshine"):
        builds()
    assert builds.full == 2
    (taken,) = [r.getMessage() for r in caplog.records if "views taken from the last one" in r.getMessage()]
    reused, total = map(int, taken.removeprefix("quick-rebuild store: ").split(" views")[0].split(" of "))
    assert total >= 10 and reused == total - 1  # all but the edited record's, whose head entry was older
    for text in ("（第二处修改。）", ""):  # an edit, then back to the text that build stored
        path = sample_root / SAMPLE_NOTICE
        edited = path.read_text(encoding="utf-8").replace("（第二处修改。）", "")
        path.write_text(edited.replace(ANCHOR, ANCHOR + text, 1), encoding="utf-8")
        builds()
        assert builds.full == 2
        builds.assert_same_as_full_build()


def test_personal_data_is_refused_and_nothing_is_written(builds: Builds, sample_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = on_disk(builds.out)
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, "联系人手机13812345678。")
    capsys.readouterr()
    assert cli.main(["--root", str(sample_root), "--now", NOW.isoformat(), "--no-history", "-q"]) == 1
    line = next(n for n, t in enumerate((sample_root / SAMPLE_NOTICE).read_text(encoding="utf-8").splitlines(), 1) if "1381234" in t)
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{SAMPLE_NOTICE}:{line}: 正文: 手机号码“13812345678”不能公开 — 请删除或脱敏为 138****5678"
    )
    assert on_disk(builds.out) == before and builds.full == 1
    path = sample_root / SAMPLE_NOTICE
    path.write_text(path.read_text(encoding="utf-8").replace("联系人手机13812345678。", "联系人手机请见办公室公告。"), encoding="utf-8")
    builds()
    assert builds.full == 1
    builds.assert_same_as_full_build()


def store_files(options: BuildOptions) -> tuple[Path, Path]:
    head, data = quickstore._paths(options)
    assert head.is_file() and data.is_file()
    return head, data


@pytest.mark.parametrize("part", ["head", "data", "journal"])
def test_a_damaged_store_is_never_trusted(builds: Builds, sample_root: Path, part: str) -> None:
    add_to_body(sample_root, "content/plans/2020-dangjian-gongzuo-yaodian.md", "\n\n")
    builds()  # a quick build: the store now has a journal too
    assert builds.full == 1
    head, data = store_files(builds.options)
    target = {"head": head, "data": data, "journal": head.with_name("journal")}[part]
    raw = bytearray(target.read_bytes())
    for at in range(0, len(raw), 97):
        raw[at] ^= 0x5A  # all through, so every entry an edit reads is hit
    target.write_bytes(bytes(raw))
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()
    assert builds.full == 2
    builds.assert_same_as_full_build()
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, "（又一处修改。）")
    builds()  # the full build wrote a new store
    assert builds.full == 2
    builds.assert_same_as_full_build()


def test_a_store_of_another_build_is_not_used(builds: Builds, sample_root: Path) -> None:
    state = _state_file(builds.options)
    doc = recordfile.load(state)
    assert doc is not None
    recordfile.save(state, {**doc, "quick": "0123456789abcdef"})
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()
    assert builds.full == 2


def test_an_output_changed_by_hand_means_a_full_build(builds: Builds, sample_root: Path) -> None:
    (builds.out / "404.html").write_text("changed by hand", encoding="utf-8")
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()
    assert builds.full == 2
    builds.assert_same_as_full_build()


@pytest.mark.parametrize("where", ["page-folder", "top"])
def test_a_file_left_in_the_output_after_a_quick_edit_means_a_full_build(builds: Builds, sample_root: Path, where: str) -> None:
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()
    assert builds.full == 1  # quick: the folders it wrote to are recorded anew
    folder = (builds.out / SAMPLE_NOTICE_PAGE).parent if where == "page-folder" else builds.out
    (folder / "stray.txt").write_text("left by someone", encoding="utf-8")
    assert not builds().reused and builds.full == 2
    assert not (folder / "stray.txt").exists()
    builds.assert_same_as_full_build()


def test_the_next_day_is_a_full_build(builds: Builds, sample_root: Path) -> None:
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds(now=NOW + dt.timedelta(days=1))
    assert builds.full == 2


def test_without_the_cache_there_is_no_store(sample_root: Path, monkeypatch: pytest.MonkeyPatch, own_user_cache: Path) -> None:
    made = Builds(sample_root, monkeypatch)
    made(cache=False)
    assert not quickstore._paths(dataclasses.replace(made.options, cache=False))[0].exists()
    made()
    head, _ = store_files(made.options)
    assert head.is_relative_to(own_user_cache)  # the user's cache folder, never the project's
    assert not [p for p in sample_root.rglob("*") if p.name in ("head", "data") and p.is_file()]


def test_the_search_index_follows_the_edit(builds: Builds, sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUNSHINE_NO_SEARCH")
    builds()
    assert builds.full == 2
    word = "鹭鸶湾水塘清淤议事会"
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, f"（{word}）")
    builds()
    assert builds.full == 2
    pages, _ = bundle.seen(builds.out)
    found = [url for url, fragment in pages.items() if word in fragment["content"].replace("\u200b", "")]
    assert found == ["/qingxi/" + SAMPLE_NOTICE_PAGE.removesuffix("index.html")]
    builds.assert_found_as_after_a_full_build()


def _watch_indexing(monkeypatch: pytest.MonkeyPatch, served: list[bool] | None = None) -> tuple[list[list[str]], list[str]]:
    """Which pages each Pagefind run indexes (``served``: whether each ran in the service
    started ahead, else as a command), and which pages are read for a shard's key."""
    indexed: list[list[str]] = []
    served = [] if served is None else served
    real = search_mod._pagefind
    real_service = searchwarm.Service.index

    async def counted(docs: dict[str, str]) -> dict[str, bytes]:
        indexed.append(sorted(docs))
        served.append(False)
        return await real(docs)

    def counted_service(self: searchwarm.Service, docs: dict[str, str], exclude: Any) -> dict[str, bytes]:
        indexed.append(sorted(docs))
        served.append(True)
        return real_service(self, docs, exclude)

    monkeypatch.setattr(search_mod, "_pagefind", counted)
    monkeypatch.setattr(searchwarm.Service, "index", counted_service)
    keyed: list[str] = []
    real_key = search_mod._key_part

    def key_part(site: Any, url: str, *rest: Any) -> bytes:
        keyed.append(url)
        return real_key(site, url, *rest)

    monkeypatch.setattr(search_mod, "_key_part", key_part)
    return indexed, keyed


def test_an_edit_indexes_only_the_edited_page_and_touches_no_shard(builds: Builds, sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUNSHINE_NO_SEARCH")
    monkeypatch.setattr(search_mod, "SHARD_PAGES", 4)  # the sample's pages in several shards
    builds()
    assert builds.full == 2
    shards = bundle.listing(builds.out)["merge"]
    assert len(shards) >= 2
    before = {rel: path.stat().st_mtime_ns for rel, path in _files(builds.out / "pagefind").items()}
    served: list[bool] = []
    indexed, keyed = _watch_indexing(monkeypatch, served)
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, "（鹭鸶湾水塘清淤议事会）")
    builds()
    assert builds.full == 2
    page = "qingxi/" + SAMPLE_NOTICE_PAGE
    assert indexed == [[page]] and keyed == [page]  # one page indexed, no other page read
    assert served == [True]  # by the Pagefind started while the store was read
    after = {rel: path.stat().st_mtime_ns for rel, path in _files(builds.out / "pagefind").items()}
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert changed == {"shards.json"} | {rel for rel in after if rel.startswith("edits/")}
    listed = bundle.listing(builds.out)
    assert listed["merge"] == [*shards, "edits"] and list(listed["edits"]) == [page]
    assert listed["twins"]["kind"] == {"公示公告": 1}
    builds.assert_found_as_after_a_full_build()


def test_edits_gather_in_their_shard_until_a_full_build(builds: Builds, sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUNSHINE_NO_SEARCH")
    monkeypatch.setattr(search_mod, "SHARD_PAGES", 4)
    builds()
    notice = SAMPLE_NOTICE
    other, other_anchor, other_page = next((r, a, p) for r, a, p in BODY_EDITS if r != notice and r.endswith(".md"))
    original = (sample_root / notice).read_text(encoding="utf-8")
    add_to_body(sample_root, notice, ANCHOR, "（第一处修改。）")
    builds()
    add_to_body(sample_root, other, other_anchor)
    builds()
    assert builds.full == 2
    assert sorted(bundle.listing(builds.out)["edits"]) == sorted("qingxi/" + p for p in (SAMPLE_NOTICE_PAGE, other_page))
    builds.assert_found_as_after_a_full_build()
    (sample_root / notice).write_text(original, encoding="utf-8")  # back as its shard holds it: out of the edits shard
    builds()
    assert list(bundle.listing(builds.out)["edits"]) == ["qingxi/" + other_page]
    builds.assert_found_as_after_a_full_build()
    builds(now=NOW + dt.timedelta(days=1))  # the next day: a full build, its shards indexed again
    assert builds.full == 3
    assert "edits" not in bundle.listing(builds.out) and not (builds.out / "pagefind" / "edits").exists()


def test_past_the_edits_limit_the_shards_are_indexed_again(builds: Builds, sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With more edited pages than the edits shard takes, the shards of all of them are
    indexed again, no edits shard is left, and the site is a full build's byte for byte."""
    monkeypatch.delenv("SUNSHINE_NO_SEARCH")
    monkeypatch.setattr(search_mod, "SHARD_PAGES", 4)
    builds()
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, "（第一处修改。）")
    builds()
    assert "edits" in bundle.listing(builds.out)
    monkeypatch.setattr(searchedits, "EDITS_MAX", 1)
    other, other_anchor, _ = next((r, a, p) for r, a, p in BODY_EDITS if r != SAMPLE_NOTICE and r.endswith(".md"))
    indexed, _ = _watch_indexing(monkeypatch)
    add_to_body(sample_root, other, other_anchor)
    builds()
    assert builds.full == 2
    assert 1 <= len(indexed) <= 2 and sum(map(len, indexed)) <= 8, indexed  # the two pages' shards
    assert "edits" not in bundle.listing(builds.out)
    builds.assert_same_as_full_build()


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("kept", [True, False], ids=["store-kept", "store-not-reached"])
def test_a_build_failing_after_its_render_leaves_no_store_to_trust(
    builds: Builds, sample_root: Path, monkeypatch: pytest.MonkeyPatch, kept: bool,
) -> None:
    """The write fails once the new store's entries are written (``kept``: with no search
    index they are written while the site is, else before), or before they are: the
    store left must never patch an output it does not describe."""

    def refuse(site: Any, files: Any, verified: Any = frozenset(), meanwhile: Any = None) -> Any:
        if meanwhile is not None and kept:
            meanwhile()
        raise OSError("disk full")

    add_to_body(sample_root, "content/plans/2020-dangjian-gongzuo-yaodian.md", "\n\n")  # a first edit, applied quickly
    builds()
    path = sample_root / SAMPLE_NOTICE
    path.write_text(path.read_text(encoding="utf-8").replace("\ndate: 2020-06-11", "\ndate: 2020-06-16", 1), encoding="utf-8")  # not shown yet
    with pytest.MonkeyPatch.context() as patch, pytest.raises(OSError):
        patch.setattr(pipeline, "write_site", refuse)
        builds()  # a full build: writing the site fails
    assert builds.full == 2
    head, _ = quickstore._paths(builds.options)
    reusable = head.exists()
    assert reusable == (not kept and not search_mod.search_enabled())  # untouched: it describes the output as it is
    path.write_text(path.read_text(encoding="utf-8").replace("\ndate: 2020-06-16", "\ndate: 2020-06-11", 1), encoding="utf-8")
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()  # only a body differs from the last good build
    assert builds.full == (2 if reusable else 3)
    builds.assert_same_as_full_build()


def test_the_internal_edition_has_a_store_of_its_own(builds: Builds, sample_root: Path) -> None:
    public = builds.options
    internal = dataclasses.replace(public, edition="internal")
    builds.options = internal
    builds()
    assert builds.full == 2 and quickstore._paths(public) != quickstore._paths(internal)
    rel = "content/notices/2020-05-minzhu-pingyi-jieguo.md"  # party scope: in the internal edition only
    add_to_body(sample_root, rel, "\n\n")
    builds()
    assert builds.full == 2
    assert ADDED in (builds.out / "notices/2020-05-minzhu-pingyi-jieguo/index.html").read_text(encoding="utf-8")
    builds.assert_same_as_full_build()
    builds.options = public
    before = on_disk(builds.out)
    builds()  # the public edition does not show it: patched with nothing to write
    assert builds.full == 2 and on_disk(builds.out) == before


def test_a_store_that_cannot_be_made_only_costs_time(sample_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # the store's folder cannot be made
    builds = Builds(sample_root, monkeypatch)
    assert not builds().problems
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    builds()
    assert builds.full == 2
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def broken(*args: Any) -> Any:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(quickstore, "_keep", broken)  # anything unexpected while keeping it
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR, "（又一处修改。）")
    assert not builds().problems
    assert builds.full == 3
    builds.assert_same_as_full_build()


def test_without_search_the_store_is_kept_while_the_site_is_written_apart(
    sample_root: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full build with no search index keeps its quick-rebuild store while another
    process writes the output (sunshine/writeout.py); the store serves the next edit."""
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    monkeypatch.setattr(write, "APART_MIN", 1)
    started: list[writeout.Filling | None] = []
    real = writeout.start
    monkeypatch.setattr(write, "start", lambda work: started.append(real(work)) or started[-1])
    made = Builds(sample_root, monkeypatch)
    made()
    assert made.full == 1 and len(started) == 1
    assert started[0] is not None and started[0].process.returncode == 0
    add_to_body(sample_root, SAMPLE_NOTICE, ANCHOR)
    made()
    assert made.full == 1 and len(started) == 1  # patched from the store, not built again
    assert ADDED in (made.out / SAMPLE_NOTICE_PAGE).read_text(encoding="utf-8")
    made.assert_same_as_full_build()
