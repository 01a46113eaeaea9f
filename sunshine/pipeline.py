"""The build, top to bottom: load, validate, enrich, guard, route, render, write."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from . import i18n
from .enrich import enrich_site
from .gcpause import collector_paused
from .guard import guard_site
from .lastbuild import build_or_reuse
from .load import load_site
from .options import search_enabled
from .outfiles import OutputFiles, Spool
from .outputs.search import search_index
from .pagecache import PageCache
from .problems import BuildFailed
from .render import render_site
from .route import route_site
from .site import BuildOptions, Site
from .validate import validate_site
from .write import check_output_dir, write_site
from .yamlcache import YamlCache

__all__ = ["LABELS", "STEPS", "build", "build_in_memory", "build_or_reuse", "check", "prepare", "write"]

log = logging.getLogger("sunshine")
progress = logging.getLogger("sunshine.progress")
T = TypeVar("T")

STEPS = ["load", "validate", "enrich", "guard", "route", "render", "search", "write"]
LABELS = dict(i18n.labels("step", "zh"))


def _timed(name: str, step: Callable[[], T]) -> T:
    progress.info("[%d/%d] %s…", STEPS.index(name) + 1, len(STEPS), LABELS[name], extra={"step": name})
    started = time.perf_counter()
    result = step()
    log.debug("%s: %.3f s", name, time.perf_counter() - started)
    return result


def _stop_on_errors(site: Site) -> None:
    if site.problems.errors:
        raise BuildFailed(site.problems)


def prepare(options: BuildOptions, yaml: YamlCache | None = None) -> Site:
    """Load, validate, enrich, guard and route; raise BuildFailed on any error."""
    site = _timed("load", lambda: load_site(options, yaml))
    if site.config is None:  # without a config nothing else can be checked
        _stop_on_errors(site)
    _timed("validate", lambda: validate_site(site))
    _stop_on_errors(site)
    _timed("enrich", lambda: enrich_site(site))
    _timed("guard", lambda: guard_site(site))
    _stop_on_errors(site)
    _timed("route", lambda: route_site(site))
    _stop_on_errors(site)
    return site


def build_in_memory(
    options: BuildOptions, search: bool = True, pages: PageCache | None = None, yaml: YamlCache | None = None,
    keep: bool = False, then: Callable[[Site], None] | None = None, spool: Spool | None = None,
) -> tuple[Site, OutputFiles]:
    """Everything but the output folder: the site and ``{output path: bytes}``.

    ``search`` adds the Pagefind index (also skipped with SUNSHINE_NO_SEARCH=1);
    ``pages`` lends rendered pages of the previous build (see :mod:`sunshine.pagecache`),
    ``yaml`` parsed front matter (:mod:`sunshine.yamlcache`); ``keep`` leaves what the
    render saw in ``site.memo["render"]`` (:mod:`sunshine.bodyedit`); ``then`` is called
    with the site right after a good render, what it saw still in ``site.memo["render"]``;
    ``spool`` keeps the rendered pages on disk until they are written.
    """
    with collector_paused():
        site = prepare(options, yaml)
        files = _timed("render", lambda: render_site(site, pages, keep or then is not None, spool))
        _stop_on_errors(site)
        if then is not None:
            then(site)
        if search:
            files.update(_timed("search", lambda: search_index(site, files)))
        if options.admin:  # after search and sitemap: the editor is neither indexed nor listed
            from .decap import DecapError, admin_outputs

            try:
                files.update(admin_outputs(options.root, site.cfg, files))
            except DecapError as exc:
                site.problems.add("admin/", 0, "", str(exc), "见 docs/网页编辑.md", code="admin")
            _stop_on_errors(site)
    return site, files


def build(
    options: BuildOptions, pages: PageCache | None = None, then: Callable[[Site], None] | None = None,
) -> tuple[Site, Path]:
    """Build the edition into its output folder, atomically.

    Unless ``options.cache`` is off, pages whose inputs did not change since the last
    build are taken from the output folder instead of being rendered again. ``then``:
    as for :func:`build_in_memory`; when no search index is made after the render, it
    is called instead while the files are written (:func:`sunshine.write.write_site`),
    what the render saw still in ``site.memo["render"]``.
    """
    if pages is None:
        pages = PageCache(options.root, options.output, enabled=options.cache)
    beside_write = then is not None and not search_enabled()
    with _spool(options) as spool:
        site, files = build_in_memory(
            options, pages=pages, keep=beside_write, then=None if beside_write else then, spool=spool,
        )
        meanwhile = (lambda: then(site)) if then is not None and beside_write else None
        return site, write(site, files, pages, meanwhile)


@contextlib.contextmanager
def _spool(options: BuildOptions) -> Iterator[Spool | None]:
    """A spool folder beside the output folder for the build's pages, if one can be made
    there (else the pages stay in memory, and the write reports a bad output folder)."""
    with contextlib.ExitStack() as stack:
        spool = None
        if check_output_dir(options.root, options.output) is None:
            with contextlib.suppress(OSError):
                spool = stack.enter_context(Spool(options.output))
        yield spool


def write(site: Site, files: OutputFiles, pages: PageCache, meanwhile: Callable[[], None] | None = None) -> Path:
    """Write the output folder and tell the page cache what is in it now (``meanwhile``:
    see :func:`sunshine.write.write_site`)."""
    with collector_paused():
        out = _timed("write", lambda: write_site(site, files, frozenset(pages.verified), meanwhile))
        keys: dict[str, str] = site.memo.get("page_keys", {})
        pages.remember(keys.items(), files)
        pages.save()
    return out


def check(options: BuildOptions) -> Site:
    """Validate, guard and render (so links are checked) without writing."""
    site, _ = build_in_memory(options, search=False)
    return site
