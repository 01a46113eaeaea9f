"""Phone screenshots (360 px wide, full page) for the README, in docs/screenshots/.

The browser clock is fixed to the build time so each notice shows the status the
build gave it. The files are committed; they may change from run to run.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import NOW, ROOT, Served

SHOTS = {
    "home": "",
    "notice": "notices/2020-06-fazhan-duixiang-gongshi/",
    "rating": "ratings/2020-q1/",
    "catalog": "catalog/",
}
OUT = ROOT / "docs" / "screenshots"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("name", list(SHOTS))
def test_phone_screenshot(name: str, site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740, device_scale_factor=1, timezone_id="Asia/Shanghai")
    page.clock.set_fixed_time(NOW)
    page.goto(site.at(SHOTS[name]))
    page.evaluate("document.fonts.ready.then(() => true)")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    data = page.screenshot(path=str(path), full_page=True, animations="disabled")
    width, height = _png_size(data)
    print(f"{path}: {width}x{height}")
    assert width == 360, f"{name}: screenshot is {width}px wide, the page scrolls sideways"
    assert height >= 740
