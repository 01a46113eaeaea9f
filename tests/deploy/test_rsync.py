"""Deploy through a real rsync daemon, read the result back through nginx.

nginx runs the server block printed in docs/发布指南.md, so these tests also check
the documented configuration (charset, 404 page, cache headers, /qingxi/ path).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from sunshine.deploy import DeployError, deploy, tier_of
from sunshine.deploy import rsync as rsync_module

from .conftest import REMOVED_URL, Builds, Nginx, RsyncServer, changed, tree

NOTICE_PAGE = "notices/2020-04-renqian-gongshi/index.html"
_LINK = re.compile(rb'(?:href|src)="/qingxi/([^"#?]*)"')


def _quiet(_: str) -> None:
    pass


def _site_files(www: Path) -> dict[str, bytes]:
    return {p: b for p, b in tree(www / "qingxi").items() if not p.endswith("/")}


def test_first_deploy_serves_every_file_byte_for_byte(builds: Builds, rsync_server: RsyncServer, nginx: Nginx) -> None:
    lines: list[str] = []
    plan = deploy(builds.v1.dir, rsync_server.url(), log=lines.append)
    files = builds.v1.files()
    assert plan.first and not plan.deletes
    assert sorted(plan.uploads) == sorted(files)
    assert plan.uploads[-1] == "manifest.json"
    assert any("首次发布" in line for line in lines)
    assert f"上传 {NOTICE_PAGE}" in lines
    assert _site_files(rsync_server.www) == files
    for path, content in files.items():
        status, _, body = nginx.get(path)
        assert (status, body) == (200, content), path
    status, _, body = nginx.get("notices/2020-04-renqian-gongshi/")
    assert (status, body) == (200, files[NOTICE_PAGE])


def test_upload_order_never_links_ahead(builds: Builds, rsync_server: RsyncServer) -> None:
    plan = deploy(builds.v1.dir, rsync_server.url(), log=_quiet)
    order = {path: i for i, path in enumerate(plan.uploads)}
    labels = [step.label for step in plan.steps]
    assert labels[0] == "静态资源与附件" and labels[-1] == "清单 manifest.json"
    assert order["static/css/site.css"] < order[NOTICE_PAGE] < order["notices/index.html"] < order["index.html"]
    assert order["index.html"] < order["feed.xml"] < order["sitemap.xml"] < order["manifest.json"]
    assert order["notices/2019-dangjian-jingfei-gongkai/jingfei-mingxi.csv"] < order["notices/2019-dangjian-jingfei-gongkai/index.html"]
    urls = {r["url"] for r in builds.v1.manifest["records"]}
    tiers = [tier_of(p, urls) for p in plan.uploads]
    assert tiers == sorted(tiers)


def test_served_with_the_documented_headers(builds: Builds, rsync_server: RsyncServer, nginx: Nginx) -> None:
    deploy(builds.v1.dir, rsync_server.url(), log=_quiet)
    expected = {
        "index.html": "text/html; charset=utf-8",
        "static/css/site.css": "text/css; charset=utf-8",
        "data/catalog.json": "application/json; charset=utf-8",
        "data/catalog.csv": "text/csv; charset=utf-8",
        "notices/open.ics": "text/calendar; charset=utf-8",
        "static/favicon.svg": "image/svg+xml; charset=utf-8",
        "SHA256SUMS": "text/plain; charset=utf-8",
    }
    for path, kind in expected.items():
        status, headers, _ = nginx.get(path)
        assert (status, headers["content-type"]) == (200, kind), path
    assert "charset=utf-8" in nginx.get("feed.xml")[1]["content-type"]
    assert nginx.get("index.html")[1]["cache-control"] == "max-age=300"
    assert nginx.get("manifest.json")[1]["cache-control"] == "max-age=300"
    assert nginx.get("static/css/site.css")[1]["cache-control"] == "max-age=86400"
    status, headers, body = nginx.get("notices/no-such-notice/")
    assert status == 404 and body == (builds.v1.dir / "404.html").read_bytes()
    assert headers["content-type"] == "text/html; charset=utf-8"


def test_second_deploy_uploads_only_what_changed(builds: Builds, rsync_server: RsyncServer, nginx: Nginx) -> None:
    deploy(builds.v1.dir, rsync_server.url(), log=_quiet)
    module = rsync_server.www / "qingxi"
    inodes = {p: (module / p).stat().st_ino for p in builds.v1.files()}
    lines: list[str] = []
    plan = deploy(builds.v2.dir, rsync_server.url(), log=lines.append)

    v1, v2 = builds.v1.files(), builds.v2.files()
    expected = changed(v1, v2)
    assert set(plan.uploads) == expected
    assert {NOTICE_PAGE, "notices/index.html", "feed.xml", "manifest.json", "SHA256SUMS"} <= expected
    assert len(expected) < len(v2) / 3, sorted(expected)
    assert "static/css/site.css" not in expected and "plans/index.html" not in expected
    assert not plan.deletes
    assert [line.split(" ", 1)[1] for line in lines if line.startswith("上传 ")] == plan.uploads
    assert plan.unchanged == len(v2) - len(expected)
    # Untouched files are the very same files on the server (rsync renames a new file into place).
    rewritten = {p for p, ino in inodes.items() if (module / p).stat().st_ino != ino}
    assert rewritten == expected
    assert _site_files(rsync_server.www) == v2
    assert "青溪镇2020年第一批干部任前公示".encode() in nginx.get("notices/2020-04-renqian-gongshi/")[2]

    again = deploy(builds.v2.dir, rsync_server.url(), log=lines.append)
    assert not again.steps and "已是最新版本" in lines[-1]


def test_removed_record_is_deleted_and_foreign_files_are_kept(builds: Builds, rsync_server: RsyncServer, nginx: Nginx) -> None:
    deploy(builds.v1.dir, rsync_server.url(), log=_quiet)
    module = rsync_server.www / "qingxi"
    foreign = {"baidu_verify_abc.html": b"verify", "notices/upload-by-hand.pdf": b"%PDF", "static/extra.css": b"p{}"}
    for path, content in foreign.items():
        (module / path).write_bytes(content)
    plan = deploy(builds.v3.dir, rsync_server.url(), log=_quiet)

    v1, v3 = builds.v1.files(), builds.v3.files()
    assert set(plan.deletes) == set(v1) - set(v3)
    assert f"{REMOVED_URL}index.html" in plan.deletes and f"{REMOVED_URL}print/index.html" in plan.deletes
    assert plan.steps[-1].paths == ("manifest.json",) and plan.steps[-2].action == "delete"
    on_server = _site_files(rsync_server.www)
    assert on_server == {**v3, **foreign}
    assert not (module / REMOVED_URL).exists(), "the emptied folder is removed too"
    status, _, body = nginx.get(REMOVED_URL)
    assert status == 404 and body == v3["404.html"]


def test_folder_holding_a_foreign_file_is_kept(builds: Builds, rsync_server: RsyncServer) -> None:
    deploy(builds.v2.dir, rsync_server.url(), log=_quiet)
    keep = rsync_server.www / "qingxi" / REMOVED_URL / "留言.txt"
    keep.write_text("不是网站生成的文件", encoding="utf-8")
    deploy(builds.v3.dir, rsync_server.url(), log=_quiet)
    assert keep.read_text(encoding="utf-8") == "不是网站生成的文件"
    assert not (keep.parent / "index.html").exists() and not (keep.parent / "print").exists()


def test_dry_run_changes_nothing(builds: Builds, rsync_server: RsyncServer) -> None:
    lines: list[str] = []
    plan = deploy(builds.v1.dir, rsync_server.url(), dry_run=True, log=lines.append)
    assert not (rsync_server.www / "qingxi").exists()
    assert len(plan.uploads) == len(builds.v1.files())

    deploy(builds.v1.dir, rsync_server.url(), log=_quiet)
    module = rsync_server.www / "qingxi"
    before = {p: (b, (module / p).stat().st_mtime_ns) for p, b in tree(module).items()}
    lines.clear()
    plan = deploy(builds.v3.dir, rsync_server.url(), dry_run=True, log=lines.append)
    after = {p: (b, (module / p).stat().st_mtime_ns) for p, b in tree(module).items()}
    assert after == before
    assert plan.uploads and plan.deletes
    assert f"上传 {NOTICE_PAGE}" in lines and f"删除 {REMOVED_URL}index.html" in lines
    assert lines.index(f"删除 {REMOVED_URL}index.html") < lines.index("上传 manifest.json")
    assert "试运行" in lines[0] and "试运行" in lines[-1]


def _cutting_rsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut_at: int) -> Path:
    """An rsync that, on its ``cut_at``-th run, sends half of its list and then fails
    like a dropped connection (exit code 12); every other run is the real rsync."""
    wrapper = tmp_path / "rsync-cut"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        + """\
