"""Quick rebuilds in the preview server, for edits that change only record bodies.

A clerk previewing the site mostly edits the text of a record. When every file that
changed since the last good build is a record whose front matter is exactly as that
build read it, :func:`quick_rebuild` does not build the site again. It

1. reads each changed file again and takes its new Markdown body;
2. scans the body for personal data (the guard's own scan) and converts it, links
   checked as in a full build; the record's other problems stand as they were;
3. makes the record's view again and compares it with the old one: only what a body
   gives a view can differ (its HTML, table of contents and description);
4. renders again each page whose own context holds that record and whose templates
   (with everything they extend, include or import) read an attribute that changed
   (or a property of the view, such as ``year``: what it reads is not known), and the
   feeds when the description changed;
5. replaces just those files in the output folder, then the manifest
   (:func:`sunshine.write.patch_site`).

A changed front matter goes to :mod:`sunshine.frontedit` when the snapshot allows it
(``front_matter``: the preview server's and the command line's do).
Anything else is a full build: a new, removed or renamed
file; a template, static file, attachment or config.yaml; the clock passing midnight
or the site's next change (a notice period starting or ending); a record every page
shows (a page of the menu), when a template may read there what changed of it. So is
anything this module does not expect: it answers None.

Which attributes a template reads is found in its syntax tree
(:mod:`sunshine.templatereads`). A subscript with a computed key, ``v[name]``, counts
as reading everything of ``v`` unless ``v`` holds no record on that page.

The quick rebuild keeps the last build's time, as a no-change build keeps its output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import nodes

from .bodies import link_map, render_body
from .guard import guard_body
from .load import read_source
from .manifestsums import ManifestDigests
from .outputs import feeds
from .outputs.schedule import next_change
from .problems import BODY_FIELD, BuildFailed, Problems
from .render import RenderState, page_context, report_body
from .site import BuildOptions, Record, Site, Source
from .templatereads import Reads, closure, reads_through, template_reads
from .views import LinkView, RecordView, record_view
from .write import patch_site
from .yamlcache import YamlCache

if TYPE_CHECKING:
    from .outputs.search import PlannedShard

__all__ = ["Snapshot", "pages_again", "properties", "quick_rebuild", "records_in", "render_pages", "write_out"]

_PLAIN = (str, bytes, int, float, bool, type(None), dt.date, dt.datetime, dt.timedelta)  # hold no view
_PLAIN_TYPES = frozenset(_PLAIN)
Also = Callable[[dict[str, bytes | None], list[Record]], dict[str, bytes | None]]


@dataclass
class Snapshot:
    """The last good build, as quick rebuilds need it.

    The preview server keeps it in memory (:meth:`of`); the command line keeps its
    parts in a store in the user's cache folder (:mod:`sunshine.quickstore`), from
    which ``files``, ``sources``, ``site.records``, views and pages are read when used.
    """

    site: Site
    files: MutableMapping[str, bytes]  # output path: bytes on disk
    state: RenderState
    until: dt.datetime | None
    uses: dict[str, set[str]] | None = None  # record key: pages whose own context holds its view
    shared: frozenset[str] = frozenset()  # record keys in the shared context (every page)
    safe: frozenset[str] = frozenset()  # shared names that hold no record
    links: dict[str, tuple[str | None, str | None]] | None = None
    sources: MutableMapping[str, Source] | None = None  # by path
    templates: frozenset[str] = frozenset()  # every page's template
    page_meta: dict[str, tuple[str, frozenset[str]]] | None = None  # where pages are read when used:
    # target: its template, the names of its own values that hold no record
    sums: MutableMapping[str, str] | None = None  # the output's digests (:mod:`sunshine.manifestsums`)
    search: list[PlannedShard] | None = None  # the search index's plan (:mod:`sunshine.outputs.searchpatch`)
    front_matter: bool = False  # front-matter edits too (:mod:`sunshine.frontedit`)
    lookups: Any = None  # what frontedit found of the pages looking records up by key (False: not understood)
    relinked: dict[str, LinkView] = field(default_factory=dict)  # record key: its new link, since the store was read
    _reads: dict[str, Reads] = field(default_factory=dict)
    _trees: dict[str, nodes.Template] = field(default_factory=dict)  # parsed templates, by name
    _shared_reads: dict[str, frozenset[str] | None] = field(default_factory=dict)  # by shared name (None: anything)

    @classmethod
    def of(cls, site: Site, files: MutableMapping[str, bytes]) -> Snapshot | None:
        """The snapshot of a build made with ``keep=True``, or None."""
        state = site.memo.get("render")
        if not isinstance(state, RenderState):
            return None
        return cls(site, files, state, next_change(site))

    def prime(self) -> None:
        """Index which pages show which records and what their templates read (once,
        before the first edit)."""
        if self.uses is None:
            self.index()
        if self.sums is None:
            self.sums = ManifestDigests.read(self.site.options.output.resolve())
        for template in sorted(self.templates):
            self.reads(template)

    def index(self, describe: bool = False) -> None:
        """Which pages hold which records, from the render state and the site;
        ``describe`` also fills :attr:`page_meta`, so a store can decide most pages
        without reading them."""
        uses: dict[str, set[str]] = {}
        meta: dict[str, tuple[str, frozenset[str]]] = {}
        same: dict[frozenset[str], frozenset[str]] = {}  # one object per set of names: a store pickles it once
        for target, (template, _, extra) in self.state.pages.items():
            plain: list[str] = []
            for name, value in extra.items():
                keys = records_in([value])
                for key in keys:
                    uses.setdefault(key, set()).add(target)
                if not keys:
                    plain.append(name)
            if describe:
                names = frozenset(plain)
                meta[target] = (template, same.setdefault(names, names))
        self.uses = uses
        self.page_meta = meta if describe else None
        shared: dict[str, set[str]] = {name: records_in([value]) for name, value in self.state.common.items()}
        self.shared = frozenset(k for keys in shared.values() for k in keys)
        self.safe = frozenset(name for name, keys in shared.items() if not keys)
        self.links = link_map(self.site)
        self.sources = {source.path: source for source in self.site.sources}
        self.templates = frozenset(template for template, _, _ in self.state.pages.values())

    def template_of(self, target: str) -> str:
        return self.page_meta[target][0] if self.page_meta is not None else self.state.pages[target][0]

    def plain_names(self, target: str) -> frozenset[str]:
        """Names of the page's own values known to hold no record."""
        return self.page_meta[target][1] if self.page_meta is not None else frozenset()

    def reads(self, template: str) -> Reads:
        if template not in self._reads:
            self._reads[template] = template_reads(self.state.env, template, self.safe, self._trees)
        return self._reads[template]

    def shown_everywhere(self, key: str, changed: frozenset[str]) -> bool:
        """Whether a page's templates may read an attribute in ``changed`` of record
        ``key`` through the shared context, which every page has (a page of the menu)."""
        if key not in self.shared:
            return False
        for name, value in self.state.common.items():
            if key in records_in([value]):
                read = self._read_through(name)
                if read is None or read & changed:
                    return True
        return False

    def _read_through(self, name: str) -> frozenset[str] | None:
        """What every page's templates may read of the records in the shared value ``name``
        (:func:`sunshine.templatereads.reads_through`; None: anything)."""
        if name not in self._shared_reads:
            found: set[str] | None = set()
            for template in sorted(self.templates):
                trees = closure(self.state.env, template, self._trees)
                read = None if trees is None else reads_through(trees.values(), name)
                if read is None or found is None:
                    found = None
                    break
                found |= read
            self._shared_reads[name] = None if found is None else frozenset(found)
        return self._shared_reads[name]


