"""Stage 6, render: Markdown to safe HTML, then every page and output file, in memory.

Returns ``{output path: bytes}`` (:class:`~sunshine.outfiles.OutputFiles`); only
:mod:`sunshine.write` touches the output folder. Given a spool, the rendered pages
wait there instead of in memory.
One Jinja environment (autoescape, StrictUndefined) serves the whole build;
templates in the site's ``templates/`` override the default theme's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from . import listings
from .bodies import render_bodies
from .fingerprint import prime
from .forkmap import fork_map
from .kinds import KINDS, notice
from .markdown import Rendered
from .options import THEME_DIR
from .outfiles import OutputFiles, Spool, Stored
from .outputs import calendar, data, feeds, schedule, sitemap
from .packcache import PackCache
from .pagecache import PageCache, TemplateDeps
from .problems import BODY_FIELD, Problems
from .qr import encoder_version, qr_svg
from .route import output_path
from .site import Attachment, Site
from .views import LinkView, RecordView, cn_date, cn_range, money, record_view

__all__ = [
    "PARALLEL_MIN", "THEME_DIR", "Output", "RenderState", "make_environment", "page_context", "qr_codes", "render_site", "report_body",
]

PARALLEL_MIN = 400  # below this many pages to render, forking workers costs more than it saves


@dataclass
class RenderState:
    """What a build's render saw, kept by the preview server for its quick rebuilds
    (:mod:`sunshine.bodyedit`): the environment, the shared context, every record's
    view and links, and per page its template and own context values."""

    env: jinja2.Environment
    common: dict[str, Any]
    views: dict[str, RecordView]
    links: dict[str, LinkView]
    pages: dict[str, tuple[str, str, dict[str, Any]]] = field(default_factory=dict)  # target: template, path, own values
    digests: dict[str, bytes] = field(default_factory=dict)  # record key: its view's content digest, when the page cache made them
    listed: frozenset[str] = frozenset()  # the targets of the listing pages (:mod:`sunshine.listings`)


def page_context(common: dict[str, Any], path: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The context a page's template gets: the shared values, its path, its own values."""
    context = {**common, "path": path, **extra}
    context["noindex"] = common["noindex"] or extra.get("noindex", False)
    return context


class Output:
    """The files of one build, refusing a second write to one path."""

    def __init__(self, spool: Spool | None = None) -> None:
        self.files = OutputFiles()
        self.noindex: set[str] = set()
        self.spool = spool

    def add_copy(self, path: str, content: bytes) -> None:
        """A file copied as it is (an attachment, a static file): to the spool if there is one."""
        self.add(path, self.spool.put(content) if self.spool is not None else content)

    def add(self, path: str, content: bytes | str | Stored) -> None:
        if path in self.files:
            raise RuntimeError(f"two outputs for {path}")
        self.set(path, content)

    def set(self, path: str, content: bytes | str | Stored) -> None:
        if isinstance(content, Stored):
            self.files.store(path, content)
        else:
            self.files[path] = content.encode("utf-8") if isinstance(content, str) else content


def qr_codes(site: Site) -> PackCache:
    """The QR codes made by earlier builds (none when the build cache is off)."""
    encoder_version()  # asked once here, not again in every forked worker
    return PackCache(site.options.root / ".cache" / "qr" if site.options.cache else None)


def make_environment(site: Site, qr: PackCache | None = None) -> jinja2.Environment:
    """The one Jinja environment of a build (``qr``: :func:`qr_codes`)."""
    dirs = [str(site.options.root / "templates"), str(THEME_DIR / "templates")]
    cache = None
    if site.options.cache:
        folder = site.options.root / ".cache" / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        cache = jinja2.FileSystemBytecodeCache(str(folder))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        bytecode_cache=cache,
        # one environment per build, and a template edit is a new build: no file's
        # time is asked again at each include (a stat per include, 0.1 million a build)
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    tz = site.tz
    env.filters["cn_date"] = lambda value: cn_date(value, tz)
    env.filters["money"] = money
    env.filters["cn_range"] = cn_range
    codes = qr if qr is not None else qr_codes(site)
    env.filters["qr_svg"] = lambda url: qr_svg(url, codes)
    return env


