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
from collections.abc import ItemsView, Iterator, MutableMapping
from pathlib import Path

__all__ = ["ManifestDigests", "read_digests"]

_HEX = re.compile(rb'[0-9a-f]{64}"')


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
            self._all = {**_parse(self._text), **self._set}
            self._set = {}
        return self._all

    def __getitem__(self, path: str) -> str:
        self._lookups += 1
        if self._all is not None or self._lookups > self.LOOKUPS:
            return self._parsed()[path]
        found = self._set.get(path) or self._find(path)
        if found is None:
            raise KeyError(path)
        return found

    def __setitem__(self, path: str, digest: str) -> None:
        if self._all is not None:
            self._all[path] = digest
        else:
            self._set[path] = digest

    def __delitem__(self, path: str) -> None:
        del self._parsed()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsed())

    def items(self) -> ItemsView[str, str]:
        """All of them, parsed once (the mixin's view looks each up one by one)."""
        return self._parsed().items()

    def __len__(self) -> int:
        return len(self._parsed())
