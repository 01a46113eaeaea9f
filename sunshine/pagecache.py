"""The page cache: a rendered page is reused while nothing it shows has changed.

A page's key is a SHA-256 of
- the engine (Sunshine's own source, Jinja2, MarkupSafe and zxing-cpp versions),
- its template and every template it extends, includes or imports (their sources,
  so editing one template re-renders only the pages that use it),
- its output path,
- the value of every context variable those templates mention (found with
  ``jinja2.meta``), fingerprinted by :mod:`sunshine.fingerprint`. Values are what
  the build computed, so a notice whose status changes (the build date crossed its
  period) has a new key, while the date itself is in no key unless a template
  shows it.

Keys and the SHA-256 of each page's bytes are kept per output folder in
``.cache/pages/``, never modification times. A page is reused only if the file in
the current output still has exactly the recorded digest, so a damaged, foreign or
stale cache costs time and nothing else. A page reused from the output folder is
handed on as a reference to its file (:class:`~sunshine.outfiles.Stored`), which the
write links without reading it again. For the preview server (``hold``) the cache
keeps the bytes in memory instead, so its rebuilds read nothing from disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta as jinja_meta

from .cachefile import engine_fingerprint, save_json
from .fingerprint import Unstable, digest
from .outfiles import OutputFiles, Stored

__all__ = ["PageCache", "TemplateDeps"]

FORMAT = "sunshine-pages-1"

# Parsing a template for its dependencies costs more than rendering a small page, so
# the result is kept per template text: in this process (the preview server) and in
# the cache file (the command line).
_ANALYSED: dict[str, tuple[frozenset[str | None], frozenset[str]]] = {}


class TemplateDeps:
    """Per template: a digest of it and the templates it uses, and the variables they read."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._one: dict[str, tuple[str, frozenset[str | None], frozenset[str]]] = {}
        self._closure: dict[str, tuple[bytes, tuple[str, ...]] | None] = {}

    def _parse(self, name: str) -> tuple[str, frozenset[str | None], frozenset[str]]:
        if name not in self._one:
            loader = self.env.loader
            assert loader is not None
            source, _, _ = loader.get_source(self.env, name)
            text_key = hashlib.sha256(f"{name}\0{source}".encode()).hexdigest()
            if text_key not in _ANALYSED:
                ast = self.env.parse(source, name)
                used = frozenset(jinja_meta.find_referenced_templates(ast))
                _ANALYSED[text_key] = (used, frozenset(jinja_meta.find_undeclared_variables(ast)))
            self._one[name] = (source, *_ANALYSED[text_key])
        return self._one[name]

    def of(self, name: str) -> tuple[bytes, tuple[str, ...]] | None:
        """(digest of the template closure, sorted variable names), or None when a
        template is chosen at run time (then the page is always rendered)."""
        if name not in self._closure:
            self._closure[name] = self._walk(name)
        return self._closure[name]

    def _walk(self, name: str) -> tuple[bytes, tuple[str, ...]] | None:
        seen: dict[str, str] = {}
        names: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            source, used, variables = self._parse(current)
            if None in used:
                return None
            seen[current] = source
            names |= variables
            todo.extend(u for u in used if u is not None)
        h = hashlib.sha256()
        for template in sorted(seen):
            h.update(template.encode() + b"\0" + seen[template].encode() + b"\0")
        return h.digest(), tuple(sorted(names))