def render_site(site: Site, cache: PageCache | None = None, keep: bool = False, spool: Spool | None = None) -> OutputFiles:
    """Render every output of the edition; problems in bodies go to ``site.problems``.

    Pages whose key is in ``cache`` with intact bytes are reused; the others are
    rendered (across all cores when there are many). The key of every page goes to
    ``site.memo["page_keys"]`` so the cache can be updated once the site is written.
    ``keep`` leaves a :class:`RenderState` in ``site.memo["render"]``; ``spool``
    keeps the rendered pages on disk until the write.
    """
    bodies = _render_bodies(site)
    links = _record_links(site)
    views = _record_views(site, bodies, links)
    qr = qr_codes(site)
    env = make_environment(site, qr)
    deps = TemplateDeps(env)
    if cache is not None:
        cache.salt = site.cfg.site.timezone  # cn_date reads it
    out = Output(spool)
    ctx = _common_context(site, views)
    ctx["record_links"] = {k: LinkView(v.title, v.url, v.index_no) for k, v in views.items()}
    memo: dict[int, Any] = {}
    keys: dict[str, str] = {}
    jobs: list[tuple[str, str, dict[str, Any]]] = []

    state = RenderState(env, ctx, views, links) if keep else None
    if cache is not None:
        prime(list(views.values()), memo, site.options.workers)
        cache.share(ctx, memo)
        if state is not None:  # the quick-rebuild store keeps the entries of unchanged views
            state.digests = {key: memo[id(view)][1] for key, view in views.items() if id(view) in memo}

    def page(template: str, path: str, **extra: Any) -> None:
        context = page_context(ctx, path, extra)
        target = output_path(path)
        if state is not None:
            state.pages[target] = (template, path, extra)
        if context["noindex"]:
            out.noindex.add(target)
        if cache is not None and cache.known(target):  # else its key is made beside its rendering
            key = cache.key(deps, template, target, context, memo)
            if key is not None:
                keys[target] = key
            reused = cache.get(target, key)
            if reused is not None:
                out.add(target, reused)
                return
        out.add(target, b"")  # keeps the order of outputs; filled in below
        jobs.append((target, template, context))

    for view in views.values():
        _render_record(site, view, page, out)
    listed: list[str] = []
    for spec in listings.pages(site, list(views.values())):
        page(spec.template, spec.path, **spec.context)
        listed.append(output_path(spec.path))
    for record in site.published_records():
        for alias in record.fields.aliases:
            path = alias.strip("/") + "/"
            page("redirect.html", path, target=views[record.key], noindex=True)
    page("404.html", "404.html", noindex=True)
    page("search.html", "search/", noindex=True)

    if cache is not None:
        for template in sorted({template for _, template, _ in jobs}):
            deps.of(template)  # parsed once, here, not in every worker

    def new_key(target: str, template: str, context: dict[str, Any]) -> str | None:
        """The key of a page the cache holds nothing for (else it was made above): made beside its rendering."""
        return None if cache is None or cache.known(target) else cache.key(deps, template, target, context, memo)

    for (target, _, _), (content, key) in zip(jobs, _render_pages(env, jobs, site.options.workers, spool, new_key), strict=True):
        out.set(target, content)
        if key is not None:
            keys[target] = key
    qr.keep(most=2 * len(out.files) + 100)  # every code made so far, in one pack
    site.memo["page_keys"] = keys
    if state is not None:
        state.listed = frozenset(listed)
        site.memo["render"] = state
    _copy_static(site, out)
    public = [v for v in views.values() if v.status != "gone"]
    for feed_path, feed in feeds.all_feeds(site, public).items():
        out.add(feed_path, feed)
    out.add("sitemap.xml", sitemap.sitemap(site, sorted(p for p in out.files if p not in out.noindex)))
    out.add("robots.txt", sitemap.robots(site))
    out.add("next-change.txt", schedule.next_change_text(site))
    for path, content in {**data.exports(site, public), **calendar.notice_calendars(site, public)}.items():
        out.add(path, content)
    if site.options.edition == "internal":
        for path, content in data.internal_exports(site).items():
            out.add(path, content)
    return out.files


def _render_pages(
    env: jinja2.Environment, jobs: list[tuple[str, str, dict[str, Any]]], workers: int | None, spool: Spool | None,
    key: Callable[[str, str, dict[str, Any]], str | None],
) -> Sequence[tuple[bytes | Stored, str | None]]:
    """The bytes of each job, in order, or where the spool keeps them, with the page's
    ``key`` (the page cache's, for a page whose key was not needed to look it up);
    forked workers share the jobs without copying them.

    Each worker inherits the parent's Jinja environment (templates compiled before the
    fork) and contexts, renders whole chunks and sends back bytes (or their place in
    the spool) and keys only; the result is the same as a serial run.
    """
    if len(jobs) >= PARALLEL_MIN:
        for template in sorted({t for _, t, _ in jobs}):
            env.get_template(template)  # compile once, before the fork

    def one(job: tuple[str, str, dict[str, Any]]) -> tuple[bytes | Stored, str | None]:
        made = key(*job)
        content = env.get_template(job[1]).render(job[2]).encode("utf-8")
        return (content if spool is None else spool.put(content)), made

    return fork_map(one, jobs, workers, PARALLEL_MIN)


