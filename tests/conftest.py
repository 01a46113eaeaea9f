"""Shared test helpers: tiny sites written inline, and builds that never touch the disk.

``make_site(tmp_path, files)`` writes a minimal valid site (one town committee with
code QXZ, two branches, two official contacts, a footer) plus the given files;
``build_in_memory(root, now=...)`` returns ``{output path: bytes}``.

Import them in a test module with ``from conftest import build_in_memory, make_site``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest

from sunshine.cli import parse_now
from sunshine.pipeline import build_in_memory as _build_in_memory
from sunshine.site import BuildOptions, Site

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
site:
  title: 青溪镇阳光党务
  base_url: /qingxi/
orgs:
  - id: town
    name: 中共青溪镇委员会
    short_name: 镇党委
    code: QXZ
    type: 党委
    parent: null
  - id: dongshan
    name: 中共青溪镇东山村支部委员会
    short_name: 东山村党支部
    code: DSC
    type: 党支部
    parent: town
  - id: xiling
    name: 中共青溪镇西岭村支部委员会
    short_name: 西岭村党支部
    code: XLC
    type: 党支部
    parent: town
contacts:
  - id: town-org-office
    name: 青溪镇党委组织办
    phone: "0571-6488 1234"
    email: zzb@qingxi.example.cn
  - id: town-discipline-office
    name: 青溪镇纪委办公室
    phone: "0571-6488 1238"
footer:
  host: 中共青溪镇委员会
  contact: town-org-office
"""

NOTICE = """\
---
title: 关于开展党员先锋岗活动的公告
org: town
date: 2020-06-01
scope: public
category: service
index_no: QXZ-2020-0001
type: 一般公告
period:
  start: 2020-06-01
  end: 2020-06-05
contact: town-org-office
---

镇党委决定开展党员先锋岗活动。
"""


def make_site(tmp_path: Path, files: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
    """Write a tiny valid site into ``tmp_path`` and return its root.

    ``files`` maps paths relative to the root (``content/notices/a.md``) to text
    (written as UTF-8) or bytes (written as is). ``config`` replaces config.yaml.
    """
    root = tmp_path
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(CONFIG if config is None else config, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    for rel, content in (files or {}).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def generated_site(out: Path, n: int, seed: int, long_per_page: int | None = None) -> Path:
    """The benchmark's corpus (``bench/corpus.py``) of ``n`` records written into ``out``;
    its site root. ``long_per_page``: set in its config.yaml (rows a page of the long lists)."""
    made = subprocess.run(
        [sys.executable, str(REPO / "bench" / "corpus.py"), "--n", str(n), "--seed", str(seed), "--out", str(out), "--no-peers"],
        capture_output=True, text=True, check=False,
    )
    assert made.returncode == 0, made.stderr
    root = out / "sunshine"
    if long_per_page is not None:
        config = root / "config.yaml"
        text = config.read_text(encoding="utf-8")
        assert "\n  per_page: 20\n" in text
        config.write_text(text.replace("\n  per_page: 20\n", f"\n  per_page: 20\n  long_per_page: {long_per_page}\n", 1), encoding="utf-8")
    return root


def build_options(
    root: Path,
    now: str = "2020-06-15",
    edition: Literal["public", "internal"] = "public",
    strict: bool = False,
) -> BuildOptions:
    """BuildOptions for ``root``; ``now`` without an offset is Beijing time."""
    return BuildOptions(root=root, now=parse_now(now, {}), edition=edition, strict=strict)


@contextlib.contextmanager
def search_disabled(disabled: bool = True) -> Iterator[None]:
    """Skip the Pagefind search index (about 0.5 s a build) while the block runs."""
    name = "SUNSHINE_NO_SEARCH"
    old = os.environ.get(name)
    if disabled:
        os.environ[name] = "1"
    else:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def build_in_memory(
    root: Path,
    now: str = "2020-06-15",
    edition: Literal["public", "internal"] = "public",
    strict: bool = False,
    search: bool = False,
) -> dict[str, bytes]:
    """Build the site at ``root`` without writing anything: ``{output path: bytes}``.

    The search index is left out unless ``search`` is true: it is slow, and it is
    built by a third-party tool that has its own tests.
    """
    with search_disabled(not search):
        _, files = _build_in_memory(build_options(root, now, edition, strict))
    return files


def build_site(
    root: Path,
    now: str = "2020-06-15",
    edition: Literal["public", "internal"] = "public",
    strict: bool = False,
    search: bool = False,
) -> tuple[Site, dict[str, bytes]]:
    """Like :func:`build_in_memory`, but also return the Site (records, problems)."""
    with search_disabled(not search):
        return _build_in_memory(build_options(root, now, edition, strict))


@pytest.fixture
def no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the search index for the whole test."""
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/expected/ from the current build instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test proves nothing: fail the run when anything was skipped."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        session.exitstatus = 1
        print(f"\n{skipped} test(s) skipped in CI: install what they need (make test does).")


@pytest.fixture
def sample_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's sample site in ``tmp_path/src``, built without the search index."""
    from tests.workflow.conftest import copy_sample

    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    return copy_sample(tmp_path / "src")


@pytest.fixture(autouse=True, scope="session")
def own_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Quick-rebuild stores (sunshine/quickstore.py) go to a folder of the test run, not
    to the user's ~/.cache; child processes inherit it."""
    folder = tmp_path_factory.mktemp("user-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield folder
