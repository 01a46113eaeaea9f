"""The write's file work: make the new output folder hold exactly the output files.

:func:`fill` creates, links and deletes only what differs from what the folder holds
(see :mod:`sunshine.write`, which then swaps the folder into place). It is mostly
the kernel's work: tens of thousands of folders and files at 10,000 records.

A large build also keeps its quick-rebuild store after rendering (:mod:`sunshine.quickstore`),
which is the interpreter's work (pickling). :func:`start` runs :func:`fill` in a process
of its own, ``python -m sunshine.writeout``, so the two overlap on two cores. That
process is started afresh, not forked: a forked one would share the build's memory and
every page the store's pickling touches (reference counts are writes) would then be
copied. It imports only the standard library and :mod:`sunshine.outfiles`, is handed
the folders and files as one pickle on its standard input and answers with one pickle
on its standard output: ``None``, or the exception it met (an ``OSError`` such as a full
disk), raised again by :meth:`Filling.wait` as it was, so a failed write is reported the
same either way. What it says on its standard error is kept from the clerk, but for its
last line when it ended without an answer.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .outfiles import OutputFiles

__all__ = ["Filling", "Work", "fill", "start"]

_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
_DIED = object()  # no answer: the process ended before it gave one


@dataclass(frozen=True)
class Work:
    """What :func:`fill` needs: the folder to fill (``tmp``), the current output
    (``out``), the files with their SHA-256 (``sums``), the current output's digests
    (``previous``) and the paths the page cache found equal to it (``verified``)."""

    tmp: Path
    out: Path
    files: OutputFiles
    sums: dict[str, str]
    previous: dict[str, str]
    verified: frozenset[str]


def fill(work: Work) -> None:
    """Make ``work.tmp`` hold exactly ``work.files``, touching only what differs.

    A file whose bytes the current output already has is that file, hard-linked (so
    its modification time stays); the rest is written. A stored file is read only
    if it is to be written."""
    tmp, out, files = work.tmp, work.out, work.files
    have_files, have_dirs = _contents(tmp)
    wanted_dirs: set[str] = set()
    for rel in files:
        parent = rel.rpartition("/")[0]
        while parent and parent not in wanted_dirs:
            wanted_dirs.add(parent)
            parent = parent.rpartition("/")[0]
    for rel in sorted(have_files - files.keys(), reverse=True):  # removed outputs, or a file where a folder goes
        (tmp / rel).unlink()
    for rel in sorted(have_dirs - wanted_dirs - {""}, key=lambda d: d.count("/"), reverse=True):
        shutil.rmtree(tmp / rel, ignore_errors=True)
    for rel in sorted(wanted_dirs - have_dirs, key=lambda d: d.count("/")):
        path = tmp / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
        path.mkdir(exist_ok=True)
    tmp_dir, out_dir = f"{tmp}{os.sep}", f"{out}{os.sep}"
    for rel in files:
        target, old = tmp_dir + rel, out_dir + rel
        digest = work.sums.get(rel) or files.sha256(rel)
        same_as_out = work.previous.get(rel) == digest and (rel in work.verified or _same_bytes(old, files, rel))
        if same_as_out:
            if rel in have_files and _same_file(old, target):
                continue  # already the current output's file
            if _link(old, target, files.size(rel)):
                continue
        _write(target, files[rel], rel in have_files)


def _contents(tmp: Path) -> tuple[set[str], set[str]]:
    """The files and folders ``tmp`` holds (a spare output), links to folders removed."""
    have_files: set[str] = set()
    have_dirs: set[str] = {""}
    for folder, dirs, names in os.walk(tmp):
        rel = os.path.relpath(folder, tmp).replace(os.sep, "/")
        rel = "" if rel == "." else rel + "/"
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        for d in links:  # never write through a link the spare should not hold
            os.unlink(os.path.join(folder, d))
            dirs.remove(d)
        have_dirs.update(rel + d for d in dirs)
        have_files.update(rel + n for n in names)
    return have_files, have_dirs


def _same_bytes(path: str, files: OutputFiles, rel: str) -> bool:
    """The file at ``path`` holds ``files[rel]`` (compared only if the sizes agree)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or st.st_size != files.size(rel):
            return False
        with open(path, "rb") as f:
            return f.read() == files[rel]
    except OSError:
        return False


def _same_file(a: str, b: str) -> bool:
    """``b`` is ``a`` itself (one inode), and not a link to it."""
    try:
        sa, sb = os.lstat(a), os.lstat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino) and not stat.S_ISLNK(sb.st_mode)


def _write(target: str, content: bytes, exists: bool) -> None:
    if exists:
        os.unlink(target)  # never write through a link into the current output
    with open(target, "wb") as f:
        f.write(content)


def _link(old: str, new: str, size: int) -> bool:
    """Hard-link ``old`` (the current output's file) to ``new``, replacing ``new``."""
    try:
        st = os.lstat(old)
        if stat.S_ISLNK(st.st_mode) or st.st_size != size:
            return False
        if os.path.lexists(new):
            os.unlink(new)
        os.link(old, new)
        return True
    except OSError:
        return False


class Filling:
    """:func:`fill` running in a process of its own (:func:`start`)."""

    def __init__(self, process: subprocess.Popen[bytes]):
        self.process = process

    def wait(self) -> None:
        """Wait for the folder to be filled; raise what the process met, as it was."""
        answer, said = self.process.communicate()
        try:
            failure = pickle.loads(answer) if answer else _DIED
        except Exception:  # a half-written answer: the process was killed
            failure = _DIED
        if failure is None and self.process.returncode == 0:
            return
        if isinstance(failure, BaseException):
            raise failure
        last = said.decode("utf-8", "replace").strip().splitlines()[-1:]  # never a traceback for the clerk
        raise OSError(f"写入输出文件夹的进程意外结束（退出码 {self.process.returncode}）" + (f"：{last[0]}" if last else ""))

    def stop(self) -> None:
        """End the process (the build stops): it must not write on while ``tmp`` is removed."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def start(work: Work) -> Filling | None:
    """:func:`fill` in a new process; None if none could be started (then fill here)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "sunshine.writeout"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
    except OSError:
        return None
    stdin, process.stdin = process.stdin, None  # all it gets: communicate() must not flush it
    assert stdin is not None
    try:
        with stdin:
            pickle.dump(work, stdin, protocol=pickle.HIGHEST_PROTOCOL)
    except BrokenPipeError:  # it ended before reading: wait() says why
        pass
    return Filling(process)


def _main(stdin: IO[bytes], stdout: IO[bytes]) -> int:
    try:
        fill(pickle.load(stdin))
    except BaseException as exc:  # handed back whole: the build raises it as its own write would
        try:
            answer = pickle.dumps(exc)
        except Exception:  # an exception that cannot be pickled: its words
            answer = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
        stdout.write(answer)
        return 1
    pickle.dump(None, stdout)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.stdin.buffer, sys.stdout.buffer))
