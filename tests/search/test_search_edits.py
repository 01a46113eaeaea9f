"""Search after a quick rebuild, in Chromium: the edited page is found by its new text
and no longer by the text it lost, once, and the filters count as after a full build.

The sample is copied, built from the command line's entry with search on and its
index in several shards, a sentence of a notice's body is replaced, and it is built
again: a quick rebuild, which indexes the edited page in ``pagefind/edits/`` and
leaves its old version in its shard (sunshine/outputs/searchedits.py). A full build of
the same sources, without any cache, is served beside it for comparison.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sunshine.lastbuild import build_or_reuse
from sunshine.outputs import search as search_mod
from sunshine.pipeline import build
from sunshine.site import BuildOptions
from tests.workflow.conftest import NOW, SAMPLE_NOTICE, copy_sample

from . import bundle
from .test_search import FAZHAN, PREFIX, Tab, _Quiet, browser  # noqa: F401 - browser is a fixture

SENTENCE = "反映情况应当实事求是，以署名方式反映的，我们对反映人信息严格保密，并在10个工作日内核实、反馈。"
NEW_WORD = "鹭鸶湾水塘清淤"
LOST_WORD = "署名"  # in the replaced sentence, and in another notice


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the output patched by a quick rebuild, a full build's output of the same sources)."""
    tmp = tmp_path_factory.mktemp("edited")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(search_mod.ENV_SKIP, raising=False)
        mp.setattr(search_mod, "SHARD_PAGES", 4)
        mp.setenv("XDG_CACHE_HOME", str(tmp / "user-cache"))
        root = copy_sample(tmp / "src")
        options = BuildOptions(root=root, now=NOW, history=False)
        build_or_reuse(options)
        source = root / SAMPLE_NOTICE
        text = source.read_text(encoding="utf-8")
        assert SENTENCE in text
        source.write_text(text.replace(SENTENCE, f"本批公示对象均参加了{NEW_WORD}志愿服务。"), encoding="utf-8")
        calls: list[Any] = []
        real = search_mod.search_index
        mp.setattr(search_mod, "search_index", lambda *a: calls.append(a) or real(*a))
        summary, out = build_or_reuse(options)
        assert not summary.problems and not calls  # patched: the whole index not made again
        assert "edits" in bundle.listing(out)
        _, reference = build(dataclasses.replace(options, cache=False, out_dir=root / "reference"))
    return out, reference


@contextlib.contextmanager
def _served(out: Path, www: Path) -> Iterator[str]:
    (www / PREFIX.strip("/")).symlink_to(out, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host!s}:{port}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def tabs(sites: tuple[Path, Path], browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tab, Tab]]:  # noqa: F811
    """A tab on the patched site and one on the full build's."""
    patched, reference = sites
    with _served(patched, tmp_path_factory.mktemp("www")) as one, _served(reference, tmp_path_factory.mktemp("www")) as other:
        tabs = Tab(browser, one), Tab(browser, other)
        yield tabs
        for tab in tabs:
            tab.context.close()


def test_the_index_answers_as_a_full_builds(sites: tuple[Path, Path]) -> None:
    patched, reference = sites
    assert bundle.seen(patched) == bundle.seen(reference)
    assert bundle.outside_the_index(patched) == bundle.outside_the_index(reference)


@pytest.mark.browser
def test_the_edited_page_is_found_by_its_new_text_once(tabs: tuple[Tab, Tab]) -> None:
    patched, reference = tabs
    for tab in tabs:
        urls = [r["url"] for r in tab.search(NEW_WORD)]
        assert [r["url"] for r in tab.results() if r["exact"]] == [PREFIX + FAZHAN]
        assert len(urls) == len(set(urls)), urls
    assert patched.errors == [] and reference.errors == []


@pytest.mark.browser
def test_the_text_an_edit_removed_finds_the_page_no_more(tabs: tuple[Tab, Tab]) -> None:
    patched, reference = tabs
    found = [r["url"] for r in patched.search(LOST_WORD)]
    assert found and PREFIX + FAZHAN not in found  # its old version is still in its shard, never shown
    assert found == [r["url"] for r in reference.search(LOST_WORD)]


@pytest.mark.browser
@pytest.mark.parametrize("query", ["公示", "党员", "党费 东山村"])
def test_results_and_filter_counts_are_a_full_builds(tabs: tuple[Tab, Tab], query: str) -> None:
    patched, reference = tabs
    answers = []
    for tab in tabs:
        urls = [r["url"] for r in tab.search(query)]
        options = tab.page.eval_on_selector_all("#search-filters option", "els => els.map(e => e.textContent)")
        answers.append((sorted(urls), options, tab.status()))
        assert len(urls) == len(set(urls)), urls
    assert answers[0] == answers[1]
    assert any("（" in text for text in answers[0][1])  # counts are shown
    assert patched.errors == [] and reference.errors == []
