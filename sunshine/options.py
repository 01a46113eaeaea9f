"""What a build is asked to do, and the few facts the no-change check needs.

This module imports nothing heavy, so that a build whose inputs have not changed
(:mod:`sunshine.lastbuild`) can decide so before the engine's modules (pydantic
models, templates, Markdown) are loaded.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["ENV_SKIP_SEARCH", "SCOPES", "THEME_DIR", "BuildOptions", "Edition", "search_enabled"]

Edition = Literal["public", "internal"]
SCOPES = ("public", "party", "restricted")  # in the order summaries list them
THEME_DIR = Path(__file__).resolve().parent.parent  # the default theme: templates/ and static/
ENV_SKIP_SEARCH = "SUNSHINE_NO_SEARCH"


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    now: dt.datetime
    edition: Edition = "public"
    strict: bool = False
    out_dir: Path | None = None
    history: bool = True
    cache: bool = True
    workers: int | None = None  # None: all cores
    admin: bool = False  # also write the web editor into admin/ (sunshine/decap.py)

    @property
    def output(self) -> Path:
        if self.out_dir is not None:
            return self.out_dir
        return self.root / ("site" if self.edition == "public" else "site-internal")


def search_enabled() -> bool:
    """False when ``SUNSHINE_NO_SEARCH`` is set to a true value (1, yes, true)."""
    return os.environ.get(ENV_SKIP_SEARCH, "").strip().lower() not in ("1", "yes", "true")
