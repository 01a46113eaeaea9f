"""Browser test fixtures: the built sample site, a local server, a Chromium from Debian.

The sample site is built twice (public and internal edition) with a fixed ``--now``.
Each edition is served by ``http.server`` on 127.0.0.1 from a temp folder holding a
symlink ``qingxi -> <build dir>``, because ``base_url`` puts every internal link
under ``/qingxi/``. Chromium is the system one (``/usr/bin/chromium``), launched
with the flags from ``/work/shared/TOOLCHAIN.md``; ``playwright install`` is never used.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NOW = "2020-06-15T10:00:00+08:00"
PREFIX = "/qingxi/"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (the ``browser`` fixture skips without Chromium)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def build_site(out: Path, edition: str = "public") -> Path:
    """Build the sample site into ``out`` with the fixed clock; fail with the build's output."""
    cmd = [sys.executable, "build.py", "--now", NOW, "--out", str(out), "--edition", edition]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, f"build failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    return out


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, quiet log, and the site's own 404.html for a missing path."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / PREFIX.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Served:
    """One served edition: its build dir and the URL of its home page."""

    dir: Path
    url: str
    server: http.server.ThreadingHTTPServer = field(repr=False)

    def at(self, path: str = "") -> str:
        """Absolute URL of a site path such as ``notices/``."""
        return self.url + path.lstrip("/")


def serve(site_dir: Path, root: Path) -> Served:
    """Serve ``site_dir`` under ``/qingxi/`` from a new folder ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / PREFIX.strip("/")).symlink_to(site_dir, target_is_directory=True)
    handler = functools.partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return Served(site_dir, f"http://{host!s}:{port}{PREFIX}", server)


@pytest.fixture(scope="session")
def public_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("public") / "out", "public")


@pytest.fixture(scope="session")
def internal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("internal") / "out", "internal")


@pytest.fixture(scope="session")
def site(public_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The public edition, served at ``http://127.0.0.1:PORT/qingxi/``."""
    served = serve(public_dir, tmp_path_factory.mktemp("www-public"))
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture(scope="session")
def internal_site(internal_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The internal edition, served the same way on its own port."""
    served = serve(internal_dir, tmp_path_factory.mktemp("www-internal"))
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright, one per test module.

    Module scope: other test folders start their own Playwright, and two sync
    Playwright instances may not be alive in one thread at once.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class PageLog:
    """Everything a page did that a test may want to assert on or print."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """Requests to any host but 127.0.0.1 (data: and about: URLs aside)."""
        from urllib.parse import urlsplit

        return [
            u
            for u in self.requests
            if urlsplit(u).scheme not in ("data", "about", "blob")
            and urlsplit(u).hostname != "127.0.0.1"
        ]

    def report(self) -> str:
        return (
            f"requests: {self.requests}\nconsole errors: {self.console_errors}\n"
            f"page errors: {self.page_errors}\nfailed requests: {self.failed}"
        )


def watch(page: Any) -> PageLog:
    """Record every request, console error, uncaught exception and failed request of ``page``.

    A request the browser cancelled itself (``net::ERR_ABORTED``: the favicon still
    loading when a link is followed) is no failure of the site, and made the journeys
    fail now and then."""
    log = PageLog()
    page.on("request", lambda r: log.requests.append(r.url))
    page.on(
        "console",
        lambda m: (
            log.console_errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: log.failed.append(f"{r.url}: {r.failure}") if r.failure != "net::ERR_ABORTED" else None)
    return log


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Factory: ``new_page(width, height, **context_options)`` -> a page in a fresh context."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 800, **options: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
