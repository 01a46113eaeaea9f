"""The preview server for real: a subprocess, Chromium, edits on disk, pages that reload by themselves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.search import bundle

from .conftest import REPO, copy_sample

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NOTICE = "content/notices/2020-06-fazhan-duixiang-gongshi.md"
PAGE = "notices/2020-06-fazhan-duixiang-gongshi/index.html"
SERVER = """
import datetime as dt, sys
from pathlib import Path
from zoneinfo import ZoneInfo
from sunshine.serve import serve
from sunshine.site import BuildOptions
root = Path(sys.argv[1])
now = dt.datetime(2020, 6, 15, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
serve(BuildOptions(root=root, now=now, out_dir=root / "out", history=False), port=int(sys.argv[2]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``serve()`` in a subprocess; its output collected line by line."""

    def __init__(self, root: Path, port: int):
        self.root = root
        self.port = port
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-c", SERVER, str(root), str(port)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            env={**{k: v for k, v in os.environ.items() if k != "SUNSHINE_NO_SEARCH"}, "PYTHONPATH": str(REPO)},
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.proc.poll() is None, "server exited:\n" + "\n".join(self.lines)
            assert time.monotonic() < deadline, f"no “{text}” in:\n" + "\n".join(self.lines)
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = copy_sample(tmp_path / "site-src")
    running = Server(root, free_port())
    try:
        running.wait_for("预览地址")
        yield running
    finally:
        running.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
        )
        yield context
        context.close()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def edit(root: Path, old: str, new: str) -> float:
    """Replace text in the notice; return the time of the save."""
    path = root / NOTICE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return time.monotonic()


def wait_on_disk(path: Path, text: str, since: float, timeout: float = 30) -> float:
    while time.monotonic() - since < timeout:
        try:
            if text in path.read_text(encoding="utf-8"):
                return time.monotonic() - since
        except FileNotFoundError:  # between the two renames of the swap
            pass
        time.sleep(0.01)
    raise AssertionError(f"“{text}” never reached {path}")


def test_edit_break_fix_reload_by_themselves(server: Server, browser: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from playwright.sync_api import expect

    base = f"http://127.0.0.1:{server.port}"
    with urllib.request.urlopen(base + "/") as answer:  # / redirects to the path prefix
        assert answer.url == base + "/qingxi/"

    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
    hello = threading.Event()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: hello.set() if "hello" in str(payload) else None))
    page.goto(f"{base}/qingxi/{PAGE.removesuffix('index.html')}")
    for _ in range(100):  # Playwright delivers events only while it is called: wait through it
        if hello.is_set():
            break
        page.wait_for_timeout(100)
    assert hello.is_set(), "livereload did not connect"
    page.wait_for_timeout(500)  # let the client's "info" message register it
    loaded = len(navigations)
    out = server.root / "out" / PAGE

    saved_wall = time.time()
    saved = edit(server.root, "现予以公示。", "现予以公示（第二版）。")
    to_disk = wait_on_disk(out, "（第二版）", saved)
    expect(page.get_by_text("现予以公示（第二版）。")).to_be_visible(timeout=15_000)
    # when the reloaded page had its content, by the page's own clock (same machine)
    shown = page.evaluate("performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    to_browser = shown / 1000 - saved_wall
    assert len(navigations) > loaded  # the page reloaded itself
    deadline = time.monotonic() + 15  # and a moment later the preview's search finds it (servesearch)
    while not any("第二版" in f["content"].replace("\u200b", "") for f in bundle.seen(server.root / "out")[0].values()):
        assert time.monotonic() < deadline, "the preview's search never found the edit:\n" + "\n".join(server.lines)
        time.sleep(0.1)

    edit(server.root, "org: town", "org: nosuch")
    panel = page.locator("#sunshine-problems")
    expect(panel).to_be_visible(timeout=15_000)
    expect(panel).to_contain_text("网站未更新：发现 1 个问题")
    expect(panel).to_contain_text(f"{NOTICE}:3: org: 未知的组织编号“nosuch”")
    expect(page.get_by_text("现予以公示（第二版）。")).to_be_visible()  # the last good page stays
    page.set_viewport_size({"width": 360, "height": 740})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "error-panel.png"))  # for the staff guide

    edit(server.root, "org: nosuch", "org: town")
    expect(panel).to_have_count(0, timeout=15_000)
    expect(page.get_by_text("现予以公示（第二版）。")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "preview.png"))

    assert not [c for c in console if "Content Security Policy" in c or "livereload" in c.lower()], console
    assert any("网站未更新：发现 1 个问题" in line for line in server.lines)  # the terminal shows it too
    builds = [line for line in server.lines if "已重新生成（" in line]
    with capsys.disabled():
        print(f"\n[serve] save → page on disk {to_disk:.2f} s; save → browser shows it {to_browser:.2f} s; "
              f"server: {builds[-1].split('] ')[-1] if builds else '?'}")
