"""Inline SVG charts drawn at build time: no JavaScript, readable at 320 px and in print.

Each chart carries a <title> and <desc>; the page shows the exact numbers in a
table beside it. Top and bottom marks are told apart by symbol and pattern, not
by colour alone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal

from .schema import Mark

__all__ = ["bar_chart", "heat_level", "rank_chart"]

_WIDTH = 360
_LABEL = 92
_ROW = 28
_FILL = {"top": "#a11d16", "bottom": "url(#{id}-hatch)", "": "#6b6b6b"}
_SYMBOL = {"top": "★", "bottom": "▼", "": ""}


def _escape(text: str) -> str:
    """&, < and > as entities (xml.sax.saxutils.escape, whose import costs more than the charts)."""
    return html.escape(text, quote=False)


def bar_chart(chart_id: str, rows: Sequence[tuple[str, Decimal, Mark]], full: Decimal, title: str) -> str:
    """Horizontal bars of totals, best first; ``rows`` are (label, total, mark)."""
    height = len(rows) * _ROW + 24
    span = _WIDTH - _LABEL - 60
    scale = float(span) / float(full) if full else 0.0
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{_escape(title)}</title>',
        f'<desc id="{chart_id}-d">{_escape("；".join(f"{label} {total} 分" for label, total, _ in rows))}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#d9d9d9"/><rect width="3" height="6" fill="#555"/></pattern></defs>',
    ]
    for i, (label, total, mark) in enumerate(rows):
        y = 8 + i * _ROW
        width = max(1.0, float(total) * scale)
        fill = _FILL[mark].format(id=chart_id)
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1f1f1f">{_escape(_SYMBOL[mark] + label)}</text>'
            f'<rect x="{_LABEL}" y="{y + 3}" width="{width:.1f}" height="18" fill="{fill}" stroke="#1f1f1f" stroke-width="0.5"/>'
            f'<text x="{_LABEL + width + 4:.1f}" y="{y + 16}" font-size="13" fill="#1f1f1f">{total}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def rank_chart(chart_id: str, points: Sequence[tuple[str, int | None]], count: int, title: str) -> str:
    """A line of one subject's rank over periods (rank 1 at the top); None is a gap."""
    height = 150
    top, bottom, left, right = 18, height - 28, 28, _WIDTH - 16
    n = max(count, 2)
    step = (right - left) / max(len(points) - 1, 1)

    def y_of(rank: int) -> float:
        return top + (rank - 1) * (bottom - top) / (n - 1)

    parts = [
        f'<svg class="chart chart-rank" viewBox="0 0 {_WIDTH} {height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{_escape(title)}</title>',
        f'<desc id="{chart_id}-d">{_escape("；".join(f"{label} 第{rank}名" if rank else f"{label} 未参评" for label, rank in points))}</desc>',
        f'<line x1="{left}" y1="{top}" x2="{right}" y2="{top}" stroke="#d6d6d6"/>',
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#d6d6d6"/>',
        f'<text x="4" y="{top + 4}" font-size="11" fill="#555">1</text>',
        f'<text x="4" y="{bottom + 4}" font-size="11" fill="#555">{n}</text>',
    ]
    line: list[str] = []
    for i, (label, rank) in enumerate(points):
        x = left + i * step
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" fill="#555">{_escape(label)}</text>')
        if rank is None:
            if len(line) > 1:
                parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="#a11d16" stroke-width="2.5"/>')
            line = []
            continue
        y = y_of(rank)
        line.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#a11d16"/>'
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="12" fill="#1f1f1f">{rank}</text>'
        )
    if len(line) > 1:
        parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="#a11d16" stroke-width="2.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def heat_level(score: Decimal, maximum: float) -> int:
    """0–4: how close a score is to its criterion's maximum, for the heat table."""
    if maximum <= 0:
        return 0
    ratio = float(score) / maximum
    return 4 if ratio >= 0.95 else 3 if ratio >= 0.9 else 2 if ratio >= 0.8 else 1 if ratio >= 0.7 else 0
