"""Output files kept on disk until the write (sunshine.outfiles): a spooled or reused
page reads back byte for byte, its size and SHA-256 are known without reading it, each
forked worker spools to its own file, and no spool outlives its build."""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sunshine import pipeline, render
from sunshine.outfiles import OutputFiles, Spool, Stored
from sunshine.pagecache import PageCache
from sunshine.pipeline import build, build_in_memory
from sunshine.problems import BuildFailed, Problems
from sunshine.site import BuildOptions
from tests.workflow.conftest import NOW

CONTENTS = [b"<!doctype html>\n<p>\xe5\x85\xac\xe7\xa4\xba</p>\n", b"", b"x" * 300_000, bytes(range(256))]


def test_spooled_bytes_read_back_exactly(tmp_path: Path) -> None:
    with Spool(tmp_path / "site") as spool:
        stored = [spool.put(content) for content in CONTENTS]
        for content, where in zip(CONTENTS, stored, strict=True):
            assert where.read() == content
            assert where.size == len(content)
            assert where.sha256 == hashlib.sha256(content).hexdigest()
        assert {where.path for where in stored} == {str(spool.folder / f"{os.getpid()}.pages")}


def test_spooled_bytes_read_back_where_there_is_no_pread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no os.pread: a stored page is read by seeking."""
    monkeypatch.delattr(os, "pread")
    with Spool(tmp_path / "site") as spool:
        stored = [spool.put(content) for content in CONTENTS]
        assert [where.read() for where in reversed(stored)] == CONTENTS[::-1]


def _put_in_child(spool: Spool, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(spool.put(b"from the child"))


def test_each_process_spools_to_its_own_file(tmp_path: Path) -> None:
    with Spool(tmp_path / "site") as spool:
        mine = spool.put(b"from the parent")
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=_put_in_child, args=(spool, queue))
        child.start()
        theirs = queue.get(timeout=60)
        child.join(60)
        after = spool.put(b"the parent again")
        assert theirs.path != mine.path == after.path
        assert (mine.read(), theirs.read(), after.read()) == (b"from the parent", b"from the child", b"the parent again")
        assert after.offset == len(b"from the parent")


def test_a_short_file_is_an_error_not_short_bytes(tmp_path: Path) -> None:
    with Spool(tmp_path / "site") as spool:
        where = spool.put(b"0123456789")
        os.truncate(where.path, 4)
        with pytest.raises(OSError, match="4 bytes where 10"):
            where.read()


def test_the_spool_folder_is_removed_after_use_and_after_an_error(tmp_path: Path) -> None:
    with Spool(tmp_path / "site") as spool:
        spool.put(b"page")
        assert spool.folder.is_dir() and spool.folder.parent == tmp_path
    assert not spool.folder.exists()
    with pytest.raises(RuntimeError), Spool(tmp_path / "site") as spool:
        spool.put(b"page")
        raise RuntimeError
    assert not spool.folder.exists()


def _dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid -= 1


def test_a_killed_builds_spool_is_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    dead = tmp_path / f".site.spool-{_dead_pid()}"
    running = tmp_path / f".site.spool-{os.getppid()}"
    for folder in (dead, running):
        folder.mkdir()
        (folder / "1.pages").write_bytes(b"old")
    with Spool(tmp_path / "site"):
        assert not dead.exists()
        assert running.is_dir()


def test_output_files_know_size_and_digest_without_reading(tmp_path: Path) -> None:
    with Spool(tmp_path / "site") as spool:
        files = OutputFiles()
        files["a.txt"] = b"in memory"
        files.store("b/index.html", spool.put(b"on disk"))
        copy = OutputFiles.of(files)
        assert files == {"a.txt": b"in memory", "b/index.html": b"on disk"} == copy
        assert files.stored("a.txt") is None and files.stored("b/index.html") is not None
        os.unlink(spool.folder / f"{os.getpid()}.pages")  # from now on nothing stored can be read
        assert (files.size("a.txt"), files.size("b/index.html")) == (9, 7)
        assert files.sha256("b/index.html") == hashlib.sha256(b"on disk").hexdigest()
        assert files.sha256("a.txt") == hashlib.sha256(b"in memory").hexdigest()
        assert list(files) == ["a.txt", "b/index.html"] and "b/index.html" in files and len(files) == 2
        del files["a.txt"]
        assert list(files) == ["b/index.html"] and list(copy) == ["a.txt", "b/index.html"]
        with pytest.raises(OSError):
            files["b/index.html"]


def _spy_on_write(monkeypatch: pytest.MonkeyPatch, which: str) -> dict[str, Stored | None]:
    """Where each file the write is given is kept (``which``: "files", or "verified"
    for the pages the page cache found intact)."""
    seen: dict[str, Stored | None] = {}
    write_site = pipeline.write_site

    def spy(site: object, files: OutputFiles, verified: frozenset[str], meanwhile: Callable[[], None] | None) -> Path:
        seen.update({path: files.stored(path) for path in (files if which == "files" else verified)})
        return write_site(site, files, verified, meanwhile)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "write_site", spy)
    return seen


def _options(root: Path, out: str, **changes: object) -> BuildOptions:
    base = BuildOptions(root=root, now=NOW, history=False, out_dir=root / out, workers=2)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages rendered by forked workers even on the small sample."""
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)
    monkeypatch.setattr("sunshine.forkmap.SPAN_MIN", 1)  # several spans for a small site


