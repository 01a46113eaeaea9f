"""The deploy plan, targets and headers, without any server."""

from __future__ import annotations

import hashlib

import pytest

from sunshine.deploy import (
    TargetError,
    cache_control,
    content_type,
    make_plan,
    parse_target,
    tier_of,
)
from sunshine.deploy.headers import CACHE_IMMUTABLE, CACHE_SHORT, CACHE_STATIC
from sunshine.deploy.plan import ASSETS, HOME, LAST, LISTS, PAGES, RECORDS, safe_path, sums_text
from sunshine.deploy.s3 import _addressing_style
from sunshine.deploy.targets import Target

URLS = {"notices/a/", "plans/p/", "about/"}


@pytest.mark.parametrize(
    ("path", "tier"),
    [
        ("static/css/site.css", ASSETS),
        ("notices/a/jingfei.csv", ASSETS),
        ("notices/a/notice.ics", ASSETS),
        ("data/records/QXZ-2020-0001.json", ASSETS),
        ("data/ratings/2020-q1.csv", ASSETS),
        ("notices/a/index.html", RECORDS),
        ("notices/a/print/index.html", RECORDS),
        ("about/index.html", RECORDS),
        ("404.html", PAGES),
        ("old/notice-path/index.html", PAGES),
        ("notices/index.html", LISTS),
        ("notices/page/2/index.html", LISTS),
        ("page/2/index.html", LISTS),
        ("catalog/service/index.html", LISTS),
        ("orgs/town/index.html", LISTS),
        ("archive/2020/index.html", LISTS),
        ("ratings/series/town/index.html", LISTS),
        ("data/catalog.json", LISTS),
        ("pagefind/index/zh_1a2b3c.pf_index", LISTS),
        ("index.html", HOME),
        ("feed.xml", HOME),
        ("orgs/town/feed.xml", HOME),
        ("notices/open.ics", HOME),
        ("sitemap.xml", HOME),
        ("robots.txt", HOME),
        ("SHA256SUMS", HOME),
        ("pagefind/pagefind-entry.json", HOME),
        ("pagefind/2019q2/index/zh_1a2b3c.pf_index", LISTS),  # a shard of the search index
        ("pagefind/2019q2/pagefind-entry.json", HOME),
        ("pagefind/shards.json", HOME),
        ("manifest.json", LAST),
    ],
)
def test_tier(path: str, tier: int) -> None:
    assert tier_of(path, URLS) == tier


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_plan_first_deploy_uploads_everything_in_order() -> None:
    new = {p: _digest(p) for p in ["manifest.json", "SHA256SUMS", "index.html", "sitemap.xml", "feed.xml", "notices/index.html", "notices/a/index.html", "static/site.css"]}
    plan = make_plan("t", new, URLS, None)
    assert plan.first and not plan.deletes
    assert plan.uploads == ["static/site.css", "notices/a/index.html", "notices/index.html", "index.html", "feed.xml", "sitemap.xml", "SHA256SUMS", "manifest.json"]
    assert plan.lines()[0] == "上传 static/site.css"


def test_plan_compares_digests_and_deletes_only_what_the_old_manifest_lists() -> None:
    old_files = {"a.html": "1", "gone.html": "2", "notices/b/index.html": "3", "../etc/passwd": "4", "/abs": "5"}
    new = {"a.html": "1", "notices/b/index.html": "changed", "SHA256SUMS": hashlib.sha256(sums_text(old_files)).hexdigest(), "manifest.json": "m2"}
    plan = make_plan("t", new, {"notices/b/"}, old_files, "m1")
    assert plan.uploads == ["notices/b/index.html", "manifest.json"]
    assert plan.deletes == ["gone.html"]
    assert [s.action for s in plan.steps] == ["upload", "delete", "upload"]
    assert plan.unchanged == 2
    assert plan.lines() == ["上传 notices/b/index.html", "删除 gone.html", "上传 manifest.json"]
    assert plan.summary() == "上传 2 个文件，删除 1 个文件，2 个文件未变"


def test_plan_nothing_to_do() -> None:
    old_files = {"a.html": "1"}
    new = {"a.html": "1", "SHA256SUMS": hashlib.sha256(sums_text(old_files)).hexdigest(), "manifest.json": "m"}
    plan = make_plan("t", new, (), old_files, "m")
    assert plan.steps == [] and plan.unchanged == 3


