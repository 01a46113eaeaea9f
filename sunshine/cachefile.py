"""Writing a cache file: whole or not at all, and never an error.

Every cache under ``.cache/`` is written through :func:`save_json`: into a temporary
file beside it, then renamed over it, so a reader sees the old file or the new one.
A cache that cannot be written (read-only disk, no space) only costs time.
"""

from __future__ import annotations

import importlib.metadata as meta
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["package_version", "save_json"]


def package_version(name: str) -> str:
    """An installed package's version for cache keys, "-" when it is not installed."""
    try:
        return meta.version(name)
    except meta.PackageNotFoundError:
        return "-"


def save_json(path: Path, doc: Any) -> None:
    """Write ``doc`` as compact JSON to ``path`` atomically; give up quietly on I/O errors."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
