"""Public revision history (修订记录) of every record, from git, in one pass.

One ``git log --raw`` over content/ gives, for each source file, every commit that
changed it: the commit time (shown in Beijing time), its subject line as the change
note, and the blob hash of that version of the file (a short content hash anyone
can check with ``git hash-object``). Author names and e-mails are never read.
The result is cached in ``.cache/`` keyed by the HEAD commit; outside a git
checkout, or without git, there is simply no history.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Revision", "load_history", "parse_git_log"]

_SEP = "\x1f"
_START = "\x1e"


@dataclass(frozen=True)
class Revision:
    when: dt.datetime
    note: str
    blob: str


def _git(root: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8", check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def parse_git_log(text: str, prefix: str = "") -> dict[str, list[Revision]]:
    """Parse ``git log --raw --no-abbrev --format=%x1e%ct%x1f%s`` output.

    ``prefix`` is the path of the site root inside the repository (``""`` or ``"site/"``);
    paths in the result are relative to the site root. Newest revision first.
    """
    history: dict[str, list[Revision]] = {}
    for chunk in text.split(_START):
        if not chunk.strip():
            continue
        header, _, rest = chunk.partition("\n")
        stamp, _, subject = header.partition(_SEP)
        when = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
        for line in rest.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) < 5 or parts[4].startswith("D") or not path.startswith(prefix):
                continue
            history.setdefault(path[len(prefix):], []).append(Revision(when, subject.strip(), parts[3][:12]))
    return history


def load_history(root: Path) -> dict[str, list[Revision]]:
    """Revisions per source path (relative to ``root``), or {} outside git."""
    top = _git(root, "rev-parse", "--show-toplevel")
    head = _git(root, "rev-parse", "HEAD")
    if not top or not head:
        return {}
    top_path = Path(top.strip()).resolve()
    prefix = root.resolve().relative_to(top_path).as_posix() + "/" if root.resolve() != top_path else ""
    cache = root / ".cache" / f"history-{head.strip()}.json"
    if cache.is_file():
        try:
            raw = json.loads(cache.read_text(encoding="utf-8"))
            return {
                path: [Revision(dt.datetime.fromisoformat(r["when"]), r["note"], r["blob"]) for r in revs]
                for path, revs in raw.items()
            }
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache is rebuilt, never trusted
    text = _git(root, "log", "--raw", "--no-abbrev", "--no-renames", "--no-merges", f"--format={_START}%ct{_SEP}%s", "--", "content")
    if text is None:
        return {}
    history = parse_git_log(text, prefix)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("history-*.json"):
            old.unlink()
        data = {p: [{**asdict(r), "when": r.when.isoformat()} for r in revs] for p, revs in history.items()}
        cache.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    except OSError:
        pass
    return history
