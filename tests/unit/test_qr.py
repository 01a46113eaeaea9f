"""QR codes for printed notices (sunshine.qr): segno's drawing, cached, never trusted blindly."""

from __future__ import annotations

from pathlib import Path

import pytest
import segno

from sunshine.qr import MASK, TITLE, qr_svg

URLS = [
    "https://dangwu.example.gov.cn/",
    "https://dangwu.example.gov.cn/qingxi/notices/2020-06-01-fazhan-dangyuan-gongshi/",
    "/qingxi/notices/a/",
    "https://example.org/" + "x" * 300,
]


@pytest.mark.parametrize("url", URLS)
def test_the_drawing_is_segnos_own(url: str) -> None:
    """The path written here is the one segno's SVG writer makes for the same code."""
    theirs = segno.make(url, error="m", micro=False, mask=MASK).svg_inline(scale=3, title=TITLE)
    ours = str(qr_svg(url))
    assert ours == theirs.replace("<svg ", f'<svg role="img" aria-label="{TITLE}" ', 1)


def test_codes_are_cached_and_a_damaged_entry_is_made_again(tmp_path: Path) -> None:
    first = qr_svg(URLS[1], tmp_path)
    (entry,) = tmp_path.iterdir()
    assert entry.read_text(encoding="utf-8") == first
    entry.write_text("<svg>forged</svg>"[:-1], encoding="utf-8")  # cut: not a whole SVG
    assert qr_svg(URLS[1], tmp_path) == first
    assert entry.read_text(encoding="utf-8") == first
