"""Work plans (工作计划/工作要点): prose with 一、（一） headings and a task list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field

from ..problems import Problems
from ..schema import Strict
from ..site import Record, Site
from .common import CLOSES_PATTERN, CommonFields

NAME = "plan"
FOLDER = "plans"
LABEL = "工作计划"
TEMPLATE = "kinds/plan.html"
LIST_TEMPLATE = "lists/kind.html"
PRINT_TEMPLATE: str | None = None

TaskStatus = Literal["planned", "in_progress", "done", "delayed"]
TASK_LABELS = {"planned": "未开始", "in_progress": "推进中", "done": "已完成", "delayed": "已延期"}


class Task(Strict):
    no: int = Field(ge=1, description="序号")
    title: str = Field(min_length=1, description="任务")
    owner: str = Field("", description="责任单位或岗位")
    deadline: dt.date | None = Field(None, description="完成时限")
    status: TaskStatus = Field("planned", description="进度：planned 未开始，in_progress 推进中，done 已完成，delayed 已延期")
    note: str = Field("", description="备注")
    closes: list[Annotated[str, Field(pattern=CLOSES_PATTERN)]] = Field(default_factory=list, description="本任务完成后即完成的考评整改：考评索引号#组织编号")


class Fields(CommonFields):
    year: int | None = Field(None, ge=2000, le=2100, description="计划年度")
    tasks: list[Task] = Field(default_factory=list, description="任务清单")


@dataclass(frozen=True)
class TaskView:
    no: int
    title: str
    owner: str
    deadline: dt.date | None
    status: str
    status_label: str
    note: str
    overdue: bool


@dataclass(frozen=True)
class Derived:
    tasks: list[TaskView] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    percent: int = 0
    as_of: dt.date | None = None


def task_progress(tasks: list[Task], today: dt.date) -> Derived:
    """Progress of ``tasks`` as of ``today``: counts per status, overdue ones, percent done.

    A task is overdue when its deadline has passed and it is not done. ``as_of`` is
    ``today`` while an unfinished task's deadline is still ahead, else None.
    """
    views = [
        TaskView(
            t.no, t.title, t.owner, t.deadline, t.status, TASK_LABELS[t.status], t.note,
            t.status != "done" and t.deadline is not None and t.deadline < today,
        )
        for t in sorted(tasks, key=lambda t: t.no)
    ]
    counts = {s: sum(1 for t in tasks if t.status == s) for s in TASK_LABELS}
    percent = round(100 * counts["done"] / len(tasks)) if tasks else 0
    # the date only while a task can still fall overdue: after that the summary, and the
    # page, no longer change from one day's build to the next
    ahead = any(t.status != "done" and t.deadline is not None and t.deadline >= today for t in tasks)
    return Derived(views, counts, sum(v.overdue for v in views), percent, today if ahead else None)


def check(record: Record, site: Site, problems: Problems) -> None:
    f: Fields = record.fields
    if f.category is None:
        problems.add(record.key, record.line_of("title"), "category", "缺少主题分类", "请添加“category: …”", code="missing")
    seen: set[int] = set()
    for i, task in enumerate(f.tasks):
        if task.no in seen:
            problems.add(record.key, record.line_of(f"tasks[{i}].no"), f"tasks[{i}].no", f"任务序号 {task.no} 重复", "每个任务用不同的序号", code="duplicate-task")
        seen.add(task.no)


def enrich(record: Record, site: Site) -> Derived:
    return task_progress(record.fields.tasks, site.options.now.astimezone(site.tz).date())
