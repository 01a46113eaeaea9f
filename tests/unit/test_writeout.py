"""The write's file work in a process of its own, beside other work (sunshine.writeout).

A large build fills the new output folder in a new process while it keeps its
quick-rebuild store. The folder must hold exactly what the write in the build's own
process makes, a failure must be the same error and leave the old site, and a build
stopped meanwhile must leave no process writing and no half-made folder.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_write import OLD, _fill, _siblings, _site, _tree

from sunshine import write, writeout
from sunshine.outfiles import OutputFiles
from sunshine.site import Site
from sunshine.writeout import Filling


def _old_site(tmp_path: Path) -> tuple[Site, dict[str, bytes], Path]:
    """A site, its files, and its output folder holding an older site."""
    site, files = _site(tmp_path)
    out = site.options.root / "site"
    _fill(out, OLD)
    return site, files, out


@pytest.fixture
def apart(monkeypatch: pytest.MonkeyPatch) -> list[Filling]:
    """Every write with ``meanwhile`` runs apart, even a small one; the processes started."""
    monkeypatch.setattr(write, "APART_MIN", 1)
    started: list[Filling] = []
    real = writeout.start

    def start(work: writeout.Work) -> Filling | None:
        filling = real(work)
        assert filling is not None
        started.append(filling)
        return filling

    def here(work: writeout.Work) -> None:
        raise AssertionError("filled in the build's own process")

    monkeypatch.setattr(write, "start", start)
    monkeypatch.setattr(write, "fill", here)
    return started


def test_apart_the_folder_is_what_the_write_here_makes(
    tmp_path: Path, apart: list[Filling], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site, files, out = _old_site(tmp_path)
    called: list[bool] = []
    write.write_site(site, files, meanwhile=lambda: called.append(True))
    assert called == [True] and len(apart) == 1 and apart[0].process.returncode == 0
    written = _tree(out)
    assert "notices/old/index.html" not in written
    assert {k: v for k, v in written.items() if k not in ("manifest.json", "SHA256SUMS")} == files
    monkeypatch.undo()  # the same write in this process
    site.options = dataclasses.replace(site.options, out_dir=tmp_path / "root" / "here")
    write.write_site(site, files)
    assert _tree(tmp_path / "root" / "here") == written


def test_apart_a_second_write_links_the_unchanged_files(tmp_path: Path, apart: list[Filling]) -> None:
    site, files = _site(tmp_path)
    out = site.options.root / "site"
    write.write_site(site, files, meanwhile=lambda: None)
    before = {rel: (out / rel).stat().st_ino for rel in files}
    write.write_site(site, files, meanwhile=lambda: None)  # the spare is filled: every page is the old file
    assert {rel: (out / rel).stat().st_ino for rel in files} == before
    assert len(apart) == 2


def test_apart_a_failing_write_is_the_same_error_and_leaves_the_old_site(
    tmp_path: Path, apart: list[Filling], monkeypatch: pytest.MonkeyPatch,
) -> None:
    site, files, out = _old_site(tmp_path)
    clash = {**files, "notices": b"a file where a folder must go"}
    with pytest.raises(OSError) as failed:
        write.write_site(site, clash, meanwhile=lambda: None)
    assert _tree(out) == OLD
    assert _siblings(site.options.root) == ["config.yaml", "content", "site"]
    monkeypatch.undo()  # the same write in this process
    with pytest.raises(OSError) as here:
        write.write_site(site, clash)
    assert (type(failed.value), failed.value.errno, failed.value.strerror) == (type(here.value), here.value.errno, here.value.strerror)
    assert Path(failed.value.filename).name == Path(here.value.filename).name == "notices"


def test_a_build_stopped_while_writing_apart_leaves_the_old_site(tmp_path: Path, apart: list[Filling]) -> None:
    site, files, out = _old_site(tmp_path)

    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write.write_site(site, files, meanwhile=interrupted)
    assert apart[0].process.returncode is not None  # no process left writing
    assert _tree(out) == OLD
    assert _siblings(site.options.root) == ["config.yaml", "content", "site"]


def test_a_process_that_dies_is_a_write_error(tmp_path: Path, apart: list[Filling], monkeypatch: pytest.MonkeyPatch) -> None:
    site, files, out = _old_site(tmp_path)
    monkeypatch.setattr(writeout.sys, "executable", "/bin/false")  # starts, reads nothing, answers nothing
    with pytest.raises(OSError, match="写入输出文件夹的进程意外结束（退出码 1）"):
        write.write_site(site, files, meanwhile=lambda: None)
    assert _tree(out) == OLD
    assert _siblings(site.options.root) == ["config.yaml", "content", "site"]


def test_without_a_process_the_write_is_done_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write, "APART_MIN", 1)
    monkeypatch.setattr(writeout.sys, "executable", str(tmp_path / "no-such-python"))
    site, files = _site(tmp_path)
    order: list[str] = []
    write.write_site(site, files, meanwhile=lambda: order.append("meanwhile"))
    assert order == ["meanwhile"]
    assert {k: v for k, v in _tree(site.options.root / "site").items() if k not in ("manifest.json", "SHA256SUMS")} == files


def test_what_else_the_process_meets_is_raised_here_as_it_was(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A fault of the engine's own (here a value that is no file's bytes) is not hidden
    as a write error, and the process's traceback is not shown."""
    files = OutputFiles()
    files._items["index.html"] = 5  # type: ignore[assignment]
    (tmp_path / "new").mkdir()
    work = writeout.Work(tmp_path / "new", tmp_path / "out", files, {"index.html": "0" * 64}, {}, frozenset())
    filling = writeout.start(work)
    assert filling is not None
    with pytest.raises(AttributeError, match="read"):
        filling.wait()
    assert "Traceback" not in capfd.readouterr().err
