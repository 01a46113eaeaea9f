"""Which source files changed: the preview server's ears.

:class:`NotifyWatcher` hears changes from the operating system through watchfiles
(inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows), so a save
is known within milliseconds however large the site. Under it, :class:`ChangeWatcher`
scans the files' modification times and sizes now and then (every few seconds on a
site of 10,000 records): it catches what notices can miss (network drives, a
watched folder created after the start, a notice queue that overflowed) and is all
that is left if watchfiles cannot start.

Both report paths relative to the site root, in content/, templates/, static/ and
config.yaml, without hidden files and folders and editor litter (``.a.md.swp``,
``a.md~``, vim's ``4913``), once changes have settled for ``settle`` seconds.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import time
from pathlib import Path

__all__ = ["SETTLE_SECONDS", "WATCHED", "ChangeWatcher", "NotifyWatcher"]

log = logging.getLogger("sunshine")

WATCHED = ("content", "templates", "static", "config.yaml")
SETTLE_SECONDS = 0.02
SAFETY_SECONDS = 2.0  # the scan under the notices runs at most this often
_IGNORED = re.compile(r"(^\.|~$|\.swp$|\.swx$|\.tmp$|^4913$)")


class ChangeWatcher:
    """Poll the watched files; report the changed paths once they have settled.

    A scan may take at most 1 / ``pace`` of the time (large sites), and with
    ``every`` seconds set runs no more often than that."""

    def __init__(self, root: Path, settle: float = SETTLE_SECONDS, pace: float = 3.0, every: float = 0.0):
        self.root = root
        self.settle = settle
        self.pace = pace
        self.every = every
        self._seen = self.snapshot()
        self._pending: set[str] = set()
        self._last_change = 0.0
        self._next_scan = 0.0

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """``{relative path: (mtime_ns, size)}`` of every watched file."""
        found: dict[str, tuple[int, int]] = {}
        for name in WATCHED:
            top = self.root / name
            if top.is_file():
                stat = top.stat()
                found[name] = (stat.st_mtime_ns, stat.st_size)
            elif top.is_dir():
                _scan(str(top), name + "/", found)
        return found

    def due(self, now: float) -> bool:
        """Whether to scan now."""
        return now >= self._next_scan

    def poll(self, now: float) -> list[str]:
        """The changed paths when the last change is ``settle`` seconds old, else []."""
        started = time.perf_counter()
        current = self.snapshot()
        self._next_scan = now + max(self.every, (self.pace - 1) * (time.perf_counter() - started))
        changed = {p for p in current.keys() | self._seen.keys() if current.get(p) != self._seen.get(p)}
        if changed:
            self._pending |= changed
            self._last_change = now
            self._seen = current
        if self._pending and now - self._last_change >= self.settle:
            done, self._pending = sorted(self._pending), set()
            return done
        return []

    def forget(self, paths: set[str]) -> set[str]:
        """Take ``paths`` as they are now, reported elsewhere; return those that are
        news (not as this watcher last saw them)."""
        news = paths & self._pending  # seen here but not reported yet
        self._pending -= paths
        for rel in paths:
            try:
                stat = (self.root / rel).stat()
                now: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                now = None
            if now != self._seen.get(rel):
                news.add(rel)
            if now is None:
                self._seen.pop(rel, None)
            else:
                self._seen[rel] = now
        return news


class NotifyWatcher:
    """Changes as the operating system reports them, with a slow scan as a safety net."""

    def __init__(self, root: Path, settle: float = SETTLE_SECONDS, every: float = SAFETY_SECONDS):
        self.root = root.resolve()
        self.scan = ChangeWatcher(root, settle, pace=20.0, every=every)
        self.listening = False
        self._heard: queue.SimpleQueue[set[str]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._started = threading.Event()
        paths = [self.root / name for name in WATCHED if (self.root / name).exists()]
        self._thread = threading.Thread(target=self._listen, args=(paths, settle), name="sunshine-watch", daemon=True)
        self._thread.start()
        self._started.wait(5)

    def _listen(self, paths: list[Path], settle: float) -> None:
        try:
            import watchfiles

            changes = watchfiles.watch(
                *paths, watch_filter=None, debounce=1000, step=max(1, round(settle * 1000)), stop_event=self._stop,
                rust_timeout=200, yield_on_timeout=True, raise_interrupt=False,
            )
            for found in changes:  # the first answer (a change, or none within 0.2 s) shows it listens
                if not self.listening:
                    self.listening = True
                    self._started.set()
                if found:
                    self._heard.put({path for _, path in found})
        except Exception as exc:  # no notices (no inotify, too many watches…): the scan carries on alone
            log.debug("watchfiles unavailable (%s: %s); scanning only", type(exc).__name__, exc)
        finally:
            self.listening = False
            self._started.set()

    def due(self, now: float) -> bool:
        return True  # hearing costs nothing; the scan keeps its own pace

    def poll(self, now: float) -> list[str]:
        """The paths heard of since the last call, plus any the safety scan found."""
        heard: set[str] = set()
        while not self._heard.empty():
            heard |= {rel for rel in map(self._relative, self._heard.get_nowait()) if rel is not None}
        if heard:
            heard = self.scan.forget(heard)
        if self.scan.due(now):
            heard.update(self.scan.poll(now))
        return sorted(heard)

    def _relative(self, path: str) -> str | None:
        """``path`` relative to the site root if it is a watched source, else None."""
        try:
            rel = Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return None
        parts = rel.split("/")
        if parts[0] not in WATCHED or any(p.startswith(".") for p in parts[:-1]) or _IGNORED.search(parts[-1]):
            return None
        return rel

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


def _scan(folder: str, rel: str, found: dict[str, tuple[int, int]]) -> None:
    """Add the files under ``folder`` (shown as ``rel``), without hidden folders and
    editor temp files; a file or folder deleted meanwhile is left out."""
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    _scan(entry.path, rel + entry.name + "/", found)
            elif not entry.is_dir() and not _IGNORED.search(entry.name):
                stat = entry.stat()
                found[rel + entry.name] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue
