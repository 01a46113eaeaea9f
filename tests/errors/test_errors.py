"""Bad inputs and the exact messages they produce.

Each folder ``tests/errors/<case>/`` is a tiny site with one mistake, a
``description.txt`` (the input, in Chinese, for docs/errors.md) and an
``expected.txt`` with the exact stderr of::

    python build.py check --root tests/errors/<case> --now 2020-06-15

Every case must exit 1 with exactly that text, for ``check`` and for ``build``,
and a ``build`` must leave an existing ``site/`` folder byte-for-byte unchanged.
Folders under ``tests/errors/ok/`` are inputs that look risky but are valid:
they exit 0 and ``expected.txt`` holds stdout.

To review a message after an engine change, run the command above and compare.
"""

from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from sunshine.cli import main, parse_now
from sunshine.pipeline import build_in_memory
from sunshine.site import BuildOptions

HERE = Path(__file__).resolve().parent
CASES = sorted(p.name for p in HERE.iterdir() if (p / "expected.txt").is_file())
OK_CASES = sorted(p.name for p in (HERE / "ok").iterdir() if (p / "expected.txt").is_file())
NOW = "2020-06-15"

OLD_SITE = {
    "index.html": b"<!doctype html><title>old</title>\n",
    "notices/old/index.html": "旧的公告".encode(),
    "static/css/site.css": b"body{}\n",
}


@pytest.fixture(autouse=True)
def _fast(no_search: None) -> None:
    """The search index plays no part in these messages."""


