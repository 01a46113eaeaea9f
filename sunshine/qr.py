"""QR codes of page addresses for printed notices, as inline SVG.

segno encodes (error correction M, a fixed mask: choosing the best of eight is four
fifths of its cost and any mask scans; tests/browser/test_print.py decodes the
printed code). The SVG is written here from segno's module matrix: one path of
horizontal runs per row, the same drawing segno's own writer makes, without its
option handling (a third of the time). Codes are kept in pack files in
``.cache/qr/`` (:mod:`sunshine.packcache`) by address, mask and segno version; a
damaged entry is made again. segno is imported only to make a code: a quick rebuild
takes its version from the store of the build it patches (:func:`adopt_version`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from markupsafe import Markup

from .packcache import PackCache

__all__ = ["MASK", "adopt_version", "qr_svg", "segno_version"]

MASK = 4
FORMAT = 2  # part of the cache key: change it when the drawing changes
SCALE = 3
BORDER = 4  # the quiet zone, in modules
TITLE = "本页网址的二维码"
_RUNS = re.compile(rb"\x01+")
_VERSION: list[str] = []  # segno's, once known


def segno_version() -> str:
    if not _VERSION:
        import segno

        _VERSION.append(segno.__version__)
    return _VERSION[0]


def adopt_version(version: str) -> None:
    """Take segno's version as a build with the same engine fingerprint (which includes
    the installed segno's version) recorded it, without importing segno (50 ms)."""
    _VERSION[:] = [version]


def qr_svg(url: str, cache: PackCache | None = None) -> Markup:
    """An inline SVG QR code of ``url``, made at build time (or taken from ``cache``)."""
    key = hashlib.sha256(f"{segno_version()}\0mask{MASK}\0format{FORMAT}\0{url}".encode()).hexdigest()
    cached = cache.get(key) if cache is not None else None
    if cached is not None and cached.startswith(b"<svg") and cached.endswith(b"</svg>"):
        return Markup(cached.decode("utf-8"))
    import segno

    svg = _svg(segno.make(url, error="m", micro=False, mask=MASK).matrix)
    if cache is not None:
        cache.put(key, svg.encode("utf-8"))
    return Markup(svg)


def _svg(matrix: Sequence[bytes | bytearray]) -> str:
    size = (len(matrix) + 2 * BORDER) * SCALE
    return (
        f'<svg role="img" aria-label="{TITLE}" width="{size}" height="{size}" class="segno"><title>{TITLE}</title>'
        f'<path transform="scale({SCALE})" class="qrline" stroke="#000" d="{_path(matrix)}"/></svg>'
    )


def _path(matrix: Sequence[bytes | bytearray]) -> str:
    """Dark runs of each row as moves relative to the pen: ``M4 4.5h7m2 0h1m-25 1h1…``."""
    parts: list[str] = []
    pen_x, pen_y = 0, 0
    first = True
    for y, row in enumerate(matrix):
        for run in _RUNS.finditer(bytes(row)):
            x, length = run.start() + BORDER, run.end() - run.start()
            if first:
                parts.append(f"M{x} {y + BORDER}.5h{length}")
                first = False
            else:
                parts.append(f"m{x - pen_x} {y + BORDER - pen_y}h{length}")
            pen_x, pen_y = x + length, y + BORDER
    return "".join(parts)
