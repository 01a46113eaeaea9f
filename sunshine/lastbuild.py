"""No-change builds: when nothing a build reads has changed, its output is kept as it is.

After each successful build ``.cache/last-build/<output>.record`` (:mod:`sunshine.recordfile`) records
- a SHA-256 of every input: Sunshine's code and its libraries' versions, the options
  that shape the output, config.yaml, every file under content/, templates/ and
  static/ (the site's and the default theme's), the git commit (for the revision
  history) and the Decap version (``--admin``);
- the build time and the next moment the output changes by itself (a notice period
  starting or ending, a scheduled record, a deadline; :mod:`sunshine.outputs.schedule`);
- the output folder's files and folders (:mod:`sunshine.outputstats`), and the summary
  the command line prints (counts, warnings, reminders).

The next build first computes the same key. If it matches, the day (in the site's
time zone) is the same, the build time lies between the last build and that next
change, and the output folder holds exactly the recorded files unchanged, the build
is complete as it is: the guard's findings for these exact inputs are the recorded
ones. If only record files differ, the output may be patched instead
(:mod:`sunshine.quickstore`). Anything else, or a damaged record, means a full build.
``--no-cache`` turns this off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import marshal
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from . import outputstats, recordfile
from .cachefile import adopt_fingerprint, engine_fingerprint, package_version
from .gcpause import collector_paused
from .options import SCOPES, THEME_DIR, BuildOptions, search_enabled
from .outputs.searchwarm import stop as stop_search_service
from .problems import Problem

if TYPE_CHECKING:
    from .bodyedit import Snapshot
    from .site import Site

# Only light modules above: a no-change build ends here before the engine is loaded.

__all__ = ["BuildSummary", "Inputs", "build_or_reuse", "read_inputs", "record", "reuse"]

log = logging.getLogger("sunshine")

FORMAT = "sunshine-last-build-4"
LIBRARIES = ("Jinja2", "MarkupSafe", "Markdown", "nh3", "PyYAML", "pydantic", "pydantic_core",
             "chinesecalendar", "pypinyin", "zxing-cpp", "pagefind", "pagefind_bin_extended")
INPUT_FOLDERS = ("content", "templates", "static")


@dataclass
class BuildSummary:
    """What the command line reports about a build."""

    edition: str
    published: int
    held: int
    per_kind: dict[str, int]
    per_scope: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)
    reused: bool = False
    pages: int | None = None  # HTML files in the output, when known

    @classmethod
    def of(cls, site: Site) -> BuildSummary:
        from .reports import freshness

        per_kind: dict[str, int] = {}
        for r in site.published_records():
            per_kind[r.kind] = per_kind.get(r.kind, 0) + 1
        per_scope = {s: sum(1 for r in site.records.values() if r.scope == s) for s in SCOPES}
        return cls(
            site.options.edition, len(site.published), len(site.records) - len(site.published),
            dict(sorted(per_kind.items())), per_scope, site.problems.sorted(), freshness(site),
        )

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _state_file(options: BuildOptions) -> Path:
    name = hashlib.sha256(str(options.output.resolve()).encode()).hexdigest()[:16]
    return options.root / ".cache" / "last-build" / f"{name}.record"


def _git_head(root: Path) -> str:
    if "GIT_DIR" not in os.environ and not any((folder / ".git").exists() for folder in (root, *root.resolve().parents)):
        return "-"  # in no repository: git need not be started to say so
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "-"
    return done.stdout.strip() if done.returncode == 0 else "-"


@dataclass(frozen=True)
class Inputs:
    """What a build reads: a digest of everything but the files, and each file's SHA-256."""

    facts: str
    files: dict[str, str]  # "site/content/…" or "theme/templates/…": SHA-256

    @property
    def key(self) -> str:
        h = hashlib.sha256(self.facts.encode() + b"\0")
        for path, digest in self.files.items():
            h.update(f"{path}\0{digest}\0".encode())
        return h.hexdigest()

    def packed(self) -> dict[str, list[str]]:
        """The files as the last-build record keeps them: paths and digests as two lists."""
        return {"paths": list(self.files), "sums": list(self.files.values())}


