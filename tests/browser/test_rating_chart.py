"""A rating at phone width: the chart is visible and its table says what the CSV says."""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Callable
from typing import Any

from .conftest import Served, watch


def test_chart_visible_and_table_matches_csv(site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740)
    log = watch(page)
    page.goto(site.at("ratings/2020-q1/"))
    chart = page.locator("svg.chart").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 100, box
    assert chart.locator("title").text_content() == "2020年第一季度各组织总分"
    table = page.locator("table.ranking tbody tr")
    shown = [
        (row.locator("td").first.inner_text().split()[0], row.locator("th").inner_text(), row.locator("td strong").inner_text())
        for row in table.all()
    ]
    with urllib.request.urlopen(site.at("data/ratings/2020-q1.csv")) as response:
        data = response.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))[1:]
    assert shown == [(r[0], r[2], r[-3]) for r in rows]
    # every bar's label and number are in the chart, in rank order
    texts = chart.evaluate("s => [...s.querySelectorAll('text')].map(t => t.textContent)")
    assert [t for t in texts if t[0].isdigit()] == [r[-3] for r in rows]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert log.console_errors == [], log.report()
