"""What an edition may publish, and personal data (sunshine.guard)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOTICE, build_in_memory, build_site, make_site

from sunshine.problems import BuildFailed

ID = "110105199003071239"  # synthetic: area 110105, born 1990-03-07, computed check character


def _with_body(body: str, extra: str = "") -> str:
    return NOTICE.replace("镇党委决定开展党员先锋岗活动。", body).replace("type:", extra + "type:")


def _problems(tmp_path: Path, text: str, **kwargs: object) -> list[tuple[int, str, str]]:
    root = make_site(tmp_path, {"content/notices/a.md": text})
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root, **kwargs)  # type: ignore[arg-type]
    return [(p.line, p.field, p.code) for p in info.value.problems.errors]


def test_official_contacts_may_be_published(tmp_path: Path) -> None:
    body = "联系电话：0571-6488 1234（青溪镇党委组织办），邮箱 zzb@qingxi.example.cn。"
    root = make_site(tmp_path, {"content/notices/a.md": _with_body(body)})
    assert "0571-6488 1234" in build_in_memory(root)["notices/a/index.html"].decode()


@pytest.mark.parametrize(
    ("body", "masked"),
    [
        (f"身份证号{ID}。", "110105********1239"),
        ("手机 13812345678。", "138****5678"),
        ("电话 0571-6488 9999。", "0571-****9999"),
        ("邮箱 zhangsan@example.com。", "z***@example.com"),
    ],
)
def test_personal_data_in_the_body_is_refused(tmp_path: Path, body: str, masked: str) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": _with_body(body)})
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root)
    (problem,) = info.value.problems.errors
    assert (problem.line, problem.field, problem.code) == (15, "正文", "personal-data")
    assert masked in problem.hint


def test_personal_data_in_a_field_is_located(tmp_path: Path) -> None:
    people = f"people:\n  - name: 陈晓峰\n    gender: 男\n    note: 身份证 {ID}\n"
    text = NOTICE.replace("contact: town-org-office\n", "contact: town-org-office\n" + people)
    assert _problems(tmp_path, text) == [(16, "people[0].note", "personal-data")]


def test_allow_personal_is_a_warning_and_an_error_under_strict(tmp_path: Path) -> None:
    allow = "allow_personal:\n  - value: \"13812345678\"\n    reason: 本人同意公开的服务电话\n"
    text = _with_body("党员服务热线 13812345678。", allow)
    root = make_site(tmp_path, {"content/notices/a.md": text})
    site, files = build_site(root)
    assert [p.code for p in site.problems.warnings] == ["allow-personal"]
    assert "13812345678" in files["notices/a/index.html"].decode()
    with pytest.raises(BuildFailed):
        build_in_memory(root, strict=True)


def test_index_numbers_dates_and_amounts_are_not_personal_data(tmp_path: Path) -> None:
    body = "索引号QXZ-2020-0001，文号青委〔2020〕3号，金额12345678.90元，日期20200601，统一社会信用代码91330100MA2XXXXX0X。"
    root = make_site(tmp_path, {"content/notices/a.md": _with_body(body)})
    assert "notices/a/index.html" in build_in_memory(root)


def test_records_not_in_the_edition_are_not_scanned(tmp_path: Path) -> None:
    text = _with_body(f"身份证号{ID}。").replace("scope: public", "scope: party")
    root = make_site(tmp_path, {"content/notices/a.md": text, "content/notices/b.md": NOTICE.replace("0001", "0002")})
    assert "notices/a/index.html" not in build_in_memory(root)


def test_gone_record_keeps_a_page_and_leaves_every_list(tmp_path: Path) -> None:
    gone = NOTICE.replace("scope: public", "scope: public\nstatus: gone\nwithdrawn_reason: 误发，已删除")
    other = NOTICE.replace("QXZ-2020-0001", "QXZ-2020-0002").replace("党员先锋岗活动的公告", "党员志愿服务的公告")
    root = make_site(tmp_path, {"content/notices/a.md": gone, "content/notices/b.md": other})
    files = build_in_memory(root)
    page = files["notices/a/index.html"].decode()
    assert "误发，已删除" in page
    assert "镇党委决定开展党员先锋岗活动" not in page
    assert 'content="noindex' in page
    listed = [p for p, c in files.items() if p != "notices/a/index.html" and b"/notices/a/" in c]
    assert listed == []


def test_findings_come_from_the_cache_only_while_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan runs on every build; a cached finding is used only with its checksum."""
    import json

    from sunshine import guard

    text = _with_body("手机 13812345678。")
    first = _problems(tmp_path, text)
    assert [code for _, _, code in first] == ["personal-data"]
    cache = tmp_path / ".cache" / "guard.json"
    doc = json.loads(cache.read_text(encoding="utf-8"))
    assert len(doc["entries"]) == 1

    def no_scan(*args: object) -> list[object]:
        raise AssertionError("scanned although the content did not change")

    monkeypatch.setattr(guard, "_scan", no_scan)
    assert _problems(tmp_path, text) == first  # from the cache
    monkeypatch.undo()

    for entry in doc["entries"].values():  # a forged entry: "nothing found", old checksum
        entry[0] = []
    cache.write_text(json.dumps(doc), encoding="utf-8")
    assert _problems(tmp_path, text) == first
    cache.write_bytes(b"\xff\xfe not json")
    assert _problems(tmp_path, text) == first


def test_the_scan_on_all_cores_reports_what_one_core_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanned in forked workers, the findings come back in record order."""
    import dataclasses
    import functools

    from conftest import build_options, search_disabled

    from sunshine import guard
    from sunshine.forkmap import fork_map
    from sunshine.pipeline import prepare

    bodies = [f"第{i}条。手机 1381234{i:04d}。" if i % 3 else f"第{i}条，没有个人信息。" for i in range(12)]
    files = {f"content/notices/n{i:02d}.md": _with_body(b).replace("QXZ-2020-0001", f"QXZ-2020-{i + 1:04d}") for i, b in enumerate(bodies)}

    def problems(workers: int) -> list[tuple[str, int, str]]:
        root = make_site(tmp_path / f"w{workers}", files)
        options = dataclasses.replace(build_options(root, "2020-06-15", "public", False), workers=workers)
        with search_disabled(True), pytest.raises(BuildFailed) as info:
            prepare(options)
        return [(p.path, p.line, p.message) for p in info.value.problems.errors]

    monkeypatch.setattr(guard, "fork_map", functools.partial(fork_map, min_items=2))
    monkeypatch.setattr("sunshine.forkmap.SPAN_MIN", 1)
    serial, parallel = problems(1), problems(2)
    assert len(serial) == 8
    assert parallel == serial
