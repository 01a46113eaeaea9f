"""Quick rebuilds for edits of what a record says of itself (its front matter).

A clerk also corrects a title, a summary, a document number or a date.
Such an edit reaches more pages than a body edit (every list that shows the record,
the feeds, the data exports, the manifest), but not the others' facts. When every
changed file is a record whose new front matter differs from the old only in
:data:`EDITABLE` fields (and perhaps in its body), :func:`front_matter_rebuild`

1. makes each record again from its file and runs the checks a full build runs on one
   record (format, the shared and the kind's checks, the personal-data scan), and its
   kind's ``enrich``; it answers None (a full build) when any of them finds anything,
   or found anything before, so the full build reports it as always;
2. makes the record's view again (its body converted again only if it changed);
3. renders again the record's own pages; every listing page whose values are no longer
   equal (:func:`sunshine.listings.pages` run again over every view, a few tenths of a
   second at 10,000 records); and, when its title changed, the pages whose templates
   look up its key in ``record_links`` (a rating's follow-ups, the catalog's compliance
   table) where their values hold the key;
4. makes the feeds, data exports and calendars again and writes the files whose bytes
   changed (and the search index's, from the command line), then the manifest with the
   new titles (:func:`sunshine.write.patch_site`).

The preview server keeps its snapshot in memory; the command line reads it from its
store (:mod:`sunshine.quickstore`), whose head says which pages hold which record, so
there an edit that changes that (a new category, a date that moves the record to
another page of a list, a record withdrawn) is a full build.

A new date moves the record in the lists, the feeds and the archive (all made again
and compared, as above), and in the catalog's compliance judgements, which the lists
show; it is patched in only while the record is published both before and after it.
A record withdrawn or put back (``status``) leaves or rejoins the current lists, loses or
regains its calendar, and changes the manifest's record list (made again); it is
patched in unless it closes a rating's follow-up, is a page of the menu, or changes the
moment the output next changes by itself (:func:`_status_follows`).

Anything else is a full build: another field (a date that publishes the record later or
earlier than the build, the scope, ``gone``, an attachment, a number, a notice's type
and period, a plan's tasks: they decide whether, where and until when a record is
shown, and others' ranks or links), a rating (ranks and follow-ups read
other ratings), a record that corrects another or is corrected, a page of the menu
when its title changed, a listing page that would appear or disappear, a template
reading ``record_links`` otherwise than by key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes

from . import listings
from .bodies import render_body
from .bodyedit import Also, Snapshot, pages_again, properties, records_in, render_pages, write_out
from .guard import guard_record
from .kinds import KINDS
from .kinds.common import check_common
from .outputs import calendar, data, feeds, schedule
from .problems import Problems
from .route import output_path
from .site import BuildOptions, Record, Site, Source
from .templatereads import closure, keys_looked_up
from .validate import make_record
from .views import LinkView, RecordView, record_view

__all__ = ["EDITABLE", "front_matter_rebuild"]

EDITABLE = frozenset({
    "title", "summary", "doc_no", "written", "tags", "category", "approval", "changes", "allow_personal",
    "date",  # while the record is published before and after (:func:`_record_again`)
    "status", "withdrawn_reason", "withdrawn_on",  # withdrawn or put back, when nothing else follows (:func:`_status_follows`)
    # a notice's: shown on its page (and in its data file), checked and enriched with the record alone
    "contact", "people", "amounts", "total", "election", "objections",
})
_KINDS = frozenset({"notice", "plan", "page"})  # a rating's facts reach other ratings
_LINKS = "record_links"  # shared: every record's title and address, by its key
_MANY = 400  # pages that may look a record up: past this many, a full build is about as quick
Page = tuple[str, str, dict[str, Any]]  # template, path, own values


def front_matter_rebuild(
    snap: Snapshot, options: BuildOptions, edits: list[tuple[Source, Source]], also: Also | None = None,
) -> list[str] | None:
    """Apply edits of records' front matter (``edits``: each file as the last build read
    it, and now) to the output; the files rewritten, or None when a full build is needed.
    ``also``: as for :func:`sunshine.bodyedit.quick_rebuild`."""
    site, state = snap.site, snap.state
    assert snap.uses is not None and snap.sums is not None
    records = dict(site.records)
    edited: dict[str, Record] = {}
    for old_source, source in edits:
        record = _record_again(site, options, site.records[old_source.path], source)
        if record is None:
            return None
        records[record.key] = edited[record.key] = record
    after = _with_records(site, records)
    if not _status_follows(snap, site, after, {k for k, r in edited.items() if r.status != site.records[k].status}):
        return None
    published = set(site.published)
    links = dict(state.links)
    record_links = dict(state.common[_LINKS])
    views: dict[str, RecordView] = {}
    changes: dict[str, frozenset[str]] = {}
    for key, record in edited.items():
        if key not in published:
            continue
        old_view = state.views[key]
        view = _view_again(snap, after, record, old_view, links)
        if view is None:
            return None
        changed = frozenset(f.name for f in dataclasses.fields(RecordView) if getattr(old_view, f.name) != getattr(view, f.name))
        changes[key] = changed | properties() if changed else changed
        if changed and snap.shown_everywhere(key, changes[key]):
            return None
        views[key] = view
        record_links[key] = links[record.index_no]
    if not views:  # none of them is in this edition: their checks were all they needed
        _adopt(snap, edited, edits)
        return []
    relinked = {key for key in views if record_links[key] != state.common[_LINKS][key]}
    if any(records[key].fields.corrects or views[key].corrected_by for key in relinked):
        return None  # it corrects another record or is corrected: the other's page shows its title
    common = {**state.common, _LINKS: record_links}
    if isinstance(common.get("nav_pages"), list):
        common["nav_pages"] = [views.get(v.key, v) for v in common["nav_pages"]]
    listed = _listing_pages(snap, after, views)
    looked_up = _pages_looking_up(snap, relinked, common)
    if listed is None or looked_up is None:
        return None
    pages = {**pages_again(snap, views, changes, skip=state.listed), **listed}
    pages.update((target, state.pages[target]) for target in looked_up if target not in pages)
    uses = _uses_again(snap, pages)
    if uses is None:
        return None
    written = render_pages(snap, pages, common)
    public = [views.get(k, v) for k, v in state.views.items() if v.status != "gone"]
    made = {path: text.encode("utf-8") for path, text in feeds.all_feeds(after, public).items()}
    made.update({**data.exports(after, public, only=views.keys()), **calendar.notice_calendars(after, public, only=views.keys())})
    if options.edition == "internal":
        made.update(data.internal_exports(after))
    now = {path: snap.files.get(path) for path in made}  # read once (from disk, from the command line)
    own = _own_calendars(views.values())  # a notice put back has one again
    if any(content is None and path not in own for path, content in now.items()):
        return None  # another file appears (a rating's export): not looked into here
    out: dict[str, bytes | None] = {**written}
    out.update((path, content) for path, content in made.items() if now[path] != content)
    out.update(dict.fromkeys(_own_calendars(state.views[key] for key in views) - own))  # a notice withdrawn has none
    titles = {r.index_no: (site.records[k].title, r.title) for k, r in edited.items() if k in views and r.title != site.records[k].title}
    restated = any(edited[key].status != site.records[key].status for key in views)
    done = write_out(snap, after, out, [edited[key] for key in views], also, titles, restated)
    # Commit: the snapshot now stands for the files on disk.
    _follow_uses(snap, pages, uses)
    snap.relinked.update((key, record_links[key]) for key in relinked)
    state.pages.update(pages)
    state.views.update(views)
    state.links.update(links)
    state.common = common
    _adopt(snap, edited, edits)
    return done


def _adopt(snap: Snapshot, records: dict[str, Record], edits: list[tuple[Source, Source]]) -> None:
    """The snapshot's site holds the edited ``records`` and their files as read now."""
    assert snap.sources is not None
    snap.site.records.update(records)
    snap.sources.update({source.path: source for _, source in edits})


