"""Fixtures for the deploy tests: three builds of the sample site, a real rsync daemon,
nginx running the configuration printed in docs/发布指南.md, and a moto S3 server.

The builds are made from temporary copies of config.yaml and content/ (no git
history, so only what the edit changes differs between them):

- ``v1``: the sample site as it is;
- ``v2``: one notice's title changed (its page, lists, feeds, catalog change);
- ``v3``: ``v2`` with another notice removed.

Servers listen on 127.0.0.1 on free ports and are stopped at the end of each test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
NOW = "2020-06-15T10:00:00+08:00"
CHANGED_NOTICE = "content/notices/2020-04-renqian-gongshi.md"
CHANGED_FROM = "title: 青溪镇干部任前公示\n"
CHANGED_TO = "title: 青溪镇2020年第一批干部任前公示\n"
REMOVED_NOTICE = "content/notices/2020-03-chunji-dangyuan-lunxun.md"
REMOVED_URL = "notices/2020-03-chunji-dangyuan-lunxun/"
DOCS = REPO / "docs" / "发布指南.md"


@dataclass(frozen=True)
class Build:
    dir: Path  # the built site

    @property
    def manifest(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))
        return doc

    def files(self) -> dict[str, bytes]:
        """Every file of the site, manifest.json and SHA256SUMS included."""
        return {p.relative_to(self.dir).as_posix(): p.read_bytes() for p in sorted(self.dir.rglob("*")) if p.is_file()}


def _build(root: Path, out: Path) -> Build:
    env = {**os.environ, "SUNSHINE_NO_SEARCH": "1"}
    cmd = [sys.executable, str(REPO / "build.py"), "--root", str(root), "--now", NOW, "--out", str(out), "-q"]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return Build(out)


def _copy_root(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "config.yaml", dest / "config.yaml")
    shutil.copytree(REPO / "content", dest / "content")
    return dest


@dataclass(frozen=True)
class Builds:
    v1: Build
    v2: Build
    v3: Build


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    base = tmp_path_factory.mktemp("builds")
    root = _copy_root(base / "root")
    v1 = _build(root, base / "v1")
    notice = root / CHANGED_NOTICE
    text = notice.read_text(encoding="utf-8")
    assert CHANGED_FROM in text
    notice.write_text(text.replace(CHANGED_FROM, CHANGED_TO, 1), encoding="utf-8")
    v2 = _build(root, base / "v2")
    (root / REMOVED_NOTICE).unlink()
    v3 = _build(root, base / "v3")
    return Builds(v1, v2, v3)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}: {log.read_text(errors='replace') if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _need(program: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if not found:
        pytest.fail(f"{program} is not installed: apt-get install {program} (make test does)")
    return found


@dataclass(frozen=True)
class RsyncServer:
    www: Path  # the module's folder
    port: int

    def url(self, path: str = "qingxi/") -> str:
        return f"rsync://127.0.0.1:{self.port}/www/{path}"


@pytest.fixture
def rsync_server(tmp_path: Path) -> Iterator[RsyncServer]:
    """``rsync --daemon`` with one writable module ``www``."""
    rsync = _need("rsync")
    www = tmp_path / "www"
    www.mkdir()
    state = tmp_path / "rsyncd"
    state.mkdir()
    as_root = "    uid = root\n    gid = root\n" if os.geteuid() == 0 else ""
    conf = state / "rsyncd.conf"
    conf.write_text(
        f"pid file = {state}/rsyncd.pid\nlog file = {state}/rsyncd.log\nuse chroot = no\n"
        f"[www]\n    path = {www}\n    read only = no\n    use chroot = no\n{as_root}",
        encoding="utf-8",
    )
    port = free_port()
    cmd = [rsync, "--daemon", "--no-detach", f"--config={conf}", f"--port={port}", "--address=127.0.0.1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, state / "rsyncd.log")
        yield RsyncServer(www, port)
    finally:
        _stop(proc)


def docs_nginx_server_block() -> str:
    """The ```nginx block of docs/发布指南.md."""
    blocks = re.findall(r"```nginx\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, "docs/发布指南.md should hold exactly one nginx block"
    block: str = blocks[0]
    return block


@dataclass(frozen=True)
class Nginx:
    port: int

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/qingxi/{urllib.parse.quote(path)}"

    def get(self, path: str = "") -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names) and body of ``/qingxi/<path>``."""
        return fetch(self.url(path))


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with _OPENER.open(url, timeout=10) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.fixture
def nginx(rsync_server: RsyncServer, tmp_path: Path) -> Iterator[Nginx]:
    """nginx serving the rsync module's folder with the docs' server block."""
    binary = _need("nginx")
    state = tmp_path / "nginx"
    state.mkdir()
    port = free_port()
    block = docs_nginx_server_block()
    assert "listen 80;" in block and "root /srv/www;" in block
    block = block.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("root /srv/www;", f"root {rsync_server.www};")
    temp_paths = "".join(f"    {name}_temp_path {state}/{name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = state / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {state}/nginx.pid;\nerror_log {state}/error.log;\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n    access_log off;\n{temp_paths}{block}}}\n",
        encoding="utf-8",
    )
    cmd = [binary, "-p", f"{state}/", "-c", str(conf), "-e", f"{state}/error.log"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, state / "error.log")
        yield Nginx(port)
    finally:
        _stop(proc)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, and every folder as ``path/``."""
    out: dict[str, bytes] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel + "/" if p.is_dir() else rel] = b"" if p.is_dir() else p.read_bytes()
    return out


def changed(a: dict[str, bytes], b: dict[str, bytes]) -> set[str]:
    """Paths of ``b`` that are new or differ from ``a``."""
    return {p for p, content in b.items() if a.get(p) != content}
