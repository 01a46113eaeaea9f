"""The SHA-256 of each output file, as the output's ``manifest.json`` lists them.

A full build compares every file with the last build's digests (:func:`read_digests`).
A quick rebuild (:mod:`sunshine.bodyedit`) rewrites a few pages out of tens of
thousands, so :class:`ManifestDigests` finds a digest in the manifest's text instead
of parsing all of it (a tenth of a second at 10,000 records). The manifest is written
with one file to a line at a fixed indent (:func:`sunshine.write.manifest`), which
makes the line of a path unambiguous.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, ItemsView, Iterator, Mapping, MutableMapping
from pathlib import Path

__all__ = ["FILES_END", "FILES_START", "ManifestDigests", "listed_under", "read_digests"]

_HEX = re.compile(rb'[0-9a-f]{64}"')
FILES_START = b'\n "files": {\n'  # the manifest's list of files, one to a line (sunshine.write.manifest)
FILES_END = b'\n },\n "records": ['
_ENTRY_TAIL = 68  # ': "' + 64 hex digits + '"'


def _sums_path(line: bytes) -> str:
    """The path of a line of SHA256SUMS: ``digest  path``."""
    if line[64:66] != b"  ":
        raise ValueError("not a line of SHA256SUMS")
    return line[66:].decode("utf-8")


class _SortedLines:
    """Entries sorted by path in ``buf[lo:hi]``, one to a line, between them ``sep`` (which
    ends the line), edited in place: the list of files of a manifest or of SHA256SUMS."""

    def __init__(self, buf: bytearray, lo: int, hi: int, sep: bytes, path_of: Callable[[bytes], str]):
        self.buf, self.lo, self.hi, self.sep, self.path_of = buf, lo, hi, sep, path_of

    def _ends(self, at: int) -> tuple[int, int]:
        """Where the entry starting at ``at`` ends, and where the next one starts (``hi`` after the last)."""
        brk = self.buf.find(b"\n", at, self.hi)
        return (self.hi, self.hi) if brk < 0 else (brk + 1 - len(self.sep), brk + 1)

    def _path(self, at: int) -> str:
        return self.path_of(bytes(self.buf[at : self._ends(at)[0]]))

    def find(self, path: str) -> tuple[int, bool]:
        """Where the first entry not before ``path`` starts (``hi`` if none), and whether it is ``path``'s."""
        low, high = self.lo, self.hi
        while low < high:
            mid = (low + high) // 2
            at = self.buf.rfind(b"\n", low, mid) + 1 or low  # the start of the line holding ``mid``
            if self._path(at) < path:
                low = self._ends(at)[1]
            else:
                high = at
        low = min(low, self.hi)
        return low, low < self.hi and self._path(low) == path

    def put(self, at: int, entry: bytes, replace: bool) -> None:
        """Replace the entry at ``at``, or insert ``entry`` before it (at ``hi``: after the last)."""
        if replace:
            end = self._ends(at)[0]
            self.buf[at:end] = entry
            self.hi += len(entry) - (end - at)
            return
        piece = entry if self.lo == self.hi else self.sep + entry if at >= self.hi else entry + self.sep
        self.buf[at:at] = piece
        self.hi += len(piece)

    def delete(self, at: int) -> None:
        end, following = self._ends(at)
        if end < self.hi:
            del self.buf[at:following]
            self.hi -= following - at
        elif at > self.lo:  # the last entry: with the separator before it
            del self.buf[at - len(self.sep) : self.hi]
            self.hi = at - len(self.sep)
        else:
            raise ValueError("the list would be empty")


def _entry_path(entry: bytes) -> str:
    """The path of a line of the manifest's list of files: ``  "path": "digest"``."""
    if entry[:3] != b'  "' or entry[-_ENTRY_TAIL:-_ENTRY_TAIL + 3] != b': "':
        raise ValueError("not an entry of the list of files")
    path = json.loads(entry[2:-_ENTRY_TAIL])
    if not isinstance(path, str):
        raise ValueError("not an entry of the list of files")
    return path


def listed_under(sums: Mapping[str, str], prefix: str) -> list[str]:
    """The paths of ``sums`` that start with ``prefix``, sorted; a manifest's text
    (:class:`ManifestDigests`) is read only where they are listed."""
    if isinstance(sums, ManifestDigests):
        return sums.under(prefix)
    return sorted(path for path in sums if path.startswith(prefix))


def read_digests(out: Path) -> dict[str, str]:
    """SHA-256 per file of the current output, from its manifest; {} if unusable."""
    try:
        return _parse((out / "manifest.json").read_bytes())
    except (OSError, ValueError):
        return {}


def _parse(text: bytes) -> dict[str, str]:
    """The ``files`` of a manifest; ValueError if it is no manifest."""
    try:
        files = json.loads(text)["files"]
    except (KeyError, TypeError) as exc:
        raise ValueError("no manifest") from exc
    if not isinstance(files, dict):
        raise ValueError("no manifest")
    return {str(k): str(v) for k, v in files.items()}


