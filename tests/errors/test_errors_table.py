"""docs/errors.md is generated from tests/errors/ and must be up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent.parent / "docs" / "errors.md"


def _make_table():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_table", HERE / "make_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_errors_doc_is_up_to_date() -> None:
    expected = _make_table().render()
    actual = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    assert actual == expected, (
        "docs/errors.md is out of date: run `.venv/bin/python tests/errors/make_table.py > docs/errors.md`"
    )


def test_table_has_a_row_per_case() -> None:
    text = _make_table().render()
    cases = [p for p in HERE.iterdir() if (p / "expected.txt").is_file()]
    cases += [p for p in (HERE / "ok").iterdir() if (p / "expected.txt").is_file()]
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| 输入")]
    assert len(rows) == len(cases)
