"""``fork_map``: this process works through the items from the back while fresh
children take spans from the front; the results are the serial run's, in order."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import pytest

from sunshine import forkmap
from sunshine.forkmap import SPAN_MIN, SPANS_PER_WORKER, fork_map


def _pid(_: object) -> int:
    """Which process did this item: slow enough that the children get their turns."""
    time.sleep(0.0002)
    return os.getpid()


def test_the_results_are_the_serial_ones_in_order() -> None:
    items = list(range(5000))
    assert fork_map(lambda x: x * x, items, workers=2, min_items=10) == [x * x for x in items]
    assert fork_map(lambda x: [str(x)] * 3, items, workers=3, min_items=10) == [[str(x)] * 3 for x in items]


def test_large_results_come_back_whole() -> None:
    """More than a pipe holds, from every child: read between this process's items."""
    items = list(range(2 * SPAN_MIN * 4))
    out = fork_map(lambda x: bytes([x % 251]) * 20_000, items, workers=2, min_items=10)
    assert out == [bytes([x % 251]) * 20_000 for x in items]


def test_this_process_works_from_the_back_and_fresh_children_from_the_front() -> None:
    here = os.getpid()
    many = 2 * SPANS_PER_WORKER * SPAN_MIN
    pids = fork_map(_pid, list(range(many)), workers=2, min_items=10)
    mine = [i for i, pid in enumerate(pids) if pid == here]
    assert mine and mine == list(range(mine[0], many))  # one run, to the end
    theirs = Counter(pids[: mine[0]])
    assert len(theirs) >= 2  # a child for each span …
    assert all(count >= SPAN_MIN for count in theirs.values())  # … of at least SPAN_MIN items
    assert max(theirs.values()) <= many // (2 * SPANS_PER_WORKER)  # and at most a twelfth of a worker's share
    assert list(dict.fromkeys(pids[: mine[0]])) == sorted(theirs, key=pids.index)  # each child's span in one piece


def test_fewer_spans_make_longer_ones_and_a_small_batch_runs_here() -> None:
    here = os.getpid()
    many = 2 * SPANS_PER_WORKER * SPAN_MIN
    pids = fork_map(_pid, list(range(many)), workers=2, min_items=10, spans=3)
    assert max(Counter(p for p in pids if p != here).values()) > many // (2 * SPANS_PER_WORKER)
    assert set(fork_map(lambda _: os.getpid(), list(range(2 * SPAN_MIN - 1)), workers=2, min_items=10)) == {here}
    assert set(fork_map(lambda _: os.getpid(), list(range(5)), workers=2, min_items=10)) == {here}
    assert set(fork_map(lambda _: os.getpid(), list(range(many)), workers=1, min_items=10)) == {here}


def test_several_children_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)
    here = os.getpid()
    pids = fork_map(_pid, list(range(600)), workers=4, min_items=10)
    assert len(set(pids) - {here}) >= 3 and pids.count(here) > 0


def test_a_call_inside_a_child_runs_in_that_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)

    def inner(_: int) -> set[int]:
        return set(fork_map(_pid, list(range(50)), workers=2, min_items=10))

    here = os.getpid()
    for x, pids in zip(range(60), fork_map(inner, list(range(60)), workers=2, min_items=10), strict=True):
        assert len(pids) == 1, x  # no grandchildren
    assert set().union(*fork_map(inner, list(range(60)), workers=2, min_items=10)) - {here}


def test_an_exception_in_this_processs_share_is_raised_as_it_is_and_no_child_is_left(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)
    here, calls = os.getpid(), []
    children: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)

    def fail_on_250(x: int) -> int:
        if os.getpid() == here:
            calls.append(x)
            if x == 250:
                raise ValueError("第250项")
        return x

    with pytest.raises(ValueError, match="第250项"):
        fork_map(fail_on_250, list(range(300)), workers=2, min_items=10)
    assert calls == list(range(299, 249, -1))  # from the back, not again from the start
    assert children
    for pid in children:  # stopped and reaped
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_failing_child_has_its_span_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)
    here = os.getpid()

    def only_here(x: int) -> int:
        if os.getpid() != here:
            raise RuntimeError("子进程出错")
        return -x

    assert fork_map(only_here, list(range(300)), workers=2, min_items=10) == [-x for x in range(300)]

    def fail_on_7(x: int) -> int:
        if x == 7:
            raise ValueError("第7项")
        return x

    with pytest.raises(ValueError, match="第7项"):  # in a child, then here: raised with its own traceback
        fork_map(fail_on_7, list(range(50)), workers=2, min_items=10)


def test_results_that_do_not_pickle_or_a_killed_child_are_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)
    here = os.getpid()
    lock = threading.Lock()  # does not pickle
    assert fork_map(lambda x: (x, lock), list(range(100)), workers=2, min_items=10) == [(x, lock) for x in range(100)]

    def killed(x: int) -> int:
        if os.getpid() != here and x == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return x + 1

    assert fork_map(killed, list(range(100)), workers=2, min_items=10) == list(range(1, 101))


def test_children_reaped_by_the_system_still_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """With SIGCHLD ignored, the kernel reaps the children: their results are taken all the same."""
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)
    here = os.getpid()
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        pids = fork_map(_pid, list(range(300)), workers=2, min_items=10)
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert set(pids) - {here}


def test_a_child_whose_own_child_keeps_its_pipe_open_is_done_when_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process a child starts inherits the write end of its pipe and may outlive it:
    the child's end, not the pipe's, tells that its results are all there."""
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)
    monkeypatch.setattr(forkmap, "LINGER", 0.05)
    here, started = os.getpid(), []

    def spawn_once(x: int) -> int:
        if os.getpid() != here and not started:
            started.append(x)
            if os.fork() == 0:  # outlives the child, holding its pipe
                time.sleep(3)
                os._exit(0)
        time.sleep(0.001)
        return x * 2

    began = time.monotonic()
    assert fork_map(spawn_once, list(range(200)), workers=2, min_items=10) == [x * 2 for x in range(200)]
    assert time.monotonic() - began < 2.5
