"""``python build.py serve``: preview the site while editing, on 127.0.0.1.

A thin wrapper around livereload. It builds once into the output folder, then
listens for changes in content/, templates/, static/ and config.yaml
(:mod:`sunshine.watch`: the operating system's notices, and a slow scan under
them). When files change it waits until nothing has changed for 0.02 s (a burst
of saves gives one rebuild), rebuilds and tells every open page to reload through
livereload's websocket. An edit of record bodies only is applied in place
(:mod:`sunshine.bodyedit`, a tenth of a second on 10,000 records; the preview's
search follows a moment later, :mod:`sunshine.servesearch`), and so is an edit of
a title, summary, number or tags (:mod:`sunshine.frontedit`, about half a second); anything else
is a full build, in which pages whose inputs did not change are kept from the last
build (:mod:`sunshine.pagecache`) and ``write_site`` swaps the folder atomically.

When a rebuild fails, the last good site stays on disk and keeps being served,
and every HTML page gets a panel at the top::

    网站未更新：发现 2 个问题
    content/notices/a.md:3: org: 未知的组织编号“nosuch” — 是否指“town”？

The terminal prints the same lines. The next good rebuild removes the panel. A
template error (Jinja) and any unexpected error show the same way, so the server
never stops while someone edits.

Three pieces are testable without sockets: :class:`Rebuilder` (one rebuild, its
result), the watchers of :mod:`sunshine.watch` (when to rebuild) and
:class:`Preview` (what a request gets). Only :func:`serve` opens a port. livereload is used for its
websocket handler and client script only: its own watcher throttles reloads
(3 s) and reloads once on the first scan, so Sunshine watches by itself and calls
``LiveReloadHandler.reload_waiters`` after each rebuild. The page's own
Content-Security-Policy stays intact: the client script is loaded from the same
origin, not inlined.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import html
import logging
import mimetypes
import re
import time
import traceback
import webbrowser
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop, PeriodicCallback

from . import i18n
from .bodyedit import Snapshot, quick_rebuild
from .config import load_config
from .failures import failure_problems
from .gcpause import collector_paused
from .pagecache import PageCache
from .pipeline import build_in_memory, write
from .problems import BuildFailed, Problems
from .servesearch import PreviewIndex
from .site import BuildOptions, Site
from .watch import ChangeWatcher, NotifyWatcher
from .yamlcache import YamlCache

__all__ = ["ChangeWatcher", "Preview", "RebuildResult", "Rebuilder", "Reply", "ServeError", "problem_panel", "serve"]

log = logging.getLogger("sunshine")

POLL_SECONDS = 0.02
SEARCH_AFTER = 0.3  # seconds after a quick rebuild's reload: the preview's search follows the edit (servesearch)
PANEL_ID = "sunshine-problems"
PANEL_CSS = "/__sunshine__/problems.css"
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json"}
_CSS = """\
.sunshine-problems{margin:0;padding:1em 1.25em;background:#fff3f3;color:#4a0000;border-bottom:4px solid #b00;font:16px/1.6 sans-serif}
.sunshine-problems h2{margin:0 0 .5em;font-size:1.25em;color:#a00}
.sunshine-problems ol{margin:0 0 .5em 1.5em;padding:0}
.sunshine-problems li{margin:.25em 0}
.sunshine-problems code{white-space:pre-wrap;word-break:break-all;font-family:monospace}
.sunshine-problems p{margin:.5em 0 0;font-size:.9em}
"""


class ServeError(Exception):
    """The preview cannot start (port in use…); the message is Chinese."""


@dataclass(frozen=True)
class RebuildResult:
    """One rebuild: whether the site was updated, the problems as text, the time taken."""

    ok: bool
    problems_text: str
    seconds: float
    problems: tuple[str, ...] = ()  # one line each: file:line: field: message — hint
    warnings: tuple[str, ...] = ()


class Rebuilder:
    """Rebuild the edition into its output folder and remember how it went."""

    def __init__(self, options: BuildOptions, follow_clock: bool = False, lang: str = "zh"):
        self.options = options
        self.follow_clock = follow_clock
        self.lang = lang
        self.last: RebuildResult | None = None
        self.prefix = _config_prefix(options.root)
        self.pages = PageCache(options.root, options.output, enabled=options.cache, hold=True)
        self.yaml = YamlCache(options.root / ".cache" / "yaml.json" if options.cache else None)
        self.search = PreviewIndex()  # made by the first build, then following body edits
        self.snapshot: Snapshot | None = None  # the last good build, for quick rebuilds
        self.dirty: set[str] = set()  # files changed since the last good build

    def _build(self, options: BuildOptions) -> Site:
        """A full build; the search index is made once, later full builds keep it
        (:mod:`sunshine.servesearch`: edited pages are indexed apart, after the rebuild)."""
        self.search.read(options.output)  # from an earlier server
        before = self.snapshot.files if self.snapshot is not None else None
        site, files = build_in_memory(options, search=self.search.wanted, pages=self.pages, yaml=self.yaml, keep=True)
        self.search.built(site, files)
        if before is not None:  # the records whose pages changed: their index follows too
            self.search.rebuilt(site, before, files)
        self.snapshot = None  # the output changes now
        write(site, files, self.pages)
        self.snapshot = Snapshot.of(site, files)
        if self.snapshot is not None:
            self.snapshot.search = self.search.plan
            self.snapshot.front_matter = True  # kept in memory: the whole site is at hand
            try:
                with collector_paused():
                    self.snapshot.prime()  # now, so the first edit is as quick as the next
            except Exception as exc:  # the site is written; later edits are full builds
                log.debug("no quick rebuilds (%s: %s)", type(exc).__name__, exc)
                self.snapshot = None
        return site

    def _quick(self, options: BuildOptions) -> Site | None:
        """Only bodies changed since the last good build: apply them (:mod:`sunshine.bodyedit`)."""
        if self.snapshot is None or not self.dirty:
            return None
        try:
            with collector_paused():
                written = quick_rebuild(self.snapshot, options, self.dirty)
        except BuildFailed:
            raise
        except Exception as exc:  # unexpected: a full build decides
            log.debug("quick rebuild not possible (%s: %s)", type(exc).__name__, exc)
            self.snapshot = None
            return None
        if written is None:
            return None
        self.search.edited(self.dirty)  # the records are keyed by their source's path
        log.debug("quick rebuild: %d file(s) written", len(written))
        return self.snapshot.site

    def follow_search(self) -> bool:
        """Index the pages of the body edits since the last call for the preview's search
        (:meth:`PreviewIndex.follow`, after the rebuild and the reload); whether it changed."""
        with collector_paused():
            return self.search.follow(self.snapshot)

    def rebuild(self, changed: Iterable[str | Path] | None = None) -> RebuildResult:
        """Rebuild after ``changed`` files (paths in or relative to the site root; None:
        unknown, build fully). Bodies-only edits are applied quickly, anything else is a
        full build; on failure the previous output stays and the result holds the problems."""
        options = self.options
        if self.follow_clock:
            options = dataclasses.replace(options, now=dt.datetime.now(tz=options.now.tzinfo))
        if changed is None:
            self.snapshot = None
        else:
            self.dirty |= {self._relative(p) for p in changed}
        started = time.perf_counter()
        lines: tuple[str, ...] = ()
        warnings: tuple[str, ...] = ()
        try:
            site = self._quick(options) or self._build(options)
        except Exception as exc:
            problems = failure_problems(exc, options.root)
            if problems is not None:
                lines = tuple(i18n.format_problem(p, self.lang) for p in problems.sorted())
            else:  # a bug in Sunshine: keep the preview running, show it
                log.error("%s", "".join(traceback.format_exception(exc)).rstrip())
                lines = (i18n.text("serve.internal_error", self.lang, error=f"{type(exc).__name__}: {exc}"),)
        else:
            self.dirty = set()
            warnings = tuple(i18n.format_problem(p, self.lang) for p in site.problems.sorted())
            self.prefix = site.cfg.path_prefix
        seconds = time.perf_counter() - started
        self.last = RebuildResult(not lines, "\n".join(lines), seconds, lines, warnings)
        return self.last

    def _relative(self, path: str | Path) -> str:
        given = Path(path)
        for root in (self.options.root, self.options.root.resolve()):
            if given.is_relative_to(root):
                return given.relative_to(root).as_posix()
        return given.as_posix()  # relative already (or elsewhere: then no source, a full build)


def _config_prefix(root: Path) -> str:
    cfg = load_config(root, Problems())
    return cfg.path_prefix if cfg is not None else "/"


def problem_panel(result: RebuildResult, lang: str = "zh") -> str:
    """The HTML panel listing a failed rebuild's problems."""
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in result.problems)
    return (
        f'<section id="{PANEL_ID}" class="sunshine-problems" role="alert" aria-labelledby="{PANEL_ID}-title">'
        f'<h2 id="{PANEL_ID}-title">{html.escape(i18n.text("serve.panel_title", lang, count=len(result.problems)))}</h2>'
        f'<ol>{items}</ol><p>{html.escape(i18n.text("serve.panel_text", lang))}</p></section>'
    )


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


class Preview:
    """What each request gets: the output folder under the path prefix, pages decorated."""

    def __init__(self, rebuilder: Rebuilder, live_script: str = ""):
        self.rebuilder = rebuilder
        self.live_script = live_script

    def respond(self, url_path: str) -> Reply:
        """Answer a GET for ``url_path`` (as sent, percent-encoded)."""
        path = unquote(url_path)
        prefix = self.rebuilder.prefix
        if path == PANEL_CSS:
            return Reply(200, _CSS.encode(), "text/css; charset=utf-8")
        if not path.startswith(prefix):
            if path in ("", "/", prefix.rstrip("/")):
                return Reply(302, location=prefix)
            return self._not_found()
        out = self.rebuilder.options.output.resolve()
        if not out.is_dir():
            title = html.escape(i18n.text("serve.not_built_yet", self.rebuilder.lang))
            page = f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1></body></html>'
            return Reply(503, self.decorate(page.encode()))
        target = (out / path[len(prefix):]).resolve()
        if target != out and out not in target.parents:
            return self._not_found()
        if target.is_dir():
            if not path.endswith("/"):
                return Reply(301, location=url_path + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        body = target.read_bytes()
        content_type = _content_type(target)
        if content_type.startswith("text/html") and not path.startswith(prefix + "admin/"):
            body = self.decorate(body)  # not the editor: a reload on every save would lose its state
        return Reply(200, body, content_type)

    def _not_found(self) -> Reply:
        page = self.rebuilder.options.output / "404.html"
        title = html.escape(i18n.text("serve.not_found", self.rebuilder.lang))
        fallback = f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1></body></html>'
        body = page.read_bytes() if page.is_file() else fallback.encode()
        return Reply(404, self.decorate(body))

    def decorate(self, page: bytes) -> bytes:
        """Add the livereload client and, after a failed rebuild, the problem panel."""
        last = self.rebuilder.last
        failed = last is not None and not last.ok
        head = self.live_script + (f'<link rel="stylesheet" href="{PANEL_CSS}">' if failed else "")
        if head:
            at = page.lower().find(b"</head>")
            page = page[:at] + head.encode() + page[at:] if at >= 0 else head.encode() + page
        if failed and last is not None:
            panel = problem_panel(last, self.rebuilder.lang).encode()
            match = _BODY.search(page)
            at = match.end() if match else len(page)
            page = page[:at] + panel + page[at:]
        return page


def _content_type(path: Path) -> str:
    guessed = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = guessed.startswith("text/") or guessed in ("application/json", "application/xml", "application/atom+xml", "image/svg+xml")
    return f"{guessed}; charset=utf-8" if textual else guessed


class _Handler(web.RequestHandler):
    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def get(self, path: str) -> None:
        reply = self.preview.respond(self.request.path)
        if reply.location is not None:
            self.redirect(reply.location, status=reply.status)
            return
        self.set_status(reply.status)
        self.set_header("Content-Type", reply.content_type)
        self.set_header("Cache-Control", "no-store")
        if self.request.method == "HEAD":
            self.set_header("Content-Length", str(len(reply.body)))
            self.finish()
        else:
            self.finish(reply.body)

    def head(self, path: str) -> None:
        self.get(path)


def report(result: RebuildResult, lang: str = "zh") -> str:
    """The terminal lines for one rebuild."""
    stamp = time.strftime("%H:%M:%S")
    if result.ok:
        lines = [*result.warnings, i18n.text("serve.rebuilt", lang, stamp=stamp, seconds=result.seconds)]
        if result.warnings:
            lines.append(i18n.text("serve.warnings", lang, count=len(result.warnings)))
        return "\n".join(lines)
    return f"{result.problems_text}\n" + i18n.text("serve.failed", lang, stamp=stamp, count=len(result.problems))


def serve(
    options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
    follow_clock: bool = False, lang: str = "zh",
) -> None:
    """Build, serve ``options.output`` at the site's path prefix, rebuild and reload on change.

    Blocks until Ctrl+C. Listens on ``host`` (loopback unless told otherwise).
    ``follow_clock`` makes every rebuild use the current time instead of ``options.now``.
    """
    rebuilder = Rebuilder(options, follow_clock, lang)
    try:
        asyncio.run(_run(rebuilder, host, port, open_browser))
    except KeyboardInterrupt:
        print("\n" + i18n.text("serve.stopped", lang), flush=True)


async def _run(rebuilder: Rebuilder, host: str, port: int, open_browser: bool) -> None:
    preview = Preview(rebuilder, f'<script src="/livereload.js?port={port}" defer></script>')
    LiveReloadHandler.watcher = Watcher()  # only read for its log line
    LiveReloadHandler.live_css = False
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # no line per 404 (favicon…)
    app = web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r"(.*)", _Handler, {"preview": preview}),
    ])
    try:
        app.listen(port, address=host)
    except OSError as exc:
        raise ServeError(i18n.text("serve.port_busy", rebuilder.lang, host=host, port=port, reason=exc.strerror)) from None
    lang = rebuilder.lang
    print(i18n.text(f"serve.building.{rebuilder.options.edition}", lang), flush=True)
    watcher = NotifyWatcher(rebuilder.options.root)  # before the build: edits made during it count
    print(report(rebuilder.rebuild(), lang), flush=True)

    def tick() -> None:
        if not watcher.due(time.monotonic()):
            return
        changed = watcher.poll(time.monotonic())
        if changed:
            shown = i18n.join(changed[:3], lang, "list_sep") + (i18n.text("serve.and_more", lang) if len(changed) > 3 else "")
            print(i18n.text("serve.changed", lang, files=shown), flush=True)
            print(report(rebuilder.rebuild(changed), lang), flush=True)
            LiveReloadHandler.reload_waiters("*")
            IOLoop.current().call_later(SEARCH_AFTER, rebuilder.follow_search)  # the page first, its index after

    PeriodicCallback(tick, POLL_SECONDS * 1000).start()
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}{rebuilder.prefix}"
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(i18n.text("serve.exposed", lang, host=host), flush=True)
    print(i18n.text("serve.url", lang, url=url), flush=True)
    if open_browser:
        webbrowser.open(url)
    try:
        await asyncio.Event().wait()
    finally:
        watcher.close()