@pytest.mark.parametrize(
    ("target", "parsed"),
    [
        ("rsync://host/www/qingxi", Target("rsync", "rsync://host/www/qingxi/")),
        ("rsync://user@host:8873/www/", Target("rsync", "rsync://user@host:8873/www/")),
        ("deploy@host:/srv/www/qingxi", Target("rsync", "deploy@host:/srv/www/qingxi/")),
        ("host:qingxi/", Target("rsync", "host:qingxi/")),
        ("deploy@host:", Target("rsync", "deploy@host:")),
        ("/srv/www/qingxi", Target("rsync", "/srv/www/qingxi/")),
        ("./out/a:b", Target("rsync", "out/a:b/")),
        ("s3://bucket/qingxi", Target("s3", "bucket", "qingxi/")),
        ("s3://bucket//a/b/", Target("s3", "bucket", "a/b/")),
        ("s3://bucket", Target("s3", "bucket", "")),
    ],
)
def test_parse_target(target: str, parsed: Target) -> None:
    assert parse_target(target) == parsed


@pytest.mark.parametrize("target", ["", "s3://", "s3://bucket/../x", "rsync://host", "rsync:///www/", "https://user.github.io/qingxi/", "ftp://host/x"])
def test_bad_targets(target: str) -> None:
    with pytest.raises(TargetError):
        parse_target(target)


@pytest.mark.parametrize(
    ("path", "kind", "cache"),
    [
        ("index.html", "text/html; charset=utf-8", CACHE_SHORT),
        ("static/css/site.css", "text/css; charset=utf-8", CACHE_STATIC),
        ("static/js/site.js", "text/javascript; charset=utf-8", CACHE_STATIC),
        ("static/favicon.svg", "image/svg+xml; charset=utf-8", CACHE_STATIC),
        ("static/logo.png", "image/png", CACHE_STATIC),
        ("feed.xml", "application/atom+xml; charset=utf-8", CACHE_SHORT),
        ("sitemap.xml", "application/xml; charset=utf-8", CACHE_SHORT),
        ("notices/a/x.csv", "text/csv; charset=utf-8", CACHE_SHORT),
        ("notices/a/notice.ics", "text/calendar; charset=utf-8", CACHE_SHORT),
        ("notices/a/scan.pdf", "application/pdf", CACHE_SHORT),
        ("manifest.json", "application/json; charset=utf-8", CACHE_SHORT),
        ("SHA256SUMS", "text/plain; charset=utf-8", CACHE_SHORT),
        ("robots.txt", "text/plain; charset=utf-8", CACHE_SHORT),
        ("pagefind/pagefind.js", "text/javascript; charset=utf-8", CACHE_SHORT),
        ("pagefind/pagefind-entry.json", "application/json; charset=utf-8", CACHE_SHORT),
        ("pagefind/index/zh_8f3e2a.pf_index", "application/octet-stream", CACHE_IMMUTABLE),
        ("pagefind/pagefind.zh_8f3e2a.pf_meta", "application/octet-stream", CACHE_IMMUTABLE),
        ("pagefind/2019m05/fragment/zh_8f3e2a.pf_fragment", "application/octet-stream", CACHE_IMMUTABLE),
        ("pagefind/2019m05/pagefind.zh_8f3e2a.pf_meta", "application/octet-stream", CACHE_IMMUTABLE),
        ("pagefind/2019m05/pagefind-entry.json", "application/json; charset=utf-8", CACHE_SHORT),
        ("pagefind/shards.json", "application/json; charset=utf-8", CACHE_SHORT),
        ("pagefind/wasm.zh.pagefind", "application/octet-stream", CACHE_SHORT),
    ],
)
def test_headers(path: str, kind: str, cache: str) -> None:
    assert (content_type(path), cache_control(path)) == (kind, cache)


@pytest.mark.parametrize(("path", "ok"), [("a/b.html", True), ("a/../b", False), ("/a", False), ("a//b", False), ("a\\b", False), ("a\nb", False), ("", False), ("./a", False)])
def test_safe_path(path: str, ok: bool) -> None:
    assert safe_path(path) is ok


def test_addressing_style(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUNSHINE_S3_ADDRESSING", raising=False)
    assert _addressing_style("http://127.0.0.1:9000") == "path"
    assert _addressing_style("http://minio.internal:9000") == "path"
    assert _addressing_style("https://s3.vendor.example.cn") == "virtual"
    assert _addressing_style(None) == "auto"
    monkeypatch.setenv("SUNSHINE_S3_ADDRESSING", "path")
    assert _addressing_style("https://s3.vendor.example.cn") == "path"
