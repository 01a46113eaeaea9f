"""Content problems: one value type, collected across the whole build.

Every mistake in config.yaml or content/ becomes a :class:`Problem` that names the
file, the line, the field, what is wrong and how to fix it, in Chinese::

    content/notices/a.md:7: org: 未知的组织编号“xcun” — 是否指“xicun”？

Problems are collected in a :class:`Problems` list; nothing stops at the first one.
When a stage ends with errors the pipeline raises :class:`BuildFailed`, the only
exception the command line catches. Any other exception is a bug in Sunshine.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

__all__ = ["BODY_FIELD", "BuildFailed", "Problem", "Problems", "suggest"]

BODY_FIELD = "正文"  # the field named by every problem found in a record's Markdown body


@dataclass(frozen=True, order=True)
class Problem:
    """One located content problem."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = "error"
    code: str = ""

    def format(self) -> str:
        """Render as one line: ``path:line: field: message — hint``."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        if self.severity == "warning":
            text = f"{text}（警告）"
        return text


@dataclass
class Problems:
    """All problems found so far, in the order they were found."""

    items: list[Problem] = field(default_factory=list)
    strict: bool = False

    def add(
        self,
        path: str,
        line: int,
        field_name: str,
        message: str,
        hint: str = "",
        *,
        code: str,
        severity: Severity = "error",
    ) -> None:
        if self.strict:
            severity = "error"
        self.items.append(Problem(path, line, field_name, message, hint, severity, code))

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p.path, p.line, p.field, p.message, p.hint, code=p.code, severity=p.severity)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        """Unique problems sorted by path, line and field."""
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.field, p.message))

    def report(self) -> str:
        """All problems, one per line, then a summary line."""
        lines = [p.format() for p in self.sorted()]
        lines.append(f"共 {len(self.errors)} 个错误，{len(self.warnings)} 个警告。")
        return "\n".join(lines)


class BuildFailed(Exception):
    """The content has errors; nothing was written. Carries the problems."""

    def __init__(self, problems: Problems):
        super().__init__(problems.report())
        self.problems = problems


def suggest(value: str, choices: Iterable[str]) -> str:
    """A Chinese "did you mean" hint naming the closest choices, or the list of all."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.5)
    if close:
        return "是否指" + "、".join(f"“{c}”" for c in close) + "？"
    if len(options) <= 12:
        return "可选：" + "、".join(options)
    return "请查看 config.yaml 中的可选值"
