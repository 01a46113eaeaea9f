"""Stage 7, write: put the rendered files on disk, all or nothing.

Files go into a temporary folder beside the output folder; only when every file
is written is the old output moved aside and the new one renamed into place. A
build that fails or is killed leaves the previous output untouched; leftovers of
a killed build are removed by the next run. The output folder may never be the
site root, content/, templates/, static/ or a parent of them.

Files whose bytes did not change are hard-linked from the current output, so
their modification times stay and rsync or a CDN sees only real changes.

Also writes ``manifest.json`` and ``SHA256SUMS``: the SHA-256 of every file and
each published record's index number.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from .problems import BuildFailed, Problems
from .site import Site

__all__ = ["check_output_dir", "manifest", "write_site"]

_TMP = ".{name}.tmp-"
_OLD = ".{name}.old-"


def check_output_dir(root: Path, out: Path) -> str | None:
    """Why ``out`` may not be used as the output folder, or None."""
    root = root.resolve()
    out = out.resolve()
    if out == root or out in root.parents:
        return f"输出文件夹 {out} 是网站根目录或其上级，会覆盖网站源文件"
    for name in ("content", "templates", "static", "sunshine", "tests", ".git", ".cache", "node_modules"):
        folder = root / name
        if out == folder or out.is_relative_to(folder):
            return f"输出文件夹 {out} 在 {name}/ 之内，会覆盖网站源文件"
    return None


def manifest(site: Site, files: dict[str, bytes], sums: dict[str, str] | None = None) -> dict[str, bytes]:
    """manifest.json and SHA256SUMS for ``files`` (``sums``: their SHA-256, if known)."""
    if sums is None:
        sums = {path: hashlib.sha256(content).hexdigest() for path, content in files.items()}
    sums = dict(sorted(sums.items()))
    records = [
        {"index_no": r.index_no, "url": r.url, "title": r.title, "kind": r.kind, "status": r.status}
        for r in sorted(site.published_records(), key=lambda r: r.index_no)
    ]
    doc = {
        "site": site.cfg.site.title,
        "edition": site.options.edition,
        "built_at": site.options.now.astimezone(site.tz).isoformat(),
        "files": sums,
        "records": records,
    }
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    lines = "".join(f"{digest}  {path}\n" for path, digest in sums.items())
    return {"manifest.json": text.encode("utf-8"), "SHA256SUMS": lines.encode("utf-8")}


def write_site(site: Site, files: dict[str, bytes], verified: frozenset[str] = frozenset()) -> Path:
    """Write ``files`` (plus manifest) into the output folder atomically; return it.

    ``verified``: paths whose bytes were just read from the current output and found
    equal (the page cache does that), linked without being read again.
    """
    out = site.options.output.resolve()
    reason = check_output_dir(site.options.root, out)
    if reason:
        problems = Problems()
        problems.add(str(out), 0, "", reason, "请用 --out 指定其他文件夹，例如 site/", code="bad-output")
        raise BuildFailed(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    tmp = out.parent / (_TMP.format(name=out.name) + str(os.getpid()))
    sums = {path: hashlib.sha256(content).hexdigest() for path, content in files.items()}
    all_files = {**files, **manifest(site, files, sums)}
    previous = _previous_digests(out)
    try:
        made: set[Path] = set()
        for rel, content in sorted(all_files.items()):
            target = tmp / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            digest = sums.get(rel)
            if rel in verified and digest is not None and previous.get(rel) == digest and _link(out / rel, target, len(content)):
                continue
            if not _link_unchanged(out / rel, target, content, digest, previous.get(rel)):
                target.write_bytes(content)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _previous_digests(out: Path) -> dict[str, str]:
    """SHA-256 per file of the current output, from its manifest; {} if unusable."""
    try:
        doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        files = doc["files"]
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _link_unchanged(old: Path, new: Path, content: bytes, digest: str | None, previous: str | None) -> bool:
    """Hard-link an unchanged file from the current output (keeping its mtime).

    The manifest's digest is a hint only: the old file's bytes are compared too, so a
    file edited on disk since the last build is rewritten.
    """
    if previous is None or previous != (digest or hashlib.sha256(content).hexdigest()):
        return False
    try:
        if old.is_symlink() or old.stat().st_size != len(content) or old.read_bytes() != content:
            return False
    except OSError:
        return False
    return _link(old, new, len(content))


def _link(old: Path, new: Path, size: int) -> bool:
    try:
        if old.is_symlink() or old.stat().st_size != size:
            return False
        os.link(old, new)
        return True
    except OSError:
        return False


def _swap(tmp: Path, out: Path) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    old = out.parent / (_OLD.format(name=out.name) + str(os.getpid()))
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    olds = sorted(out.parent.glob(_OLD.format(name=out.name) + "*"), key=lambda p: p.stat().st_mtime)
    if not out.exists() and olds:  # killed between the two renames: restore the old site
        olds.pop().rename(out)
    for prefix in (_TMP.format(name=out.name), _OLD.format(name=out.name)):
        for leftover in out.parent.glob(prefix + "*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
