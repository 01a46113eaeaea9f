"""QR codes for printed notices (sunshine.qr): the drawing decodes to the address, cached, never trusted blindly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from sunshine import qr
from sunshine.packcache import PackCache
from sunshine.qr import BORDER, SCALE, TITLE, qr_svg

URLS = [
    "https://dangwu.example.gov.cn/",
    "https://dangwu.example.gov.cn/qingxi/notices/2020-06-01-fazhan-dangyuan-gongshi/",
    "/qingxi/notices/a/",
    "https://example.org/" + "x" * 300,
    "https://青溪镇.example.cn/公示/2020年/第1号/",
]


def _draw(svg: str, zoom: int = 4) -> Image.Image:
    """The SVG's path painted as a scanner would see it (each run a row of squares)."""
    match = re.fullmatch(
        rf'<svg role="img" aria-label="{TITLE}" width="(\d+)" height="\1" class="qr-code"><title>{TITLE}</title>'
        rf'<path transform="scale\({SCALE}\)" class="qrline" stroke="#000" d="([^"]+)"/></svg>',
        svg,
    )
    assert match, svg[:200]
    side = int(match[1]) // SCALE
    image = Image.new("L", (side * zoom, side * zoom), 255)
    pen = ImageDraw.Draw(image)
    x = y = 0.0
    for command, dx, dy, length in re.findall(r"([Mm])(-?\d+) (-?[\d.]+)h(\d+)", match[2]):
        x, y = (float(dx), float(dy)) if command == "M" else (x + float(dx), y + float(dy))
        top = int(y - 0.5)
        pen.rectangle([x * zoom, top * zoom, (x + int(length)) * zoom - 1, (top + 1) * zoom - 1], fill=0)
        x += int(length)
    return image


@pytest.mark.parametrize("url", URLS)
def test_the_drawing_decodes_to_the_address(url: str) -> None:
    """The path written here, painted, is read back by a scanner as ``url``; it has the
    quiet zone and holds exactly the encoder's dark modules."""
    svg = str(qr_svg(url))
    found = zxingcpp.read_barcode(_draw(svg))
    assert found is not None and found.text == url
    assert found.format == zxingcpp.BarcodeFormat.QRCode and found.ec_level == "M"
    rows = qr.matrix(url)
    painted = _draw(svg, zoom=1)
    side = len(rows) + 2 * BORDER
    assert painted.size == (side, side)
    dark = {(x, y) for y in range(side) for x in range(side) if painted.getpixel((x, y)) == 0}
    assert dark == {(x + BORDER, y + BORDER) for y, row in enumerate(rows) for x, v in enumerate(row) if v == 0}


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
    """A quick rebuild takes zxing-cpp's version from its store (sunshine.quickstore) and
    finds the code in the cache without importing the encoder or reading package
    metadata; another version's code is not taken."""
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
        "print([m for m in ('zxingcpp', 'importlib.metadata') if m in sys.modules])\n"
        "print(svg)\n"
    )
    same = subprocess.run([sys.executable, "-c", code, qr.encoder_version()], capture_output=True, text=True, check=True)
    assert same.stdout.splitlines() == ["[]", made]
    other = subprocess.run([sys.executable, "-c", code, "0.0.0"], capture_output=True, text=True, check=True)
    assert other.stdout.splitlines() == ["['zxingcpp']", made]  # drawn again, by the encoder
