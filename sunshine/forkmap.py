"""``fork_map``: a function over many items on all cores, results in order.

This process works through the items from the last one backwards while forked
children take spans from the front, ``workers - 1`` of them at a time; the two meet
in between. Children inherit the items (and everything the function reads) without
pickling them; only their results travel back, through a pipe this process drains
between two of its own items.

- **A fresh child for each span.** A child copies the parent's memory pages it
  touches (reference counts are writes), so long-lived workers ended up with a copy
  of most of the build; fresh ones kept the peak memory of a 10,000-record render
  about a third lower (1125 → 746 MB). Spans are about a twelfth of the items per
  core (``spans``), never fewer than :data:`SPAN_MIN` items, and shrink as the
  items run out, so that the children and this process finish together.
- **This process works too,** instead of waiting for a pool: it never pays a fork or
  a transfer for its own share, and taking in a child's results is a few reads
  between two items. (With a pool it only waited: on a cold 10,000-record load the
  workers' forks and sending back their results cost about as much as the reading.)
- **Children are forked only here, between two items,** by the thread that runs the
  function, so no lock this process's own code holds can be copied locked into a
  child (a pool forks from a thread of its own whenever a child ends).

Small batches, a single core, a platform without ``fork`` or a call made inside a
child run in this process. A child that fails (an exception, results that do not
pickle, a signal) has its span done again here, so an error is raised with its own
traceback. A child is done when its pipe closes, or when it has ended though its pipe
stays open (a process it started holds the write end): looked for after :data:`LINGER`
seconds without news.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

__all__ = ["SPANS_PER_WORKER", "SPAN_MIN", "fork_map"]

SPANS_PER_WORKER = 12  # a span is at most 1 / (workers × this) of the items
SPAN_MIN = 200  # items a child does at least: forking a large build costs tens of milliseconds
PIPE_SIZE = 1 << 20  # a child's results wait here, not in the child, while this process works
LINGER = 1.0  # seconds of silence, while only waiting, before ended children are looked for

T = TypeVar("T")
R = TypeVar("R")

_ACTIVE = False  # a batch runs in this process (a child inherits it: no forks from children)


def fork_map(
    func: Callable[[T], R], items: Sequence[T], workers: int | None = None, min_items: int = 400, spans: int | None = None,
) -> list[R]:
    """``[func(x) for x in items]``, across ``workers`` processes (this one included)
    when worth it. ``spans``: spans per worker (default :data:`SPANS_PER_WORKER`);
    fewer where each item's work touches little of the parent's memory and gives back
    little, as then the forks cost more than the pages a longer-lived child copies."""
    global _ACTIVE
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < min_items or sys.platform != "linux" or _ACTIVE:
        return [func(item) for item in items]
    size = max(SPAN_MIN, len(items) // (workers * max(1, SPANS_PER_WORKER if spans is None else spans)))
    _ACTIVE = True
    try:
        return _Batch(func, items, workers - 1, size).run()
    finally:
        _ACTIVE = False


@dataclass
class _Child:
    pid: int
    start: int
    end: int
    chunks: list[bytes] = field(default_factory=list)


class _Batch:
    def __init__(self, func: Callable[[Any], Any], items: Sequence[Any], children: int, size: int):
        self.func, self.items, self.children, self.size = func, items, children, size
        self.results: list[Any] = [None] * len(items)
        self.front, self.back = 0, len(items)  # children take [front, …), this process (…, back)
        self.running: dict[int, _Child] = {}  # by the read end of its pipe
        self.poll = select.poll()
        self.redo: list[tuple[int, int]] = []

    def run(self) -> list[Any]:
        try:
            while True:
                self._fork()
                if self.back > self.front:
                    self.back -= 1
                    self.results[self.back] = self.func(self.items[self.back])
                    self._take(wait=False)
                elif self.running:
                    self._take(wait=True)
                else:
                    break
        finally:
            self._stop()
        for start, end in self.redo:
            self.results[start:end] = [self.func(item) for item in self.items[start:end]]
        return self.results

    def _fork(self) -> None:
        """Children for the next spans from the front, while there is room and work."""
        while len(self.running) < self.children:
            left = self.back - self.front
            length = min(self.size, max(SPAN_MIN, left // (2 * (self.children + 1))))
            if left < length + SPAN_MIN:  # too little to share: this process does it
                return
            start, end = self.front, self.front + length
            read, write = os.pipe()
            with contextlib.suppress(OSError, AttributeError):
                import fcntl

                fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
            try:
                pid = os.fork()
            except OSError:  # no more processes: this process does the rest
                os.close(read)
                os.close(write)
                self.children = len(self.running)
                return
            if pid == 0:
                os.close(read)
                _child(self.func, self.items[start:end], write)
            os.close(write)
            os.set_blocking(read, False)
            self.running[read] = _Child(pid, start, end)
            self.poll.register(read, select.POLLIN)
            self.front = end

    def _take(self, wait: bool) -> None:
        """Read what the children have written; a child whose pipe closed is done."""
        events = self.poll.poll(LINGER * 1000 if wait else 0)
        for fd, _ in events:
            self._read(fd)
        if wait and not events:
            self._ended()

    def _read(self, fd: int, status: int | None = None) -> None:
        """Take in what the pipe holds; at its end, or once the child has ended
        (``status``), the child is done."""
        child = self.running[fd]
        while True:
            try:
                chunk = os.read(fd, PIPE_SIZE)
            except BlockingIOError:
                if status is not None:
                    self._done(fd, child, status)
                return
            if not chunk:
                self._done(fd, child, status)
                return
            child.chunks.append(chunk)

    def _ended(self) -> None:
        """Children that ended while their pipe stays open (a process they started
        holds it): everything they wrote is in the pipe."""
        for fd, child in list(self.running.items()):
            try:
                pid, status = os.waitpid(child.pid, os.WNOHANG)
            except ChildProcessError:  # reaped by the system: gone if no process has its id
                try:
                    os.kill(child.pid, 0)
                    continue
                except ProcessLookupError:
                    pid, status = child.pid, 0
                except PermissionError:
                    continue
            if pid:
                self._read(fd, status)

    def _done(self, fd: int, child: _Child, status: int | None = None) -> None:
        """``status``: the child's, when it was reaped already."""
        self.poll.unregister(fd)
        os.close(fd)
        del self.running[fd]
        if status is None:
            try:
                _, status = os.waitpid(child.pid, 0)
            except ChildProcessError:  # reaped by the system (SIGCHLD ignored): its results tell
                status = 0
        results: Any = None
        if os.waitstatus_to_exitcode(status) == 0:
            with contextlib.suppress(Exception):
                results = pickle.loads(b"".join(child.chunks))
        if isinstance(results, list) and len(results) == child.end - child.start:
            self.results[child.start : child.end] = results
        else:
            self.redo.append((child.start, child.end))

    def _stop(self) -> None:
        """Children still running (this process's share raised): stopped and reaped."""
        for fd, child in list(self.running.items()):
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(child.pid, 0)
            self.poll.unregister(fd)
            os.close(fd)
        self.running.clear()


def _child(func: Callable[[Any], Any], items: Sequence[Any], fd: int) -> NoReturn:
    """A child's life: its span's results, pickled, into the pipe; then it exits at once
    (no clean-up: what it inherited belongs to the parent)."""
    code = 1
    try:
        view = memoryview(pickle.dumps([func(item) for item in items], protocol=pickle.HIGHEST_PROTOCOL))
        while view:
            view = view[os.write(fd, view) :]
        code = 0
    except BaseException:  # whatever it was, the parent does the span again and raises it there
        pass
    finally:
        os._exit(code)
