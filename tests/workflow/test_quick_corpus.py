"""Quick rebuilds on a site other than the sample: the benchmark's generated corpus.

The sample site's tests (test_quick_cli.py) edit a handful of its records. Here a
corpus of another shape (many notices, plans and pages, 一、（一） headings, lists,
tables; bench/corpus.py with a seed of its own) gets a series of body edits of every
sort a clerk makes, each built the way the command line builds, and after each the
output must be byte for byte what a full build without any cache makes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import generated_site

from sunshine.problems import BuildFailed
from sunshine.site import BuildOptions

from .test_quick_cli import Builds
from .test_quick_rebuild import on_disk

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2020, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the corpus's own build time
SEED = 20201124  # not the benchmark's: another site

Edit = Callable[[str], str]


def _append(text: str) -> Edit:
    return lambda body: body.rstrip("\n") + "\n\n" + text + "\n"


def _lead(body: str) -> str:
    """A new first paragraph and heading: the description and the heading list change."""
    return "有关情况说明如下。\n\n## 零、背景情况\n\n" + body.lstrip("\n")


EDITS: list[tuple[str, Edit]] = [
    ("paragraph", _append("补充说明：本条内容如有调整，另行通知。")),
    ("bold lead-in", _append("**一是加强组织领导。**各党支部要明确责任人，按时报送材料。")),
    ("table", _append("| 项目 | 数量 |\n| --- | ---: |\n| 正式党员 | 12 |\n| 入党积极分子 | 3 |")),
    ("footnote", _append("按有关规定执行[^1]。\n\n[^1]: 见镇党委有关文件。")),
    ("lists", _append("1. 第一项\n2. 第二项\n   - 其中一小项\n\n- 另列一项")),
    ("raw HTML", _append('<script>alert(1)</script><b onclick="x()">加粗</b>')),
    ("first paragraph and heading", _lead),
    ("line breaks", _append("第一行\n第二行\nsecond line")),
]


def _body_of(source: str) -> tuple[str, str]:
    """The front matter (with its closing line) and the body of a Markdown record."""
    end = source.index("\n---\n", 4) + len("\n---\n")
    return source[:end], source[end:]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_site(tmp_path_factory.mktemp("corpus"), 120, SEED)


@pytest.fixture
def builds(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Builds:
    """The corpus built once, as the command line builds it (the first build is a full one)."""
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    made = Builds(corpus, monkeypatch)
    made.options = BuildOptions(root=corpus, now=NOW, history=False)
    made()
    return made


def test_body_edits_on_another_site_patch_the_output_as_a_full_build_would(corpus: Path, builds: Builds) -> None:
    rng = random.Random(SEED)
    records = sorted((corpus / "content").rglob("*.md"))
    kinds = {path.parent.name for path in records}
    assert {"notices", "plans", "pages"} <= kinds
    menu = [path for path in records if "\nnav:" in _body_of(path.read_text(encoding="utf-8"))[0]]
    assert menu  # a page of the menu, which every page shows
    chosen = [rng.choice(menu)] + [rng.choice([path for path in records if path.parent.name == kind]) for kind in sorted(kinds)]
    chosen += rng.sample([path for path in records if path not in chosen], len(EDITS) - len(chosen))
    for (name, edit), path in zip(EDITS, chosen, strict=True):
        front, body = _body_of(path.read_text(encoding="utf-8"))
        path.write_text(front + edit(body), encoding="utf-8")
        summary = builds()
        assert builds.full == 1, f"{name} in {path.name}: a full build"  # the corpus's own, in the fixture
        assert not summary.reused
        builds.assert_same_as_full_build()


def test_personal_data_in_an_edit_of_another_site_is_refused(corpus: Path, builds: Builds) -> None:
    before = on_disk(builds.out)
    full = builds.full
    path = sorted((corpus / "content" / "notices").glob("*.md"))[0]
    original = path.read_text(encoding="utf-8")
    front, body = _body_of(original)
    path.write_text(front + body + "\n联系人身份证号 110101199003077758。\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        builds()
    assert [p.code for p in failed.value.problems.errors] == ["personal-data"]
    assert on_disk(builds.out) == before
    path.write_text(original, encoding="utf-8")
    builds()
    assert builds.full == full and on_disk(builds.out) == before
