"""The catalog's in-page filter narrows the table; without JavaScript the table is whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from .conftest import Served, watch


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