@pytest.mark.usefixtures("forked")
def test_a_build_spools_its_pages_and_writes_what_memory_would(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy_on_write(monkeypatch, "files")
    options = _options(sample_copy, "site", cache=False)
    build(options)
    html = [path for path in seen if path.endswith(".html")]
    stored = {path: where for path, where in seen.items() if where is not None}
    assert html and set(html) <= set(stored)  # every page waited on disk, none in memory
    folders = {Path(where.path).parent for where in stored.values()}
    assert [folder.name for folder in folders] == [f".site.spool-{os.getpid()}"]
    assert len({where.path for where in stored.values()}) > 1  # written by more than one worker
    assert not any(folder.exists() for folder in folders)
    written = _tree(sample_copy / "site")
    _, files = build_in_memory(_options(sample_copy, "site", cache=False, workers=1), search=False)
    assert written.keys() - files.keys() == {"manifest.json", "SHA256SUMS"}
    assert {path: written[path] for path in files} == dict(files)


@pytest.mark.usefixtures("forked")
def test_a_failed_build_leaves_no_spool_and_the_site_as_it_was(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = _options(sample_copy, "site")
    build(options)
    before = _tree(sample_copy / "site")

    def broken(*args: object) -> Path:
        raise BuildFailed(Problems())

    monkeypatch.setattr(pipeline, "write_site", broken)
    with pytest.raises(BuildFailed):
        build(dataclasses.replace(options, cache=False))
    assert not list(sample_copy.glob(".site.spool-*"))
    assert _tree(sample_copy / "site") == before


def test_reused_pages_are_linked_never_read(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = _options(sample_copy, "site", workers=1)
    build(options)
    reads: list[str] = []
    read = Stored.read

    def counted(self: Stored) -> bytes:
        reads.append(self.path)
        return read(self)

    monkeypatch.setattr(Stored, "read", counted)
    seen = _spy_on_write(monkeypatch, "verified")
    cache = PageCache(options.root, options.output)
    build(options, cache)
    out = f"{options.output.resolve()}{os.sep}"
    assert cache.hits and cache.hits == len(cache.verified) == len(seen)
    assert all(where is not None and where.path == out + path for path, where in seen.items())
    assert not [path for path in reads if path.startswith(out)]


def test_the_preview_servers_cache_hands_on_bytes(sample_copy: Path) -> None:
    options = _options(sample_copy, "site", workers=1)
    build(options)
    cache = PageCache(options.root, options.output)
    held = PageCache(options.root, options.output, hold=True)
    path, (key, _) = next(iter(cache.entries.items()))
    content = (options.output / path).read_bytes()
    assert cache.get(path, key) == Stored(f"{options.output.resolve()}{os.sep}{path}", 0, len(content), cache.entries[path][1])
    assert held.get(path, key) == content