def _with_records(site: Site, records: dict[str, Record]) -> Site:
    """``site`` with ``records`` instead of its own (its working-day calendar kept)."""
    after = dataclasses.replace(site, records=records)
    if "is_workday" in vars(site):
        vars(after)["is_workday"] = site.is_workday
    return after


def _record_again(site: Site, options: BuildOptions, old: Record, source: Source) -> Record | None:
    """The record made again from its file, checked and enriched as a full build does it,
    or None when anything was found (now or by the last build) or a field outside
    :data:`EDITABLE` changed."""
    if old.kind not in _KINDS or old.provisional_index or any(p.path == old.key for p in site.problems):
        return None
    problems = Problems(strict=options.strict)
    scratch = dataclasses.replace(site, problems=problems)
    record = make_record(scratch, source)
    if record is None or len(problems):
        return None
    if any(getattr(old.fields, name) != getattr(record.fields, name) for name in type(old.fields).model_fields if name not in EDITABLE):
        return None
    if (record.kind, record.slug, record.index_no) != (old.kind, old.slug, old.index_no):
        return None
    if record.publish_at != old.publish_at and max(record.publish_at, old.publish_at) > min(site.options.now, options.now):
        return None  # it is published, or no longer, at another time: the schedule and what is shown change
    if record.status != old.status and not _may_withdraw(old, record):
        return None
    record = dataclasses.replace(record, url=old.url, attachments=old.attachments)
    kind = KINDS[record.kind]
    check_common(record, scratch, problems)
    kind.check(record, scratch, problems)
    if site.in_edition(record):
        guard_record(scratch, record, problems)
    if len(problems):
        return None
    record.derived = kind.enrich(record, scratch)
    return record


