"""The output folder as the last build left it: every file's size, modification time
and inode, every folder's modification time and inode.

A no-change or quick build (:mod:`sunshine.lastbuild`) may keep the output only if it is
exactly as recorded. Checking stats each recorded path instead of listing every folder:
a file added to, removed from or renamed in a folder changes the folder's modification
time, so an unchanged folder holds no stray file. Records keep paths and stats as flat
lists (:func:`packed`), three times quicker to read and write as JSON than a mapping.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

__all__ = ["intact", "packed", "restat", "scan", "update"]


def scan(out: Path) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Every file under ``out`` with its (size, mtime, inode), and every folder (``""``:
    ``out`` itself) with its (mtime, inode), by path relative to ``out``."""
    files: dict[str, list[int]] = {}
    folders: dict[str, list[int]] = {}
    todo = [(str(out), "")]
    while todo:
        folder, rel = todo.pop()
        st = os.lstat(folder)
        folders[rel] = [st.st_mtime_ns, st.st_ino]
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((entry.path, rel + entry.name + "/"))
                else:
                    st = entry.stat(follow_symlinks=False)
                    files[rel + entry.name] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return files, folders


def packed(stats: dict[str, list[int]]) -> dict[str, list[Any]]:
    """``stats`` as two flat lists, three times quicker to read and write as JSON."""
    return {"paths": list(stats), "stats": [n for values in stats.values() for n in values]}


def intact(out: Path, doc: dict[str, Any]) -> bool:
    """Whether ``out`` holds exactly the files recorded in ``doc``, unchanged (by the
    stats of the recorded files and folders alone, as the module's note says)."""
    lstat, base = os.lstat, str(out) + "/"
    try:
        folders, files = doc["folders"], doc["outputs"]
        stats = iter(folders["stats"])
        for rel, mtime, ino in zip(folders["paths"], stats, stats, strict=True):
            st = lstat(base + rel)
            if st.st_mtime_ns != mtime or st.st_ino != ino or not S_ISDIR(st.st_mode):
                return False
        stats = iter(files["stats"])
        for rel, size, mtime, ino in zip(files["paths"], stats, stats, stats, strict=True):
            st = lstat(base + rel)
            if st.st_size != size or st.st_mtime_ns != mtime or st.st_ino != ino or not S_ISREG(st.st_mode):
                return False
    except (OSError, ValueError, TypeError, KeyError):  # gone, or a damaged record
        return False
    return True


def restat(out: Path, doc: dict[str, Any], changed: list[str]) -> None:
    """Update ``doc``'s output stats after the files ``changed`` were written or removed;
    a removed file (of the search index) and an emptied folder leave the record."""
    files: dict[str, list[int] | None] = {}
    folders: dict[str, list[int] | None] = {"": None}
    for rel in changed:
        st = _lstat(out / rel)
        files[rel] = [st.st_size, st.st_mtime_ns, st.st_ino] if st else None
        parts = rel.split("/")[:-1]
        folders.update(dict.fromkeys("".join(part + "/" for part in parts[:i]) for i in range(1, len(parts) + 1)))
    for rel in folders:
        st = _lstat(out / rel)
        folders[rel] = [st.st_mtime_ns, st.st_ino] if st else None
    update(doc["outputs"], files, 3)
    update(doc["folders"], folders, 2)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


_FEW = 64  # changes up to this many are each looked up in the list of paths; more, through an index of it


def _index(paths: list[str], known: int, path: str) -> int | None:
    """Where ``path`` is among the first ``known`` of ``paths`` (those appended since are new ones)."""
    try:
        return paths.index(path, 0, known)
    except ValueError:
        return None


def update(packed: dict[str, list[Any]], changes: dict[str, list[int] | None], width: int) -> None:
    """Set the stats of some paths in a :func:`packed` record; None removes the path."""
    paths, flat = packed["paths"], packed["stats"]
    place: Callable[[str], int | None]
    if len(changes) > _FEW:
        where = {path: i for i, path in enumerate(paths)}
        place = where.get
    else:  # a quick edit's dozen paths: each looked up in the list (in C) instead of indexing 60,000
        place = functools.partial(_index, paths, len(paths))
    gone: set[int] = set()
    for path, values in changes.items():
        i = place(path)
        if i is None:
            if values is not None:
                paths.append(path)
                flat.extend(values)
        elif values is None:
            gone.add(i)
        else:
            flat[i * width : i * width + width] = values
    for i in sorted(gone, reverse=True):  # from the end: the places before stay
        del paths[i]
        del flat[i * width : i * width + width]
