"""``--lang en``: the same problems and summaries in English, for engineers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sunshine import i18n
from sunshine.cli import main
from sunshine.serve import RebuildResult, problem_panel, report

ERRORS = Path(__file__).resolve().parents[1] / "errors"
SAMPLE = Path(__file__).resolve().parents[2]


def _copy(case: str, target: Path) -> Path:
    shutil.copytree(ERRORS / case, target)
    return target


def test_content_problems_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy("unknown-org", tmp_path / "site")
    assert main(["build", "--root", str(root), "--now", "2020-06-15", "--no-history", "--lang", "en"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "Site not built: fix the problems above and try again. The existing site is unchanged."
    assert err[-2] == "1 error, 0 warnings."
    assert err[0].startswith("content/") and "unknown organisation" in err[0], err
    assert not any(i18n.stray_han(line) for line in err), err


def test_chinese_stays_the_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy("unknown-org", tmp_path / "site")
    assert main(["build", "--root", str(root), "--now", "2020-06-15", "--no-history"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (ERRORS / "unknown-org" / "expected.txt").read_text(encoding="utf-8").strip()
    assert err.endswith("共 1 个错误，0 个警告。\n未生成网站：请按上面的提示修改后重试。原有网站保持不变。")


def test_build_summary_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy2(SAMPLE / "config.yaml", root / "config.yaml")
    shutil.copytree(SAMPLE / "content", root / "content")
    assert main(["build", "--root", str(root), "--now", "2020-06-15", "--no-history", "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(re.match(r"Built the public edition into site/: \d+ records \(notices \d+, ", line) for line in out), out
    assert any(line.startswith("All records by scope: public ") for line in out), out
    assert not any(i18n.stray_han(line) for line in out), out


def test_preview_panel_and_terminal_in_english() -> None:
    failed = RebuildResult(False, "a.md:3: org: x", 0.1, ("a.md:3: org: x",))
    panel = problem_panel(failed, "en")
    assert "Site not updated: 1 problem" in panel and not i18n.stray_han(panel)
    assert "Site not updated: 1 problem." in report(failed, "en")
    assert "网站未更新：发现 1 个问题" in problem_panel(failed)


def test_options_before_the_subcommand_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy("unknown-org", tmp_path / "site")
    assert main(["--lang", "en", "--root", str(root), "--now", "2020-06-15", "check", "--no-history"]) == 1
    assert capsys.readouterr().err.strip().endswith("The existing site is unchanged.")
    assert main(["--root", str(root), "check", "--lang", "en", "--now", "2020-06-15"]) == 1
    assert "unknown organisation" in capsys.readouterr().err