def quick_rebuild(
    snap: Snapshot, options: BuildOptions, changed: Iterable[str], also: Also | None = None,
) -> list[str] | None:
    """Apply body edits in ``changed`` (paths relative to the site root) to the output.

    ``also`` adds files that follow from the new pages (the search index), given the
    pages written and the records edited; None there removes a file. Returns the
    output files rewritten or removed, or None when a full build is needed. Raises
    :class:`BuildFailed` when an edited body has errors; then nothing is written and
    ``snap`` is as it was.
    """
    site = snap.site
    if not _same_moment(snap, options):
        return None
    snap.prime()
    assert snap.uses is not None and snap.links is not None and snap.sources is not None
    if snap.sums is None:  # the output's manifest is gone
        return None
    edits: list[tuple[Source, Record]] = []
    reread: list[tuple[Source, Source]] = []
    for rel in sorted(set(changed)):
        old = snap.sources.get(rel)
        record = site.records.get(rel)
        if old is None or record is None:
            return None
        new = _reread(site, old)
        if new is None:
            return None
        reread.append((old, new))
        edits.append((new, dataclasses.replace(record, body=new.body, body_line=new.body_line)))
    if any(new.doc.data != old.doc.data or new.doc.lines != old.doc.lines for old, new in reread):
        if not snap.front_matter:
            return None
        from .frontedit import front_matter_rebuild  # it builds on this module

        return front_matter_rebuild(snap, options, reread, also)
    keys = {record.key for _, record in edits}
    problems = Problems(strict=options.strict)
    problems.extend(p for p in site.problems if not (p.path in keys and p.field == BODY_FIELD))  # the body's are found again
    published = set(site.published)
    views: dict[str, RecordView] = {}
    changes: dict[str, frozenset[str]] = {}
    for _, record in edits:
        if record.key not in published:
            continue  # not in this edition: nothing shows its body
        guard_body(site, record, problems)
        rendered = render_body(record, snap.links)
        report_body(problems, record.key, rendered)
        old_view = snap.state.views[record.key]
        view = record_view(record, site, rendered.html, tuple(rendered.toc), snap.state.links, old_view.corrected_by)
        changed = frozenset(f.name for f in dataclasses.fields(RecordView) if getattr(old_view, f.name) != getattr(view, f.name))
        changes[record.key] = changed | properties() if changed else changed  # a property may read what changed
        views[record.key] = view
    if problems.errors:
        raise BuildFailed(problems)
    if any(changes[key] and snap.shown_everywhere(key, changes[key]) for key in changes):
        return None
    pages = pages_again(snap, views, changes)
    written = render_pages(snap, pages)
    if any("description" in attrs for attrs in changes.values()):
        public = [views.get(k, v) for k, v in snap.state.views.items() if v.status != "gone"]
        written.update((path, text.encode("utf-8")) for path, text in feeds.all_feeds(site, public).items())
    done = write_out(snap, site, written, [record for _, record in edits], also)
    # Commit: the snapshot now stands for the files on disk.
    snap.state.views.update(views)
    snap.state.pages.update(pages)
    for source, record in edits:
        site.records[record.key] = record
        snap.sources[source.path] = source
    site.problems = problems
    return done


