"""The Nu HTML Checker (vnu-jar from npm) over every HTML file of the public edition.

One JVM call checks all pages of the public edition plus the internal edition's
home page; each error is listed as ``file:line: message``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _vnu(files: list[Path]) -> list[dict[str, object]]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed")
    assert VNU.is_file(), f"{VNU} is missing: run `npm ci`"
    cmd = [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    # vnu writes its JSON report to stderr; rc 1 means "errors found".
    assert run.returncode in (0, 1), f"vnu failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    messages: list[dict[str, object]] = json.loads(run.stderr or '{"messages": []}')["messages"]
    return messages


def test_every_page_is_valid_html(public_dir: Path, internal_dir: Path) -> None:
    pages = sorted(public_dir.rglob("*.html"))
    assert len(pages) > 30, f"only {len(pages)} pages were built"
    internal_home = internal_dir / "index.html"
    messages = _vnu([*pages, internal_home])
    names = {str(p.resolve()): f"public/{p.relative_to(public_dir)}" for p in pages}
    names[str(internal_home.resolve())] = "internal/index.html"
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    lines = []
    for m in errors:
        path = unquote(urlsplit(str(m.get("url", ""))).path)
        name = names.get(str(Path(path).resolve()), path) if path else "?"
        line = m.get("lastLine", m.get("firstLine", "?"))
        extract = str(m.get("extract", "")).replace("\n", "⏎")
        lines.append(f"{name}:{line}: {m.get('message')}  [{extract}]")
    print(f"vnu checked {len(pages) + 1} files, {len(errors)} errors")
    assert lines == [], "HTML errors:\n" + "\n".join(lines)
