"""The output files of a build, some of them kept on disk until the write.

A build of 10,000 records makes some 170 MB of pages. Held in memory from the render
to the write, they were a third of a build's peak memory. So :func:`sunshine.pipeline.build`
hands the render a :class:`Spool`: each forked worker appends the pages it renders
to a file of its own in a spool folder beside the output folder and sends back only
where they are (:class:`Stored`: file, offset, size, SHA-256). A page the page cache
takes from the current output folder is likewise a reference to that file, which the
write hard-links without reading it.

:class:`OutputFiles` is the ``{output path: bytes}`` mapping every later step reads:
a value is read from disk when asked for, and its size and SHA-256 are known without
reading it. What is stored is read back byte for byte as it was rendered; the spool
folder is removed when the build ends, and a killed build's is removed by the next.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OutputFiles", "Spool", "Stored", "read_at"]

_SPOOL = ".{name}.spool-"


def read_at(fd: int, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes at ``offset`` of ``fd``: with ``os.pread`` where there is one
    (it leaves the file position alone, which forked processes share), else seeking."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    parts: list[bytes] = []
    while size > 0 and (part := os.read(fd, size)):
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


@dataclass(frozen=True, slots=True)
class Stored:
    """Bytes kept in a file: ``size`` bytes at ``offset`` of ``path``, with their SHA-256."""

    path: str
    offset: int
    size: int
    sha256: str

    def read(self) -> bytes:
        fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            content = read_at(fd, self.size, self.offset) if self.size else b""
        finally:
            os.close(fd)
        if len(content) != self.size:
            raise OSError(f"{self.path}: {len(content)} bytes where {self.size} were kept")
        return content


class OutputFiles(MutableMapping[str, bytes]):
    """``{output path: bytes}``, each value held in memory or :class:`Stored` on disk."""

    def __init__(self) -> None:
        self._items: dict[str, bytes | Stored] = {}

    def __getitem__(self, path: str) -> bytes:
        value = self._items[path]
        return value if isinstance(value, bytes) else value.read()

    def __setitem__(self, path: str, value: bytes) -> None:
        self._items[path] = value

    def __delitem__(self, path: str) -> None:
        del self._items[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, path: object) -> bool:
        return path in self._items

    def store(self, path: str, stored: Stored) -> None:
        """Set ``path`` to bytes kept on disk."""
        self._items[path] = stored

    def stored(self, path: str) -> Stored | None:
        """Where ``path``'s bytes are kept on disk, or None if they are in memory."""
        value = self._items[path]
        return None if isinstance(value, bytes) else value

    def size(self, path: str) -> int:
        value = self._items[path]
        return len(value) if isinstance(value, bytes) else value.size

    def sha256(self, path: str) -> str:
        value = self._items[path]
        return hashlib.sha256(value).hexdigest() if isinstance(value, bytes) else value.sha256

    @classmethod
    def of(cls, files: Mapping[str, bytes]) -> OutputFiles:
        """A new mapping with the values of ``files`` (stored ones are not read)."""
        new = cls()
        if isinstance(files, OutputFiles):
            new._items = dict(files._items)
        else:
            new._items = dict(files)
        return new


class Spool:
    """A folder beside the output folder where forked workers leave rendered pages.

    :meth:`put` may be called in any process: each appends to its own file, named by
    its process id, and returns where the bytes are. Use as a context manager; the
    folder and every file in it are removed on leaving it.
    """

    def __init__(self, output: Path):
        out = output.resolve()
        prefix = _SPOOL.format(name=out.name)
        for leftover in out.parent.glob(prefix + "*"):  # a killed build's
            if leftover.is_dir() and not leftover.is_symlink() and not _running(leftover.name.removeprefix(prefix)):
                shutil.rmtree(leftover, ignore_errors=True)
        self.folder = out.parent / (prefix + str(os.getpid()))
        self._pid = -1
        self._fd = -1
        self._end = 0

    def __enter__(self) -> Spool:
        self.folder.mkdir(parents=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def put(self, content: bytes) -> Stored:
        """Append ``content`` to this process's file; where it now is."""
        pid = os.getpid()
        if pid != self._pid:  # the first page of a newly forked worker (or of this process)
            self._pid = pid
            self._end = 0
            name = str(self.folder / f"{pid}.pages")
            self._fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
            self._name = name
        offset = self._end
        view = memoryview(content)
        while view:
            view = view[os.write(self._fd, view) :]
        self._end += len(content)
        return Stored(self._name, offset, len(content), hashlib.sha256(content).hexdigest())

    def close(self) -> None:
        """Close this process's file, if it has one."""
        if self._pid == os.getpid() and self._fd >= 0:
            os.close(self._fd)
        self._pid, self._fd = -1, -1


def _running(pid: str) -> bool:
    """Whether a process with this id (a spool folder's suffix) runs now."""
    if os.name != "posix":  # signal 0 is no probe there
        return False
    try:
        os.kill(int(pid), 0)
    except (ValueError, OSError):
        return False
    return True
