"""Why a build stopped, as problems a clerk can act on instead of a traceback.

The command line and the preview server both turn a stopped build into located
problems: the content problems a :class:`~sunshine.problems.BuildFailed` carries; a
template error as ``templates/x.html:12: 模板错误：…``; and a file that could not be read
or written (an unreadable template, a full disk, an output folder without write
permission) with its path. Anything else is a bug in Sunshine and is left to raise.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from .problems import BuildFailed, Problems

__all__ = ["failure_problems"]


def failure_problems(exc: BaseException, root: Path) -> Problems | None:
    """The problems that explain ``exc``, or None if it is a bug in Sunshine."""
    if isinstance(exc, BuildFailed):
        return exc.problems
    import jinja2  # only once a build has failed: a no-change build never imports it

    if isinstance(exc, jinja2.TemplateError):  # before OSError: TemplateNotFound is one too
        return _template_problem(exc, root)
    if isinstance(exc, OSError):
        return _io_problem(exc, root)
    return None


def _template_problem(exc: BaseException, root: Path) -> Problems:
    """``templates/x.html`` and the line, from a Jinja exception and its traceback."""
    import jinja2

    filename, line = None, 0
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename, line = exc.filename or exc.name, exc.lineno
    else:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if "templates" in Path(frame.filename).parts:
                filename, line = frame.filename, frame.lineno or 0
                break
    problems = Problems()
    where = _template_path(filename, root) if filename else "templates"
    message = getattr(exc, "message", None) or type(exc).__name__
    problems.add(
        where, line, "",
        f"模板错误：找不到模板“{exc.name}”" if isinstance(exc, jinja2.TemplateNotFound) else f"模板错误：{message}",
        "请检查这一行的变量名、过滤器和 {% %} 标签是否成对", code="template",
    )
    return problems


def _template_path(filename: str, root: Path) -> str:
    path = Path(filename)
    if path.is_absolute() and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    parts = path.parts
    if "templates" not in parts:
        return f"templates/{filename}"
    cut = len(parts) - 1 - parts[::-1].index("templates")
    return "/".join(parts[cut:])


def _io_problem(exc: OSError, root: Path) -> Problems:
    """A file the build could not read or write, by its path inside the site if it is there."""
    name = os.fsdecode(exc.filename) if exc.filename is not None else ""
    if name:
        full, top = Path(name).resolve(), root.resolve()
        name = full.relative_to(top).as_posix() if full.is_relative_to(top) else name
    problems = Problems()
    problems.add(
        name or str(root), 0, "", f"无法读写文件（{exc.strerror or exc}）",
        "请检查文件和文件夹的读写权限与磁盘空间，或关闭正在占用它的程序后重试", code="io-error",
    )
    return problems