def _own_calendars(views: Iterable[RecordView]) -> set[str]:
    return {path for path in map(calendar.own_calendar, views) if path is not None}


def _may_withdraw(old: Record, new: Record) -> bool:
    """Whether a change of status may be patched in: a record withdrawn or put back, but
    never one published in error (``gone``: its pages are replaced), nor one that closes a
    rating's follow-up (only an active record does: the rating's pages would change)."""
    if {old.status, new.status} - {"active", "withdrawn"}:
        return False
    return not any(r.fields.closes or any(t.closes for t in getattr(r.fields, "tasks", ())) for r in (old, new))


def _status_follows(snap: Snapshot, before: Site, after: Site, keys: set[str]) -> bool:
    """Whether nothing but what the quick path makes again follows from the change of
    status of the records ``keys``: none is in the shared context (the menu shows only
    active pages), and the moment the output next changes by itself is the same (a
    withdrawn notice's period ends nothing)."""
    if not keys:
        return True
    if keys & snap.shared:
        return False
    return schedule.next_change_uncached(before) == schedule.next_change_uncached(after)


def _view_again(snap: Snapshot, site: Site, record: Record, old: RecordView, links: dict[str, LinkView]) -> RecordView | None:
    """The record's new view (its new link goes into ``links``), or None when its body has a problem."""
    html, toc = old.html, old.toc
    if record.body != snap.site.records[record.key].body:
        assert snap.links is not None
        rendered = render_body(record, snap.links)
        if rendered.problems:
            return None
        html, toc = rendered.html, tuple(rendered.toc)
    links[record.index_no] = LinkView(record.title, site.cfg.path_prefix + record.url, record.index_no)
    return record_view(record, site, html, toc, links, old.corrected_by)


def _listing_pages(snap: Snapshot, site: Site, views: dict[str, RecordView]) -> dict[str, Page] | None:
    """The listing pages whose values changed, or None when the listing pages are not the same ones."""
    state = snap.state
    everyone = [views.get(k, v) for k, v in state.views.items()]
    changed: dict[str, Page] = {}
    seen: set[str] = set()
    for spec in listings.pages(site, everyone):
        target = output_path(spec.path)
        before = state.pages.get(target)
        if before is None or target not in state.listed:
            return None
        seen.add(target)
        if before[0] != spec.template or before[2] != spec.context:
            changed[target] = (spec.template, spec.path, spec.context)
    return changed if seen == state.listed else None


