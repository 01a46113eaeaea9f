"""Pagefind started ahead of a quick rebuild, its Chinese dictionary loaded while the engine works.

Pagefind's extended program loads its Chinese dictionary the first time it segments a
page: about 0.2 s of the 0.25 s its command takes to index one page. A quick rebuild
with search indexes a handful of pages (the edits shard,
:mod:`sunshine.outputs.searchedits`), so that load was nearly all its Pagefind time.

When the last build's record shows that only record files changed, :func:`start`
launches Pagefind as a service (``--service``: each request a base64-encoded JSON
message ended by a comma on its standard input, each answer the same on its standard
output) and, in a thread, has it index a one-line Chinese page and forget it. The
engine meanwhile reads its store and renders the edited pages. :func:`claim` hands
that process to the indexing step: one page then takes about 40 ms. Pagefind's Python
package speaks the same protocol, but it polls for answers every 0.1 s, which is more
than the whole exchange.

The pages are added in reverse order of their paths, the order Pagefind's command
line gives them, so the bundle is the command's byte for byte (tested). Any failure
(the program missing, an error answer, the process gone) gives None, and the caller
runs the command line as before. A service nobody claims is ended by :func:`stop`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["Service", "claim", "start", "stop"]

# Any Chinese page loads the dictionary; this one is indexed and forgotten at once.
WARM_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head>'
    "<body><main data-pagefind-body>党务公开</main></body></html>"
)

_READ_SIZE = 1 << 20
WARM_WAIT = 20.0  # seconds: a service not warm by then is ended, and the command runs instead


class ServiceError(RuntimeError):
    """Pagefind's service answered with an error, or not at all."""


class Service:
    """One Pagefind process in service mode, asked one request at a time."""

    def __init__(self, executable: Path) -> None:
        self._process = subprocess.Popen(
            [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._sent = 0
        self._pending = b""

    def warm(self) -> None:
        """Have Pagefind segment a Chinese page, so that its dictionary is loaded."""
        index = self._new_index({})
        self._add(index, "warm/index.html", WARM_PAGE)
        self._call({"type": "DeleteIndex", "index_id": index})

    def index(self, docs: Mapping[str, str], exclude: Sequence[str]) -> dict[str, bytes]:
        """Pagefind's files for ``docs`` (path under the site -> HTML), as its command
        line with ``--exclude-selectors`` would write them."""
        index = self._new_index({"exclude_selectors": list(exclude)})
        for path, text in sorted(docs.items(), reverse=True):
            self._add(index, path, text)
        files = self._call({"type": "GetFiles", "index_id": index}).get("files")
        if not isinstance(files, list):
            raise ServiceError("Pagefind gave no files")
        return {str(file["path"]): base64.b64decode(file["content"]) for file in files}

    def close(self) -> None:
        """End the process (it leaves when its input closes)."""
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a process gone already: its pipe is broken
                    stream.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def kill(self) -> None:
        """End the process at once (it did not answer)."""
        with contextlib.suppress(OSError):
            self._process.kill()
        self.close()

    def _new_index(self, config: dict[str, Any]) -> int:
        return int(self._call({"type": "NewIndex", "config": config})["index_id"])

    def _add(self, index: int, path: str, text: str) -> None:
        self._call({"type": "AddFile", "index_id": index, "file_path": path, "url": None, "file_contents": text})

    def _call(self, payload: dict[str, Any]) -> dict[str, Any]:
        stdin = self._process.stdin
        assert stdin is not None
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}, ensure_ascii=False)
        try:
            stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
            stdin.flush()
        except OSError as exc:
            raise ServiceError(f"Pagefind took no request: {exc}") from exc
        answer = json.loads(base64.b64decode(self._read()))
        reply = answer.get("payload") if isinstance(answer, dict) else None
        if not isinstance(reply, dict) or answer.get("message_id") != self._sent:
            raise ServiceError(f"Pagefind answered out of turn: {str(answer)[:200]}")
        if reply.get("type") == "Error":
            raise ServiceError(f"Pagefind: {reply.get('message')}")
        return reply

    def _read(self) -> bytes:
        """The next answer (base64, without its comma)."""
        stdout = self._process.stdout
        assert stdout is not None
        while b"," not in self._pending:
            chunk = os.read(stdout.fileno(), _READ_SIZE)
            if not chunk:
                raise ServiceError(f"Pagefind stopped (exit code {self._process.poll()})")
            self._pending += chunk
        answer, _, self._pending = self._pending.partition(b",")
        return answer


class _Ahead:
    """A service being launched and warmed in a thread."""

    def __init__(self, executable: Path) -> None:
        self.service: Service | None = None  # once warm
        self.started: Service | None = None  # once launched
        self.thread = threading.Thread(target=self._run, args=(executable,), name="pagefind-warm", daemon=True)
        self.thread.start()

    def _run(self, executable: Path) -> None:
        try:
            self.started = Service(executable)
            self.started.warm()
            self.service = self.started
        except (OSError, ValueError, TypeError, KeyError, ServiceError):
            if self.started is not None:
                self.started.close()

    def wait(self) -> Service | None:
        """The warm service, or None; one still not warm after :data:`WARM_WAIT` is ended."""
        self.thread.join(WARM_WAIT)
        if self.thread.is_alive():
            if self.started is not None:
                self.started.kill()
            return None
        return self.service


_ahead: _Ahead | None = None


def start(executable: Path | None) -> None:
    """Launch and warm a service (in a thread) for the next :func:`claim`."""
    global _ahead
    if _ahead is None and executable is not None:
        _ahead = _Ahead(executable)


def claim() -> Service | None:
    """The service :func:`start` launched, once warm, or None (none, or it failed).
    The caller ends it with :meth:`Service.close`."""
    global _ahead
    ahead, _ahead = _ahead, None
    if ahead is None:
        return None
    return ahead.wait()


def stop() -> None:
    """End a service nobody claimed."""
    service = claim()
    if service is not None:
        service.close()
