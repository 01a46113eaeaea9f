"""Pagefind's service started ahead of a quick rebuild (sunshine/outputs/searchwarm.py).

The service must give the bundle Pagefind's command gives for the same pages, byte for
byte; a service that fails or answers wrongly must cost nothing but the command's run;
and one nobody uses must not outlive the build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sunshine import pipeline
from sunshine.cli import parse_now
from sunshine.outputs import search as search_mod
from sunshine.outputs import searchwarm
from sunshine.outputs.searchshards import EDITS
from sunshine.pipeline import build_in_memory
from sunshine.site import BuildOptions, Site

REPO = Path(__file__).resolve().parents[2]
NOW = "2020-06-15T10:00:00+08:00"


@pytest.fixture(scope="module")
def sample() -> tuple[Site, dict[str, bytes]]:
    """The sample's site and pages, without an index."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(search_mod.ENV_SKIP, "1")
        site, files = build_in_memory(BuildOptions(root=REPO, now=parse_now(NOW, {}), cache=False), search=False)
    return site, dict(files)


@pytest.fixture(scope="module")
def docs(sample: tuple[Site, dict[str, bytes]]) -> dict[str, str]:
    """Every record page's copy for Pagefind."""
    found = search_mod.search_documents(*sample)
    assert len(found) >= 10
    return found


