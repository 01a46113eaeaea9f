"""Writing the output folder all or nothing (sunshine.write)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import NOTICE, build_site, make_site

from sunshine import write
from sunshine.problems import BuildFailed
from sunshine.site import Site
from sunshine.write import check_output_dir, manifest, patch_site, write_site

OLD = {"index.html": b"old home\n", "notices/old/index.html": b"old notice\n"}


def _site(tmp_path: Path) -> tuple[Site, dict[str, bytes]]:
    root = make_site(tmp_path / "root", {"content/notices/a.md": NOTICE})
    return build_site(root)


def _fill(folder: Path, files: dict[str, bytes]) -> None:
    for rel, content in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(content)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _siblings(root: Path) -> list[str]:
    """What is beside the output: the kept spare (the next build's start) does not count."""
    return sorted(p.name for p in root.iterdir() if p.name not in (".cache", ".site.spare"))


def test_writes_files_manifest_and_sums(tmp_path: Path) -> None:
    site, files = _site(tmp_path)
    out = write_site(site, files)
    assert out == site.options.root / "site"
    written = _tree(out)
    assert {k: v for k, v in written.items() if k not in ("manifest.json", "SHA256SUMS")} == files
    manifest = json.loads(written["manifest.json"])
    assert manifest["files"] == {p: hashlib.sha256(c).hexdigest() for p, c in files.items()}
    assert [r["index_no"] for r in manifest["records"]] == ["QXZ-2020-0001"]
    sums = written["SHA256SUMS"].decode().splitlines()
    assert f"{hashlib.sha256(files['index.html']).hexdigest()}  index.html" in sums


def test_a_second_write_replaces_the_old_site(tmp_path: Path) -> None:
    site, files = _site(tmp_path)
    out = site.options.root / "site"
    _fill(out, OLD)
    write_site(site, files)
    assert "notices/old/index.html" not in _tree(out)
    write_site(site, files)  # again, with the unchanged files linked from the previous output
    assert {k: v for k, v in _tree(out).items() if k not in ("manifest.json", "SHA256SUMS")} == files
    assert _siblings(site.options.root) == ["config.yaml", "content", "site"]


def test_a_failing_write_leaves_the_old_site(tmp_path: Path) -> None:
    site, files = _site(tmp_path)
    out = site.options.root / "site"
    _fill(out, OLD)
    clash = {**files, "notices": b"a file where a folder must go"}
    with pytest.raises(OSError):
        write_site(site, clash)
    assert _tree(out) == OLD
    assert _siblings(site.options.root) == ["config.yaml", "content", "site"]


@pytest.mark.parametrize("where", [".", "content", "content/notices", "templates", "static", ".."])
def test_refuses_to_write_over_the_sources(tmp_path: Path, where: str) -> None:
    site, files = _site(tmp_path)
    root = site.options.root
    site.options = dataclasses.replace(site.options, out_dir=(root / where).resolve())
    before = _tree(tmp_path)
    with pytest.raises(BuildFailed) as info:
        write_site(site, files)
    (problem,) = info.value.problems
    assert problem.code == "bad-output"
    assert "--out" in problem.hint
    assert _tree(tmp_path) == before


def test_check_output_dir_allows_a_sibling_folder(tmp_path: Path) -> None:
    assert check_output_dir(tmp_path, tmp_path / "site") is None
    assert check_output_dir(tmp_path, tmp_path / "site-internal") is None
    assert check_output_dir(tmp_path, tmp_path.parent / "elsewhere") is None
    assert check_output_dir(tmp_path, tmp_path / "content-site") is None
    assert check_output_dir(tmp_path, tmp_path) is not None


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    site, files = _site(tmp_path)
    root = site.options.root
    out = root / "site"
    _fill(out, OLD)
    _fill(root / ".site.tmp-99999", {"index.html": b"half written\n"})
    _fill(root / ".site.old-99998", {"index.html": b"older\n"})
    write_site(site, files)
    assert _siblings(root) == ["config.yaml", "content", "site"]
    assert _tree(out)["index.html"] == files["index.html"]


def test_a_build_killed_between_the_renames_is_restored(tmp_path: Path) -> None:
    site, files = _site(tmp_path)
    root = site.options.root
    # killed after "site -> .site.old-PID" and before ".site.tmp-PID -> site"
    _fill(root / ".site.old-99999", OLD)
    _fill(root / ".site.tmp-99999", {"index.html": b"new, maybe incomplete\n"})
    clash = {**files, "notices": b"this write fails too"}
    with pytest.raises(OSError):
        write_site(site, clash)
    assert _tree(root / "site") == OLD
    assert _siblings(root) == ["config.yaml", "content", "site"]


def test_the_spare_is_reused_but_never_trusted(tmp_path: Path) -> None:
    site, files = _site(tmp_path)
    root = site.options.root
    out = root / "site"
    write_site(site, files)
    write_site(site, files)
    spare = root / ".site.spare"
    assert spare.is_dir()  # the folder moved aside is kept for the next build
    kept = (out / "index.html").stat()

    # someone (or a killed build) leaves the spare in a mess
    outside = tmp_path / "outside"
    outside.mkdir()
    (spare / "index.html").unlink()
    (spare / "index.html").write_bytes(b"stale home")
    notices = next(p for p in (spare / "notices").iterdir() if p.is_dir())
    shutil.rmtree(notices)
    notices.symlink_to(outside, target_is_directory=True)  # a link where a folder goes
    (spare / "feed.xml").unlink(missing_ok=True)
    (spare / "feed.xml").mkdir()  # a folder where a file goes
    (spare / "extra.html").write_bytes(b"not part of the site")

    changed = {**files, "notices/new/index.html": b"new page\n"}
    write_site(site, changed)
    assert {k: v for k, v in _tree(out).items() if k not in ("manifest.json", "SHA256SUMS")} == changed
    assert list(outside.iterdir()) == []  # nothing written through the link
    again = (out / "index.html").stat()
    assert (kept.st_ino, kept.st_mtime_ns) == (again.st_ino, again.st_mtime_ns)  # unchanged: same file

    write_site(site, files)  # and back: the removed page goes, the rest stays linked
    assert {k: v for k, v in _tree(out).items() if k not in ("manifest.json", "SHA256SUMS")} == files
    assert (out / "index.html").stat().st_ino == kept.st_ino


@pytest.mark.parametrize("name", ["new/页面 \"一\".html", "a.html", "zz/last.js"])
def test_files_added_and_removed_in_place_list_as_a_full_write_would(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """patch_site (quick rebuilds) writes manifest.json and SHA256SUMS anew only where
    the files change (not from the records), yet byte for byte as a whole write of the same files."""
    site, files = _site(tmp_path)
    write_site(site, files)
    gone = sorted(files)[len(files) // 2]
    changed: dict[str, bytes | None] = {name: "新文件\n".encode(), gone: None, sorted(files)[0]: b"changed\n"}
    sums = {p: hashlib.sha256(c).hexdigest() for p, c in files.items()}
    with monkeypatch.context() as patch:
        patch.setattr(write, "manifest", None)  # not called
        patch_site(site, changed, sums)
    now = {**{p: c for p, c in files.items() if p != gone}, **{p: c for p, c in changed.items() if c is not None}}
    assert _tree(site.options.output) == {**now, **manifest(site, now)}


def test_a_manifest_that_is_no_text_is_written_whole_again(tmp_path: Path) -> None:
    """The list of files is spliced into the manifest's bytes; where what would be kept
    is not UTF-8, the whole manifest is written again."""
    site, files = _site(tmp_path)
    write_site(site, files)
    path = site.options.output / "manifest.json"
    path.write_bytes(path.read_bytes().replace(b'"records": [', b'"records": [\xff', 1))
    sums = {p: hashlib.sha256(c).hexdigest() for p, c in files.items()}
    patch_site(site, {"added.html": b"new\n"}, sums)
    now = {**files, "added.html": b"new\n"}
    assert _tree(site.options.output) == {**now, **manifest(site, now)}
