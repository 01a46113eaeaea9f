"""QR codes for printed notices (sunshine.qr): segno's drawing, cached, never trusted blindly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import segno

from sunshine.packcache import PackCache
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
    first = qr_svg(URLS[1], PackCache(tmp_path))
    (pack,) = tmp_path.iterdir()
    reader = PackCache(tmp_path)
    (key,) = reader.index
    assert reader.get(key) == first.encode()
    pack.write_bytes(pack.read_bytes().replace(b"</svg>", b"</svG>"))  # damaged: made again, added anew
    assert qr_svg(URLS[1], PackCache(tmp_path)) == first
    assert PackCache(tmp_path).get(key) == first.encode()


def test_a_cached_entry_that_is_no_whole_svg_is_made_again(tmp_path: Path) -> None:
    key = next(iter(_keys_of(URLS[1], tmp_path)))
    forged = PackCache(tmp_path, scan=False)
    forged.put(key, b"<svg>forged")  # intact frame, but not a whole SVG
    forged.close()
    assert qr_svg(URLS[1], PackCache(tmp_path)) == qr_svg(URLS[1])


def _keys_of(url: str, folder: Path) -> set[str]:
    scratch = folder / "scratch"
    qr_svg(url, PackCache(scratch))
    keys = set(PackCache(scratch).index)
    shutil.rmtree(scratch)
    return keys


def test_a_cached_code_needs_no_encoder_once_its_version_is_known(tmp_path: Path) -> None:
    """A quick rebuild takes segno's version from its store (sunshine.quickstore) and
    finds the code in the cache without importing segno; another version's code is
    not taken."""
    import subprocess
    import sys

    folder = tmp_path / "qr"
    made = str(qr_svg(URLS[1], PackCache(folder)))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sunshine import qr\n"
        "from sunshine.packcache import PackCache\n"
        "qr.adopt_version(sys.argv[1])\n"
        f"svg = qr.qr_svg({URLS[1]!r}, PackCache(Path({str(folder)!r})))\n"
        "print('segno' in sys.modules)\n"
        "print(svg)\n"
    )
    same = subprocess.run([sys.executable, "-c", code, segno.__version__], capture_output=True, text=True, check=True)
    assert same.stdout.splitlines() == ["False", made]
    other = subprocess.run([sys.executable, "-c", code, "0.0.0"], capture_output=True, text=True, check=True)
    assert other.stdout.splitlines() == ["True", made]  # drawn again, by segno
