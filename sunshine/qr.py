"""QR codes of page addresses for printed notices, as inline SVG.

zxing-cpp encodes (its writer is the Zint library, in C: error correction M, the
mask Zint finds best; about 0.6 ms a code where segno, pure Python, took 2.5 ms
even with a fixed mask, and a cold build at N = 10,000 draws 6,300 of them).
tests/browser/test_print.py decodes the printed code. The SVG is written here from
the module matrix: one path of horizontal runs per row. Codes are kept in pack files
in ``.cache/qr/`` (:mod:`sunshine.packcache`) by address, drawing and zxing-cpp's
version; a damaged entry is made again. zxing-cpp is imported only to make a code:
a quick rebuild takes its version from the store of the build it patches
(:func:`adopt_version`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from markupsafe import Markup

from .packcache import PackCache

__all__ = ["ENCODER", "adopt_version", "encoder_version", "matrix", "qr_svg"]

ENCODER = "zxing-cpp"  # the package whose version is part of a code's cache key
FORMAT = 3  # part of the cache key: change it when the drawing changes
SCALE = 3
BORDER = 4  # the quiet zone, in modules
TITLE = "本页网址的二维码"
_RUNS = re.compile(rb"\x00+")  # dark modules, in zxing-cpp's image of the symbol
_VERSION: list[str] = []  # zxing-cpp's, once known


def encoder_version() -> str:
    """zxing-cpp's version (asked of the package metadata once; it has no ``__version__``)."""
    if not _VERSION:
        from .cachefile import package_version

        _VERSION.append(package_version(ENCODER))
    return _VERSION[0]


def adopt_version(version: str) -> None:
    """Take zxing-cpp's version as a build with the same engine fingerprint (which
    includes the installed version) recorded it, without asking the package metadata."""
    _VERSION[:] = [version]


def qr_svg(url: str, cache: PackCache | None = None) -> Markup:
    """An inline SVG QR code of ``url``, made at build time (or taken from ``cache``)."""
    key = hashlib.sha256(f"{ENCODER}={encoder_version()}\0format{FORMAT}\0{url}".encode()).hexdigest()
    cached = cache.get(key) if cache is not None else None
    if cached is not None and cached.startswith(b"<svg") and cached.endswith(b"</svg>"):
        return Markup(cached.decode("utf-8"))
    svg = _svg(matrix(url))
    if cache is not None:
        cache.put(key, svg.encode("utf-8"))
    return Markup(svg)


def matrix(url: str) -> list[bytes]:
    """The code's modules, a row of bytes each: 0 dark, 255 light; no quiet zone."""
    import zxingcpp

    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    if code.ec_level != "M":  # pragma: no cover - an unknown option is ignored, not refused
        raise RuntimeError(f"zxing-cpp made a code with error correction {code.ec_level!r}, not M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    height, width = image.shape
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # the stub omits its buffer protocol
    return [pixels[y * width : (y + 1) * width] for y in range(height)]


def _svg(rows: Sequence[bytes | bytearray]) -> str:
    size = (len(rows) + 2 * BORDER) * SCALE
    return (
        f'<svg role="img" aria-label="{TITLE}" width="{size}" height="{size}" class="qr-code"><title>{TITLE}</title>'
        f'<path transform="scale({SCALE})" class="qrline" stroke="#000" d="{_path(rows)}"/></svg>'
    )


def _path(rows: Sequence[bytes | bytearray]) -> str:
    """Dark runs of each row as moves relative to the pen: ``M4 4.5h7m2 0h1m-25 1h1…``."""
    parts: list[str] = []
    pen_x, pen_y = 0, 0
    first = True
    for y, row in enumerate(rows):
        for run in _RUNS.finditer(row):
            x, length = run.start() + BORDER, run.end() - run.start()
            if first:
                parts.append(f"M{x} {y + BORDER}.5h{length}")
                first = False
            else:
                parts.append(f"m{x - pen_x} {y + BORDER - pen_y}h{length}")
            pen_x, pen_y = x + length, y + BORDER
    return "".join(parts)
