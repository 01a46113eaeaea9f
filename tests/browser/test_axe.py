"""axe-core (npm, pinned in package.json) on one page of every type, both editions.

Any violation of WCAG 2.0/2.1 A and AA or of axe's best practices fails, with the
rule, its impact and every offending node printed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import ROOT, Served

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# name -> (edition, path under /qingxi/)
PAGES = {
    "home": ("public", ""),
    "notices-list": ("public", "notices/"),
    "notice": ("public", "notices/2020-06-fazhan-duixiang-gongshi/"),
    "plan": ("public", "plans/2020-dangjian-gongzuo-yaodian/"),
    "rating": ("public", "ratings/2020-q1/"),
    "page-guide": ("public", "guide/"),
    "catalog": ("public", "catalog/"),
    "catalog-category": ("public", "catalog/organization/"),
    "orgs-list": ("public", "orgs/"),
    "org": ("public", "orgs/dongshan/"),
    "archive": ("public", "archive/"),
    "archive-year": ("public", "archive/2020/"),
    "404": ("public", "no-such-page/"),
    "search": ("public", "search/?q=党费"),
    "withdrawn-notice": ("public", "notices/2020-03-chunji-dangyuan-lunxun/"),
    "notice-print-sheet": ("public", "notices/2020-06-fazhan-duixiang-gongshi/print/"),
    "rating-series": ("public", "ratings/series/town-branch-2020/"),
    "internal-home": ("internal", ""),
    "internal-compliance": ("internal", "compliance/"),
    "internal-register": ("internal", "register/"),
}


def _format(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    target {node['target']}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGES))
def test_axe(name: str, site: Served, internal_site: Served, new_page: Callable[..., Any]) -> None:
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci`"
    edition, path = PAGES[name]
    served = site if edition == "public" else internal_site
    # The pages' CSP (script-src 'self') would block the injected axe script.
    page = new_page(1280, 800, bypass_csp=True)
    response = page.goto(served.at(path))
    assert response is not None
    assert response.status == (404 if name == "404" else 200), response.status
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    violations = result["violations"]
    report = _format(violations)
    print(
        f"{served.at(path)}: axe {result['testEngine']['version']}, "
        f"{len(result['passes'])} rules passed, {len(violations)} violated\n{report}"
    )
    assert violations == [], f"axe violations on {name} ({served.at(path)}):\n{report}"
