"""A reader's journeys from the home page, by clicking, on a phone and a desktop.

Each journey checks the h1 of every page it reaches, that no request leaves
127.0.0.1, that the console stays free of errors, and that on a 360 px phone no
page scrolls sideways (wide tables scroll inside their own ``.table-wrap``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Served, watch

VIEWPORTS = {"phone": (360, 740), "desktop": (1280, 800)}

# Elements that stick out to the right of the viewport, outside any .table-wrap.
OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap') && !el.classList.contains('table-wrap')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > w + 0.5) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
               `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : ''}` +
               ` right=${Math.round(r.right)} text=${JSON.stringify((el.textContent || '').trim().slice(0, 30))}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: w, offenders: out.slice(0, 15)};
}"""


def _no_sideways_scroll(page: Any, width: int) -> None:
    if width > 360:
        return
    info = page.evaluate(OVERFLOW_JS)
    assert info["scrollWidth"] <= width, (
        f"{page.url} scrolls sideways at {width}px: scrollWidth={info['scrollWidth']}\n"
        + "\n".join(info["offenders"])
    )


def _nav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()


def _to_notice(page: Any, site: Served) -> list[str]:
    band = page.get_by_role("region", name="正在公示")
    band.get_by_role("link", name="青溪镇2020年第二批发展对象公示").click()
    expect(page).to_have_url(site.at("notices/2020-06-fazhan-duixiang-gongshi/"))
    return ["青溪镇2020年第二批发展对象公示"]


def _to_rating(page: Any, site: Served) -> list[str]:
    _nav(page, "考评排名")
    expect(page.locator("h1")).to_have_text("考评排名")
    page.locator("main").get_by_role("link", name="2020年第一季度").click()
    expect(page).to_have_url(site.at("ratings/2020-q1/"))
    return ["考评排名", "2020年第一季度各党支部党建工作互评结果通报"]


def _to_org(page: Any, site: Served) -> list[str]:
    _nav(page, "组织机构")
    expect(page.locator("h1")).to_have_text("组织机构")
    page.locator("main").get_by_role("link", name="东山村").click()
    expect(page).to_have_url(site.at("orgs/dongshan/"))
    return ["组织机构", "中共青溪镇东山村支部委员会"]


# Each journey clicks its way from the home page and returns the h1s it expects on the way.
JOURNEYS: dict[str, Callable[[Any, Served], list[str]]] = {
    "notice": _to_notice,
    "rating": _to_rating,
    "org": _to_org,
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_journey(site: Served, new_page: Callable[..., Any], viewport: str, journey: str) -> None:
    width, height = VIEWPORTS[viewport]
    page = new_page(width, height)
    page.set_default_timeout(10_000)
    log = watch(page)
    page.goto(site.url)
    expect(page.locator("h1")).to_have_text("青溪镇阳光党务")
    _no_sideways_scroll(page, width)
    try:
        expected = JOURNEYS[journey](page, site)
    finally:
        print(log.report())
    h1s = page.locator("h1").all_inner_texts()
    assert h1s == [expected[-1]], f"h1s on {page.url}: {h1s}"
    assert page.title().startswith(expected[-1]), page.title()
    _no_sideways_scroll(page, width)

    if len(expected) > 1:  # the list page on the way
        page.go_back()
        expect(page.locator("h1")).to_have_text(expected[0])
        _no_sideways_scroll(page, width)

    assert log.foreign() == [], f"requests left 127.0.0.1: {log.foreign()}"
    assert log.console_errors == [], log.report()
    assert log.page_errors == [], log.report()
    assert log.failed == [], log.report()
    outside = [u for u in log.requests if not u.startswith(site.url)]
    assert outside == [], f"requests outside the site's base path /qingxi/: {outside}"
