"""Plan progress (sunshine.kinds.plan.task_progress): counts, percent, overdue tasks."""

from __future__ import annotations

import datetime as dt

from sunshine.kinds.plan import Task, task_progress

TODAY = dt.date(2020, 6, 15)


def task(no: int, status: str, deadline: dt.date | None) -> Task:
    return Task(no=no, title=f"任务{no}", deadline=deadline, status=status)  # type: ignore[arg-type]


def test_overdue_means_past_deadline_and_not_done() -> None:
    tasks = [
        task(1, "done", dt.date(2020, 4, 30)),  # done late: not overdue
        task(2, "in_progress", dt.date(2020, 6, 14)),  # yesterday: overdue
        task(3, "in_progress", TODAY),  # due today: not yet overdue
        task(4, "planned", dt.date(2020, 12, 31)),
        task(5, "delayed", dt.date(2020, 5, 31)),  # delayed and past: overdue
        task(6, "planned", None),  # no deadline: never overdue
    ]
    progress = task_progress(tasks, TODAY)
    assert [t.overdue for t in progress.tasks] == [False, True, False, False, True, False]
    assert progress.overdue == 2
    assert progress.counts == {"planned": 2, "in_progress": 2, "done": 1, "delayed": 1}
    assert progress.percent == 17
    assert progress.as_of == TODAY


def test_tasks_are_listed_by_number() -> None:
    progress = task_progress([task(3, "done", None), task(1, "done", None), task(2, "planned", None)], TODAY)
    assert [t.no for t in progress.tasks] == [1, 2, 3]
    assert [t.status_label for t in progress.tasks] == ["已完成", "未开始", "已完成"]
    assert progress.percent == 67


def test_no_tasks() -> None:
    progress = task_progress([], TODAY)
    assert (progress.percent, progress.overdue, progress.tasks) == (0, 0, [])


def test_all_done_is_100_percent() -> None:
    assert task_progress([task(1, "done", dt.date(2020, 1, 1))], TODAY).percent == 100


def test_the_date_is_shown_only_while_a_task_can_still_fall_overdue() -> None:
    """Without a deadline ahead the summary is the same on every later day, and so is the page."""
    due_today = [task(1, "done", dt.date(2020, 1, 1)), task(2, "in_progress", TODAY)]
    assert task_progress(due_today, TODAY).as_of == TODAY
    assert task_progress(due_today, TODAY + dt.timedelta(days=1)).as_of is None  # now overdue, for good
    settled = [task(1, "done", dt.date(2020, 12, 31)), task(2, "delayed", dt.date(2020, 5, 31)), task(3, "planned", None)]
    later = [task_progress(settled, TODAY + dt.timedelta(days=n)) for n in (0, 1, 400)]
    assert [p.as_of for p in later] == [None, None, None]
    assert later[0] == later[1] == later[2]
    assert task_progress([], TODAY).as_of is None
