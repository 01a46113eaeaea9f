"""No-change builds: when nothing a build reads has changed, its output is kept as it is.

After each successful build ``.cache/last-build/<output>.json`` records
- a SHA-256 of every input: Sunshine's code and its libraries' versions, the options
  that shape the output, config.yaml, every file under content/, templates/ and
  static/ (the site's and the default theme's), the git commit (for the revision
  history) and the Decap version (``--admin``);
- the build time and the next moment the output changes by itself (a notice period
  starting or ending, a scheduled record, a deadline; :mod:`sunshine.outputs.schedule`);
- the size, modification time and inode of every output file, and the summary the
  command line prints (counts, warnings, reminders).

The next build first computes the same key. If it matches, the day (in the site's
time zone) is the same, the build time lies between the last build and that next
change, and the output folder holds exactly the recorded files unchanged, the build
is complete as it is: the guard's findings for these exact inputs are the recorded
ones. Anything else, or a damaged record, means a full build. ``--no-cache`` turns
this off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .cachefile import engine_fingerprint, package_version, save_json
from .options import SCOPES, THEME_DIR, BuildOptions, search_enabled
from .problems import Problem

if TYPE_CHECKING:
    from .site import Site

# Only light modules above: a no-change build ends here before the engine is loaded.

__all__ = ["BuildSummary", "build_or_reuse", "inputs_key", "record", "reuse"]

log = logging.getLogger("sunshine")

FORMAT = "sunshine-last-build-1"
LIBRARIES = ("Jinja2", "MarkupSafe", "Markdown", "nh3", "PyYAML", "pydantic", "pydantic_core",
             "chinesecalendar", "pypinyin", "segno", "pagefind", "pagefind_bin_extended")
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
    return options.root / ".cache" / "last-build" / f"{name}.json"


def _git_head(root: Path) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "-"
    return done.stdout.strip() if done.returncode == 0 else "-"


def inputs_key(options: BuildOptions) -> str:
    """A SHA-256 of everything a build of ``options`` reads, the clock excepted."""
    h = hashlib.sha256(f"{FORMAT}\0{engine_fingerprint()}\0".encode())
    for name in LIBRARIES:
        h.update(f"{name}={package_version(name)}\0".encode())
    facts = [options.edition, options.strict, options.admin, options.history, str(options.output.resolve()), search_enabled()]
    h.update(json.dumps(facts).encode() + b"\0")
    root, theme = options.root.resolve(), THEME_DIR.resolve()
    inputs = [("site", root, name) for name in ("config.yaml", *INPUT_FOLDERS)]
    if theme != root:
        inputs += [("theme", theme, name) for name in ("templates", "static")]
    for label, base, name in inputs:
        for path in _files(base / name):
            h.update(f"{label}/{path.relative_to(base).as_posix()}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    if options.history:
        h.update(f"git={_git_head(options.root)}\0".encode())
    if options.admin:
        package = options.root / "node_modules" / "decap-cms" / "package.json"
        h.update(package.read_bytes() if package.is_file() else b"-")
    return h.hexdigest()


def _files(top: Path) -> list[Path]:
    if top.is_file():
        return [top]
    found: list[Path] = []
    for folder, dirs, names in os.walk(top):
        dirs.sort()
        found.extend(Path(folder) / n for n in sorted(names))
    return found


def _output_stats(out: Path) -> dict[str, list[int]]:
    """(size, mtime, inode) of every file under ``out``, by path relative to it."""
    stats: dict[str, list[int]] = {}
    folders = [(str(out), "")]
    while folders:
        folder, rel = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, rel + entry.name + "/"))
                else:
                    st = entry.stat(follow_symlinks=False)
                    stats[rel + entry.name] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return stats


def record(site: Site, key: str, out: Path) -> None:
    """Remember a successful build of ``key`` into ``out`` (only with the cache on)."""
    if not site.options.cache:
        return
    from .outputs.schedule import next_change

    moment = next_change(site)
    summary = BuildSummary.of(site)
    doc = {
        "format": FORMAT,
        "key": key,
        "built": site.options.now.isoformat(),
        "timezone": site.cfg.site.timezone,
        "valid_until": moment.isoformat() if moment else None,
        "outputs": _output_stats(out),
        "summary": {**asdict(summary), "problems": [asdict(p) for p in summary.problems]},
    }
    save_json(_state_file(site.options), doc)


def reuse(options: BuildOptions, key: str) -> BuildSummary | None:
    """The last build's summary if its output stands for a build of ``key`` now, else None."""
    if not options.cache:
        return None
    try:
        doc: dict[str, Any] = json.loads(_state_file(options).read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or doc.get("key") != key:
            return None
        tz = ZoneInfo(doc["timezone"])
        built = dt.datetime.fromisoformat(doc["built"])
        until = dt.datetime.fromisoformat(doc["valid_until"]) if doc["valid_until"] else None
        now = options.now
        if built.astimezone(tz).date() != now.astimezone(tz).date() or not built <= now or (until is not None and now >= until):
            return None
        if _output_stats(options.output) != doc["outputs"]:
            return None
        s = doc["summary"]
        problems = [Problem(**p) for p in s["problems"]]
        return BuildSummary(
            str(s["edition"]), int(s["published"]), int(s["held"]), dict(s["per_kind"]), dict(s["per_scope"]),
            problems, [str(x) for x in s["reminders"]], reused=True,
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def build_or_reuse(options: BuildOptions) -> tuple[BuildSummary, Path]:
    """A full build (:func:`sunshine.pipeline.build`), unless nothing it reads has changed
    since the last one; then the output is kept as it is and the engine is not even loaded."""
    key = inputs_key(options) if options.cache else ""
    kept = reuse(options, key)
    if kept is not None:
        log.debug("no input changed since the last build: output kept as it is")
        return kept, options.output.resolve()
    from .pipeline import build

    site, out = build(options)
    if options.cache:
        record(site, key, out)
    return BuildSummary.of(site), out
