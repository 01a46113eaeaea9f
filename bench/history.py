"""Benchmark: revision history for N records from one ``git log`` pass (not a test).

Makes a git repository of N small record files with three commits touching all of
them, then times ``sunshine.history.load_history`` cold (no cache) and warm.

    .venv/bin/python bench/history.py --n 10000
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sunshine.history import load_history

ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.cn", "GIT_COMMITTER_NAME": "bench",
       "GIT_COMMITTER_EMAIL": "bench@example.cn", "PATH": "/usr/bin:/bin"}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env={**ENV, "HOME": str(root)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    n = parser.parse_args().n
    root = Path(tempfile.mkdtemp(prefix="sunshine-history-"))
    try:
        folder = root / "content" / "notices"
        folder.mkdir(parents=True)
        _git(root, "init", "-q", "-b", "main")
        for version in range(3):
            for i in range(n):
                (folder / f"n{i:05d}.md").write_text(f"---\ntitle: 第{i}号\n---\n第{version}版\n", encoding="utf-8")
            _git(root, "add", "-A")
            _git(root, "commit", "-qm", f"第{version + 1}次修改")
        started = time.perf_counter()
        history = load_history(root)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        load_history(root)
        warm = time.perf_counter() - started
        assert len(history) == n and all(len(v) == 3 for v in history.values())
        print(f"history for {n} records × 3 commits: cold {cold:.2f} s (one git log), warm {warm:.2f} s (cache)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