@pytest.fixture
def executable(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(search_mod.ENV_SKIP, raising=False)
    return search_mod._executable()


@pytest.fixture(autouse=True)
def _none_left() -> Iterator[None]:
    yield
    searchwarm.stop()


def test_the_service_gives_the_commands_bundle_byte_for_byte(docs: dict[str, str], executable: Path) -> None:
    command = search_mod._run(search_mod._pagefind(docs))
    service = searchwarm.Service(executable)
    try:
        service.warm()
        assert search_mod._checked(service.index(docs, search_mod.EXCLUDE), docs) == command
        one = dict([next(iter(docs.items()))])  # a second index from the same process
        assert search_mod._checked(service.index(one, search_mod.EXCLUDE), one) == search_mod._run(search_mod._pagefind(one))
    finally:
        service.close()


def _pages(sample: tuple[Site, dict[str, bytes]], count: int) -> list[Any]:
    site, files = sample
    return search_mod._indexed(site, files)[:count]


def test_a_service_started_ahead_indexes_the_few_pages(sample: tuple[Site, dict[str, bytes]], executable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _pages(sample, 3)
    reference = search_mod._index(sample[0], {EDITS: pages})
    ran: list[int] = []
    real = search_mod._pagefind

    async def command(docs: dict[str, str]) -> dict[str, bytes]:
        ran.append(len(docs))
        return await real(docs)

    monkeypatch.setattr(search_mod, "_pagefind", command)
    search_mod.warm_up()
    assert search_mod._index(sample[0], {EDITS: pages}) == reference
    assert ran == []  # the service did it
    assert searchwarm.claim() is None  # and it was used up


def _warmed() -> searchwarm.Service:
    """The service :func:`search.warm_up` started, once warm."""
    search_mod.warm_up()
    ahead = searchwarm._ahead
    assert ahead is not None
    ahead.thread.join()
    assert ahead.service is not None
    return ahead.service


@pytest.mark.parametrize("how", ["error", "gone", "garbled"])
def test_a_failing_service_costs_only_the_commands_run(
    sample: tuple[Site, dict[str, bytes]], executable: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str,
) -> None:
    pages = _pages(sample, 2)
    reference = search_mod._index(sample[0], {EDITS: pages})
    if how == "error":  # Pagefind refuses a request
        _warmed()
        monkeypatch.setattr(searchwarm.Service, "_add", lambda self, index, path, text: self._call({"type": "AddFile", "index_id": 99}))
    elif how == "gone":  # the process died after warming
        service = _warmed()
        service._process.kill()
        service._process.wait()
    else:  # a program that answers nonsense and leaves
        program = tmp_path / "pagefind"
        program.write_text("#!/bin/sh\nprintf 'bm9uc2Vuc2U=,'\n", encoding="utf-8")
        program.chmod(0o755)
        searchwarm.start(program)
    assert search_mod._index(sample[0], {EDITS: pages}) == reference
    assert searchwarm._ahead is None


def test_an_unclaimed_service_is_ended(executable: Path) -> None:
    searchwarm.start(executable)
    ahead = searchwarm._ahead
    assert ahead is not None
    ahead.thread.join()
    assert ahead.service is not None
    process = ahead.service._process
    searchwarm.stop()
    assert process.poll() is not None and searchwarm._ahead is None


def test_many_pages_or_shards_go_to_the_command(sample: tuple[Site, dict[str, bytes]], executable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _pages(sample, 4)
    monkeypatch.setattr(search_mod, "WARM_PAGES", 3)
    search_mod.warm_up()
    ahead = searchwarm._ahead
    assert ahead is not None
    used: list[int] = []
    monkeypatch.setattr(searchwarm.Service, "index", lambda self, docs, exclude: used.append(len(docs)) or {})
    made = search_mod._index(sample[0], {EDITS: pages})
    assert used == [] and len(made[EDITS]) > 3
    assert ahead.service is not None and ahead.service._process.poll() is not None  # ended, not left behind


def test_without_search_nothing_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(search_mod.ENV_SKIP, "1")
    search_mod.warm_up()
    assert searchwarm._ahead is None


def test_a_quick_rebuild_ends_the_service_it_did_not_need(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body edit of a record without a public page starts the service, which is then
    ended before the command returns."""
    from sunshine.lastbuild import build_or_reuse
    from tests.workflow.conftest import copy_sample

    monkeypatch.delenv(search_mod.ENV_SKIP, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = copy_sample(tmp_path / "src")
    options = dataclasses.replace(BuildOptions(root=root, now=parse_now(NOW, {})), history=False)
    build_or_reuse(options)
    started: list[searchwarm._Ahead] = []
    real = searchwarm.start

    def start(executable: Path | None) -> None:
        real(executable)
        if searchwarm._ahead is not None:
            started.append(searchwarm._ahead)

    monkeypatch.setattr(searchwarm, "start", start)
    monkeypatch.setattr(search_mod, "_index", lambda *a: pytest.fail("nothing to index"))
    monkeypatch.setattr(pipeline, "build", lambda *a, **k: pytest.fail("a quick rebuild was expected"))
    unpublished = root / "content/plans/2020-dangfeng-lianzheng-gongzuo-anpai.md"  # 党内公开: no public page
    assert "scope: party" in unpublished.read_text(encoding="utf-8")
    unpublished.write_text(unpublished.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    build_or_reuse(options)
    assert len(started) == 1 and started[0].service is not None
    assert started[0].service._process.poll() is not None and searchwarm._ahead is None


def test_a_service_that_never_answers_is_ended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "pagefind"
    program.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setattr(searchwarm, "WARM_WAIT", 0.5)
    searchwarm.start(program)
    ahead = searchwarm._ahead
    assert ahead is not None
    assert searchwarm.claim() is None
    assert ahead.started is not None and ahead.started._process.poll() is not None
    ahead.thread.join(10)
    assert not ahead.thread.is_alive()


def test_a_program_that_cannot_be_found_or_started_costs_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(search_mod.ENV_SKIP, raising=False)
    monkeypatch.setattr(search_mod, "_executable", lambda: (_ for _ in ()).throw(RuntimeError("Pagefind's program was not found")))
    search_mod.warm_up()
    assert searchwarm.claim() is None
    monkeypatch.setattr(search_mod, "_executable", lambda: tmp_path / "no-such-program")
    search_mod.warm_up()  # the process cannot be started: the thread gives up
    assert searchwarm.claim() is None


def test_the_program_is_the_one_pagefinds_package_finds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Found without importing pagefind.service (asyncio, ssl), and the same program."""
    from pagefind.service import get_executable

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    assert search_mod._executable() == get_executable()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "pagefind_extended"))
    assert search_mod._executable() == get_executable() == tmp_path / "pagefind_extended"
