"""The annual disclosure report (党务公开年度报告): numbers computed, prose by staff.

``python build.py report --annual 2020`` writes ``reports/annual-2020.html``: counts
per category, organisation and kind, the on-time rate against the catalog, notices
held and objections received, corrections and withdrawals. Staff write the prose in
``reports/annual-2020.md`` (Markdown), which the page includes.
"""

from __future__ import annotations

from pathlib import Path

from .markdown import render_markdown
from .render import make_environment
from .reports import annual_numbers
from .site import Site

__all__ = ["write_annual_report"]


def write_annual_report(site: Site, year: int, out: Path | None = None) -> Path:
    root = site.options.root
    prose_file = root / "reports" / f"annual-{year}.md"
    prose = ""
    if prose_file.is_file():
        prose = render_markdown(prose_file.read_text(encoding="utf-8"), "reports", lambda _: (None, None)).html
    env = make_environment(site)
    cfg = site.cfg
    html = env.get_template("annual.html").render(
        site=cfg.site, footer=cfg.footer, year=year, numbers=annual_numbers(site, year), prose=prose,
        prose_file=prose_file.relative_to(root).as_posix(), build_time=site.options.now.astimezone(site.tz),
    )
    target = out or root / "reports" / f"annual-{year}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target
