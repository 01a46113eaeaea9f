"""Stage 7, write: put the rendered files on disk, all or nothing.

The new site is assembled in a temporary folder beside the output folder; only when
every file is in place is the old output moved aside and the new one renamed into
place. A build that fails or is killed leaves the previous output untouched; a
build killed between the two renames is restored by the next run. The output
folder may never be the site root, content/, templates/, static/ or a parent of them.

The folder moved aside is kept as ``.NAME.spare`` and becomes the next build's
temporary folder, so a build creates and deletes only the files and folders that
changed instead of the whole tree. Nothing in the spare is trusted: a file is kept
only if it is the very same file (inode) as the current output's, whose bytes are
known; everything else is written anew. Files whose bytes did not change are
hard-linked from the current output, so their modification times stay and rsync or
a CDN sees only real changes. Deleting the spare only costs time.

Also writes ``manifest.json`` and ``SHA256SUMS``: the SHA-256 of every file and
each published record's index number.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from .manifestsums import FILES_END, FILES_START, ManifestDigests, read_digests
from .outfiles import OutputFiles
from .problems import BuildFailed, Problems
from .site import Site
from .writeout import Filling, Work, fill, start

__all__ = ["check_output_dir", "manifest", "patch_site", "write_site"]

_TMP = ".{name}.tmp-"
_OLD = ".{name}.old-"
_SPARE = ".{name}.spare"
APART_MIN = 2000  # output files from which the write runs in a process of its own beside ``meanwhile``


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


def manifest(site: Site, files: Mapping[str, bytes], sums: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """manifest.json and SHA256SUMS for ``files`` (``sums``: their SHA-256, if known)."""
    if sums is None:
        sums = {path: _sha256(files, path) for path in files}
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
    return _listing(doc)


def _listing(doc: dict[str, Any]) -> dict[str, bytes]:
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return {"manifest.json": text.encode("utf-8"), "SHA256SUMS": _sums_file(doc["files"])}


def _sums_file(files: Mapping[str, str]) -> bytes:
    """SHA256SUMS, as ``sha256sum -c`` reads it."""
    return "".join(f"{digest}  {path}\n" for path, digest in files.items()).encode("utf-8")


def write_site(
    site: Site, files: Mapping[str, bytes], verified: frozenset[str] = frozenset(),
    meanwhile: Callable[[], None] | None = None,
) -> Path:
    """Write ``files`` (plus manifest) into the output folder atomically; return it.

    ``verified``: paths whose bytes were just read from the current output and found
    equal (the page cache does that), linked without being read again. ``meanwhile``
    is called while the files are written: for a large site in a process of its own
    (:mod:`sunshine.writeout`), else before they are.
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
    spare = out.parent / _SPARE.format(name=out.name)
    sums = {path: _sha256(files, path) for path in files}
    all_files = OutputFiles.of(files)
    all_files.update(manifest(site, files, sums))
    work = Work(tmp, out, all_files, sums, read_digests(out), verified)
    filling: Filling | None = None
    try:
        if spare.is_dir() and not spare.is_symlink():
            spare.rename(tmp)
        else:
            tmp.mkdir()
        if meanwhile is not None and len(all_files) >= APART_MIN:
            filling = start(work)
        if meanwhile is not None:
            meanwhile()
        if filling is not None:
            filling.wait()
        else:
            fill(work)
        _swap(tmp, out, spare)
    except BaseException:
        if filling is not None:
            filling.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _sha256(files: Mapping[str, bytes], path: str) -> str:
    """A file's SHA-256, without reading it when it is known."""
    return files.sha256(path) if isinstance(files, OutputFiles) else hashlib.sha256(files[path]).hexdigest()


def patch_site(
    site: Site, changed: Mapping[str, bytes | None], sums: MutableMapping[str, str],
    titles: Mapping[str, tuple[str, str]] | None = None, restated: bool = False,
) -> Path:
    """Replace, add or remove (None) a few files of the current output in place (quick rebuilds).

    Each file, then ``manifest.json`` and ``SHA256SUMS``, is written beside its target
    and renamed over it: a reader sees the old file or the new one, never half of
    one, and a file hard-linked into the spare folder is never written through.
    ``sums``: the SHA-256 of every output file (:mod:`sunshine.manifestsums`), updated
    here; the new listing is made before any file is touched. ``titles``: by index number,
    the old and new title of records whose title changed (the manifest lists them);
    ``restated``: a record's status changed, so the manifest's record list is made again.
    """
    out = site.options.output.resolve()
    digests: dict[str, tuple[str | None, str]] = {}
    for rel, content in changed.items():
        if content is None:
            sums.pop(rel, None)
        else:
            digests[rel] = (sums.get(rel), hashlib.sha256(content).hexdigest())
            sums[rel] = digests[rel][1]
    same_files = all(content is not None and digests[rel][0] is not None for rel, content in changed.items())
    if restated:
        listing = manifest(site, {}, sums)
    else:
        listing = (_patched_listing(out, digests, titles or {}) if same_files else None if titles else _relisted(out, sums)) or manifest(site, {}, sums)
    for rel, content in changed.items():
        if content is None:
            (out / rel).unlink(missing_ok=True)
            _prune_empty((out / rel).parent, out)
        else:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            _replace(out / rel, content)
    for rel, content in listing.items():
        _replace(out / rel, content)
    return out