def write_out(
    snap: Snapshot, site: Site, written: Mapping[str, bytes | None], edited: list[Record], also: Also | None,
    titles: dict[str, tuple[str, str]] | None = None, restated: bool = False,
) -> list[str]:
    """Write the files of ``written`` whose bytes changed (None: remove it), and those
    ``also`` adds for the ``edited`` records, into the output and the snapshot; the paths
    written or removed (``titles``, ``restated``: see :func:`sunshine.write.patch_site`)."""
    assert snap.sums is not None
    written = {path: content for path, content in written.items() if snap.files.get(path) != content}
    following = also(written, edited) if also is not None else {}
    if written or following:
        patch_site(site, {**written, **following}, snap.sums, titles, restated)
    for path, content in {**written, **following}.items():
        if content is None:
            snap.files.pop(path, None)
        else:
            snap.files[path] = content
    return sorted({*written, *following})


def properties() -> frozenset[str]:
    """The names of a view's properties (``year``): what they read is not known."""
    return frozenset(name for name, value in vars(RecordView).items() if isinstance(value, property))


def _same_moment(snap: Snapshot, options: BuildOptions) -> bool:
    """Whether ``options`` differ from the snapshot's only by a clock that changed nothing."""
    before = snap.site.options
    if dataclasses.replace(options, now=before.now) != before:
        return False
    tz = snap.site.tz
    now = options.now
    return before.now <= now and before.now.astimezone(tz).date() == now.astimezone(tz).date() and (
        snap.until is None or now < snap.until
    )


