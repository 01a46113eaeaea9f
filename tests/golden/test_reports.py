"""The sample's 2020 compliance report and annual report, exactly.

Regenerate after an intended change::

    .venv/bin/python build.py report --now 2021-03-01 --no-history --year 2020 > tests/golden/reports/compliance-2020.txt
    .venv/bin/python build.py report --now 2021-03-01 --no-history --annual 2020 --out tests/golden/reports/annual-2020.html
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sunshine.cli import main

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARGS = ["report", "--root", str(REPO), "--now", "2021-03-01", "--no-history"]


def test_compliance_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert out == (HERE / "reports" / "compliance-2020.txt").read_text(encoding="utf-8")
    # on purpose: one late and several missing items in the sample
    assert "党费收缴情况 | 镇党委 | 2020年第一季度 | 2020-04-10 | QXZ-2020-0007 | 2020-04-15 | 逾期 3 个工作日" in out
    assert "年度党建工作计划 | 西岭村党支部 | 2020年度 | 2020-03-31 | — | — | 未公开" in out


def test_fail_on_overdue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--year", "2020", "--fail-on-overdue"]) == 1
    assert main([*ARGS, "--year", "2020", "--org", "dongshan", "--fail-on-overdue"]) == 0
    capsys.readouterr()


def test_annual_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "annual.html"
    assert main([*ARGS, "--annual", "2020", "--out", str(out)]) == 0
    capsys.readouterr()
    assert out.read_text(encoding="utf-8") == (HERE / "reports" / "annual-2020.html").read_text(encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert "按时公开率 79.2%" in text and "第一季度党费收缴情况晚于规定时间公开" in text
