"""``python build.py new``: every kind and notice type gives a file that builds once scope is chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sunshine.kinds.notice import TYPE_RULES
from sunshine.pipeline import build_in_memory
from sunshine.problems import BuildFailed
from sunshine.route import output_path
from sunshine.scaffold import COUNTER_FILE, ScaffoldError, new_record, next_index_no, preview_url
from sunshine.yamlsrc import load_yaml, split_front_matter

from .conftest import TODAY, options_for

CASES = [("notice", t) for t in TYPE_RULES] + [("plan", None), ("rating", None), ("page", None)]


def choose_scope(path: Path, scope: str = "public") -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^scope:\s+#", text, re.MULTILINE), "scope must be left empty"
    path.write_text(re.sub(r"^scope:", f"scope: {scope}", text, count=1, flags=re.MULTILINE), encoding="utf-8")


def approve(path: Path) -> None:
    """Fill in the commented approval block the way the comments tell staff to."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^# (approval:|  (proposed_by|reviewed_by|approved_by|approved_on|secrecy_review):)", r"\1", text, flags=re.MULTILINE)
    text = re.sub(r"^(  secrecy_review:)\s*false", r"\1 true", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


def front_matter(path: Path) -> dict[str, object]:
    yaml_text, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return load_yaml(yaml_text, first_line=2).data


@pytest.mark.parametrize(("kind", "notice_type"), CASES, ids=[t or k for k, t in CASES])
def test_new_record_builds_once_scope_is_chosen(sample_root: Path, kind: str, notice_type: str | None) -> None:
    path = new_record(sample_root, kind, f"测试用的{notice_type or kind}记录", "town", notice_type, today=TODAY)
    key = path.relative_to(sample_root).as_posix()

    with pytest.raises(BuildFailed) as failed:
        build_in_memory(options_for(sample_root))
    mine = [p for p in failed.value.problems.errors if p.path == key]
    assert [p.field for p in mine] == ["scope"], [p.format() for p in mine]

    choose_scope(path)
    with pytest.raises(BuildFailed) as failed:  # CI's --strict wants the approval record too
        build_in_memory(options_for(sample_root, strict=True))
    assert [p.field for p in failed.value.problems.errors if p.path == key] == ["approval"]
    approve(path)
    site, files = build_in_memory(options_for(sample_root, strict=True))
    record = site.records[key]
    assert record.index_no == front_matter(path)["index_no"]
    assert record.scope == "public"
    url = preview_url(sample_root, path)
    assert url.startswith("http://127.0.0.1:8000/qingxi/")
    assert output_path(url.removeprefix("http://127.0.0.1:8000/qingxi/")) in files


@pytest.mark.parametrize(("kind", "notice_type"), CASES, ids=[t or k for k, t in CASES])
def test_every_field_has_a_chinese_comment(sample_root: Path, kind: str, notice_type: str | None) -> None:
    path = new_record(sample_root, kind, "注释检查", "town", notice_type, today=TODAY)
    yaml_text, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    for line in yaml_text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert re.search(r"#\s*\S*[\u4e00-\u9fff]", line), f"no Chinese comment: {line!r}"
    assert "scope:" in yaml_text and "public 向社会公开" in yaml_text
    assert body.strip()


def test_index_numbers_are_unique_and_follow_the_highest(sample_root: Path) -> None:
    before = next_index_no(sample_root, "QXZ", 2020)
    assert before == 19  # the sample's highest QXZ-2020 number is 0018
    paths = [new_record(sample_root, "notice", f"第{i}条公告", "town", today=TODAY) for i in range(5)]
    numbers = [str(front_matter(p)["index_no"]) for p in paths]
    assert numbers == [f"QXZ-2020-{n:04d}" for n in range(19, 24)]
    other = new_record(sample_root, "notice", "东山村公告", "dongshan", today=TODAY)
    assert front_matter(other)["index_no"] == "DSC-2020-0002"
    assert len({p.name for p in paths}) == 5  # same title stem gets -2, -3 … only when needed


def test_a_deleted_record_number_is_never_reused(sample_root: Path) -> None:
    first = new_record(sample_root, "notice", "将被删除的公告", "xiling", today=TODAY)
    assert front_matter(first)["index_no"] == "XLC-2020-0002"
    first.unlink()
    second = new_record(sample_root, "notice", "新的公告", "xiling", today=TODAY)
    assert front_matter(second)["index_no"] == "XLC-2020-0003"
    counter = (sample_root / COUNTER_FILE).read_text(encoding="utf-8")
    assert "XLC-2020: 3" in counter
    choose_scope(second, "party")
    site, _ = build_in_memory(options_for(sample_root, edition="internal"))  # the counter file is not content
    assert not site.problems.items


def test_counter_merges_with_numbers_found_in_records(sample_root: Path) -> None:
    (sample_root / COUNTER_FILE).write_text("QXZ-2020: 30\n", encoding="utf-8")
    assert next_index_no(sample_root, "QXZ", 2020) == 31
    manual = sample_root / "content/notices/manual.md"
    manual.write_text("---\ntitle: 手工\nindex_no: QXZ-2020-0077\n---\n", encoding="utf-8")
    assert next_index_no(sample_root, "QXZ", 2020) == 78
    assert next_index_no(sample_root, "QXZ", 2045) == 1


@pytest.mark.parametrize(
    ("kind", "org", "notice_type", "expected"),
    [
        ("notes", "town", None, "未知的记录类型“notes”。可选：plan（工作计划）"),
        ("notice", "twn", None, "未知的组织编号“twn”。可选：town（镇党委）"),
        ("notice", "town", "公示", "未知的公示类型“公示”。可选：发展对象公示、预备党员转正公示"),
        ("plan", "town", "一般公告", "只有公示公告（notice）才有公示类型"),
        ("rating", "dongshan", None, "没有下级党组织，不能发布考评"),
    ],
)
def test_bad_arguments_are_refused_with_choices(sample_root: Path, kind: str, org: str, notice_type: str | None, expected: str) -> None:
    before = sorted((sample_root / "content").rglob("*"))
    with pytest.raises(ScaffoldError) as refused:
        new_record(sample_root, kind, "标题", org, notice_type, today=TODAY)
    assert expected in str(refused.value)
    assert sorted((sample_root / "content").rglob("*")) == before


def test_awkward_titles_round_trip_and_slugs_stay_short(sample_root: Path) -> None:
    title = "关于“两学一做”: 学习教育 #3 的通知 'A' \"B\"" + "很长" * 40
    path = new_record(sample_root, "notice", title, "town", today=TODAY)
    assert front_matter(path)["title"] == title
    stem = path.stem.removeprefix("2020-06-")
    assert len(stem) <= 60 and re.fullmatch(r"[a-z0-9][a-z0-9-]*", stem)


def test_kind_may_be_given_by_folder_or_label(sample_root: Path) -> None:
    assert new_record(sample_root, "notices", "按文件夹名", "town", today=TODAY).parent.name == "notices"
    assert new_record(sample_root, "工作计划", "按中文名", "town", today=TODAY).parent.name == "plans"