def _patched_listing(
    out: Path, digests: dict[str, tuple[str | None, str]], titles: Mapping[str, tuple[str, str]],
) -> dict[str, bytes] | None:
    """manifest.json and SHA256SUMS with the digests of changed files (and the ``titles``
    of records) replaced, or None.

    Writing the manifest anew costs a quarter of a second for 10,000 records; a file
    changed in place only changes its own line in each."""
    try:
        text = (out / "manifest.json").read_bytes()
        lines = b"\n" + (out / "SHA256SUMS").read_bytes()
    except OSError:
        return None
    for rel, (old, new) in digests.items():
        name = json.dumps(rel, ensure_ascii=False).encode("utf-8")
        entry, line = name + f': "{old}"'.encode(), f"\n{old}  {rel}\n".encode()
        if old is None or text.count(entry) != 1 or lines.count(line) != 1:
            return None
        text = text.replace(entry, name + f': "{new}"'.encode())
        lines = lines.replace(line, f"\n{new}  {rel}\n".encode())
    for number, (before, after) in titles.items():
        patched = _retitled(text, number, before, after)
        if patched is None:
            return None
        text = patched
    return {"manifest.json": text, "SHA256SUMS": lines[1:]}


def _retitled(text: bytes, number: str, before: str, after: str) -> bytes | None:
    """manifest.json with the title of record ``number`` changed, or None if it is not
    found as :func:`manifest` writes it (keys sorted, one per line: the title after the
    index number)."""
    anchor = b'"index_no": ' + json.dumps(number, ensure_ascii=False).encode("utf-8") + b","
    if text.count(anchor) != 1:
        return None
    old = b'"title": ' + json.dumps(before, ensure_ascii=False).encode("utf-8") + b","
    start = text.find(old, text.index(anchor))
    if start < 0 or text.find(b"}", text.index(anchor), start) >= 0:
        return None
    return text[:start] + b'"title": ' + json.dumps(after, ensure_ascii=False).encode("utf-8") + b"," + text[start + len(old):]


def _prune_empty(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents below ``top`` while they are empty."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


_HEAD = b'{\n "built_at": '  # the keys in order: built_at, edition, files, records, site


def _relisted(out: Path, sums: Mapping[str, str]) -> dict[str, bytes] | None:
    """manifest.json and SHA256SUMS for files added or removed: the current manifest's
    record list (a quick rebuild changes no record's facts) with the files of ``sums``.

    Digests looked up in the manifest's text (:class:`ManifestDigests`) splice the
    changed entries into it. Otherwise only the manifest's list of files is written
    anew, as :func:`_listing` writes it (dumping the whole manifest again with its
    indents took 0.3 s at N = 10,000, and reading it 0.06 s); JSON strings hold no line
    break, so the list's first and last lines are found without reading the JSON."""
    if isinstance(sums, ManifestDigests):  # a few files added or removed: spliced in or cut out
        with contextlib.suppress(OSError):
            spliced = sums.spliced((out / "SHA256SUMS").read_bytes())
            if spliced is not None:
                return spliced
    try:  # as bytes: its parts are UTF-8 as they are, and decoding 6 MB costs 10 ms
        text = (out / "manifest.json").read_bytes()
    except OSError:
        return None
    first, last = FILES_START, FILES_END
    start, end = text.find(first), text.find(last)
    if not (sums and text.startswith(_HEAD) and text.count(first) == 1 and text.count(last) == 1 and start < end):
        return None
    try:  # what is kept must be text; the list of files is written anew
        text[:start].decode("utf-8")
        text[end:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    files = dict(sorted(sums.items()))
    entries = "  " + json.dumps(files, ensure_ascii=False, separators=(",\n  ", ": "))[1:-1]  # the C encoder: no indent
    listed = b"".join((text[: start + len(first)], entries.encode("utf-8"), text[end:]))
    return {"manifest.json": listed, "SHA256SUMS": _sums_file(files)}


def _replace(target: Path, content: bytes) -> None:
    part = target.with_name(f".{target.name}.part-{os.getpid()}")
    try:
        part.write_bytes(content)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _swap(tmp: Path, out: Path, spare: Path) -> None:
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
    try:
        old.rename(spare)  # the next build's starting point
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    olds = sorted(out.parent.glob(_OLD.format(name=out.name) + "*"), key=lambda p: p.stat().st_mtime)
    if not out.exists() and olds:  # killed between the two renames: restore the old site
        olds.pop().rename(out)
    spare = out.parent / _SPARE.format(name=out.name)
    for prefix in (_TMP.format(name=out.name), _OLD.format(name=out.name)):
        for leftover in out.parent.glob(prefix + "*"):
            if not leftover.is_dir() or leftover.is_symlink():
                continue
            if not spare.exists():  # a killed build's folder: as good a start as any spare
                leftover.rename(spare)
            else:
                shutil.rmtree(leftover, ignore_errors=True)
