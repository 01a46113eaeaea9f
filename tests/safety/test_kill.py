"""A build killed half way leaves the previous site intact and no leftovers."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .sitegen import notice, write_site

ROOT = Path(__file__).resolve().parents[2]


def _command(root: Path) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--root", str(root), "--now", "2020-06-15", "-q"]


def _build_ok(root: Path) -> None:
    done = subprocess.run(_command(root), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr


def _intact(site: Path) -> bool:
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    for rel, digest in manifest["files"].items():
        if hashlib.sha256((site / rel).read_bytes()).hexdigest() != digest:
            return False
    return True


def test_sigkill_during_write_keeps_previous_site(tmp_path: Path) -> None:
    records = {f"n{i:04d}.md": notice(i, f"第{i}号公告") for i in range(1, 1201)}
    root = write_site(tmp_path, records)
    _build_ok(root)
    site = root / "site"
    before = (site / "manifest.json").read_bytes()
    assert _intact(site)

    (root / "content" / "notices" / "n0001.md").write_text(notice(1, "改过的公告"), encoding="utf-8")
    (root / "content" / "notices" / "n1201.md").write_text(notice(1201, "新加的公告"), encoding="utf-8")  # a new file: a full build
    second = subprocess.Popen(_command(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    tmp_dirs: list[Path] = []
    while time.monotonic() < deadline and second.poll() is None:
        tmp_dirs = list(root.glob(".site.tmp-*"))
        if tmp_dirs:  # the write has begun: kill it at once (it takes well under a second)
            break
        time.sleep(0.002)
    assert second.poll() is None, "the build finished before it could be killed"
    os.kill(second.pid, signal.SIGKILL)
    second.wait()
    assert tmp_dirs, "the build never started writing"
    assert (site / "manifest.json").read_bytes() == before
    assert _intact(site)

    _build_ok(root)
    assert [p.name for p in root.glob(".site.*")] == [".site.spare"], "leftovers of the killed build remain"
    assert _intact(site)
    assert "改过的公告".encode() in (site / "notices" / "n0001" / "index.html").read_bytes()
