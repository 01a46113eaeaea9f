"""No-change builds (sunshine.lastbuild): kept only while every input, the day and the
output folder are exactly as the last build left them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from sunshine import outputstats, recordfile
from sunshine.lastbuild import _inputs_and_output, _read, _state_file, read_inputs
from sunshine.outputstats import packed, update
from sunshine.pipeline import build_or_reuse
from sunshine.site import BuildOptions
from tests.workflow.conftest import NOW
from tests.workflow.conftest import SAMPLE_NOTICE as NOTICE
from tests.workflow.conftest import SAMPLE_NOTICE_PAGE as PAGE

SCHEDULED = "content/notices/2030-01-dangyuan-zuzhi-guanxi-paicha.md"


@pytest.fixture
def root(sample_copy: Path) -> Path:
    return sample_copy


def opts(root: Path, **changes: object) -> BuildOptions:
    return dataclasses.replace(BuildOptions(root=root, now=NOW, history=False), **changes)  # type: ignore[arg-type]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_nothing_changed_keeps_the_output(root: Path) -> None:
    first, out = build_or_reuse(opts(root))
    before = tree(out)
    again, _ = build_or_reuse(opts(root, now=NOW + dt.timedelta(hours=1)))
    assert not first.reused and again.reused
    assert tree(out) == before
    assert (again.published, again.per_kind, again.problems, again.reminders) == (first.published, first.per_kind, first.problems, first.reminders)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / NOTICE).write_text((root / NOTICE).read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8"),
        lambda root: (root / "templates" / "base.html").write_text((root / "templates" / "base.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        lambda root: (root / "static" / "css" / "site.css").write_text("body{}", encoding="utf-8"),
        lambda root: (root / "config.yaml").write_text((root / "config.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        lambda root: (root / "content" / "notices" / "新.md").write_text("", encoding="utf-8"),
    ],
    ids=["content", "template", "static", "config", "new-file"],
)
def test_any_input_change_rebuilds(root: Path, change: object) -> None:
    build_or_reuse(opts(root))
    change(root)  # type: ignore[operator]
    try:
        again, _ = build_or_reuse(opts(root))
    except Exception:  # the empty new file does not validate: it was read, which is the point
        return
    assert not again.reused


def test_output_touched_by_hand_is_rebuilt(root: Path) -> None:
    _, out = build_or_reuse(opts(root))
    good = (out / PAGE).read_bytes()
    (out / PAGE).write_bytes(b"tampered")
    again, _ = build_or_reuse(opts(root))
    assert not again.reused and (out / PAGE).read_bytes() == good
    (out / "extra.html").write_bytes(b"left by someone")
    assert not build_or_reuse(opts(root))[0].reused


@pytest.mark.parametrize(
    "touch",
    [
        lambda out: (out / "notices" / "stray.html").write_bytes(b"x"),  # a file added deep down
        lambda out: (out / "notices" / "new" / "deeper").mkdir(parents=True),  # folders only
        lambda out: (out / PAGE).unlink(),
        lambda out: (out / PAGE).rename(out / PAGE.replace(".html", ".htm")),
        lambda out: [(out / PAGE).unlink(), (out / PAGE).mkdir()],  # a file become a folder
    ],
    ids=["file-added", "folder-added", "file-removed", "file-renamed", "file-to-folder"],
)
def test_any_change_in_the_output_is_seen(root: Path, touch: object) -> None:
    _, out = build_or_reuse(opts(root))
    before = tree(out)
    touch(out)  # type: ignore[operator]
    again, _ = build_or_reuse(opts(root))
    assert not again.reused and tree(out) == before
    assert build_or_reuse(opts(root))[0].reused


def test_the_clock_can_make_the_output_stale(root: Path) -> None:
    build_or_reuse(opts(root))
    assert not build_or_reuse(opts(root, now=NOW + dt.timedelta(days=1)))[0].reused  # another day
    assert not build_or_reuse(opts(root, now=NOW - dt.timedelta(hours=1)))[0].reused  # earlier than the last build


def test_a_scheduled_record_due_later_today_rebuilds(root: Path) -> None:
    text = (root / SCHEDULED).read_text(encoding="utf-8")
    (root / SCHEDULED).write_text(text.replace("publish_at: 2030-01-01T09:00:00+08:00", "publish_at: 2020-06-15T15:00:00+08:00"), encoding="utf-8")
    _, out = build_or_reuse(opts(root))
    assert not (out / "notices" / "2030-01-dangyuan-zuzhi-guanxi-paicha").exists()
    assert build_or_reuse(opts(root, now=NOW + dt.timedelta(hours=1)))[0].reused  # 13:00: not yet
    later, _ = build_or_reuse(opts(root, now=NOW + dt.timedelta(hours=3)))  # 15:00: due
    assert not later.reused
    assert (out / "notices" / "2030-01-dangyuan-zuzhi-guanxi-paicha" / "index.html").is_file()


def test_damaged_state_or_no_cache_means_a_full_build(root: Path) -> None:
    build_or_reuse(opts(root))
    state = _state_file(opts(root))
    doc = recordfile.load(state)
    assert doc is not None
    doc["key"] = "0" * 64
    recordfile.save(state, doc)
    assert not build_or_reuse(opts(root))[0].reused
    state.write_bytes(b"\x00garbage")
    assert not build_or_reuse(opts(root))[0].reused
    assert build_or_reuse(opts(root))[0].reused
    assert not build_or_reuse(opts(root, cache=False))[0].reused


def _flip_last_stat(path: Path) -> None:
    blob = bytearray(path.read_bytes())
    blob[-3] ^= 0x10  # the last part is the folders' stats: an inode number
    path.write_bytes(bytes(blob))


def _resave(change: Any) -> Any:
    def damage(path: Path) -> None:
        doc = recordfile.load(path)
        assert doc is not None
        change(doc)
        recordfile.save(path, doc)
    return damage


@pytest.mark.parametrize(
    "damage",
    [
        _resave(lambda doc: doc.pop("folders")),
        _resave(lambda doc: doc.update(outputs={"paths": ["index.html"], "stats": [1, 2]})),
        _resave(lambda doc: doc["folders"].update(stats=doc["folders"]["stats"][:-1])),
        _flip_last_stat,
        lambda path: path.write_bytes(path.read_bytes()[:-5]),
        lambda path: path.write_bytes(path.read_bytes().replace(b'"format"', b'"format', 1)),
    ],
    ids=["no-folders", "outputs-not-a-record", "stats-short", "stat-flipped", "truncated", "head-not-json"],
)
def test_a_damaged_output_record_means_a_full_build(root: Path, damage: Any) -> None:
    build_or_reuse(opts(root))
    damage(_state_file(opts(root)))
    assert not build_or_reuse(opts(root))[0].reused
    add_to = root / NOTICE  # and a body edit after it is quick again
    add_to.write_text(add_to.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    assert not build_or_reuse(opts(root))[0].reused
    assert build_or_reuse(opts(root))[0].reused


def test_packed_stats_are_updated_in_place() -> None:
    stats = packed({"a.html": [1, 2, 3], "b/c.html": [4, 5, 6], "d.css": [7, 8, 9]})
    assert stats == {"paths": ["a.html", "b/c.html", "d.css"], "stats": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    update(stats, {"b/c.html": None, "d.css": [0, 0, 1], "e.js": [2, 2, 2], "gone.txt": None}, 3)
    assert stats == {"paths": ["a.html", "d.css", "e.js"], "stats": [1, 2, 3, 0, 0, 1, 2, 2, 2]}
    update(stats, {"a.html": None, "d.css": None, "e.js": None}, 3)
    assert stats == {"paths": [], "stats": []}


def test_inputs_read_beside_the_engine_load_are_the_same(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a build that left a quick-rebuild store, a forked process reads the inputs
    and checks the output; its answer equals reading them here, and if it fails
    (or cannot be forked) they are read here."""
    options = opts(root)
    build_or_reuse(options)
    doc = _read(options)
    assert doc is not None and doc["quick"]
    expected = read_inputs(options), True
    forks, fork = [], os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    assert _inputs_and_output(options, doc) == expected
    assert forks == [1]
    (options.output / "stray.txt").write_text("x", encoding="utf-8")
    assert _inputs_and_output(options, doc) == (expected[0], False)
    (options.output / "stray.txt").unlink()  # the folder's time changed: built again
    assert not build_or_reuse(options)[0].reused
    doc = _read(options)
    assert doc is not None
    parent, real = os.getpid(), outputstats.intact

    def fails_when_forked(*args: Any) -> bool:
        if os.getpid() != parent:
            raise RuntimeError("the forked process fails")
        return real(*args)

    monkeypatch.setattr(outputstats, "intact", fails_when_forked)
    assert _inputs_and_output(options, doc) == expected

    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    assert _inputs_and_output(options, doc) == expected


