"""The preview server's watchers (sunshine/watch.py), on real files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sunshine import watch
from sunshine.watch import NotifyWatcher

from .conftest import SAMPLE_NOTICE


def heard(watcher: NotifyWatcher, within: float = 5.0) -> list[str]:
    """What the watcher reports first, waiting at most ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = watcher.poll(time.monotonic())
        if found:
            return found
        time.sleep(0.01)
    return []


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def test_a_save_is_heard_at_once_without_a_scan(sample_root: Path) -> None:
    watcher = NotifyWatcher(sample_root, every=3600)  # the safety scan only at the start
    try:
        assert watcher.listening
        watcher.poll(time.monotonic())
        (sample_root / "content/notices/.a.md.swp").write_text("x", encoding="utf-8")  # editor litter
        (sample_root / "content/notices/a.md~").write_text("x", encoding="utf-8")
        saved = time.monotonic()
        append(sample_root / SAMPLE_NOTICE, "\n补充一句。\n")
        assert heard(watcher) == [SAMPLE_NOTICE]
        assert time.monotonic() - saved < 1.0
        (sample_root / SAMPLE_NOTICE).unlink()  # deletions count
        assert heard(watcher) == [SAMPLE_NOTICE]
        assert watcher.poll(time.monotonic()) == []
    finally:
        watcher.close()
    assert not watcher.listening


def test_a_heard_change_is_not_reported_again_by_the_scan(sample_root: Path) -> None:
    watcher = NotifyWatcher(sample_root, settle=0.0, every=0.0)  # the scan on every poll
    try:
        append(sample_root / SAMPLE_NOTICE, "\n补充一句。\n")
        assert heard(watcher) == [SAMPLE_NOTICE]
        time.sleep(0.1)
        assert watcher.poll(time.monotonic()) == []
    finally:
        watcher.close()


def test_without_notices_the_scan_carries_on(sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(watchfiles, "watch", broken)
    watcher = NotifyWatcher(sample_root, every=0.0)
    try:
        assert not watcher.listening
        append(sample_root / "config.yaml", "\n")
        assert heard(watcher) == ["config.yaml"]
    finally:
        watcher.close()


def test_paths_outside_the_watched_sources_are_left_out(sample_root: Path) -> None:
    watcher = NotifyWatcher(sample_root, every=3600)
    try:
        rel = watcher._relative
        root = watcher.root
        assert rel(str(root / SAMPLE_NOTICE)) == SAMPLE_NOTICE
        assert rel(str(root / "content/.git/HEAD")) is None
        assert rel(str(root / "content/notices/4913")) is None
        assert rel(str(root / "out/index.html")) is None
        assert rel("/elsewhere/config.yaml") is None
        assert watch.WATCHED == ("content", "templates", "static", "config.yaml")
    finally:
        watcher.close()


def test_a_change_the_scan_saw_but_had_not_reported_is_still_reported(sample_root: Path) -> None:
    watcher = NotifyWatcher(sample_root, settle=0.0, every=3600)
    try:
        scan = watcher.scan
        scan.settle = 10.0  # the scan sees the change but waits to report it
        append(sample_root / SAMPLE_NOTICE, "\n补充一句。\n")
        assert scan.poll(time.monotonic()) == []
        assert scan.forget({SAMPLE_NOTICE}) == {SAMPLE_NOTICE}
        assert scan.forget({SAMPLE_NOTICE}) == set()  # reported once
    finally:
        watcher.close()
