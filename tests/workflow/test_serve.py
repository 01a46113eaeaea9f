"""The preview server's parts, driven directly (no sockets): rebuild, watch, respond."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from sunshine.serve import PANEL_ID, ChangeWatcher, Preview, Rebuilder, report, serve

from .conftest import options_for

NOTICE = "content/notices/2020-06-fazhan-duixiang-gongshi.md"
PAGE = "notices/2020-06-fazhan-duixiang-gongshi/index.html"
URL = "/qingxi/notices/2020-06-fazhan-duixiang-gongshi/"
SENTENCE = "以下三名同志拟列为发展对象"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def page_text(root: Path) -> str:
    return (root / "out" / PAGE).read_text(encoding="utf-8")


@pytest.fixture
def rebuilder(sample_root: Path) -> Rebuilder:
    rebuilder = Rebuilder(options_for(sample_root))
    first = rebuilder.rebuild()
    assert first.ok, first.problems_text
    return rebuilder


def test_good_change_swaps_the_site(sample_root: Path, rebuilder: Rebuilder) -> None:
    edit(sample_root, NOTICE, SENTENCE, "以下三名同志（第二版）拟列为发展对象")
    result = rebuilder.rebuild()
    assert result.ok and result.problems_text == "" and result.seconds > 0
    assert "（第二版）" in page_text(sample_root)
    beside = [p.name for p in sample_root.glob(".out.*")]
    assert beside == [".out.spare"]  # no temp folder left beside the output, only the kept spare


def test_bad_change_keeps_last_good_site_and_fix_clears_the_panel(sample_root: Path, rebuilder: Rebuilder) -> None:
    preview = Preview(rebuilder, '<script src="/livereload.js?port=8000" defer></script>')
    good = page_text(sample_root)

    edit(sample_root, NOTICE, "org: town", "org: nosuch")
    broken = rebuilder.rebuild()
    assert not broken.ok
    assert broken.problems_text == f"{NOTICE}:3: org: 未知的组织编号“nosuch” — 可选：beiwu、dongshan、feigong、jiguan、nantang、shiqiao、town、xiaoxue、xikou、xiling、zhulin"
    assert page_text(sample_root) == good  # the last good site stays on disk
    served = preview.respond(URL)
    assert served.status == 200
    body = served.body.decode()
    assert f'id="{PANEL_ID}"' in body and "网站未更新：发现 1 个问题" in body
    assert "未知的组织编号“nosuch”" in body and SENTENCE in body
    assert body.index(PANEL_ID) > body.index("<body")
    head = body[: body.index("</head>")]
    assert '<script src="/livereload.js?port=8000" defer></script>' in head and "/__sunshine__/problems.css" in head
    assert "网站未更新：发现 1 个问题" in report(broken)

    edit(sample_root, NOTICE, "org: nosuch", "org: town")
    fixed = rebuilder.rebuild()
    assert fixed.ok
    body = preview.respond(URL).body.decode()
    assert PANEL_ID not in body and SENTENCE in body


def test_template_error_names_the_template_and_line(sample_root: Path, rebuilder: Rebuilder) -> None:
    edit(sample_root, "templates/kinds/notice.html", "{% block content %}", "{% block content %}{{ no_such_value.x }}")
    result = rebuilder.rebuild()
    assert not result.ok
    line = next(n for n, text in enumerate((sample_root / "templates/kinds/notice.html").read_text().splitlines(), 1) if "no_such_value" in text)
    assert result.problems == (
        f"templates/kinds/notice.html:{line}: 模板错误：'no_such_value' is undefined — 请检查这一行的变量名、过滤器和 {{% %}} 标签是否成对",
    )
    edit(sample_root, "templates/kinds/notice.html", "{{ no_such_value.x }}", "{% if %}")
    result = rebuilder.rebuild()
    assert result.problems[0].startswith(f"templates/kinds/notice.html:{line}: 模板错误：")
    assert "网站未更新" in Preview(rebuilder).respond(URL).body.decode()


def test_internal_edition_previews_party_records(sample_root: Path) -> None:
    public = Rebuilder(options_for(sample_root))
    internal = Rebuilder(options_for(sample_root, edition="internal"))
    assert public.rebuild().ok and internal.rebuild().ok
    party = "/qingxi/notices/2020-05-minzhu-pingyi-jieguo/"
    assert Preview(public).respond(party).status == 404
    assert Preview(internal).respond(party).status == 200


def test_preview_maps_the_path_prefix(sample_root: Path, rebuilder: Rebuilder) -> None:
    preview = Preview(rebuilder)
    assert (preview.respond("/").status, preview.respond("/").location) == (302, "/qingxi/")
    assert preview.respond("/qingxi").location == "/qingxi/"
    assert preview.respond("/qingxi/notices").location == "/qingxi/notices/"
    home = preview.respond("/qingxi/")
    assert home.status == 200 and home.content_type == "text/html; charset=utf-8"
    assert preview.respond("/qingxi/static/css/site.css").content_type == "text/css; charset=utf-8"
    missing = preview.respond("/qingxi/no-such-page/")
    assert missing.status == 404 and "<html" in missing.body.decode()
    assert preview.respond("/qingxi/%2e%2e/config.yaml").status == 404
    assert preview.respond("/other/").status == 404
    assert preview.respond("/__sunshine__/problems.css").status == 200


def test_first_build_failure_still_serves_a_page(sample_root: Path) -> None:
    edit(sample_root, "config.yaml", "title: 青溪镇阳光党务", "titel: 青溪镇阳光党务")
    rebuilder = Rebuilder(options_for(sample_root))
    result = rebuilder.rebuild()
    assert not result.ok and "config.yaml" in result.problems_text
    reply = Preview(rebuilder).respond("/")
    assert reply.status == 503 and "网站未更新" in reply.body.decode()


def test_watcher_waits_for_a_burst_to_settle(sample_root: Path) -> None:
    watcher = ChangeWatcher(sample_root, settle=0.3)
    assert watcher.poll(0.0) == []
    edit(sample_root, NOTICE, SENTENCE, "第一次保存")
    assert watcher.poll(1.0) == []  # just seen: wait for quiet
    edit(sample_root, "config.yaml", "per_page: 20", "per_page: 21")
    (sample_root / "content/notices/.a.md.swp").write_text("x", encoding="utf-8")  # editor litter is ignored
    assert watcher.poll(1.2) == []  # still saving
    assert watcher.poll(1.4) == []
    assert watcher.poll(1.6) == ["config.yaml", NOTICE]  # one rebuild for the burst
    assert watcher.poll(5.0) == []
    (sample_root / NOTICE).unlink()
    assert watcher.poll(6.0) == []
    assert watcher.poll(6.5) == [NOTICE]  # deletions count


def test_serve_binds_loopback_by_default() -> None:
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
