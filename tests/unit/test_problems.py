"""Problem formatting, sorting and "did you mean" hints (sunshine.problems)."""

from __future__ import annotations

import pytest

from sunshine.problems import BuildFailed, Problem, Problems, suggest


def test_format_with_line_field_and_hint() -> None:
    p = Problem("content/notices/a.md", 7, "org", "未知的组织编号“xcun”", "是否指“xicun”？")
    assert p.format() == "content/notices/a.md:7: org: 未知的组织编号“xcun” — 是否指“xicun”？"


def test_format_without_line_field_or_hint() -> None:
    assert Problem("content/foo", 0, "", "未知的内容文件夹“foo”").format() == "content/foo: 未知的内容文件夹“foo”"


def test_format_warning() -> None:
    p = Problem("content/a.md", 0, "", "不会被发布", "请移动", "warning")
    assert p.format() == "content/a.md: 不会被发布 — 请移动（警告）"


def test_sorted_by_path_line_field_and_unique() -> None:
    problems = Problems()
    problems.add("content/b.md", 3, "title", "b3", code="x")
    problems.add("content/a.md", 10, "org", "a10", code="x")
    problems.add("config.yaml", 2, "site.title", "c2", code="x")
    problems.add("content/a.md", 2, "date", "a2", code="x")
    problems.add("content/a.md", 2, "date", "a2", code="x")  # the same problem found twice
    problems.add("content/a.md", 2, "category", "a2c", code="x")
    assert [p.message for p in problems.sorted()] == ["c2", "a2c", "a2", "a10", "b3"]


def test_line_10_sorts_after_line_9() -> None:
    problems = Problems()
    problems.add("a.md", 10, "", "ten", code="x")
    problems.add("a.md", 9, "", "nine", code="x")
    assert [p.line for p in problems.sorted()] == [9, 10]


def test_report_ends_with_a_count() -> None:
    problems = Problems()
    problems.add("a.md", 1, "title", "缺少必填字段", "请添加“title: …”", code="missing")
    problems.add("a.md", 0, "", "不会被发布", code="stray", severity="warning")
    assert problems.report().splitlines() == [
        "a.md: 不会被发布（警告）",
        "a.md:1: title: 缺少必填字段 — 请添加“title: …”",
        "共 1 个错误，1 个警告。",
    ]
    assert len(problems.errors) == 1
    assert len(problems.warnings) == 1


def test_strict_turns_warnings_into_errors() -> None:
    problems = Problems(strict=True)
    problems.add("a.md", 0, "", "不会被发布", code="stray", severity="warning")
    assert [p.severity for p in problems] == ["error"]


def test_build_failed_carries_the_problems() -> None:
    problems = Problems()
    problems.add("a.md", 1, "", "坏了", code="x")
    failed = BuildFailed(problems)
    assert failed.problems is problems
    assert "a.md:1: 坏了" in str(failed)


@pytest.mark.parametrize(
    ("value", "choices", "hint"),
    [
        ("dongshn", ["town", "dongshan", "xiling"], "是否指“dongshan”？"),
        ("titel", ["title", "org", "date"], "是否指“title”？"),
        ("servce", ["server", "service", "other"], "是否指“service”、“server”？"),  # best match first
        ("dongshan", ["xiling", "dongshan"], "是否指“dongshan”？"),
        ("zzz", ["public", "party", "restricted"], "可选：party、public、restricted"),
        ("zzz", [f"org{i:02d}xx" for i in range(20)], "请查看 config.yaml 中的可选值"),
        ("a", [], "可选："),
    ],
)
def test_suggest(value: str, choices: list[str], hint: str) -> None:
    assert suggest(value, choices) == hint


def test_suggest_names_at_most_three_in_a_stable_order() -> None:
    hint = suggest("town", ["towna", "townb", "townc", "townd"])
    assert hint.startswith("是否指") and hint.count("“") == 3
    assert suggest("town", reversed(["towna", "townb", "townc", "townd"])) == hint