@pytest.mark.parametrize(
    ("change", "ahead"),
    [
        (None, 0),
        (lambda root: (root / NOTICE).write_text((root / NOTICE).read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8"), 1),
        (lambda root: (root / "templates" / "base.html").write_text((root / "templates" / "base.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"), 0),
        (lambda root: (root / "content" / "notices" / "新.md").write_text("", encoding="utf-8"), 0),
    ],
    ids=["nothing", "body", "template", "new-file"],
)
def test_the_store_is_read_ahead_only_for_record_edits(root: Path, change: Any, ahead: int) -> None:
    """The forked process first tells whether only record files changed; only then is
    the quick-rebuild store read here while it checks the output, and the engine
    fingerprint it hashed is the one this process would hash."""
    from sunshine import cachefile

    options = opts(root)
    build_or_reuse(options)
    doc = _read(options)
    if change is not None:
        change(root)
    cachefile._fingerprint.clear()
    calls: list[int] = []
    inputs, intact = _inputs_and_output(options, doc, lambda: calls.append(1))
    assert len(calls) == ahead and intact
    assert (inputs, intact) == (read_inputs(options), True)
    assert cachefile._fingerprint == [cachefile._engine_fingerprint()]


def test_a_body_edit_reads_the_store_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sunshine import pipeline, quickstore

    options = opts(root)
    build_or_reuse(options)
    loads: list[str] = []
    real = quickstore.load
    monkeypatch.setattr(quickstore, "load", lambda *args: loads.append("load") or real(*args))
    monkeypatch.setattr(pipeline, "build", lambda *args, **kwargs: pytest.fail("a full build"))
    (root / NOTICE).write_text((root / NOTICE).read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    summary, out = build_or_reuse(options)
    assert loads == ["load"] and not summary.reused
    assert "补充。" in (out / PAGE).read_text(encoding="utf-8")
    doc = _read(options)
    assert doc is not None and doc["key"] == read_inputs(options).key


def test_library_versions_are_those_importlib_finds() -> None:
    """The versions in every input key are read from the installed folders' names: the
    same as importlib.metadata's, and "-" for a package that is not installed."""
    import importlib.metadata

    from sunshine.cachefile import package_version
    from sunshine.lastbuild import LIBRARIES

    for name in (*LIBRARIES, "Jinja2", "MarkupSafe", "zxing-cpp", "livereload", "pytest"):
        assert package_version(name) == importlib.metadata.version(name), name
    assert package_version("no-such-package-here") == "-"


def test_a_new_commit_means_a_full_build_and_no_repository_no_git(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the revision history on, the commit is an input: a new commit (nothing else
    changed) builds again. Outside any repository git is not even started."""
    import subprocess

    from sunshine import lastbuild

    started: list[list[str]] = []
    real_run = subprocess.run
    monkeypatch.setattr(lastbuild.subprocess, "run", lambda cmd, *a, **k: started.append(cmd) or real_run(cmd, *a, **k))
    assert lastbuild._git_head(root) == "-" and not started

    def git(*args: str) -> None:
        real_run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "一")
    build_or_reuse(opts(root, history=True))
    assert build_or_reuse(opts(root, history=True))[0].reused
    git("commit", "-q", "--allow-empty", "-m", "二")
    assert not build_or_reuse(opts(root, history=True))[0].reused
    assert build_or_reuse(opts(root, history=True))[0].reused
