"""The page cache: cached, uncached, parallel and serial builds give byte-identical
sites; a change re-renders what shows it and nothing else; a damaged, foreign or
stale cache is ignored, never trusted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from sunshine import render
from sunshine.pagecache import PageCache
from sunshine.pipeline import build
from sunshine.site import BuildOptions
from tests.workflow.conftest import NOW
from tests.workflow.conftest import SAMPLE_NOTICE as NOTICE
from tests.workflow.conftest import SAMPLE_NOTICE_PAGE as NOTICE_PAGE

PLAN_PAGE = "plans/2020-dangjian-gongzuo-yaodian/index.html"


@pytest.fixture
def root(sample_copy: Path) -> Path:
    return sample_copy


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pages(folder: Path) -> dict[str, bytes]:
    """Everything but manifest.json (which holds the build time)."""
    return {p: b for p, b in tree(folder).items() if p not in ("manifest.json", "SHA256SUMS")}


def opts(root: Path, out: str, **changes: object) -> BuildOptions:
    base = BuildOptions(root=root, now=NOW, history=False, out_dir=root / out, workers=1)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def run(options: BuildOptions) -> PageCache:
    cache = PageCache(options.root, options.output, enabled=options.cache)
    build(options, cache)
    return cache


def test_cached_build_equals_uncached_and_reuses_every_page(root: Path) -> None:
    first = run(opts(root, "site"))
    assert first.hits == 0 and first.entries
    second = run(opts(root, "site"))
    assert second.hits == len(first.entries)  # nothing changed: nothing rendered
    run(opts(root, "plain", cache=False))
    assert pages(root / "site") == pages(root / "plain")


def test_unchanged_pages_keep_their_files(root: Path) -> None:
    run(opts(root, "site"))
    before = (root / "site" / PLAN_PAGE).stat()
    edit = root / NOTICE
    edit.write_text(edit.read_text(encoding="utf-8").replace("现予以公示。", "现予以公示（修订）。"), encoding="utf-8")
    run(opts(root, "site"))
    after = (root / "site" / PLAN_PAGE).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert "现予以公示（修订）。" in (root / "site" / NOTICE_PAGE).read_text(encoding="utf-8")


def test_an_edit_rerenders_only_what_shows_the_record(root: Path) -> None:
    first = run(opts(root, "site"))
    edit = root / NOTICE
    edit.write_text(edit.read_text(encoding="utf-8").replace("现予以公示。", "现予以公示（修订）。"), encoding="utf-8")
    second = run(opts(root, "site"))
    run(opts(root, "plain", cache=False))
    assert pages(root / "site") == pages(root / "plain")
    rendered = len(second.entries) - second.hits
    # the notice, its print page and the few lists that show its summary; not the site
    assert 2 <= rendered < len(first.entries) // 3, rendered


def test_a_template_edit_rerenders_the_pages_that_use_it(root: Path) -> None:
    run(opts(root, "site"))
    template = root / "templates" / "kinds" / "plan.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% block content %}", "{% block content %}<!-- 改 -->", 1), encoding="utf-8")
    assert "<!-- 改 -->" in template.read_text(encoding="utf-8")
    second = run(opts(root, "site"))
    assert "<!-- 改 -->" in (root / "site" / PLAN_PAGE).read_text(encoding="utf-8")
    assert "<!-- 改 -->" not in (root / "site" / NOTICE_PAGE).read_text(encoding="utf-8")
    assert len(second.entries) - second.hits <= 4
    run(opts(root, "plain", cache=False))
    assert pages(root / "site") == pages(root / "plain")


def test_a_status_change_with_no_edit_rerenders_the_notice(root: Path) -> None:
    """The notice period ends between two builds: nothing was edited, the page changes."""
    run(opts(root, "site", now=dt.datetime(2020, 6, 10, 12, tzinfo=NOW.tzinfo)))
    run(opts(root, "site", now=dt.datetime(2020, 8, 1, 12, tzinfo=NOW.tzinfo)))
    run(opts(root, "plain", cache=False, now=dt.datetime(2020, 8, 1, 12, tzinfo=NOW.tzinfo)))
    assert pages(root / "site") == pages(root / "plain")


def test_parallel_render_equals_serial(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)
    monkeypatch.setattr("sunshine.forkmap.SPAN_MIN", 1)  # several spans for a small site
    run(opts(root, "serial", cache=False, workers=1))
    run(opts(root, "parallel", cache=False, workers=2))
    assert pages(root / "serial") == pages(root / "parallel")


@pytest.mark.parametrize("workers", [1, 2])
def test_keys_made_beside_the_render_are_the_lookup_keys(root: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """A page the cache knows nothing of gets its key where it is rendered (in a worker);
    the next build computes every key here, before rendering, to look pages up."""
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)
    monkeypatch.setattr("sunshine.forkmap.SPAN_MIN", 1)  # several spans for a small site
    first = run(opts(root, "site", workers=workers))
    second = run(opts(root, "site", workers=workers))
    assert second.hits == len(first.entries) == len(second.entries)
    assert second.entries == first.entries


def test_damaged_or_foreign_cache_is_ignored(root: Path) -> None:
    first = run(opts(root, "site"))
    run(opts(root, "plain", cache=False))
    rng = random.Random(11)
    data = bytearray(first.file.read_bytes())
    for _ in range(40):  # flipped bytes: unreadable JSON, or keys and digests that match nothing
        data[rng.randrange(len(data))] ^= 0x5A
    first.file.write_bytes(bytes(data))
    run(opts(root, "site"))
    assert pages(root / "site") == pages(root / "plain")

    # a foreign cache that claims every page is current, over pages someone altered
    doc = json.loads(PageCache(root, root / "site").file.read_text(encoding="utf-8"))
    target = root / "site" / NOTICE_PAGE
    target.write_bytes(target.read_bytes().replace("现予以公示。".encode(), b"<script>alert(1)</script>"))
    doc["pages"] = {p: [k, "0" * 64] for p, (k, _) in doc["pages"].items()}
    PageCache(root, root / "site").file.write_text(json.dumps(doc), encoding="utf-8")
    again = run(opts(root, "site"))
    assert again.hits == 0
    assert pages(root / "site") == pages(root / "plain")


def test_output_edited_by_hand_is_rendered_again(root: Path) -> None:
    run(opts(root, "site"))
    run(opts(root, "plain", cache=False))
    target = root / "site" / NOTICE_PAGE
    target.write_text("改坏了", encoding="utf-8")
    second = run(opts(root, "site"))
    assert second.hits == len(second.entries) - 1
    assert pages(root / "site") == pages(root / "plain")


def test_other_engine_version_is_not_trusted(root: Path) -> None:
    first = run(opts(root, "site"))
    doc = json.loads(first.file.read_text(encoding="utf-8"))
    doc["engine"] = "another"
    first.file.write_text(json.dumps(doc), encoding="utf-8")
    assert PageCache(root, root / "site").entries == {}
