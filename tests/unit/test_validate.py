"""Records from sources (sunshine.validate): slugs, index numbers, corrections."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOTICE, build_in_memory, build_site, make_site

from sunshine.problems import BuildFailed
from sunshine.validate import slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("2020年 党费公示", "2020-nian-dang-fei-gong-shi"),
        ("发展对象公示", "fa-zhan-dui-xiang-gong-shi"),
        ("2020-06-fazhan-duixiang-gongshi", "2020-06-fazhan-duixiang-gongshi"),
        ("重庆", "chong-qing"),  # a polyphonic character read in its word
        ("银行行长", "yin-hang-hang-zhang"),
        ("ABC_Def 1", "abc-def-1"),
        ("  --党员--先锋岗--  ", "dang-yuan-xian-feng-gang"),
        ("第一季度（更正）", "di-yi-ji-du-geng-zheng"),
        ("！！！", "record"),
        ("", "record"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_slugs_are_url_safe() -> None:
    for name in ["关于“两学一做”的通知", "a/b\\c?d#e", "党费 ¥1,234.50", "中文。English!"]:
        slug = slugify(name)
        assert slug == slug.lower()
        assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug), slug
        assert not slug.startswith("-") and not slug.endswith("-")


def test_chinese_file_name_becomes_a_pinyin_url(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/notices/党员先锋岗公告.md": NOTICE})
    assert "notices/dang-yuan-xian-feng-gang-gong-gao/index.html" in build_in_memory(root)


def test_folder_record_takes_the_folder_name(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/notices/jingfei-2019/index.md": NOTICE})
    assert "notices/jingfei-2019/index.html" in build_in_memory(root)


def test_duplicate_index_number_names_both_files(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE, "content/notices/b.md": NOTICE})
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root)
    (problem,) = info.value.problems.errors
    assert problem.code == "duplicate-index"
    assert "content/notices/a.md" in problem.format()
    assert "content/notices/b.md" in problem.format()


def test_provisional_index_numbers_follow_the_highest_used(tmp_path: Path) -> None:
    root = make_site(tmp_path, {
        "content/notices/a.md": NOTICE.replace("QXZ-2020-0001", "QXZ-2020-0007"),
        "content/notices/b.md": NOTICE.replace("index_no: QXZ-2020-0001\n", ""),
        "content/notices/c.md": NOTICE.replace("index_no: QXZ-2020-0001\n", ""),
    })
    site, _ = build_site(root)
    assert site.records["content/notices/b.md"].index_no == "QXZ-2020-0008"
    assert site.records["content/notices/c.md"].index_no == "QXZ-2020-0009"


def test_a_record_cannot_correct_itself(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/notices/a.md": NOTICE.replace("type:", "corrects: QXZ-2020-0001\ntype:")})
    with pytest.raises(BuildFailed) as info:
        build_in_memory(root)
    assert [p.code for p in info.value.problems.errors] == ["self-correct"]
