"""Writing a cache file: whole or not at all, and never an error.

Every cache under ``.cache/`` is written through :func:`save_json`: into a temporary
file beside it, then renamed over it, so a reader sees the old file or the new one.
A cache that cannot be written (read-only disk, no space) only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["adopt_fingerprint", "engine_fingerprint", "package_version", "save_json"]

_fingerprint: list[str] = []  # this process's, once known


def engine_fingerprint() -> str:
    """What every cached result depends on besides its inputs: this code and its libraries."""
    if not _fingerprint:
        _fingerprint.append(_engine_fingerprint())
    return _fingerprint[0]


def adopt_fingerprint(value: str) -> None:
    """Take :func:`engine_fingerprint` as a process forked from this one computed it."""
    _fingerprint[:] = [value]


def _engine_fingerprint() -> str:
    h = hashlib.sha256(b"sunshine-engine-1")
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("Jinja2", "MarkupSafe", "zxing-cpp"):
        h.update(f"{name}={package_version(name)}".encode())
    return h.hexdigest()


def package_version(name: str) -> str:
    """An installed package's version for cache keys, "-" when it is not installed.

    Read from the name of its ``.dist-info`` folder (``name-version.dist-info``, as
    installers write it) on ``sys.path``, the first one found as ``importlib.metadata``
    finds it; only a package not installed so asks ``importlib.metadata``, whose import
    and lookups cost 40 ms of every build's input hashing."""
    found = _dist_infos().get(_normal(name))
    if found is not None:
        return found
    import importlib.metadata as meta

    try:
        return meta.version(name)
    except meta.PackageNotFoundError:
        return "-"


_DIST_INFOS: list[dict[str, str]] = []  # this process's, once read


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_infos() -> dict[str, str]:
    """Normalised name -> version of the ``.dist-info`` folders on ``sys.path``, the first of each name."""
    if not _DIST_INFOS:
        found: dict[str, str] = {}
        for folder in sys.path:
            try:
                names = sorted(os.listdir(folder or "."))
            except OSError:
                continue
            for entry in names:
                name, dash, version = entry.removesuffix(".dist-info").partition("-")
                if entry.endswith(".dist-info") and dash and version:
                    found.setdefault(_normal(name), version)
        _DIST_INFOS.append(found)
    return _DIST_INFOS[0]


def save_json(path: Path, doc: Any) -> None:
    """Write ``doc`` as compact JSON to ``path`` atomically; give up quietly on I/O errors."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):  # its folder may be no folder
            tmp.unlink(missing_ok=True)
