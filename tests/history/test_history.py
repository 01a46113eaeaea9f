"""Record revision history from git, and the next self-change moment."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sunshine.cli import parse_now
from sunshine.history import load_history, parse_git_log
from sunshine.pipeline import build_in_memory
from sunshine.site import BuildOptions
from tests.safety.sitegen import notice, write_site


def _git(root: Path, *args: str, when: str = "") -> None:
    env = {"GIT_AUTHOR_NAME": "文员甲", "GIT_AUTHOR_EMAIL": "clerk@example.cn", "GIT_COMMITTER_NAME": "文员甲",
           "GIT_COMMITTER_EMAIL": "clerk@example.cn", "PATH": "/usr/bin:/bin", "HOME": str(root)}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _repo(tmp_path: Path) -> Path:
    root = write_site(tmp_path, {"a.md": notice(1, "第一版标题")})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "发布公告", when="2020-05-01T20:00:00+00:00")
    path = root / "content" / "notices" / "a.md"
    path.write_text(notice(1, "第二版标题"), encoding="utf-8")
    _git(root, "commit", "-qam", "更正标题中的错字", when="2020-05-02T01:00:00+00:00")
    path.write_text(notice(1, "第三版标题", body="补充了联系方式。"), encoding="utf-8")
    _git(root, "commit", "-qam", "补充说明", when="2020-05-03T03:00:00+00:00")
    return root


def test_three_commits_show_on_the_page(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    history = load_history(root)
    revisions = history["content/notices/a.md"]
    assert [r.note for r in revisions] == ["补充说明", "更正标题中的错字", "发布公告"]
    blob = subprocess.run(["git", "-C", str(root), "hash-object", "content/notices/a.md"], capture_output=True, text=True, check=True).stdout
    assert revisions[0].blob == blob.strip()[:12]
    files = build_in_memory(BuildOptions(root=root, now=parse_now("2020-06-15", {})))[1]
    page = files["notices/a/index.html"].decode("utf-8")
    assert "修订记录（3）" in page
    # 2020-05-01 20:00 UTC is 2 May in Beijing
    assert page.index("2020年5月3日</time>　补充说明") < page.index("更正标题中的错字") < page.index("发布公告")
    assert "2020年5月2日</time>　发布公告" in page
    assert "文员甲" not in page and "clerk@example.cn" not in page
    assert (root / ".cache").is_dir()


def test_front_matter_changes_override_commit_messages(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    path = root / "content" / "notices" / "a.md"
    path.write_text(notice(1, "第三版标题", extra="changes:\n  - {date: 2020-05-03, note: 对外说明：补充联系方式}\n"), encoding="utf-8")
    files = build_in_memory(BuildOptions(root=root, now=parse_now("2020-06-15", {})))[1]
    page = files["notices/a/index.html"].decode("utf-8")
    assert "对外说明：补充联系方式" in page and "更正标题中的错字" not in page


def test_no_git_means_no_history(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"a.md": notice(1, "标题")})
    assert load_history(root) == {}
    files = build_in_memory(BuildOptions(root=root, now=parse_now("2020-06-15", {})))[1]
    assert "修订记录" not in files["notices/a/index.html"].decode("utf-8")


def test_parse_ten_thousand_records_quickly() -> None:
    chunks = []
    for i in range(10_000):
        chunks.append(f"\x1e{1588000000 + i}\x1f提交{i}\n\n:000000 100644 {'0' * 40} {i:040x} A\tcontent/notices/n{i}.md\n")
    history = parse_git_log("".join(chunks))
    assert len(history) == 10_000


def test_next_change(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"a.md": notice(10, "公告")})
    files = build_in_memory(BuildOptions(root=root, now=parse_now("2020-05-01", {})))[1]
    assert files["next-change.txt"] == b"2020-05-11T00:00:00+08:00\n"  # the period starts on 11 May
    files = build_in_memory(BuildOptions(root=root, now=parse_now("2020-05-12", {})))[1]
    assert files["next-change.txt"] == b"2020-05-16T00:00:00+08:00\n"  # 5 working days end on Friday 15 May