def _reread(site: Site, old: Source) -> Source | None:
    """The file read again, if it reads without a problem."""
    path = site.options.root / old.path
    if not path.is_file():
        return None
    problems = Problems()
    new = read_source(site.options.root, path, old.kind, old.folder, site.cfg.site.max_file_kb * 1024, problems, YamlCache(None))
    return None if new is None or len(problems) else new


def pages_again(
    snap: Snapshot, views: dict[str, RecordView], changes: dict[str, frozenset[str]], skip: frozenset[str] = frozenset(),
) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """The pages to render again (but those in ``skip``), with the new ``views`` in their contexts."""
    assert snap.uses is not None
    state = snap.state
    pages: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for key, view in views.items():
        for target in sorted(snap.uses.get(key, ())):
            if target in skip:
                continue
            reads = snap.reads(snap.template_of(target))
            if not changes[key] or not (reads.anything or reads.attrs & changes[key] or reads.computed - snap.plain_names(target)):
                continue  # decided without the page's own values
            template, path, extra = pages.get(target) or state.pages[target]
            if _reads_any(reads, changes[key], extra, key):
                pages[target] = (template, path, {name: _swap(value, view) for name, value in extra.items()})
    return pages


def render_pages(
    snap: Snapshot, pages: dict[str, tuple[str, str, dict[str, Any]]], common: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """The bytes of ``pages`` (target: template, path, own values), in the shared context
    of the last build or ``common``."""
    state = snap.state
    shared = state.common if common is None else common
    return {
        target: state.env.get_template(template).render(page_context(shared, path, extra)).encode("utf-8")
        for target, (template, path, extra) in sorted(pages.items())
    }


def _reads_any(reads: Reads, changed: frozenset[str], extra: dict[str, Any], key: str) -> bool:
    if not changed:
        return False
    if reads.anything or reads.attrs & changed:
        return True
    return any(name not in extra or key in records_in([extra[name]]) for name in reads.computed)


def records_in(values: Iterable[Any]) -> set[str]:
    """The keys of the record views anywhere in ``values`` (containers and dataclasses)."""
    found: set[str] = set()
    seen: set[int] = set()
    todo = list(values)
    while todo:
        value = todo.pop()
        kind = type(value)
        if kind is RecordView:
            found.add(value.key)
        elif kind in _PLAIN_TYPES or id(value) in seen:
            continue
        elif kind is list or kind is tuple:  # mostly lists of views: one pass each, in C
            seen.add(id(value))
            found.update(v.key for v in value if type(v) is RecordView)
            todo.extend(v for v in value if type(v) is not RecordView and type(v) not in _PLAIN_TYPES)
        else:
            seen.add(id(value))
            if isinstance(value, dict):
                todo.extend(value.values())
            elif isinstance(value, (list, tuple, set, frozenset)):
                todo.extend(value)
            elif isinstance(value, RecordView):
                found.add(value.key)
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                todo.extend(getattr(value, f.name) for f in dataclasses.fields(value))
    return found


def _swap(value: Any, view: RecordView) -> Any:
    """``value`` with every view of ``view``'s record replaced by ``view`` (copies only what changes)."""
    if isinstance(value, RecordView):
        return view if value.key == view.key else value
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        items = {k: _swap(v, view) for k, v in value.items()}
        return items if any(items[k] is not value[k] for k in value) else value
    if isinstance(value, (list, tuple)):
        swapped = [_swap(v, view) for v in value]
        if all(a is b for a, b in zip(swapped, value, strict=True)):
            return value
        return swapped if isinstance(value, list) else type(value)(swapped) if type(value) is tuple else type(value)(*swapped)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: _swap(getattr(value, f.name), view) for f in dataclasses.fields(value)}
        changed = {k: v for k, v in changed.items() if v is not getattr(value, k)}
        return dataclasses.replace(value, **changed) if changed else value
    return value

