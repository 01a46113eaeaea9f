"""Page weight: home and a record page under 60 KB gzipped with their CSS and JS; our JS
under 20 KB; on a large site, no page lists more than a page of records."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from conftest import build_in_memory, generated_site

REPO = Path(__file__).resolve().parents[2]
ROOT_PAGES = ["index.html", "notices/2020-06-fazhan-duixiang-gongshi/index.html", "ratings/2020-q1/index.html"]


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return build_in_memory(Path(__file__).resolve().parents[2], now="2020-06-15T10:00:00+08:00")


@pytest.mark.parametrize("page", ROOT_PAGES)
def test_page_with_its_assets_is_light(files: dict[str, bytes], page: str) -> None:
    html = files[page]
    assets = re.findall(rb'(?:href|src)="/qingxi/(static/[^"]+\.(?:css|js))"', html)
    total = len(gzip.compress(html)) + sum(len(gzip.compress(files[a.decode()])) for a in assets)
    assert assets, "the page links its stylesheet and script"
    assert total < 60 * 1024, f"{page}: {total} bytes gzipped"


def test_own_javascript_is_small(files: dict[str, bytes]) -> None:
    own = sum(len(content) for path, content in files.items() if path.startswith("static/") and path.endswith(".js"))
    assert own < 20 * 1024, f"{own} bytes of our own JavaScript"


# ---------------------------------------------------------------- a large site: long lists are paged

@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The benchmark's corpus at 1,500 records, with 20 rows a page (``long_per_page``)."""
    root = generated_site(tmp_path_factory.mktemp("large"), 1500, 11, long_per_page=20)
    return root, build_in_memory(root, now="2020-06-15T10:00:00+08:00")


def _listed(html: bytes) -> list[str]:
    """The record addresses a catalog table or record list links to."""
    return [a or b for a, b in re.findall(r'<td><a href="([^"]+)">|<a class="rec-title" href="([^"]+)">', html.decode("utf-8"))]


def _pages_of(files: dict[str, bytes], base: str) -> list[bytes]:
    pages = [files[base + "index.html"]]
    n = 2
    while base + f"page/{n}/index.html" in files:
        pages.append(files[base + f"page/{n}/index.html"])
        n += 1
    return pages


def test_no_listing_page_of_a_large_site_lists_more_than_a_page_of_records(large: tuple[Path, dict[str, bytes]]) -> None:
    _, files = large
    catalog = json.loads(files["data/catalog.json"])["records"]
    assert len(catalog) > 1000
    for path, html in files.items():
        if path.endswith(".html"):
            assert len(_listed(html)) <= 20, path
    # the catalog's pages, together, list every record once, newest first
    pages = _pages_of(files, "catalog/")
    assert len(pages) == -(-len(catalog) // 20)
    seen = [url for page in pages for url in _listed(page)]
    assert sorted(seen) == sorted(r["url"] for r in catalog) and len(set(seen)) == len(seen)
    dates = {r["url"]: r["date"] for r in catalog}
    assert [dates[u] for u in seen] == sorted((dates[u] for u in seen), reverse=True)
    assert b'data-source="/qingxi/data/catalog.json"' in pages[0] and b'rel="next"' in pages[0]
    assert "（第2页）" in pages[1].decode("utf-8").split("</title>")[0]
    # so do a year's archive and an organisation's page; its ratings and disclosure stay on the first
    orgs = sorted({path.split("/")[1] for path in files if path.startswith("orgs/") and path.count("/") == 2})
    for base in ["archive/2019/"] + [f"orgs/{org}/" for org in orgs]:
        pages = _pages_of(files, base)
        linked = [u for page in pages for u in _listed(page)]
        assert len(set(linked)) == len(linked), base
        if base.startswith("orgs/"):
            assert len(linked) == int(re.findall(r'<h2 id="recs-h">公开内容（(\d+) 条）', pages[0].decode("utf-8"))[0])
            assert all(b'id="hist-h"' not in page for page in pages[1:])
    assert len(_pages_of(files, "archive/2019/")) > 1
    rated = [org for org in orgs if b'id="hist-h"' in files[f"orgs/{org}/index.html"] and len(_pages_of(files, f"orgs/{org}/")) > 1]
    assert rated  # a branch's ranks stay on its first page
    assert max(len(html) for path, html in files.items() if path.endswith(".html")) < 400 * 1024