def read_inputs(options: BuildOptions) -> Inputs:
    """Everything a build of ``options`` reads, the clock excepted."""
    h = hashlib.sha256(f"{FORMAT}\0{engine_fingerprint()}\0".encode())
    for name in LIBRARIES:
        h.update(f"{name}={package_version(name)}\0".encode())
    facts = [options.edition, options.strict, options.admin, options.history, str(options.output.resolve()), search_enabled()]
    h.update(json.dumps(facts).encode() + b"\0")
    if options.history:
        h.update(f"git={_git_head(options.root)}\0".encode())
    if options.admin:
        package = options.root / "node_modules" / "decap-cms" / "package.json"
        h.update(package.read_bytes() if package.is_file() else b"-")
    root, theme = options.root.resolve(), THEME_DIR.resolve()
    inputs = [("site", root, name) for name in ("config.yaml", *INPUT_FOLDERS)]
    if theme != root:
        inputs += [("theme", theme, name) for name in ("templates", "static")]
    files: dict[str, str] = {}
    for label, base, name in inputs:
        prefix = f"{base}{os.sep}"
        for rel in _files(str(base), name):
            try:
                files[f"{label}/{rel}"] = _sha256(prefix + rel)
            except OSError:  # unreadable: never equal to a digest, and the build reports it
                files[f"{label}/{rel}"] = "-"
    return Inputs(h.hexdigest(), files)


_CHUNK = 1 << 16
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _sha256(path: str) -> str:
    """The SHA-256 of a file, read without a file object: a third quicker for 10,000 small files."""
    fd = os.open(path, _READ)
    try:
        chunk = os.read(fd, _CHUNK)
        h = hashlib.sha256(chunk)
        while len(chunk) == _CHUNK:
            chunk = os.read(fd, _CHUNK)
            h.update(chunk)
    finally:
        os.close(fd)
    return h.hexdigest()


def _files(base: str, name: str) -> list[str]:
    """The files at or under ``base/name``, as sorted paths relative to ``base``."""
    top = os.path.join(base, name)
    if os.path.isfile(top):
        return [name]
    found: list[str] = []
    folders = [(top, name + "/")]
    while folders:
        folder, rel = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():  # as os.walk: a link to a folder is not followed
                if not entry.is_symlink():
                    folders.append((entry.path, rel + entry.name + "/"))
            elif entry.is_file():
                found.append(rel + entry.name)
    return sorted(found)


def record(site: Site, inputs: Inputs, out: Path, quick: str | None = None) -> dict[str, list[int]]:
    """Remember a successful build of ``inputs`` into ``out``; ``quick``: the id of its
    store for quick rebuilds (:mod:`sunshine.quickstore`). The output's files and stats."""
    from .outputs.schedule import next_change

    moment = next_change(site)
    summary = BuildSummary.of(site)
    outputs, folders = outputstats.scan(out)
    doc = {
        "format": FORMAT,
        "key": inputs.key,
        "facts": inputs.facts,
        "files": inputs.packed(),
        "quick": quick,
        "built": site.options.now.isoformat(),
        "timezone": site.cfg.site.timezone,
        "valid_until": moment.isoformat() if moment else None,
        "outputs": outputstats.packed(outputs),
        "folders": outputstats.packed(folders),
        "summary": {**asdict(summary), "problems": [asdict(p) for p in summary.problems]},
    }
    state = _state_file(site.options)
    recordfile.save(state, doc)
    with contextlib.suppress(OSError):
        state.with_suffix(".json").unlink(missing_ok=True)  # the record as earlier versions kept it
    return outputs


def _pages(outputs: Iterable[str]) -> int:
    return sum(1 for path in outputs if path.endswith(".html"))


