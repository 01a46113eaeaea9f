"""Fixtures for the staff workflow tests: a writable copy of the sample site.

``sample_root`` copies config.yaml, content/, templates/ and static/ of the
repository into a temp folder (templates and static so that a test may break
them without touching the repository). Builds use a fixed clock and skip the
Pagefind index unless a test asks for it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sunshine import serve
from sunshine.serve import Rebuilder
from sunshine.site import BuildOptions

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2020, 6, 15, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = dt.date(2020, 6, 15)


SAMPLE_NOTICE = "content/notices/2020-06-fazhan-duixiang-gongshi.md"
SAMPLE_NOTICE_PAGE = "notices/2020-06-fazhan-duixiang-gongshi/index.html"


def copy_sample(target: Path) -> Path:
    """Copy the sample site's sources into ``target`` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "config.yaml", target / "config.yaml")
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, target / name)
    return target


def options_for(root: Path, edition: str = "public", strict: bool = False) -> BuildOptions:
    assert edition in ("public", "internal")
    return BuildOptions(
        root=root, now=NOW, edition="public" if edition == "public" else "internal",
        strict=strict, out_dir=root / ("out" if edition == "public" else "out-internal"), history=False,
    )


@pytest.fixture
def sample_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUNSHINE_NO_SEARCH", "1")
    return copy_sample(tmp_path / "site-src")


class Counter:
    """Counts the full builds a Rebuilder makes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.full = 0
        real = serve.build_in_memory

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.full += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(serve, "build_in_memory", counted)


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Counter:
    return Counter(monkeypatch)


@pytest.fixture
def rebuilder(sample_root: Path, counter: Counter) -> Rebuilder:
    """The preview server's rebuilder after its first (full) build of the sample site."""
    rebuilder = Rebuilder(options_for(sample_root))
    assert rebuilder.rebuild().ok
    assert counter.full == 1
    return rebuilder
