"""``fork_map``: a function over many items on all cores, results in order.

Workers are forked, so they inherit the items (and everything the function reads)
without pickling them; only the results travel back. Each worker does one span of
items (a twelfth of them per core) and leaves; the next span gets a newly forked
worker. A worker copies the parent's memory pages it touches (reference counts are
writes), so long-lived workers ended up with a copy of most of the build; fresh ones
keep the peak memory of a 10,000-record render about a third lower (1125 → 746 MB),
for some 24 forks more (fewer for fewer items: a span is at least :data:`SPAN_MIN`
items, so a batch of a thousand does not pay two dozen forks). Small batches, a single core
or a platform without ``fork`` run in this process. An exception in a worker
re-runs the batch here, so it is raised with its own traceback.

``share=True`` is for work whose results are large next to the memory a worker
copies (reading the content): this process does a share of the items itself while
``workers - 1`` children do the rest. Sending results back costs both ends (the
child pickles them, this process unpickles them), so a parent that only waited spent
a second of a cold 10,000-record load taking in results while the children's cores
idled. The children are forked once, before this process starts on its share, and
live for the whole batch: a fork made while this process runs the function could
copy a lock its own code holds at that moment.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["SHARED_SPANS", "SPANS_PER_WORKER", "SPAN_MIN", "fork_map"]

SPANS_PER_WORKER = 12  # each done by a fresh worker: see the module's note
SPAN_MIN = 200  # items a worker does at least: forking a large build costs tens of milliseconds
SHARED_SPANS = 1  # spans per child with ``share``: its results come back (and are taken in) while it works

T = TypeVar("T")
R = TypeVar("R")

_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_span(span: tuple[int, int]) -> list[Any]:
    assert _TASK is not None
    func, items = _TASK
    return [func(item) for item in items[span[0] : span[1]]]


def fork_map(
    func: Callable[[T], R], items: Sequence[T], workers: int | None = None, min_items: int = 400, spans: int | None = None,
    share: bool = False,
) -> list[R]:
    """``[func(x) for x in items]``, across ``workers`` forked processes when worth it.

    ``spans``: spans per worker, each done by a fresh worker (default
    :data:`SPANS_PER_WORKER`); fewer where each item's work touches little of the
    parent's memory and gives back little, as then the forks cost more than the pages
    a long-lived worker would copy. ``share``: this process does a share of the items
    (see the module's note)."""
    global _TASK
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < min_items or sys.platform != "linux" or _TASK is not None:
        return [func(item) for item in items]
    _TASK = (func, items)
    try:
        return _shared(func, items, workers) if share else _forked(func, items, workers, spans)
    finally:
        _TASK = None


def _spans(count: int, wanted: int) -> list[tuple[int, int]]:
    size = max(SPAN_MIN, count // max(1, wanted))
    return [(i, min(i + size, count)) for i in range(0, count, size)]


def _forked(func: Callable[[T], R], items: Sequence[T], workers: int, spans: int | None) -> list[R]:
    parts = _spans(len(items), workers * max(1, SPANS_PER_WORKER if spans is None else spans))
    try:
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=1) as pool:
            return [result for chunk in pool.map(_run_span, parts, chunksize=1) for result in chunk]
    except Exception:
        return [func(item) for item in items]


def _shared(func: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """The first ``(workers - 1) / workers`` of the items in long-lived children forked
    here, the rest in this process meanwhile. An exception in this process's share is
    raised as it is; one in a child's makes this process do the children's items."""
    cut = len(items) * (workers - 1) // workers
    try:
        pool = multiprocessing.get_context("fork").Pool(workers - 1)  # forked now, before the work below
    except OSError:
        return [func(item) for item in items]
    with pool:
        theirs = pool.map_async(_run_span, _spans(cut, (workers - 1) * SHARED_SPANS), chunksize=1)
        mine = [func(item) for item in items[cut:]]
        try:
            done = [result for chunk in theirs.get() for result in chunk]
        except Exception:
            done = [func(item) for item in items[:cut]]
    return done + mine