def _read(path: str) -> bytes | None:
    """A file's bytes, or None: through a bare file descriptor, without the path and
    file objects of ``Path.read_bytes`` (a third of the time for 15,000 small pages)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        chunks = [os.read(fd, size + 1)]
        while chunks[-1]:  # a file that grew since, or a short read
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


class PageCache:
    """Rendered pages of one output folder: ``{path: (key, sha256)}`` on disk, bytes in memory."""

    def __init__(self, root: Path, output: Path, enabled: bool = True, hold: bool = False):
        self.enabled = enabled
        self.hold = hold  # keep the bytes in memory (the preview server)
        name = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
        self.file = root / ".cache" / "pages" / f"{name}.json"
        self.output = output
        self._folder = f"{output.resolve()}{os.sep}"
        self.entries: dict[str, tuple[str, str]] = self._load() if enabled else {}
        self.held: dict[str, bytes] = {}
        self.hits = 0
        self.salt = ""  # what the Jinja filters read besides their arguments (the time zone)
        self.verified: set[str] = set()  # read from the output folder and found intact
        self._shared: dict[str, tuple[Any, bytes]] = {}

    def _load(self) -> dict[str, tuple[str, str]]:
        try:
            doc = json.loads(self.file.read_text(encoding="utf-8"))
            if doc.get("format") != FORMAT or doc.get("engine") != engine_fingerprint():
                return {}
            for text_key, (used, variables) in doc["templates"].items():
                _ANALYSED.setdefault(str(text_key), (frozenset(used), frozenset(map(str, variables))))
            return {str(p): (str(k), str(s)) for p, (k, s) in doc["pages"].items()}
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            return {}

    def key(self, deps: TemplateDeps, template: str, path: str, context: Mapping[str, Any], memo: dict[int, Any]) -> str | None:
        """The page's key, or None if it cannot be cached."""
        if not self.enabled:
            return None
        found = deps.of(template)
        if found is None:
            return None
        closure, names = found
        h = hashlib.sha256(engine_fingerprint().encode() + closure + path.encode() + b"\0" + self.salt.encode() + b"\0")
        try:
            for name in names:
                if name not in context:
                    h.update(name.encode() + b"-")
                    continue
                value = context[name]
                known = self._shared.get(name)
                if known is None or known[0] is not value:  # values shared by every page: hashed once
                    known = (value, digest(value, memo))
                    self._shared[name] = known
                h.update(name.encode() + b"=" + known[1])
        except Unstable:
            return None
        return h.hexdigest()

    def share(self, values: Mapping[str, Any], memo: dict[int, Any]) -> None:
        """Describe the values every page's context holds (the shared context) now,
        once, before the pages' keys are made here or in forked workers."""
        if self.enabled:
            for name, value in values.items():
                with contextlib.suppress(Unstable):
                    self._shared[name] = (value, digest(value, memo))

    def known(self, path: str) -> bool:
        """An earlier build made ``path``: its key is worth computing to look it up."""
        return path in self.entries

    def get(self, path: str, key: str | None) -> bytes | Stored | None:
        """The page's bytes if they were made with ``key`` and are still intact: in
        memory, or (read from the output folder) where they are on disk."""
        entry = self.entries.get(path) if key is not None else None
        if entry is None or entry[0] != key:
            return None
        content = self.held.get(path)
        from_disk = content is None
        if content is None:
            content = _read(self._folder + path)
            if content is None:
                return None
        if hashlib.sha256(content).hexdigest() != entry[1]:
            return None
        self.hits += 1
        if from_disk:
            self.verified.add(path)
            if not self.hold:
                return Stored(self._folder + path, 0, len(content), entry[1])
        return content

    def remember(self, keys: Iterable[tuple[str, str]], files: OutputFiles) -> None:
        """Record pages that are now in the output folder: (path, key), bytes in ``files``."""
        if not self.enabled:
            return
        self.entries = {}
        self.held = {}
        for path, key in keys:
            self.entries[path] = (key, files.sha256(path))
            if self.hold:
                self.held[path] = files[path]

    def save(self) -> None:
        """Write the keys; a cache that cannot be written only costs time."""
        if not self.enabled:
            return
        templates = {k: [sorted(u, key=str), sorted(v)] for k, (u, v) in sorted(_ANALYSED.items())}
        pages = {p: list(e) for p, e in sorted(self.entries.items())}
        doc = {"format": FORMAT, "engine": engine_fingerprint(), "templates": templates, "pages": pages}
        save_json(self.file, doc)
