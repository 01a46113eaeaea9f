"""Markdown bodies: parallel and serial, cached and uncached builds are byte-identical;
a damaged or foreign cache is ignored, never trusted."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from sunshine import bodies, packcache
from sunshine.cli import parse_now
from sunshine.pipeline import build_in_memory
from sunshine.site import BuildOptions
from tests.safety.sitegen import notice, write_site


def _site(tmp_path: Path, n: int = 320) -> Path:
    records = {f"n{i:04d}.md": notice(i, f"第{i}号公告", body=f"## 一、第{i}项\n\n正文第{i}段，含[链接](n{(i % n) + 1:04d}.md)。\n\n| 列 | 值 |\n|---|---|\n| 甲 | {i} |\n") for i in range(1, n + 1)}
    return write_site(tmp_path, records)


@pytest.fixture(autouse=True)
def _new_process() -> None:
    bodies._KEPT.clear()


def _entries(root: Path) -> dict[str, tuple[str, int, int, bytes]]:
    return packcache.PackCache(root / ".cache" / "markdown").index


def _rewrite_values(root: Path, change: Callable[[int, bytes], bytes], keep_digest: bool = False) -> None:
    """Replace each entry's value by ``change(i, value)``, in place in its pack, with its
    frame's digest left as it was (a damaged entry) or made to match (``keep_digest``:
    an entry written by someone else)."""
    frames = []
    for i, (key, (pack, offset, size, _)) in enumerate(sorted(_entries(root).items())):
        data = Path(pack).read_bytes()
        frames.append((pack, key, change(i, data[offset : offset + size])))
    packs: dict[str, bytes] = {}
    for pack, key, value in frames:
        k = key.encode()
        digest = packcache._digest(k, value) if keep_digest else b"\0" * 32
        packs[pack] = packs.get(pack, b"") + packcache._FRAME.pack(packcache.MAGIC, len(k), len(value), digest) + k + value
    for pack, data in packs.items():
        Path(pack).write_bytes(data)


def _build(root: Path, **options: object) -> dict[str, bytes]:
    opts = BuildOptions(root=root, now=parse_now("2020-06-15", {}), history=False, **options)  # type: ignore[arg-type]
    return build_in_memory(opts, search=False)[1]


def test_parallel_equals_serial(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert bodies.PARALLEL_MIN <= 320
    serial = _build(root, workers=1, cache=False)
    parallel = _build(root, workers=2, cache=False)
    assert serial == parallel


def test_cached_equals_uncached_and_is_used(tmp_path: Path) -> None:
    root = _site(tmp_path, 40)
    fresh = _build(root, cache=False)
    first = _build(root, cache=True)
    assert len(_entries(root)) == 40
    second = _build(root, cache=True)
    bodies._KEPT.clear()  # a new process: the entries come from disk
    third = _build(root, cache=True)
    assert fresh == first == second == third


def test_entries_written_by_parallel_workers_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker writes the entries of the bodies it converted to a pack of its own;
    the next build reads them all."""
    root = _site(tmp_path)
    first = _build(root, workers=2, cache=True)
    assert len(_entries(root)) == 320
    packs = list((root / ".cache" / "markdown").glob("*.pack"))
    assert packs and all(not p.name.startswith(f"{os.getpid()}-") for p in packs)  # written by the workers
    assert not [p for p in (root / ".cache" / "markdown").iterdir() if p.suffix != ".pack"]
    bodies._KEPT.clear()

    def no_conversion(job: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(bodies, "_convert", no_conversion)
    assert _build(root, workers=2, cache=True) == first


def test_the_last_builds_bodies_are_kept_in_memory_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview server's rebuilds read no entry from disk, and still see a moved link target."""
    root = write_site(tmp_path, {
        "a.md": notice(1, "甲", body="见[乙](b.md)。"),
        "b.md": notice(2, "乙"),
        "c.md": notice(3, "丙", body="## 一、丙\n\n正文。"),
    })
    first = _build(root, cache=True)
    monkeypatch.setattr(bodies, "_read_cache", lambda *a: pytest.fail("read from disk"))
    assert _build(root, cache=True) == first
    converted: list[str] = []
    real = bodies._convert
    monkeypatch.setattr(bodies, "_convert", lambda job: converted.append(job[0]) or real(job))
    monkeypatch.setattr(bodies, "_read_cache", lambda *a: None)
    text = (root / "content" / "notices" / "b.md").read_text(encoding="utf-8").replace("index_no:", "slug: yi-notice\nindex_no:")
    (root / "content" / "notices" / "b.md").write_text(text, encoding="utf-8")
    second = _build(root, cache=True)
    assert b'href="/t/notices/yi-notice/"' in second["notices/a/index.html"]
    # a links to the moved page, b's body starts a line lower; c came from memory
    assert sorted(converted) == ["content/notices/a.md", "content/notices/b.md"]


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    root = _site(tmp_path, 40)
    clean = _build(root, cache=False)
    _build(root, cache=True)
    bodies._KEPT.clear()  # a new process: the entries come from disk
    rng = random.Random(7)
    for pack in sorted((root / ".cache" / "markdown").glob("*.pack")):
        data = bytearray(pack.read_bytes())
        for _ in range(40):  # flip bytes, in frames, keys and values alike
            data[rng.randrange(len(data))] ^= 0xFF
        pack.write_bytes(bytes(data))
    assert _build(root, cache=True) == clean
    bodies._KEPT.clear()
    (root / ".cache" / "markdown" / "cut.pack").write_bytes(packcache.MAGIC + b"\x40\0\0\0")  # a killed build's pack
    assert _build(root, cache=True) == clean


def test_foreign_entries_are_not_used(tmp_path: Path) -> None:
    """Entries whose frames are intact but which another engine wrote, or whose links
    changed meaning, are converted again."""
    root = _site(tmp_path, 40)
    clean = _build(root, cache=False)
    _build(root, cache=True)
    bodies._KEPT.clear()

    def foreign(i: int, value: bytes) -> bytes:
        doc = json.loads(value)
        if i % 2:  # another engine's entry, poisoned HTML
            doc["version"] = "someone-else"
            doc["html"] = "<script>alert(1)</script>"
        else:  # a well-formed entry whose link target changed meaning
            doc["links"] = {"content/notices/n9999.md": ["content/notices/n9999.md", "/t/elsewhere/"]}
            doc["html"] = "<p>stale</p>"
        return json.dumps(doc).encode()

    _rewrite_values(root, foreign, keep_digest=True)
    assert _build(root, cache=True) == clean


def test_a_renamed_link_target_invalidates_the_cached_body(tmp_path: Path) -> None:
    root = write_site(tmp_path, {
        "a.md": notice(1, "甲", body="见[乙](b.md)。"),
        "b.md": notice(2, "乙"),
    })
    first = _build(root, cache=True)
    assert b'href="/t/notices/b/"' in first["notices/a/index.html"]
    text = (root / "content" / "notices" / "b.md").read_text(encoding="utf-8").replace("index_no:", "slug: yi-notice\nindex_no:")
    (root / "content" / "notices" / "b.md").write_text(text, encoding="utf-8")
    second = _build(root, cache=True)
    assert b'href="/t/notices/yi-notice/"' in second["notices/a/index.html"]


def test_an_entry_changed_but_still_valid_json_is_not_used(tmp_path: Path) -> None:
    """A changed letter inside the HTML leaves valid JSON: the entry's digest catches it."""
    root = _site(tmp_path, 40)
    clean = _build(root, cache=False)
    _build(root, cache=True)
    bodies._KEPT.clear()  # a new process: the entries come from disk
    _rewrite_values(root, lambda i, value: value.replace("正文".encode(), "正义".encode(), 1))
    assert _build(root, cache=True) == clean
