"""The catalog's in-page filter narrows the table; without JavaScript the table is whole.

A catalog longer than ``long_per_page`` is paged, and its filter works over all its
records (the catalog's JSON export), not the page's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import generated_site
from playwright.sync_api import expect

from .conftest import NOW, ROOT, Served, serve, watch
from .test_axe import AXE, TAGS, _format


def test_filter_by_keyword_org_and_year(site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740)
    log = watch(page)
    page.goto(site.at("catalog/"))
    rows = page.locator("table.catalog tbody tr")
    total = rows.count()
    assert total > 5
    page.get_by_label("关键词").fill("党费")
    visible = page.locator("table.catalog tbody tr:not([hidden])")
    expect(visible).to_have_count(2)
    expect(visible.first).to_contain_text("党费")
    page.get_by_label("关键词").fill("")
    page.get_by_label("发布机构").select_option("中共青溪镇西岭村支部委员会")
    expect(visible).to_have_count(1)
    expect(page.locator(".catalog-filter p")).to_have_text(f"显示 1 / {total} 条")
    page.get_by_label("发布机构").select_option("")
    page.get_by_label("年份").select_option("2020")
    expect(visible).to_have_count(total)
    assert log.console_errors == [], log.report()


def test_without_javascript_the_table_is_whole(site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740, java_script_enabled=False)
    page.goto(site.at("catalog/"))
    assert page.locator(".catalog-filter").count() == 0
    assert page.locator("table.catalog tbody tr:not([hidden])").count() == page.locator("table.catalog tbody tr").count()


# ---------------------------------------------------------------- a catalog of several pages

@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The benchmark's corpus (300 records) with 20 rows a page: a catalog, and each category, of several pages."""
    work = tmp_path_factory.mktemp("big")
    root = generated_site(work, 300, 7, long_per_page=20)
    out = work / "out"
    built = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--root", str(root), "--now", NOW, "--out", str(out), "--no-history"],
        capture_output=True, text=True, check=False, env={**os.environ, "SUNSHINE_NO_SEARCH": "1"},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    served = serve(out, work / "www")
    yield served
    served.server.shutdown()
    served.server.server_close()


def _export(site: Served) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((site.dir / "data" / "catalog.json").read_text(encoding="utf-8"))["records"]
    return records


def test_a_paged_catalog_is_filtered_over_all_its_records(big_site: Served, new_page: Callable[..., Any]) -> None:
    records = _export(big_site)
    assert len(records) > 100
    page = new_page(360, 740)
    log = watch(page)
    page.goto(big_site.at("catalog/"))
    rows = page.locator("table.catalog tbody tr")
    expect(rows).to_have_count(20)
    counter = page.locator(".catalog-filter p")
    expect(counter).to_have_text(f"本页 20 条，共 {len(records)} 条")
    pager = page.locator("nav.pager")
    expect(pager).to_be_visible()

    # the busiest organisation: every one of its records, from every page, newest first
    on_page = set(rows.locator("td:first-child").all_inner_texts())
    org = max({r["org"] for r in records}, key=lambda name: sum(r["org"] == name for r in records))
    theirs = sorted((r for r in records if r["org"] == org), key=lambda r: (r["date"], r["index_no"]), reverse=True)
    assert len(theirs) < len(records) and {r["index_no"] for r in theirs} - on_page
    page.get_by_label("发布机构").select_option(org)
    expect(counter).to_have_text(f"显示 {len(theirs)} / {len(records)} 条")
    expect(rows).to_have_count(len(theirs))
    expect(pager).to_be_hidden()
    assert rows.locator("td:first-child").all_inner_texts() == [r["index_no"] for r in theirs]
    first = rows.first.locator("a")
    assert first.get_attribute("href") == theirs[0]["url"]

    # a keyword and a year on top, as the table writes dates
    year = theirs[0]["date"][:4]
    page.get_by_label("年份").select_option(year)
    of_year = [r for r in theirs if r["date"].startswith(year)]
    expect(rows).to_have_count(len(of_year))
    word = of_year[0]["index_no"]
    page.get_by_label("关键词").fill(word)
    expect(rows).to_have_count(1)
    y, m, d = (int(x) for x in of_year[0]["date"].split("-"))
    expect(rows.first.locator("td").nth(5)).to_have_text(f"{y}年{m}月{d}日")

    # cleared: the page's own rows and the pager again
    page.get_by_label("关键词").fill("")
    page.get_by_label("年份").select_option("")
    page.get_by_label("发布机构").select_option("")
    expect(rows).to_have_count(20)
    expect(pager).to_be_visible()
    expect(counter).to_have_text(f"本页 20 条，共 {len(records)} 条")
    assert log.console_errors == [], log.report()


def test_a_paged_category_is_filtered_within_its_category(big_site: Served, new_page: Callable[..., Any]) -> None:
    records = _export(big_site)
    page = new_page(1280, 900)
    page.goto(big_site.at("catalog/"))
    category = page.locator("nav.facets a").nth(1)
    name = category.inner_text().split("（")[0]
    mine = [r for r in records if r["category"] == name]
    category.click()
    rows = page.locator("table.catalog tbody tr")
    assert len(mine) > 20
    expect(page.locator(".catalog-filter p")).to_have_text(f"本页 20 条，共 {len(mine)} 条")
    page.get_by_label("关键词").fill("-")  # in every index number
    expect(page.locator(".catalog-filter p")).to_have_text(f"显示 {len(mine)} / {len(mine)} 条")
    expect(rows).to_have_count(len(mine))
    assert set(rows.locator("td:nth-child(4)").all_inner_texts()) == {name}


def test_without_javascript_a_paged_catalog_pages_through_everything(big_site: Served, new_page: Callable[..., Any]) -> None:
    records = _export(big_site)
    page = new_page(360, 740, java_script_enabled=False)
    page.goto(big_site.at("catalog/"))
    seen: list[str] = []
    while True:
        seen += page.locator("table.catalog tbody tr td:first-child").all_inner_texts()
        following = page.locator("nav.pager a[rel=next]")
        if not following.count():
            break
        following.click()
    assert sorted(seen) == sorted(r["index_no"] for r in records)
    assert len(seen) == len(set(seen))
    assert "（第" in page.title()


def test_a_paged_catalog_passes_axe_as_served_and_filtered(big_site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(1280, 800, bypass_csp=True)  # the pages' CSP would block the injected axe script
    page.goto(big_site.at("catalog/page/2/"))
    page.add_script_tag(path=str(AXE))
    check = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
    violations = page.evaluate(check, TAGS)["violations"]
    assert violations == [], _format(violations)
    page.get_by_label("年份").select_option(index=1)
    expect(page.locator("nav.pager")).to_be_hidden()
    violations = page.evaluate(check, TAGS)["violations"]
    assert violations == [], _format(violations)
