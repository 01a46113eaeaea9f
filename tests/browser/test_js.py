"""What JavaScript adds, and what still works without it.

- Without JavaScript the pages are complete and a notice shows the status worked
  out at build time with its 截至 date.
- The text-size switch: 大字 enlarges body text, survives a reload (localStorage),
  标准 resets it; without JavaScript the 大字 link (``#large``) enlarges text
  through CSS ``:target``.
- A moved clock: a page built before a notice's period shows the right status
  on a later day, from the reader's clock, with no rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Served, watch

NOTICE_OPEN = "notices/2020-06-fazhan-duixiang-gongshi/"  # 2020-06-11..17, open when built
NOTICE_NEXT = "notices/2020-06-yubei-dangyuan-zhuanzheng-gongshi/"  # 2020-06-16..22, upcoming
BODY_TEXT = "main .period p"


def _font_px(page: Any, selector: str = BODY_TEXT) -> float:
    value: str = page.eval_on_selector(selector, "el => getComputedStyle(el).fontSize")
    return float(value.removesuffix("px"))


def test_home_without_javascript(site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740, java_script_enabled=False)
    log = watch(page)
    page.goto(site.url)
    expect(page.locator("h1")).to_have_text("青溪镇阳光党务")
    band = page.get_by_role("region", name="正在公示")
    expect(band.get_by_role("link", name="青溪镇2020年第二批发展对象公示")).to_be_visible()
    expect(band.locator(".status")).to_have_text("公示中，还剩 3 个工作日")
    expect(page.get_by_role("region", name="最新公开").locator(".rec")).not_to_have_count(0)
    assert log.console_errors == [], log.report()


def test_notice_without_javascript(site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740, java_script_enabled=False)
    page.goto(site.at(NOTICE_OPEN))
    expect(page.locator("h1")).to_have_text("青溪镇2020年第二批发展对象公示")
    status = page.locator(".period .status")
    expect(status).to_have_text("公示中，还剩 3 个工作日")
    expect(status).to_have_class("status status-open")
    expect(page.locator(".period .as-of")).to_have_text("（截至 2020年6月15日）")
    expect(page.locator(".period")).to_contain_text("公示期：")
    rows = page.locator("table.people tbody tr")
    assert rows.count() >= 1, page.content()
    expect(page.get_by_role("complementary", name="意见反映")).to_contain_text("2020年6月17日")


def test_text_size_switch_with_javascript(site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740)
    log = watch(page)
    page.goto(site.at(NOTICE_OPEN))
    normal = _font_px(page)

    page.get_by_role("link", name="大字", exact=True).click()
    expect(page.locator("html")).to_have_class("is-large")
    large = _font_px(page)
    assert large > normal, f"大字 did not enlarge body text: {normal}px -> {large}px"
    assert "#" not in page.url, f"the script should handle the click itself: {page.url}"

    page.reload()
    expect(page.locator("html")).to_have_class("is-large")
    assert _font_px(page) == large, "大字 did not survive a reload"
    assert page.evaluate("localStorage.getItem('sunshine-a11y')") == "large"

    page.get_by_role("link", name="标准", exact=True).click()
    assert _font_px(page) == normal, (
        f"标准 did not reset the size: {_font_px(page)}px, want {normal}px"
    )
    page.reload()
    assert _font_px(page) == normal, "标准 did not survive a reload"
    assert log.console_errors == [] and log.page_errors == [], log.report()


def test_text_size_switch_without_javascript(site: Served, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740, java_script_enabled=False)
    page.goto(site.at(NOTICE_OPEN))
    normal = _font_px(page)
    page.get_by_role("link", name="大字", exact=True).click()
    expect(page).to_have_url(site.at(NOTICE_OPEN) + "#large")
    large = _font_px(page)
    assert large > normal, f"#large (:target) did not enlarge body text: {normal}px -> {large}px"
    page.get_by_role("link", name="标准", exact=True).click()
    expect(page).to_have_url(site.at(NOTICE_OPEN) + "#size")
    assert _font_px(page) == normal, "标准 (#size) did not reset the size without JavaScript"


@pytest.mark.parametrize(
    ("clock", "timezone", "state", "text", "as_of"),
    [
        ("2020-06-15T10:00+08:00", "Asia/Shanghai", "upcoming", "未开始", "（截至 2020年6月15日）"),
        (
            "2020-06-18T10:00+08:00",
            "Asia/Shanghai",
            "open",
            "公示中，还剩 3 个工作日",
            "2020-06-18",
        ),
        # Saturday: only Monday 22 June is left.
        (
            "2020-06-20T10:00+08:00",
            "Asia/Shanghai",
            "open",
            "公示中，还剩 1 个工作日",
            "2020-06-20",
        ),
        ("2020-06-23T10:00+08:00", "Asia/Shanghai", "closed", "已结束", "2020-06-23"),
        # 22 June, 13:00 in New York is already 23 June in Beijing, where periods are counted.
        ("2020-06-22T13:00-04:00", "America/New_York", "closed", "已结束", "2020-06-23"),
        # 15 June, 20:00 in New York is 16 June in Beijing: the first day of the period.
        (
            "2020-06-15T20:00-04:00",
            "America/New_York",
            "open",
            "公示中，还剩 5 个工作日",
            "2020-06-16",
        ),
    ],
    ids=["build-day", "during", "weekend", "after", "after-new-york", "first-day-new-york"],
)
def test_status_follows_the_readers_clock(
    site: Served,
    new_page: Callable[..., Any],
    clock: str,
    timezone: str,
    state: str,
    text: str,
    as_of: str,
) -> None:
    """The 预备党员转正公示 (2020-06-16..22) was built on 15 June as 未开始."""
    page = new_page(1280, 800, timezone_id=timezone)
    log = watch(page)
    page.clock.set_fixed_time(clock)
    page.goto(site.at(NOTICE_NEXT))
    status = page.locator(".period .status")
    expect(status).to_have_text(text)
    expect(status).to_have_class(f"status status-{state}")
    if not as_of.startswith("（"):
        as_of = f"（按您的设备日期 {as_of}）"
    expect(page.locator(".period .as-of")).to_have_text(as_of)
    assert log.console_errors == [] and log.page_errors == [], log.report()
