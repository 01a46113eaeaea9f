"""Print docs/errors.md: every bad input of tests/errors/ and the message it produces.

    .venv/bin/python tests/errors/make_table.py > docs/errors.md

The table is generated from the test cases, so it always shows the messages the
tests check (``test_errors_table.py`` fails when docs/errors.md is out of date).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = """\
# 常见错误及报错信息

本表由 `tests/errors/make_table.py` 根据 `tests/errors/` 中的测试用例自动生成，请勿手工修改。
每一行是一个只含一处错误的小网站；“报错信息”是运行
`python build.py check --now 2020-06-15` 时输出的第一条问题。
出现错误时不会生成网站，原有网站保持不变。

每条报错的格式是“文件:行号: 字段: 问题 — 修改建议”。
"""


def _cell(text: str) -> str:
    return text.strip().replace("|", "\\|")


def _first_line(case: Path) -> str:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return lines[0] if lines else ""


def _rows(folder: Path) -> list[str]:
    rows = []
    for case in sorted(p for p in folder.iterdir() if (p / "expected.txt").is_file()):
        description = (case / "description.txt").read_text(encoding="utf-8")
        rows.append(f"| {_cell(description)} | `{_cell(_first_line(case))}` |")
    return rows


def render() -> str:
    """The whole Markdown page."""
    parts = [HEADER, "## 报错的输入\n", "| 输入 | 报错信息 |", "|---|---|", *_rows(HERE), ""]
    parts += [
        "## 不报错的输入\n",
        "下面这些写法看似有问题，但可以正常生成网站（“结果”是 `check` 输出的第一行）。\n",
        "| 输入 | 结果 |",
        "|---|---|",
        *_rows(HERE / "ok"),
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.buffer.write(render().encode("utf-8"))