def _render_bodies(site: Site) -> dict[str, Rendered]:
    bodies = render_bodies(site, workers=site.options.workers, use_cache=site.options.cache)
    for key, rendered in bodies.items():
        report_body(site.problems, key, rendered)
    return bodies


def report_body(problems: Problems, key: str, rendered: Rendered) -> None:
    """The problems found while converting the body of record ``key``."""
    for line, message, hint, code in rendered.problems:
        problems.add(key, line, BODY_FIELD, message, hint, code=code)


def _record_links(site: Site) -> dict[str, LinkView]:
    prefix = site.cfg.path_prefix
    return {r.index_no: LinkView(r.title, prefix + r.url, r.index_no) for r in site.published_records()}


def _record_views(site: Site, bodies: dict[str, Rendered], links: dict[str, LinkView]) -> dict[str, RecordView]:
    records = site.published_records()
    corrected_by: dict[str, list[LinkView]] = {}
    for r in records:
        if r.fields.corrects:
            corrected_by.setdefault(r.fields.corrects, []).append(links[r.index_no])
    return {
        r.key: record_view(
            r, site, bodies[r.key].html, tuple(bodies[r.key].toc), links, tuple(corrected_by.get(r.index_no, []))
        )
        for r in records
    }


def _render_record(site: Site, view: RecordView, page: Any, out: Output) -> None:
    kind = KINDS[view.kind]
    template = "gone.html" if view.status == "gone" else kind.TEMPLATE
    page(template, view.path, record=view, noindex=view.status == "gone")
    if view.status == "gone":
        return
    if kind.PRINT_TEMPLATE:
        page(kind.PRINT_TEMPLATE, view.path + "print/", record=view, noindex=True)
    for attachment in view.attachments:
        _copy_attachment(site, view.key, attachment, view.path + attachment.file, out)


def _copy_attachment(site: Site, key: str, attachment: Attachment, target: str, out: Output) -> None:
    """Copy an attachment as validation saw it (size and SHA-256), or report why not."""
    record = site.records[key]
    field = next((f"attachments[{i}].file" for i, ref in enumerate(record.fields.attachments) if ref.file == attachment.file), "attachments")
    try:
        content = (site.options.root / attachment.source).read_bytes()
    except OSError as exc:
        site.problems.add(key, record.line_of(field), field, f"无法读取附件“{attachment.file}”（{exc.strerror or exc}）", "请检查文件的读取权限，或关闭正在占用它的程序后重试", code="unreadable")
        return
    if len(content) != attachment.size or hashlib.sha256(content).hexdigest() != attachment.sha256:
        site.problems.add(key, record.line_of(field), field, f"附件“{attachment.file}”在生成过程中被改动", "请等生成结束后再修改附件，然后重新生成", code="attachment-changed")
        return
    out.add_copy(target, content)


def _copy_static(site: Site, out: Output) -> None:
    seen: set[str] = set()
    for base in (site.options.root / "static", THEME_DIR / "static"):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                rel = "static/" + path.relative_to(base).as_posix()
                if rel in seen:
                    continue
                seen.add(rel)
                try:
                    content = path.read_bytes()
                except OSError as exc:
                    shown = path.relative_to(site.options.root).as_posix() if path.is_relative_to(site.options.root) else str(path)
                    site.problems.add(shown, 0, "", f"无法读取文件（{exc.strerror or exc}）", "请检查文件的读取权限，或关闭正在占用它的程序后重试", code="unreadable")
                    continue
                out.add_copy(rel, content)


def _common_context(site: Site, views: dict[str, RecordView]) -> dict[str, Any]:
    cfg = site.cfg
    prefix = cfg.path_prefix
    nav_pages = sorted(
        (v for v in views.values() if v.kind == "page" and v.fields.nav is not None and v.status == "active"),
        key=lambda v: (v.fields.nav, v.title),
    )
    contact = cfg.contact_map.get(cfg.footer.contact) if cfg.footer.contact else None
    return {
        "site": cfg.site,
        "footer": cfg.footer,
        "footer_contact": contact,
        "prefix": prefix,
        "absolute_base": cfg.absolute_base,
        "edition": site.options.edition,
        "build_time": site.options.now.astimezone(site.tz),
        "nav_pages": nav_pages,
        "org_names": {o.id: o.label for o in cfg.orgs},
        "contacts": cfg.contact_map,
        "type_slugs": notice.TYPE_SLUGS,
        "noindex": site.options.edition == "internal",
    }
