"""``fork_map(..., share=True)``: this process does a share of the items itself, beside
long-lived children forked before it starts; the results are the serial run's."""

from __future__ import annotations

import os

import pytest

from sunshine import forkmap
from sunshine.forkmap import fork_map


@pytest.fixture
def small_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "SPAN_MIN", 1)
    monkeypatch.setattr(forkmap, "SHARED_SPANS", 4)


def test_a_shared_map_gives_the_serial_results_in_order(small_spans: None) -> None:
    items = list(range(300))
    assert fork_map(lambda x: x * x, items, workers=3, min_items=10, share=True) == [x * x for x in items]


def test_this_process_does_the_last_share_and_each_child_lives_for_the_whole_batch(small_spans: None) -> None:
    here = os.getpid()
    pids = fork_map(lambda _: os.getpid(), list(range(300)), workers=3, min_items=10, share=True)
    assert pids[200:] == [here] * 100  # the last third, here
    children = set(pids[:200])
    assert here not in children
    assert 1 <= len(children) <= 2  # eight spans, and no child forked after the first two


def test_an_exception_in_this_processs_share_is_raised_as_it_is(small_spans: None) -> None:
    here, calls = os.getpid(), []

    def fail_on_250(x: int) -> int:
        if os.getpid() == here:
            calls.append(x)
        if x == 250:
            raise ValueError("第250项")
        return x

    with pytest.raises(ValueError, match="第250项"):
        fork_map(fail_on_250, list(range(300)), workers=2, min_items=10, share=True)
    assert calls == list(range(150, 251))  # not run again from the start


def test_a_child_that_fails_has_its_items_done_here(small_spans: None) -> None:
    here = os.getpid()

    def only_here(x: int) -> int:
        if os.getpid() != here:
            raise RuntimeError("子进程出错")
        return -x

    assert fork_map(only_here, list(range(100)), workers=2, min_items=10, share=True) == [-x for x in range(100)]


def test_a_small_batch_or_one_worker_runs_here(small_spans: None) -> None:
    here = os.getpid()
    assert set(fork_map(lambda _: os.getpid(), list(range(5)), workers=2, min_items=10, share=True)) == {here}
    assert set(fork_map(lambda _: os.getpid(), list(range(50)), workers=1, min_items=10, share=True)) == {here}
