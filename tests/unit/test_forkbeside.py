"""``fork_beside``: work in a forked process beside work here; a failure there is the
work's own error here, and nothing runs on after an interruption."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from sunshine.forkmap import fork_beside


def test_both_run_and_the_work_runs_in_another_process(tmp_path: Path) -> None:
    here: list[int] = []

    def work() -> None:
        (tmp_path / "pid").write_text(str(os.getpid()))

    fork_beside(work, lambda: here.append(os.getpid()))
    assert here == [os.getpid()]
    assert int((tmp_path / "pid").read_text()) != os.getpid()


def test_they_run_at_the_same_time(tmp_path: Path) -> None:
    started = tmp_path / "started"

    def work() -> None:
        started.touch()
        time.sleep(0.5)

    seen: list[bool] = []

    def meanwhile() -> None:
        deadline = time.monotonic() + 5
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(started.exists())

    fork_beside(work, meanwhile)
    assert seen == [True]


def test_a_failing_work_runs_again_here_and_raises_its_own_error(tmp_path: Path) -> None:
    runs: list[int] = []

    def work() -> None:
        (tmp_path / f"run-{os.getpid()}").touch()
        runs.append(os.getpid())
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        fork_beside(work, lambda: None)
    assert runs == [os.getpid()]  # the forked run's list is its own
    assert len(list(tmp_path.glob("run-*"))) == 2


def test_an_interrupted_meanwhile_stops_the_work(tmp_path: Path) -> None:
    def work() -> None:
        time.sleep(0.3)
        (tmp_path / "late").touch()

    def meanwhile() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fork_beside(work, meanwhile)
    time.sleep(0.5)
    assert not (tmp_path / "late").exists()


def test_with_other_threads_running_nothing_is_forked(tmp_path: Path) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pids: list[int] = []
        fork_beside(lambda: pids.append(os.getpid()), lambda: pids.append(os.getpid()))
        assert pids == [os.getpid(), os.getpid()]
    finally:
        stop.set()
        thread.join()