def _copy(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / case.name
    shutil.copytree(case, root)
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _listing(root: Path) -> list[str]:
    """The names in the site root, without the build cache."""
    return sorted(p.name for p in root.iterdir() if p.name != ".cache")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _expected(case: Path) -> str:
    return (case / "expected.txt").read_text(encoding="utf-8")


def test_there_are_cases() -> None:
    assert len(CASES) >= 40
    assert len(OK_CASES) >= 4
    for name in CASES + [f"ok/{n}" for n in OK_CASES]:
        assert (HERE / name / "description.txt").read_text(encoding="utf-8").strip(), name


@pytest.mark.parametrize("name", CASES)
def test_error_case(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(HERE / name, tmp_path)
    expected = _expected(root)

    code, out, err = _run(capsys, "check", "--root", str(root), "--now", NOW)
    assert (code, out) == (1, "")
    assert err == expected

    site = root / "site"
    for rel, content in OLD_SITE.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(content)
    before = _snapshot(site)
    listing = _listing(root)

    code, out, err = _run(capsys, "build", "--root", str(root), "--now", NOW)
    assert (code, out) == (1, "")
    assert err == expected
    assert _snapshot(site) == before
    assert _listing(root) == listing, "a failed build left files behind"


@pytest.mark.parametrize("name", OK_CASES)
def test_ok_case(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(HERE / "ok" / name, tmp_path)
    code, out, err = _run(capsys, "check", "--root", str(root), "--now", NOW)
    assert (code, err) == (0, "")
    assert out == _expected(root)


def _record_fields(name: str) -> object:
    options = BuildOptions(root=HERE / "ok" / name, now=parse_now(NOW, {}), cache=False)  # nothing written into tests/
    site, _ = build_in_memory(options)
    (record,) = site.records.values()
    return record.fields


def test_string_no_stays_text() -> None:
    assert _record_fields("string-no").summary == "no"  # type: ignore[attr-defined]


def test_doc_no_0755_stays_text() -> None:
    assert _record_fields("doc-no-0755").doc_no == "0755"  # type: ignore[attr-defined]


def test_bom_crlf_body_has_no_carriage_returns() -> None:
    options = BuildOptions(root=HERE / "ok" / "bom-crlf", now=parse_now(NOW, {}), cache=False)
    site, files = build_in_memory(options)
    (record,) = site.records.values()
    assert record.title == "关于开展党员先锋岗活动的公告"
    assert "\r" not in record.body
    assert b"\r" not in files["notices/xianfenggang/index.html"]


def test_stray_file_is_an_error_under_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(HERE / "ok" / "stray-file-in-content", tmp_path)
    code, out, err = _run(capsys, "check", "--strict", "--root", str(root), "--now", NOW)
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        "content/readme.md: content 根目录下的文件不会被发布 — 请放到 plans、ratings、notices、pages 文件夹中"
    )


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_unreadable_file_is_reported_not_raised(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record the build may not read (permissions, a lock held by another program)
    is a content problem with its path, in Chinese and in English; the site stays."""
    root = _copy(HERE / "ok" / "string-no", tmp_path)
    (record,) = (root / "content").rglob("*.md")
    rel = record.relative_to(root).as_posix()
    assert _run(capsys, "build", "--root", str(root), "--now", NOW)[0] == 0
    before = _snapshot(root / "site")
    real_open, real_read, real_io_open = os.open, Path.read_bytes, builtins.open

    def refuse_open(path: str, *args: Any, **kwargs: Any) -> int:
        if str(path) == str(record):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def refuse_io_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, (str, Path)) and str(path) == str(record):
            raise PermissionError(13, "Permission denied", str(path))
        return real_io_open(path, *args, **kwargs)

    def refuse_read(self: Path) -> bytes:
        if self == record:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(os, "open", refuse_open)
    monkeypatch.setattr(Path, "read_bytes", refuse_read)
    monkeypatch.setattr(builtins, "open", refuse_io_open)
    code, out, err = _run(capsys, command, "--root", str(root), "--now", NOW)
    assert (code, out) == (1, "")
    assert err == (
        f"{rel}: 无法读取文件（Permission denied） — 请检查文件的读取权限，或关闭正在占用它的程序后重试\n"
        "共 1 个错误，0 个警告。\n未生成网站：请按上面的提示修改后重试。原有网站保持不变。\n"
    )
    code, out, err = _run(capsys, command, "--root", str(root), "--now", NOW, "--lang", "en")
    assert code == 1 and "cannot read the file (Permission denied)" in err and "Traceback" not in err
    assert _snapshot(root / "site") == before


# --- files the build cannot read or write, and template errors ---------------------

NOT_BUILT = "未生成网站：请按上面的提示修改后重试。原有网站保持不变。\n"
READ_HINT = "请检查文件的读取权限，或关闭正在占用它的程序后重试"
IO_HINT = "请检查文件和文件夹的读写权限与磁盘空间，或关闭正在占用它的程序后重试"
TEMPLATE_HINT = "请检查这一行的变量名、过滤器和 {% %} 标签是否成对"
ATTACHMENT = "content/notices/jingfei/index.md:9: attachments[0].file: "


def _refused(path: Path) -> PermissionError:
    return PermissionError(13, "Permission denied", str(path))


def _refuse_open(monkeypatch: pytest.MonkeyPatch, module: object, target: Path) -> None:
    """``open`` in ``module`` refuses ``target`` as a file without read permission would."""

    def refuse(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == target:
            raise _refused(Path(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(module, "open", refuse, raising=False)


def _refuse_read_bytes(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """``Path.read_bytes`` refuses ``target``."""
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == target:
            raise _refused(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)


def _site_with_attachment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The attachment-missing case with its attachment in place, built once."""
    root = _copy(HERE / "attachment-missing", tmp_path)
    (root / "content/notices/jingfei/mingxi.csv").write_text("项目,金额\n党员教育,1200.00\n", encoding="utf-8")
    assert _run(capsys, "build", "--root", str(root), "--now", NOW)[0] == 0
    return root


def _fails_with(capsys: pytest.CaptureFixture[str], root: Path, command: str, expected: str) -> None:
    """``command`` exits 1 with exactly ``expected`` and the closing line, leaving the
    site and the folder beside it as they were. (``--no-cache``: the refusals are faked
    in the step under test, not where the last build's inputs are hashed.)"""
    before, listing = _snapshot(root / "site"), _listing(root)
    code, out, err = _run(capsys, command, "--root", str(root), "--now", NOW, "--no-cache")
    assert (code, out) == (1, "")
    assert err == expected + NOT_BUILT
    assert _snapshot(root / "site") == before
    assert _listing(root) == listing, "a failed build left files behind"


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_unreadable_attachment_is_located(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sunshine.validate

    root = _site_with_attachment(tmp_path, capsys)
    _refuse_open(monkeypatch, sunshine.validate, root / "content/notices/jingfei/mingxi.csv")
    expected = f"{ATTACHMENT}无法读取附件“mingxi.csv”（Permission denied） — {READ_HINT}\n共 1 个错误，0 个警告。\n"
    _fails_with(capsys, root, command, expected)


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_attachment_changed_or_unreadable_while_building_is_reported(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render copies an attachment only as validation hashed it."""
    import sunshine.validate

    root = _site_with_attachment(tmp_path, capsys)
    attachment = root / "content/notices/jingfei/mingxi.csv"
    digest = sunshine.validate.file_digest
    monkeypatch.setattr(sunshine.validate, "file_digest", lambda path: (digest(path)[0], "0" * 64))
    expected = f"{ATTACHMENT}附件“mingxi.csv”在生成过程中被改动 — 请等生成结束后再修改附件，然后重新生成\n共 1 个错误，0 个警告。\n"
    _fails_with(capsys, root, command, expected)

    monkeypatch.setattr(sunshine.validate, "file_digest", digest)
    _refuse_read_bytes(monkeypatch, attachment)
    expected = f"{ATTACHMENT}无法读取附件“mingxi.csv”（Permission denied） — {READ_HINT}\n共 1 个错误，0 个警告。\n"
    _fails_with(capsys, root, command, expected)


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_unreadable_static_file_is_reported(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(HERE / "ok" / "string-no", tmp_path)
    extra = root / "static/css/extra.css"
    extra.parent.mkdir(parents=True)
    extra.write_text("p{}\n", encoding="utf-8")
    assert _run(capsys, "build", "--root", str(root), "--now", NOW)[0] == 0
    _refuse_read_bytes(monkeypatch, extra)
    expected = f"static/css/extra.css: 无法读取文件（Permission denied） — {READ_HINT}\n共 1 个错误，0 个警告。\n"
    _fails_with(capsys, root, command, expected)


def _own_notice_template(root: Path, insert: str) -> int:
    """Give the site its own notice template with ``insert`` after the content block opens;
    the line it is on."""
    from sunshine.options import THEME_DIR

    text = (THEME_DIR / "templates/kinds/notice.html").read_text(encoding="utf-8")
    text = text.replace("{% block content %}", "{% block content %}" + insert, 1)
    target = root / "templates/kinds/notice.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if insert in line)


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_template_error_names_the_template_and_line(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(HERE / "ok" / "string-no", tmp_path)
    assert _run(capsys, "build", "--root", str(root), "--now", NOW)[0] == 0
    line = _own_notice_template(root, "{{ no_such_value.x }}")
    where = f"templates/kinds/notice.html:{line}"
    _fails_with(capsys, root, command, f"{where}: 模板错误：'no_such_value' is undefined — {TEMPLATE_HINT}\n共 1 个错误，0 个警告。\n")
    code, _, err = _run(capsys, command, "--root", str(root), "--now", NOW, "--lang", "en")
    assert code == 1 and err.startswith(f"{where}: template error: 'no_such_value' is undefined — check the variable names")
    _own_notice_template(root, "{% if %}")
    code, out, err = _run(capsys, command, "--root", str(root), "--now", NOW)
    assert (code, out) == (1, "") and err.startswith(f"{where}: 模板错误：") and "Traceback" not in err


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_unreadable_template_is_reported(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2.loaders

    root = _copy(HERE / "ok" / "string-no", tmp_path)
    assert _run(capsys, "build", "--root", str(root), "--now", NOW)[0] == 0
    _own_notice_template(root, "<!-- 本站自己的模板 -->")
    _refuse_open(monkeypatch, jinja2.loaders, root / "templates/kinds/notice.html")
    expected = f"templates/kinds/notice.html: 无法读写文件（Permission denied） — {IO_HINT}\n共 1 个错误，0 个警告。\n"
    _fails_with(capsys, root, command, expected)
    code, _, err = _run(capsys, command, "--root", str(root), "--now", NOW, "--lang", "en")
    assert code == 1 and "cannot read or write the file (Permission denied)" in err and "Traceback" not in err


def test_a_full_disk_while_writing_leaves_the_site_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sunshine.writeout

    root = _copy(HERE / "ok" / "string-no", tmp_path)
    assert _run(capsys, "build", "--root", str(root), "--now", NOW)[0] == 0
    (root / "content/notices/xianfenggang.md").write_text(
        (root / "content/notices/xianfenggang.md").read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8"
    )

    def full(target: str, *args: Any) -> None:
        raise OSError(28, "No space left on device", target)

    monkeypatch.setattr(sunshine.writeout, "_write", full)
    before, listing = _snapshot(root / "site"), _listing(root)
    code, out, err = _run(capsys, "build", "--root", str(root), "--now", NOW, "--no-cache")
    assert (code, out) == (1, "")
    first, *rest = err.splitlines(keepends=True)
    assert first.startswith(".site.tmp-") and first.endswith(f": 无法读写文件（No space left on device） — {IO_HINT}\n")
    assert "".join(rest) == "共 1 个错误，0 个警告。\n" + NOT_BUILT
    assert _snapshot(root / "site") == before
    assert _listing(root) == listing