class ManifestDigests(MutableMapping[str, str]):
    """An output's digests, each looked up in its manifest's text when asked for.

    Listing, counting or removing parses the whole manifest once (ValueError if it is
    damaged), and so do more than :data:`LOOKUPS` lookups (each scans the text: a
    search index's thousands of files would take seconds); what is set is kept beside
    the text until then."""

    LOOKUPS = 64  # about as long as parsing the manifest of 10,000 records

    def __init__(self, text: bytes):
        self._text = text
        self._set: dict[str, str] = {}
        self._gone: set[str] = set()  # listed in the text, removed since (never also in _set)
        self._all: dict[str, str] | None = None
        self._lookups = 0

    @classmethod
    def read(cls, out: Path) -> ManifestDigests | None:
        """The digests of the output folder ``out``, or None without a whole manifest."""
        try:
            text = (out / "manifest.json").read_bytes()
        except OSError:
            return None
        whole = text.startswith(b"{\n") and text.endswith(b"\n}\n") and b'\n "files": {\n' in text
        return cls(text) if whole else None

    def _find(self, path: str) -> str | None:
        line = b'\n  ' + json.dumps(path, ensure_ascii=False).encode("utf-8") + b': "'
        at = self._text.find(line)
        if at < 0:
            return None
        value = _HEX.match(self._text, at + len(line))
        return value.group()[:-1].decode("ascii") if value else None

    def _parsed(self) -> dict[str, str]:
        if self._all is None:
            listed = _parse(self._text)
            for path in self._gone:
                listed.pop(path, None)
            self._all = {**listed, **self._set}
            self._set, self._gone = {}, set()
        return self._all

    def __getitem__(self, path: str) -> str:
        self._lookups += 1
        if self._all is not None or self._lookups > self.LOOKUPS:
            return self._parsed()[path]
        found = None if path in self._gone else self._set.get(path) or self._find(path)
        if found is None:
            raise KeyError(path)
        return found

    def __setitem__(self, path: str, digest: str) -> None:
        if self._all is not None:
            self._all[path] = digest
        else:
            self._set[path] = digest
            self._gone.discard(path)

    def __delitem__(self, path: str) -> None:
        if self._all is not None or path in self._gone:
            del self._parsed()[path]
            return
        listed = self._find(path) is not None
        if not listed and path not in self._set:
            raise KeyError(path)
        self._set.pop(path, None)
        if listed:
            self._gone.add(path)

    def under(self, prefix: str) -> list[str]:
        """The paths listed that start with ``prefix``, sorted. The manifest lists its files
        sorted, so they are one run of its lines, and only those are read."""
        if self._all is not None:
            return sorted(path for path in self._all if path.startswith(prefix))
        text = self._text
        start = b"\n  " + json.dumps(prefix, ensure_ascii=False).encode("utf-8")[:-1]  # without its closing quote
        found: set[str] = set()
        at = text.find(start)
        while at >= 0:
            end = text.find(b"\n", at + 1)
            line = text[at + 1 : end if end >= 0 else len(text)]
            found.add(_entry_path(line[:-1] if line.endswith(b",") else line))
            at = end if end >= 0 and text.startswith(start, end) else -1
        found -= self._gone
        found.update(path for path in self._set if path.startswith(prefix))
        return sorted(found)

    def spliced(self, sums_file: bytes) -> dict[str, bytes] | None:
        """``manifest.json`` and ``SHA256SUMS`` holding the digests as they are now: the
        manifest's text and ``sums_file`` (the ``SHA256SUMS`` written with it) with the
        entries set or removed since replaced, inserted or cut out, everything else kept
        byte for byte. None when that cannot be done (the manifest was parsed already, or
        the two files do not list the same files in the same order); the caller lists
        the files anew. The result becomes this object's text.

        Both files list the files sorted by path, one to a line, so an entry's place is
        found by bisecting the text, reading a dozen lines: writing the list anew from
        the parsed manifest took 0.06 s of a quick edit at 58,000 files, splitting it
        into lines and joining them again 0.04 s."""
        if self._all is not None:
            return None
        text = self._text
        start, end = text.find(FILES_START), text.find(FILES_END)
        if start < 0 or end < start or text.count(FILES_START) != 1 or text.count(FILES_END) != 1:
            return None
        try:  # what is kept must be text (as where the list is written anew)
            text[:start].decode("utf-8")
            text[end:].decode("utf-8")
        except UnicodeDecodeError:
            return None
        start += len(FILES_START)
        if not sums_file.endswith(b"\n") or text.count(b"\n", start, end) + 1 != sums_file.count(b"\n"):
            return None
        files = _SortedLines(bytearray(text), start, end, b",\n", _entry_path)
        lines = _SortedLines(bytearray(sums_file), 0, len(sums_file) - 1, b"\n", _sums_path)
        try:
            for path in [*sorted(self._set), *sorted(self._gone)]:  # removals last: a list is never empty between
                (at, here), (line_at, line_here) = files.find(path), lines.find(path)
                if here != line_here:
                    return None
                digest = self._set.get(path)
                if digest is None:  # removed
                    if here:
                        files.delete(at)
                        lines.delete(line_at)
                    continue
                entry = b"  " + json.dumps(path, ensure_ascii=False).encode("utf-8") + b': "' + digest.encode("ascii") + b'"'
                line = digest.encode("ascii") + b"  " + path.encode("utf-8")
                files.put(at, entry, here)
                lines.put(line_at, line, here)
        except (ValueError, UnicodeError):  # a line that is no entry, or the list emptied
            return None
        listing = bytes(files.buf)
        self._text, self._set, self._gone = listing, {}, set()
        return {"manifest.json": listing, "SHA256SUMS": bytes(lines.buf)}

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsed())

    def items(self) -> ItemsView[str, str]:
        """All of them, parsed once (the mixin's view looks each up one by one)."""
        return self._parsed().items()

    def __len__(self) -> int:
        return len(self._parsed())
