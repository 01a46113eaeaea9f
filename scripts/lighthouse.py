"""Lighthouse scores of the sample site (a script, not a test).

Builds the public edition with a fixed clock, serves it on 127.0.0.1 under the
base path, runs Lighthouse 12.2.3 (mobile preset, Debian's Chromium) on the home
page, a notice, a rating and the catalog, and prints the four category scores.

    (cd tools/lighthouse && npm ci --ignore-scripts)
    .venv/bin/python scripts/lighthouse.py
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "lighthouse"
PREFIX = "qingxi"
PAGES = {
    "首页": "",
    "公示": "notices/2020-06-fazhan-duixiang-gongshi/",
    "考评": "ratings/2020-q1/",
    "公开目录": "catalog/",
}
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    if not (TOOL / "node_modules" / ".bin" / "lighthouse").exists():
        print("请先安装 Lighthouse：(cd tools/lighthouse && npm ci --ignore-scripts)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--now", "2020-06-15T10:00:00+08:00", "--out", str(out), "-q"], check=True, cwd=ROOT)
        serve_root = Path(tmp) / "serve"
        serve_root.mkdir()
        (serve_root / PREFIX).symlink_to(out, target_is_directory=True)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(serve_root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/{PREFIX}/"
        print("| 页面 | Performance | Accessibility | Best Practices | SEO |")
        print("| --- | --- | --- | --- | --- |")
        for name, path in PAGES.items():
            report = Path(tmp) / "report.json"
            subprocess.run(
                ["npx", "--no-install", "lighthouse", base + path, "--output=json", f"--output-path={report}",
                 "--form-factor=mobile", "--screenEmulation.mobile=true", "--quiet", f"--chrome-flags={FLAGS}"],
                cwd=TOOL, check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            )
            scores = json.loads(report.read_text(encoding="utf-8"))["categories"]
            print(f"| {name} | " + " | ".join(str(round(100 * scores[c]["score"])) for c in CATEGORIES) + " |")
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