import os, subprocess, sys
count_file = os.environ["CUT_COUNT"]
n = int(open(count_file).read() or 0) + 1 if os.path.exists(count_file) else 1
open(count_file, "w").write(str(n))
args = sys.argv[1:]
if n == int(os.environ["CUT_AT"]):
    for a in args:
        if a.startswith("--files-from="):
            listing = a.split("=", 1)[1]
            names = [x for x in open(listing, "rb").read().split(b"\\0") if x]
            open(listing, "wb").write(b"".join(x + b"\\0" for x in names[: len(names) // 2]))
            subprocess.run(["rsync", *args], check=False)
    sys.stderr.write("rsync: connection unexpectedly closed (0 bytes received so far) [sender]\\n")
    sys.exit(12)
os.execvp("rsync", ["rsync", *args])
""",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    count = tmp_path / "rsync-cut-count"
    monkeypatch.setenv("CUT_COUNT", str(count))
    monkeypatch.setenv("CUT_AT", str(cut_at))
    monkeypatch.setattr(rsync_module, "RSYNC", str(wrapper))
    return count


def _dangling_links(site: dict[str, bytes], published: set[str]) -> list[str]:
    """Links in the HTML pages of ``site`` to published files that are not in ``site``."""
    missing = []
    for path, content in site.items():
        if not path.endswith(".html"):
            continue
        for link in _LINK.findall(content):
            target = link.decode()
            target = target + "index.html" if target.endswith("/") or target == "" else target
            if target in published and target not in site:
                missing.append(f"{path} -> {target}")
    return missing


# v1 -> v3 runs rsync 7 times: read the manifest, 4 upload batches, delete files and
# the folders they leave empty (one run), upload the manifest. Cut each of runs 2-7.
RSYNC_RUNS = 7


def test_every_run_is_a_cut_point(builds: Builds, rsync_server: RsyncServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy(builds.v1.dir, rsync_server.url(), log=_quiet)
    count = _cutting_rsync(tmp_path, monkeypatch, cut_at=0)
    plan = deploy(builds.v3.dir, rsync_server.url(), log=_quiet)
    assert int(count.read_text()) == RSYNC_RUNS
    assert [s.action for s in plan.steps] == ["upload"] * 4 + ["delete", "upload"]


@pytest.mark.parametrize("cut_at", range(2, RSYNC_RUNS + 1))
def test_cut_half_way_keeps_the_site_consistent_and_a_rerun_completes(
    builds: Builds, rsync_server: RsyncServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut_at: int
) -> None:
    shutil.copytree(builds.v1.dir, rsync_server.www / "qingxi")  # as a finished deploy of v1 leaves it
    v1, v3 = builds.v1.files(), builds.v3.files()
    count = _cutting_rsync(tmp_path, monkeypatch, cut_at)
    with pytest.raises(DeployError) as failed:
        deploy(builds.v3.dir, rsync_server.url(), log=_quiet)
    assert "重新运行" in str(failed.value)
    assert int(count.read_text()) == cut_at

    on_server = _site_files(rsync_server.www)
    assert on_server["manifest.json"] == v1["manifest.json"], "the old manifest stays until the end"
    for path, content in on_server.items():
        assert content in (v1.get(path), v3.get(path)), f"{path} is neither the old nor the new file"
    assert not _dangling_links(on_server, set(v1) | set(v3))
    if any(on_server.get(p) != content for p, content in v3.items() if p != "manifest.json"):
        assert set(v1) <= set(on_server), "nothing is deleted before every new file is up"

    monkeypatch.setattr(rsync_module, "RSYNC", "rsync")
    plan = deploy(builds.v3.dir, rsync_server.url(), log=_quiet)
    assert set(plan.deletes) == set(v1) - set(v3)
    assert _site_files(rsync_server.www) == v3
    assert not (rsync_server.www / "qingxi" / REMOVED_URL).exists()


def test_local_folder_target(builds: Builds, tmp_path: Path) -> None:
    target = tmp_path / "srv" / "qingxi"
    target.parent.mkdir()
    deploy(builds.v1.dir, str(target), log=_quiet)
    plan = deploy(builds.v3.dir, str(target) + "/", log=_quiet)
    assert set(plan.uploads) == changed(builds.v1.files(), builds.v3.files())
    assert {p: b for p, b in tree(target).items() if not p.endswith("/")} == builds.v3.files()


def test_refuses_a_target_holding_something_else(builds: Builds, tmp_path: Path) -> None:
    target = tmp_path / "other"
    target.mkdir()
    (target / "manifest.json").write_text('{"name": "another app", "icons": []}', encoding="utf-8")
    (target / "index.html").write_text("另一个网站", encoding="utf-8")
    with pytest.raises(DeployError, match="不是阳光党务生成的"):
        deploy(builds.v1.dir, str(target), log=_quiet)
    assert (target / "index.html").read_text(encoding="utf-8") == "另一个网站"


def test_refuses_a_site_folder_changed_after_the_build(builds: Builds, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(builds.v1.dir, site)
    (site / "about" / "index.html").write_text("改过", encoding="utf-8")
    with pytest.raises(DeployError, match=re.escape("与 manifest.json 不符")):
        deploy(site, str(tmp_path / "out"), log=_quiet)
    assert not (tmp_path / "out").exists()


def test_missing_rsync_program_is_explained(builds: Builds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rsync_module, "RSYNC", str(tmp_path / "no-such-rsync"))
    with pytest.raises(DeployError, match="apt-get install rsync"):
        deploy(builds.v1.dir, str(tmp_path / "out"), log=_quiet)


def test_delete_takes_only_the_listed_paths(tmp_path: Path) -> None:
    """Names with rsync wildcards match only themselves; foreign files and their folders stay."""
    from sunshine.deploy.rsync import RsyncBackend

    site = tmp_path / "site"
    site.mkdir()
    target = tmp_path / "target"
    for rel in ["a/b/gone.html", "a/b/foreign.txt", "a/keep.html", "c/gone.html", "d/st*ar[1].pdf", "d/stXar1.pdf"]:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(rel, encoding="utf-8")
    RsyncBackend(site, str(target)).delete(["a/b/gone.html", "c/gone.html", "d/st*ar[1].pdf"], keep_dirs={"a", "d"})
    left = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    assert left == ["a", "a/b", "a/b/foreign.txt", "a/keep.html", "d", "d/stXar1.pdf"]
