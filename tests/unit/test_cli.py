"""The command line (sunshine.cli): the build time, exit codes, output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import NOTICE, make_site

from sunshine.cli import main, parse_now

BEIJING = dt.timedelta(hours=8)


def test_naive_now_is_beijing_time() -> None:
    now = parse_now("2020-06-15T09:00", {})
    assert now.utcoffset() == BEIJING
    assert now == dt.datetime(2020, 6, 15, 1, 0, tzinfo=dt.UTC)


def test_a_date_alone_is_beijing_midnight() -> None:
    now = parse_now("2020-06-15", {})
    assert now == dt.datetime(2020, 6, 14, 16, 0, tzinfo=dt.UTC)


def test_an_offset_is_kept() -> None:
    now = parse_now("2020-06-15T01:00:00+00:00", {})
    assert now.utcoffset() == dt.timedelta(0)
    assert now == dt.datetime(2020, 6, 15, 9, 0, tzinfo=dt.timezone(BEIJING))


def test_source_date_epoch() -> None:
    now = parse_now(None, {"SOURCE_DATE_EPOCH": "1592182800"})
    assert now == dt.datetime(2020, 6, 15, 9, 0, tzinfo=dt.timezone(BEIJING))
    assert now.tzinfo is not None


def test_now_wins_over_source_date_epoch() -> None:
    assert parse_now("2020-06-15T09:00", {"SOURCE_DATE_EPOCH": "0"}).year == 2020


def test_default_is_the_current_time_and_aware() -> None:
    before = dt.datetime.now(tz=dt.UTC)
    now = parse_now(None, {})
    assert now.tzinfo is not None
    assert abs(now - before) < dt.timedelta(seconds=5)


@pytest.mark.parametrize("value", ["2020-02-30", "yesterday", "2020/06/15"])
def test_bad_now_is_a_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        parse_now(value, {})


def test_bad_now_exits_2_with_a_chinese_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE})
    assert main(["check", "--root", str(root), "--now", "昨天"]) == 2
    err = capsys.readouterr().err
    assert "--now 的时间格式不对：昨天" in err


def test_bad_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["publish"])
    assert info.value.code == 2


def test_source_date_epoch_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE.replace("scope: public", "scope: public\npublish_at: 2020-06-15 09:00:00")})
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1592182799")  # 2020-06-15 08:59:59 Beijing
    assert main(["check", "--root", str(root)]) == 0
    assert "共 0 条记录" in capsys.readouterr().out
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1592182800")  # 09:00:00
    assert main(["check", "--root", str(root)]) == 0
    assert "共 1 条记录（公示公告 1）" in capsys.readouterr().out


def test_build_writes_site_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE})
    assert main(["build", "--root", str(root), "--now", "2020-06-15"]) == 0
    out = capsys.readouterr().out
    assert out == "已生成对外公开版到 site/：共 1 条记录（公示公告 1），未公开 0 条；网页 23 个。\n全部记录按公开范围：向社会公开 1。\n"
    assert (root / "site" / "notices" / "a" / "index.html").is_file()
    assert main(["build", "--root", str(root), "--now", "2020-06-15", "--edition", "internal", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert (root / "site-internal" / "index.html").is_file()


def test_build_refuses_to_write_into_content(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE})
    assert main(["build", "--root", str(root), "--now", "2020-06-15", "--out", str(root / "content")]) == 1
    err = capsys.readouterr().err
    assert "会覆盖网站源文件" in err
    assert (root / "content" / "notices" / "a.md").read_text(encoding="utf-8") == NOTICE


def test_the_preview_server_runs_with_the_cycle_collector_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``python build.py`` turns the collector off for a command that ends soon
    (sunshine.cli.run); the preview server runs on and turns it back on."""
    import gc

    from sunshine import serve

    seen: list[bool] = []
    monkeypatch.setattr(serve, "serve", lambda *args, **kwargs: seen.append(gc.isenabled()))
    make_site(tmp_path)
    gc.disable()
    try:
        assert main(["serve", "--root", str(tmp_path), "--now", "2020-06-15"]) == 0
    finally:
        gc.enable()
    assert seen == [True]
