"""Page weight: home and a record page under 60 KB gzipped with their CSS and JS; our JS under 20 KB."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from conftest import build_in_memory

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
