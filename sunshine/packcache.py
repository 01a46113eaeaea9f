"""Many small cache entries in a few files ("packs") instead of one file each.

Creating a file costs far more than writing its bytes (on this project's test disks
about 0.3 ms, on an office PC with a virus scanner more), and a cold build makes an
entry for every body. So the entries of one cache live in pack files in one folder:

- a process that makes entries appends them to a pack of its own,
  ``<pid>-<nonce>.pack``, created with its first entry; nothing is rewritten in place;
- an entry is a frame (magic, key size, value size, SHA-256 of key and value), the
  key and the value. Reading a pack stops at a frame that is damaged or cut short
  (a killed build), and a value whose digest does not match is not returned: a
  damaged pack costs time, never a wrong result;
- opening the folder reads the frames only (the index); values are read on demand,
  also from forked workers, which inherit the index;
- :meth:`PackCache.keep` merges the packs into one holding only the entries still
  used, when many are unused or there are many packs.

Writing is best effort: a cache that cannot be written only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import struct
import time
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from .outfiles import read_at

__all__ = ["PackCache"]

MAGIC = b"SPK1"
_FRAME = struct.Struct("<4sII32s")  # magic, key size, value size, SHA-256 of key + NUL + value
MAX_PACKS = 8  # more than this many packs are merged
STALE_PART = 3600  # seconds: a merge takes a few; an older .part was left by one that was killed


def _digest(key: bytes, value: bytes) -> bytes:
    return hashlib.sha256(key + b"\0" + value).digest()


class PackCache:
    """Entries ``key -> bytes`` in the packs of ``folder`` (None: a cache that holds nothing).

    The packs' frames are read on the first lookup (``scan=False``: never, for a process
    that only writes); forked workers inherit what was read before the fork."""

    def __init__(self, folder: Path | None, scan: bool = True):
        self.folder = folder
        self._index: dict[str, tuple[str, int, int, bytes]] = {}  # key -> (pack, value offset, size, digest)
        self._older: dict[str, list[tuple[str, int, int, bytes]]] = {}  # the same key in packs read before
        self.sizes: dict[str, int] = {}  # pack -> bytes of whole entries
        self._fds: dict[tuple[int, str], int] = {}
        self._out: int | None = None  # a bare descriptor: one left to the collector raises no ResourceWarning
        self._out_pid = 0
        self._unread = folder is not None and scan

    def _scan(self) -> None:
        self._unread = False
        assert self.folder is not None
        try:
            packs = sorted(self.folder.glob("*.pack"))
        except OSError:
            return
        for pack in packs:
            try:
                with open(pack, "rb") as f:
                    self.sizes[str(pack)] = self._read_frames(f, str(pack))
            except OSError:
                continue

    def _read_frames(self, f: BinaryIO, pack: str) -> int:
        pos, whole = 0, os.fstat(f.fileno()).st_size
        while True:
            f.seek(pos)
            frame = f.read(_FRAME.size + 256)
            if len(frame) < _FRAME.size:
                return pos
            magic, key_size, size, digest = _FRAME.unpack_from(frame)
            if magic != MAGIC or key_size > 256:
                return pos
            key = frame[_FRAME.size : _FRAME.size + key_size]
            end = pos + _FRAME.size + key_size + size
            if len(key) < key_size or end > whole:
                return pos
            name = key.decode("utf-8", "replace")
            if name in self._index:  # a damaged entry made again later: both are kept
                self._older.setdefault(name, []).append(self._index[name])
            self._index[name] = (pack, pos + _FRAME.size + key_size, size, digest)
            pos = end

    @property
    def index(self) -> dict[str, tuple[str, int, int, bytes]]:
        """Key -> (pack, value offset, size, digest), read on first use."""
        if self._unread:
            self._scan()
        return self._index

    def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, if it is there and intact."""
        found = self.index.get(key)
        if found is None:
            return None
        for pack, offset, size, digest in [found, *reversed(self._older.get(key, []))]:
            try:
                value = read_at(self._fd(pack), size, offset)
            except OSError:
                continue
            if len(value) == size and _digest(key.encode("utf-8"), value) == digest:
                return value
        return None

    def _fd(self, pack: str) -> int:
        handle = (os.getpid(), pack)  # a forked worker opens its own
        fd = self._fds.get(handle)
        if fd is None:
            fd = self._fds[handle] = os.open(pack, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        return fd

    def put(self, key: str, value: bytes) -> None:
        """Append an entry to this process's pack (best effort). Unbuffered: each entry
        is one write, so a worker that ends without cleaning up loses nothing."""
        if self.folder is None:
            return
        k = key.encode("utf-8")
        try:
            if self._out is None or self._out_pid != os.getpid():
                self.folder.mkdir(parents=True, exist_ok=True)
                name = f"{os.getpid()}-{secrets.token_hex(4)}.pack"
                flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
                self._out = os.open(self.folder / name, flags, 0o666)  # kept open across calls
                self._out_pid = os.getpid()
            entry = memoryview(_FRAME.pack(MAGIC, len(k), len(value), _digest(k, value)) + k + value)
            while entry:
                entry = entry[os.write(self._out, entry) :]
        except OSError:
            self.folder = None  # not writable: stop trying

    def close(self) -> None:
        if self._out is not None and self._out_pid == os.getpid():
            with contextlib.suppress(OSError):
                os.close(self._out)
        self._out = None  # a forked worker's inherited file is left to its parent
        for (pid, _), fd in list(self._fds.items()):
            if pid == os.getpid():
                os.close(fd)
        self._fds.clear()

    def __del__(self) -> None:
        self.close()

    def keep(self, keys: Iterable[str] | None = None, most: int | None = None) -> None:
        """Merge the packs into one holding only ``keys`` (None: every key), those present
        and intact, when more than half of what they hold is unused or there are more
        than MAX_PACKS; if that would be more than ``most`` entries, remove them all."""
        if self.folder is None:
            return
        self.close()
        with contextlib.suppress(OSError):
            for old in self.folder.iterdir():  # an older layout: a file per entry
                if old.is_dir() and not old.is_symlink():
                    shutil.rmtree(old, ignore_errors=True)
                elif old.suffix not in (".pack", ".part"):
                    old.unlink(missing_ok=True)
                elif old.suffix == ".part" and time.time() - old.stat().st_mtime > STALE_PART:
                    old.unlink(missing_ok=True)  # left by a merge that was killed
        fresh = PackCache(self.folder)
        try:
            wanted = sorted(fresh.index if keys is None else {k for k in keys if k in fresh.index})
            used = sum(_FRAME.size + len(k.encode("utf-8")) + fresh.index[k][2] for k in wanted)
            if len(fresh.sizes) <= MAX_PACKS and used * 2 >= sum(fresh.sizes.values()):
                return
            if most is not None and len(wanted) > most:
                wanted = []
            merged = self.folder / f"{os.getpid()}-{secrets.token_hex(4)}.pack"
            part = merged.with_suffix(".part")
            with open(part, "wb") as f:
                for k in wanted:
                    value = fresh.get(k)
                    if value is not None:
                        kb = k.encode("utf-8")
                        f.write(_FRAME.pack(MAGIC, len(kb), len(value), _digest(kb, value)) + kb + value)
            os.replace(part, merged)
            fresh.close()  # Windows removes no file that is still open
            for pack in fresh.sizes:
                Path(pack).unlink(missing_ok=True)
        except OSError:
            pass
        finally:
            fresh.close()
