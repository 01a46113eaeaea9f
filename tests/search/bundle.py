"""Reading a built site's Pagefind index as a reader's browser merges it.

After a quick rebuild the edited pages are indexed again in ``pagefind/edits/`` and
``shards.json`` names the ids of their earlier versions, which search.js leaves out,
and the filter counts it takes off (sunshine/outputs/searchedits.py). ``seen`` gives
what a reader can find: each page's fragment (text, meta, filters), with the filter
totals search.js shows, so that a patched site can be compared with a full build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


def decoded(path: Path) -> bytes:
    """A Pagefind data file without gzip and signature; other files as they are."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.removeprefix(SIGNATURE)


def listing(out: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((out / "pagefind" / "shards.json").read_bytes())
    return doc


def seen(out: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Counter[str]]]:
    """URL -> fragment of every page the merged index can answer with, and the filter
    totals shown (Pagefind's, less the twins); a page found twice is an error."""
    doc = listing(out)
    superseded = set(doc.get("edits", {}).values())
    folders = [out / "pagefind"] + [out / "pagefind" / name for name in doc["merge"]]
    pages: dict[str, dict[str, Any]] = {}
    totals: dict[str, Counter[str]] = {}
    for folder in folders:
        for path in sorted((folder / "fragment").glob("*.pf_fragment")):
            fragment = json.loads(decoded(path))
            for name, values in fragment["filters"].items():
                totals.setdefault(name, Counter()).update(values)
            if path.name.removesuffix(".pf_fragment") in superseded:
                continue
            assert fragment["url"] not in pages, f"{fragment['url']} found twice"
            pages[fragment["url"]] = fragment
    for name, values in doc.get("twins", {}).items():
        totals[name].subtract(values)
    return pages, {name: +counts for name, counts in totals.items()}


def outside_the_index(out: Path) -> dict[str, bytes]:
    """Every file but the index's, and the manifest's entries but the index's; the
    manifest must describe every file on disk as it is."""
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    manifest = json.loads(files.pop("manifest.json"))
    sums = files.pop("SHA256SUMS").decode()
    assert manifest["files"].keys() == files.keys()
    for path, content in files.items():
        entry = manifest["files"][path]
        digest = entry["sha256"] if isinstance(entry, dict) else entry
        assert digest == hashlib.sha256(content).hexdigest(), path
        assert f"{digest}  {path}" in sums, path
    manifest["files"] = {p: e for p, e in manifest["files"].items() if not p.startswith("pagefind/")}
    kept = {p: c for p, c in files.items() if not p.startswith("pagefind/")}
    kept["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return kept
