"""Publishing through rsync: to a daemon, over ssh or into a local folder."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import DeployError
from .plan import MANIFEST, _parent_dirs

RSYNC = "rsync"  # the rsync program; tests point it at a wrapper
RSYNC_TIMEOUT = 120  # seconds without any data before rsync gives up


class RsyncBackend:
    """rsync to a daemon, over ssh or into a local folder; one rsync run per batch."""

    def __init__(self, site_dir: Path, dest: str) -> None:
        self.site_dir = site_dir
        self.dest = dest
        self.options = [f"--timeout={RSYNC_TIMEOUT}"]
        if dest.startswith("rsync://"):
            self.options.append("--contimeout=30")

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "LC_ALL": "C"}
        try:
            return subprocess.run([RSYNC, *self.options, *args], capture_output=True, text=True, env=env, check=False)
        except FileNotFoundError:
            raise DeployError(f"找不到 rsync 程序（{RSYNC}）— 请先安装：apt-get install rsync") from None

    def _fail(self, what: str, done: subprocess.CompletedProcess[str]) -> DeployError:
        detail = (done.stderr or done.stdout).strip().splitlines()
        tail = "；".join(detail[-3:]) if detail else "无输出"
        hint = " — 目标的上级文件夹不存在，请先在服务器上建好" if "mkdir" in done.stderr and "No such file" in done.stderr else ""
        return DeployError(f"{what}失败（rsync 退出码 {done.returncode}：{tail}）{hint}")

    def read_manifest(self) -> bytes | None:
        with tempfile.TemporaryDirectory(prefix="sunshine-deploy-") as tmp:
            local = Path(tmp) / MANIFEST
            done = self._run([self.dest + MANIFEST, str(local)])
            if done.returncode == 0 and local.is_file():
                return local.read_bytes()
            if done.returncode == 23 and "No such file or directory" in done.stderr:
                return None
            raise self._fail(f"读取目标上的 {MANIFEST} ", done)

    def _files_from(self, tmp: str, paths: Iterable[str]) -> str:
        listing = Path(tmp) / "files"
        listing.write_bytes(b"".join(p.encode("utf-8") + b"\0" for p in paths))
        return f"--files-from={listing}"

    def upload(self, paths: list[str]) -> None:
        with tempfile.TemporaryDirectory(prefix="sunshine-deploy-") as tmp:
            args = ["--from0", self._files_from(tmp, paths), "--ignore-times", "--times", "--perms", "--chmod=D755,F644"]
            done = self._run([*args, f"{self.site_dir}/", self.dest])
            if done.returncode != 0:
                raise self._fail("上传", done)

    def delete(self, paths: list[str], keep_dirs: set[str]) -> None:
        """Delete ``paths``, then the folders they leave empty, in one rsync run.

        An empty source holding only ``keep_dirs`` is synced with ``--delete`` and a
        filter that includes exactly ``paths`` and their folders and excludes
        everything else. Excluded files are never deleted, so files this tool did not
        put there survive, and so do their folders (rsync reports "cannot delete
        non-empty directory" and goes on). ``--delete-missing-args`` is not used: the
        rsync 3.2.7 security updates reject its entries ("invalid file mode").
        """
        if not paths:
            return
        dirs = sorted({d for p in paths for d in _parent_dirs(p)})
        with tempfile.TemporaryDirectory(prefix="sunshine-deploy-") as tmp:
            source = Path(tmp) / "empty"
            source.mkdir()
            for folder in dirs:
                if folder in keep_dirs:
                    (source / folder).mkdir(parents=True, exist_ok=True)
            rules = [f"+ /{_rsync_pattern(d)}/" for d in dirs] + [f"+ /{_rsync_pattern(p)}" for p in sorted(paths)] + ["- *"]
            listing = Path(tmp) / "filter"
            listing.write_text("\n".join(rules) + "\n", encoding="utf-8")
            done = self._run(["--recursive", "--delete", f"--filter=merge {listing}", f"{source}/", self.dest])
            if done.returncode != 0:
                raise self._fail("删除", done)


def _rsync_pattern(path: str) -> str:
    """``path`` as an rsync filter pattern matching only itself."""
    if "\n" in path or "\r" in path:
        raise DeployError(f"文件名含换行符，无法用 rsync 删除：{path!r}")
    if any(c in path for c in "*?["):  # backslash escapes only where a wildcard is present
        return "".join("\\" + c if c in "*?[\\" else c for c in path)
    return path