@dataclass
class _Lookups:
    """The pages whose templates look records up in ``record_links``, found once per
    snapshot (a walk through every such page's values: half a second at 10,000 records)."""

    templates: dict[str, frozenset[object]]  # template: the constant keys it looks up
    keys: frozenset[str]  # every record's
    pages: dict[str, set[str]]  # record key: pages of those templates whose own values hold it
    held: dict[str, set[str]]  # page: the record keys its own values hold

    @classmethod
    def of(cls, snap: Snapshot) -> _Lookups | None:
        """None when a template uses ``record_links`` in a way not understood."""
        templates: dict[str, frozenset[object]] = {}
        for template in sorted(snap.templates):
            trees = closure(snap.state.env, template, snap._trees)
            if trees is None:
                return None
            if not any(n.name == _LINKS and n.ctx == "load" for tree in trees.values() for n in tree.find_all(nodes.Name)):
                continue
            constants = keys_looked_up(trees.values(), _LINKS)
            if constants is None:
                return None
            templates[template] = constants
        found = cls(templates, frozenset(snap.site.records), {}, {})  # keys only: a store reads no record here
        for target in snap.state.pages:  # nor any page but those asked for
            if snap.template_of(target) in templates:
                found.hold(target, snap.state.pages[target][2])
        return found

    def hold(self, target: str, extra: dict[str, Any]) -> None:
        """Note the record keys page ``target``'s own values hold (``extra``: them now)."""
        for key in self.held.pop(target, set()):
            self.pages[key].discard(target)
        keys = _strings_in(extra) & self.keys
        self.held[target] = keys
        for key in keys:
            self.pages.setdefault(key, set()).add(target)


def _pages_looking_up(snap: Snapshot, keys: set[str], common: dict[str, Any]) -> set[str] | None:
    """The pages that may look up one of ``keys`` in ``record_links``: those whose own
    values hold the key, all pages of a template naming it, all when a shared value holds
    it. None when that cannot be told or they are too many to be worth it."""
    if not keys:
        return set()
    if snap.lookups is None:
        snap.lookups = _Lookups.of(snap) or False
    lookups = snap.lookups
    if not isinstance(lookups, _Lookups):
        return None
    shared = any(keys & _strings_in(value) for name, value in common.items() if name != _LINKS)
    every = {template for template, constants in lookups.templates.items() if shared or constants & keys}
    found = {target for target in snap.state.pages if snap.template_of(target) in every} if every else set()
    for key in keys:
        found |= lookups.pages.get(key, set())
    return found if len(found) <= _MANY else None


def _strings_in(value: Any) -> set[str]:
    """Every string anywhere in ``value`` (containers, dataclasses, models)."""
    found: set[str] = set()
    seen: set[int] = set()
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            found.add(item)
            continue
        if isinstance(item, (bytes, int, float, type(None), dt.date, dt.timedelta)) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            todo.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif hasattr(item, "__dict__"):
            todo.extend(vars(item).values())
    return found


def _uses_again(snap: Snapshot, pages: dict[str, Page]) -> list[tuple[str, str, bool]] | None:
    """The records each page of ``pages`` now holds or no longer holds (key, page, held),
    or None when that changes what a store describes: which pages show which record and
    which of their values hold none (``page_meta``, written by a full build)."""
    changes: list[tuple[str, str, bool]] = []
    for target, (_, _, extra) in pages.items():
        before = records_in(snap.state.pages[target][2].values())
        now = records_in(extra.values())
        changes += [(key, target, False) for key in before - now] + [(key, target, True) for key in now - before]
        if snap.page_meta is not None and (
            changes or snap.plain_names(target) != frozenset(name for name, value in extra.items() if not records_in([value]))
        ):
            return None
    return changes


def _follow_uses(snap: Snapshot, pages: dict[str, Page], changes: list[tuple[str, str, bool]]) -> None:
    """Which pages hold which records, after ``pages`` (a list may now hold other records)."""
    assert snap.uses is not None
    lookups = snap.lookups
    for target, (template, _, extra) in pages.items():
        if isinstance(lookups, _Lookups) and template in lookups.templates:
            lookups.hold(target, extra)
    for key, target, held in changes:
        if held:
            snap.uses.setdefault(key, set()).add(target)
        else:
            snap.uses.get(key, set()).discard(target)
