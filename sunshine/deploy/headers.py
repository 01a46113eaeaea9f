"""Content-Type and Cache-Control of each published file (sent with every S3 upload)."""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath

from .plan import SUMS

# Cache-Control for S3 (the nginx snippet in docs/发布指南.md does the same).
# static/ files keep their names from build to build (site.css, not site.3f2a.css),
# so they get one day, not a year: a changed style sheet reaches readers the next
# day. Make it a year with ``immutable`` only once the templates fingerprint them.
CACHE_SHORT = "public, max-age=300"
CACHE_STATIC = "public, max-age=86400"
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
# Pagefind's index chunks carry a content hash in their names.
# Pagefind's content-named files, in pagefind/ or in a shard's folder below it.
_HASHED = re.compile(r"^pagefind/(?:[0-9a-z]+/)?(?:(?:index|fragment|filter)/[^/]+|pagefind\.[^/]+\.pf_meta)$")

_TEXT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".ics": "text/calendar",
    ".svg": "image/svg+xml",
    ".md": "text/markdown",
    ".webmanifest": "application/manifest+json",
}
_CHARSET_TYPES = frozenset(_TEXT_TYPES.values()) | {"application/javascript", "application/rss+xml"}
_OTHER_TYPES = {".wasm": "application/wasm", ".pdf": "application/pdf", ".woff2": "font/woff2"}
_MIME = mimetypes.MimeTypes()  # Python's own table, not the machine's /etc/mime.types


def content_type(path: str) -> str:
    """Content-Type for ``path``, with ``charset=utf-8`` for every text type."""
    name = PurePosixPath(path).name
    suffix = PurePosixPath(name).suffix.lower()
    if name == SUMS:
        kind = "text/plain"
    elif name == "feed.xml":
        kind = "application/atom+xml"
    else:
        kind = _TEXT_TYPES.get(suffix) or _OTHER_TYPES.get(suffix) or _MIME.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in _CHARSET_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


def cache_control(path: str) -> str:
    """Cache-Control for ``path``: a day for static/, a year for hashed index chunks, else 5 minutes."""
    if _HASHED.match(path):
        return CACHE_IMMUTABLE
    if path.startswith("static/"):
        return CACHE_STATIC
    return CACHE_SHORT
