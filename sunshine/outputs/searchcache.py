"""Finished Pagefind bundles (one per index shard), kept under ``.cache/search/`` by a key of their inputs.

Indexing is most of a build with search, and a shard's bundle is a pure function
of the pages handed to Pagefind, so it is reused when the key matches: a SHA-256 of
Sunshine's code, Pagefind's version and, per indexed page, its path, its filters and
meta and the part of its HTML the copy for Pagefind is made of (the record, not the
menus, footer or head around it). Each bundle is stored with the SHA-256 of every
file; a missing, damaged or foreign file makes the whole bundle a miss, never a
partial reuse. The bundles of the last build are kept, and as many older ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from ..cachefile import engine_fingerprint, package_version

__all__ = ["bundle_key", "load_bundle", "prune", "save_bundle"]

SUMS = "sha256.json"


def bundle_key(parts: Iterable[bytes]) -> str:
    """The key of a bundle made from ``parts`` (one per indexed page, in order)."""
    h = hashlib.sha256(engine_fingerprint().encode())
    for package in ("pagefind", "pagefind_bin_extended"):
        h.update(f"\0{package}={package_version(package)}".encode())
    h.update(os.environ.get("PAGEFIND_BINARY_PATH", "").encode() + b"\0")
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def load_bundle(folder: Path, key: str) -> dict[str, bytes] | None:
    """The bundle stored under ``key`` if every file is intact, else None."""
    where = folder / key
    try:
        sums = json.loads((where / SUMS).read_text(encoding="utf-8"))
        if not isinstance(sums, dict) or not sums:
            return None
        bundle: dict[str, bytes] = {}
        for rel, digest in sorted(sums.items()):
            if not isinstance(rel, str) or ".." in rel.split("/") or rel.startswith("/"):
                return None
            content = (where / rel).read_bytes()
            if hashlib.sha256(content).hexdigest() != digest:
                return None
            bundle[rel] = content
        os.utime(where)  # most recently used
        return bundle
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def save_bundle(folder: Path, key: str, bundle: dict[str, bytes]) -> None:
    """Store ``bundle`` under ``key``; a cache that cannot be written only costs time."""
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        for rel, content in bundle.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        sums = {rel: hashlib.sha256(content).hexdigest() for rel, content in sorted(bundle.items())}
        (tmp / SUMS).write_text(json.dumps(sums, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(folder / key, ignore_errors=True)
        tmp.rename(folder / key)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def prune(folder: Path, used: set[str]) -> None:
    """Keep the bundles in ``used`` and as many others, the most recently used first."""
    try:
        others = [d for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in used]
        others.sort(key=lambda d: d.stat().st_mtime, reverse=True)
        for old in others[len(used):]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
