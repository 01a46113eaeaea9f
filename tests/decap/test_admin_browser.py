"""The web editor in a real Chromium, against Decap's local backend (decap-server).

The sample site is built into a temp folder with the admin files added (what
``--admin`` adds), served on 127.0.0.1 under ``/qingxi/``. decap-server from
node_modules serves a temp copy of the sample site (config.yaml and content/) on
another port of 127.0.0.1, and the admin config's ``local_backend.url`` points
there. The tests log in (the local backend's 登录 button), see the collections and
the notices, create a notice through the form and check that the file it wrote
passes ``build.py check``. No request may leave 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
import yaml

from sunshine.config import load_config
from sunshine.decap import admin_outputs
from sunshine.problems import Problems

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
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
COLLECTIONS = ["公示公告", "工作计划", "考评排名", "栏目页面"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml", ".wasm": "application/wasm"}

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Editor:
    url: str
    repo: Path


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    node = shutil.which("node")
    if node is None or not SERVER.is_file():
        pytest.skip("node or node_modules/decap-server is missing (npm ci --ignore-scripts)")
    base = tmp_path_factory.mktemp("decap")
    repo = base / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "config.yaml", repo / "config.yaml")
    shutil.copytree(ROOT / "content", repo / "content")

    out = base / "www" / PREFIX.strip("/")
    build = [sys.executable, "build.py", "--now", NOW, "--out", str(out), "--no-history", "-q"]
    run = subprocess.run(build, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    problems = Problems()
    config = load_config(repo, problems)
    assert config is not None, problems.report()
    api_port = _free_port()
    files = {"robots.txt": (out / "robots.txt").read_bytes()}
    for rel, content in admin_outputs(repo, config, files).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(content)
    # the same config, with the local backend on this test's port instead of 8081
    from sunshine.decap import decap_config

    local = {"url": f"http://127.0.0.1:{api_port}/api/v1"}
    (out / "admin" / "config.yml").write_text(decap_config(repo, config, local_backend=local), encoding="utf-8")

    env = {**os.environ, "PORT": str(api_port), "BIND_HOST": "127.0.0.1", "GIT_REPO_DIRECTORY": str(repo), "LOG_LEVEL": "warn"}
    log = (base / "decap-server.log").open("w")
    proxy = subprocess.Popen([node, str(SERVER)], cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT)
    handler = functools.partial(_Quiet, directory=str(base / "www"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        _wait_for_proxy(local["url"], proxy, base / "decap-server.log")
        yield Editor(f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}admin/", repo)
    finally:
        httpd.shutdown()
        httpd.server_close()
        proxy.terminate()
        try:
            proxy.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proxy.kill()
        log.close()


def _wait_for_proxy(url: str, proxy: subprocess.Popen[bytes], log: Path) -> None:
    request = urllib.request.Request(url, data=json.dumps({"action": "info"}).encode(), headers={"Content-Type": "application/json"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proxy.poll() is None, f"decap-server stopped:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(request, timeout=2) as reply:
                if json.load(reply).get("type") == "local_fs":
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"decap-server did not answer at {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Session:
    page: Any
    requests: list[str]
    errors: list[str]

    def foreign(self) -> list[str]:
        return [
            u for u in self.requests
            if urlsplit(u).scheme not in ("data", "about", "blob") and urlsplit(u).hostname != "127.0.0.1"
        ]


@pytest.fixture
def session(browser: Any) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    s = Session(page, [], [])
    page.on("request", lambda r: s.requests.append(r.url))
    page.on("pageerror", lambda e: s.errors.append(str(e)))
    yield s
    context.close()


def _login(s: Session, url: str) -> None:
    s.page.goto(url)
    s.page.get_by_role("button", name="登录").click()


def test_collections_and_notices_are_listed(editor: Editor, session: Session) -> None:
    page = session.page
    _login(session, editor.url)
    page.get_by_text("公示公告", exact=True).first.wait_for(timeout=30_000)
    for label in COLLECTIONS:
        assert page.get_by_text(label, exact=True).count() >= 1, label
    page.get_by_text("青溪镇2020年第二批发展对象公示").wait_for(timeout=30_000)
    page.get_by_text("青溪镇干部任前公示").wait_for()
    page.get_by_text("工作计划", exact=True).first.click()
    page.get_by_text("中共青溪镇委员会2020年党建工作要点").wait_for(timeout=30_000)
    assert session.foreign() == [], session.foreign()
    assert session.errors == []


def test_an_existing_notice_opens_with_its_values(editor: Editor, session: Session) -> None:
    page = session.page
    _login(session, editor.url + "#/collections/notice/entries/2020-06-fazhan-duixiang-gongshi")
    title = page.get_by_label("标题", exact=True)
    title.wait_for(timeout=30_000)
    assert title.input_value() == "青溪镇2020年第二批发展对象公示"
    assert page.get_by_label("索引号 (可选)", exact=True).input_value() == "QXZ-2020-0015"
    assert page.get_by_text("向社会公开（public）").count() >= 1
    assert session.foreign() == [] and session.errors == []


def test_a_new_notice_is_written_and_passes_the_build(editor: Editor, session: Session) -> None:
    page = session.page
    _login(session, editor.url + "#/collections/notice/new")
    page.get_by_label("标题", exact=True).fill("关于召开党员大会的通知")

    def pick(label: str, option: str) -> None:
        page.get_by_label(label, exact=True).click()
        page.get_by_text(option, exact=True).last.click()

    pick("发布机构", "东山村党支部")
    page.get_by_label("发布日期").fill("2020-06-10")
    pick("公开范围", "向社会公开（public）")
    pick("主题分类", "组织管理")
    pick("公开目录事项 (可选)", "工作动态和一般公告")
    pick("公示类型", "一般公告")
    page.get_by_label("公示开始日期").fill("2020-06-10")
    page.get_by_label("工作日天数 (可选)").fill("5")
    pick("受理意见的联系方式", "青溪镇党委组织办")
    page.get_by_label("文号 (可选)").fill("x")  # touched, then emptied: must not be written as ""
    page.get_by_label("文号 (可选)").fill("")
    page.get_by_role("button", name="发布").click()
    page.get_by_text("立即发布").click()

    folder = editor.repo / "content" / "notices"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(folder.glob("2020-06-关于召开党员大会*.md")):
        time.sleep(0.2)
    written = list(folder.glob("2020-06-关于召开党员大会*.md"))
    assert written, sorted(p.name for p in folder.iterdir())
    text = written[0].read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == "关于召开党员大会的通知"
    assert front["org"] == "dongshan" and front["scope"] == "public" and front["type"] == "一般公告"
    assert str(front["date"]) == "2020-06-10"
    assert front["period"] == {"start": front["period"]["start"], "working_days": 5}
    assert "doc_no" not in front and "index_no" not in front
    check = [sys.executable, "build.py", "check", "--root", str(editor.repo), "--now", NOW, "--no-history", "--no-cache"]
    run = subprocess.run(check, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "检查通过" in run.stdout
    assert session.foreign() == [] and session.errors == []