def _read(options: BuildOptions) -> dict[str, Any] | None:
    doc = recordfile.load(_state_file(options))
    return doc if doc is not None and doc.get("format") == FORMAT else None


def _summary(s: dict[str, Any], problems: list[Problem], reused: bool, outputs: Iterable[str]) -> BuildSummary:
    return BuildSummary(
        str(s["edition"]), int(s["published"]), int(s["held"]), dict(s["per_kind"]), dict(s["per_scope"]),
        problems, [str(x) for x in s["reminders"]], reused=reused, pages=_pages(outputs),
    )


def reuse(options: BuildOptions, key: str, doc: dict[str, Any] | None, intact: bool) -> BuildSummary | None:
    """The last build's summary if its output stands for a build of ``key`` now, else None
    (``intact``: whether the output is as recorded in ``doc``)."""
    if not options.cache:
        return None
    try:
        if doc is None or doc.get("key") != key or not _in_time(doc, options.now) or not intact:
            return None
        return _summary(doc["summary"], [Problem(**p) for p in doc["summary"]["problems"]], True, doc["outputs"]["paths"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _in_time(doc: dict[str, Any], now: dt.datetime) -> bool:
    """Whether ``now`` lies on the day of the recorded build, after it and before its next change."""
    tz = ZoneInfo(doc["timezone"])
    built = dt.datetime.fromisoformat(doc["built"])
    until = dt.datetime.fromisoformat(doc["valid_until"]) if doc["valid_until"] else None
    return built.astimezone(tz).date() == now.astimezone(tz).date() and built <= now and (until is None or now < until)


def _changed(doc: dict[str, Any], inputs: Inputs) -> list[str] | None:
    """The input files whose bytes changed since the build ``doc`` records, or None when
    more changed than files' bytes (options, engine, files added or removed)."""
    try:
        old = dict(zip(doc["files"]["paths"], doc["files"]["sums"], strict=True))
        if doc.get("facts") != inputs.facts or old.keys() != inputs.files.keys():
            return None
        return [path for path, digest in inputs.files.items() if old[path] != digest]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _only_bodies(changed: list[str] | None) -> bool:
    """Whether ``changed`` (:func:`_changed`) are record files alone, as quick rebuilds need."""
    return bool(changed) and all(path.startswith("site/content/") for path in changed or ())


def _quick(
    options: BuildOptions, inputs: Inputs, doc: dict[str, Any], intact: bool, snap: Snapshot | None = None,
) -> BuildSummary | None:
    """Apply edits of record bodies since the last build as the preview server does
    (:mod:`sunshine.quickstore`); None when a full build is needed. ``snap``: the
    store, if it was read already."""
    changed = _changed(doc, inputs)
    try:
        if not doc.get("quick") or not _only_bodies(changed) or not _in_time(doc, options.now) or not intact:
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    from .quickstore import rebuild

    done = rebuild(options, str(doc["quick"]), [path.removeprefix("site/") for path in changed or ()], snap)
    if done is None:
        return None
    problems, written, ident = done
    outputstats.restat(options.output, doc, [*written, "manifest.json", "SHA256SUMS"])
    new = {**doc, "key": inputs.key, "files": inputs.packed(), "quick": ident,
           "summary": {**doc["summary"], "problems": [asdict(p) for p in problems]}}
    recordfile.save(_state_file(options), new)
    return _summary(doc["summary"], problems, False, doc["outputs"]["paths"])


def _inputs_and_output(
    options: BuildOptions, doc: dict[str, Any] | None, ahead: Callable[[], None] | None = None,
) -> tuple[Inputs, bool]:
    """The inputs (:func:`read_inputs`) and whether the output is as ``doc`` records it.

    When the last build left a quick-rebuild store, a body edit will need the engine
    next: on Linux a forked process reads the inputs and checks the output while this
    one loads the engine (0.3–0.4 s each at 10,000 records); elsewhere, or if the
    forked process fails, one after the other. The forked process first tells which
    files changed; if only record files did, ``ahead`` runs here (reading the store)
    while it checks the output."""

    def here() -> tuple[Inputs, bool]:
        return read_inputs(options), doc is not None and outputstats.intact(options.output, doc)

    if doc is None or not doc.get("quick") or sys.platform != "linux":
        return here()
    try:
        ours, theirs = os.pipe()
    except OSError:
        return here()
    try:
        pid = os.fork()
    except OSError:
        os.close(ours)
        os.close(theirs)
        return here()
    if pid == 0:  # the forked process: two lines of JSON, then leave at once
        try:
            os.close(ours)
            with os.fdopen(theirs, "wb") as sink:
                inputs = read_inputs(options)
                sink.write(json.dumps([engine_fingerprint(), _only_bodies(_changed(doc, inputs))]).encode() + b"\n")
                sink.flush()
                intact = outputstats.intact(options.output, doc)
                sink.write(marshal.dumps((inputs.facts, inputs.files, intact)))  # between two runs of this code
        finally:
            os._exit(0)
    os.close(theirs)
    with contextlib.suppress(Exception):  # any problem shows again, and is reported, where the engine is used
        from . import quickstore  # noqa: F401
    with os.fdopen(ours, "rb") as pipe:
        first = pipe.readline()
        with contextlib.suppress(ValueError, TypeError):
            fingerprint, bodies = json.loads(first)
            adopt_fingerprint(str(fingerprint))  # hashed there already, with this process's files
            if bodies is True and ahead is not None:
                ahead()
        answer = pipe.read()
    os.waitpid(pid, 0)
    try:
        facts, files, intact = marshal.loads(answer)
        return Inputs(str(facts), dict(files)), bool(intact)
    except (ValueError, TypeError, EOFError):
        return here()


def build_or_reuse(options: BuildOptions) -> tuple[BuildSummary, Path]:
    """A full build (:func:`sunshine.pipeline.build`), unless nothing it reads has changed
    since the last one (then the output is kept as it is and the engine is not even
    loaded) or only the text of records has (then the output is patched, as the preview
    server does)."""
    if not options.cache:
        from .pipeline import build

        site, out = build(options)
        return BuildSummary.of(site), out
    with collector_paused():
        return _build_or_reuse(options)


def _build_or_reuse(options: BuildOptions) -> tuple[BuildSummary, Path]:
    doc = _read(options)
    read: list[Snapshot | None] = []  # the quick-rebuild store, read ahead

    def read_store() -> None:  # only record files changed: the store is read while the output is checked
        from .outputs.search import warm_up
        from .quickstore import read_ahead

        assert doc is not None
        warm_up()  # Pagefind loads its dictionary meanwhile, for the edited pages' index
        read.append(read_ahead(options, str(doc["quick"])))

    try:
        inputs, intact = _inputs_and_output(options, doc, read_store)
        kept = reuse(options, inputs.key, doc, intact)
        if kept is not None:
            log.debug("no input changed since the last build: output kept as it is")
            return kept, options.output.resolve()
        quick = _quick(options, inputs, doc, intact, read[0] if read else None) if doc is not None else None
        if quick is not None:
            log.debug("only records changed, in what a quick rebuild follows: output patched")
            return quick, options.output.resolve()
    finally:
        stop_search_service()
    from .pipeline import build
    from .quickstore import Pending, finish, keep_entries

    pending: list[Pending | None] = []

    def keep_state(site: Site) -> None:
        started = time.perf_counter()
        pending.append(keep_entries(site))
        log.debug("quick-rebuild store: %.3f s", time.perf_counter() - started)

    site, out = build(options, then=keep_state)
    ident = finish(pending[0], site) if pending and pending[0] is not None else None
    outputs = record(site, inputs, out, ident)
    summary = BuildSummary.of(site)
    summary.pages = _pages(outputs)
    return summary, out
