"""Pack files of small cache entries (sunshine.packcache): intact entries are read back,
damaged or cut ones never are, and packs are merged when they hold too much."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sunshine.packcache import MAX_PACKS, STALE_PART, PackCache


def _fill(folder: Path, entries: dict[str, bytes]) -> None:
    pack = PackCache(folder, scan=False)
    for key, value in entries.items():
        pack.put(key, value)
    pack.close()


def test_entries_are_read_back_by_a_new_reader(tmp_path: Path) -> None:
    entries = {f"k{i}": f"值{i}".encode() * i for i in range(50)} | {"empty": b""}
    _fill(tmp_path, entries)
    reader = PackCache(tmp_path)
    assert {k: reader.get(k) for k in entries} == entries
    assert reader.get("missing") is None
    assert len(list(tmp_path.glob("*.pack"))) == 1


def test_a_forked_child_writes_a_pack_of_its_own(tmp_path: Path) -> None:
    pack = PackCache(tmp_path, scan=False)
    pack.put("parent", b"p")
    pid = os.fork()
    if pid == 0:  # the child: appends to its own pack and leaves without cleaning up
        pack.put("child", b"c")
        os._exit(0)
    os.waitpid(pid, 0)
    pack.close()
    reader = PackCache(tmp_path)
    assert (reader.get("parent"), reader.get("child")) == (b"p", b"c")
    assert len(list(tmp_path.glob("*.pack"))) == 2


def test_a_changed_value_is_not_returned(tmp_path: Path) -> None:
    _fill(tmp_path, {"a": b"first value", "b": b"second value"})
    pack = next(tmp_path.glob("*.pack"))
    pack.write_bytes(pack.read_bytes().replace(b"first", b"forst"))
    reader = PackCache(tmp_path)
    assert (reader.get("a"), reader.get("b")) == (None, b"second value")


def test_a_cut_pack_keeps_the_entries_before_the_cut(tmp_path: Path) -> None:
    _fill(tmp_path, {"a": b"1" * 100, "b": b"2" * 100, "c": b"3" * 100})
    pack = next(tmp_path.glob("*.pack"))
    pack.write_bytes(pack.read_bytes()[:-50])
    reader = PackCache(tmp_path)
    assert (reader.get("a"), reader.get("b"), reader.get("c")) == (b"1" * 100, b"2" * 100, None)


def test_a_foreign_file_and_a_damaged_frame_stop_the_reading_of_that_pack_only(tmp_path: Path) -> None:
    _fill(tmp_path, {"a": b"x"})
    (tmp_path / "junk.pack").write_bytes(os.urandom(300))
    (tmp_path / "empty.pack").write_bytes(b"")
    assert PackCache(tmp_path).get("a") == b"x"


def test_an_unwritable_folder_only_costs_the_entries(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    pack = PackCache(blocked / "cache", scan=False)
    pack.put("a", b"x")
    pack.close()
    assert PackCache(blocked / "cache").get("a") is None
    assert PackCache(None).get("a") is None


def test_many_packs_are_merged_into_one_holding_the_kept_keys(tmp_path: Path) -> None:
    for i in range(MAX_PACKS + 1):
        _fill(tmp_path, {f"k{i}": b"v" * 10, f"gone{i}": b"g"})
    PackCache(tmp_path, scan=False).keep([f"k{i}" for i in range(MAX_PACKS + 1)] + ["never-stored"])
    assert len(list(tmp_path.glob("*.pack"))) == 1
    reader = PackCache(tmp_path)
    assert sorted(reader.index) == sorted(f"k{i}" for i in range(MAX_PACKS + 1))
    assert all(reader.get(k) == b"v" * 10 for k in reader.index)


def test_packs_are_merged_when_most_of_them_is_unused(tmp_path: Path) -> None:
    _fill(tmp_path, {"used": b"u" * 10, "old": b"o" * 1000})
    _fill(tmp_path, {"new": b"n" * 10})
    PackCache(tmp_path, scan=False).keep(["used", "new"])
    assert len(list(tmp_path.glob("*.pack"))) == 1
    assert sorted(PackCache(tmp_path).index) == ["new", "used"]


def test_packs_mostly_in_use_are_left_alone(tmp_path: Path) -> None:
    _fill(tmp_path, {"a": b"a" * 1000, "old": b"o" * 10})
    _fill(tmp_path, {"b": b"b" * 1000})
    before = sorted(p.name for p in tmp_path.glob("*.pack"))
    PackCache(tmp_path, scan=False).keep(["a", "b"])
    assert sorted(p.name for p in tmp_path.glob("*.pack")) == before


def test_the_older_layout_of_a_file_per_entry_is_removed(tmp_path: Path) -> None:
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "abcd.json").write_text("{}")
    _fill(tmp_path, {"a": b"x"})
    PackCache(tmp_path, scan=False).keep(["a"])
    assert [p.suffix for p in tmp_path.iterdir()] == [".pack"]


def test_a_merge_left_by_a_killed_build_is_removed_later(tmp_path: Path) -> None:
    """A merge writes a .part and renames it; a killed one leaves the .part, removed
    once it is older than any merge takes. A running merge's .part is left alone."""
    _fill(tmp_path, {"a": b"x"})
    left, running = tmp_path / "1-dead.part", tmp_path / "2-live.part"
    left.write_bytes(b"SPK1 cut")
    running.write_bytes(b"SPK1 being written")
    hours_ago = time.time() - 2 * STALE_PART
    os.utime(left, (hours_ago, hours_ago))
    PackCache(tmp_path, scan=False).keep(["a"])
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".pack", ".part"] and running.exists()
    assert PackCache(tmp_path).get("a") == b"x"


def test_every_key_is_kept_unless_there_are_more_than_most(tmp_path: Path) -> None:
    for i in range(MAX_PACKS + 1):
        _fill(tmp_path, {f"k{i}": b"v"})
    PackCache(tmp_path, scan=False).keep()
    assert len(list(tmp_path.glob("*.pack"))) == 1 and len(PackCache(tmp_path).index) == MAX_PACKS + 1
    for i in range(MAX_PACKS + 1):
        _fill(tmp_path, {f"n{i}": b"v"})
    PackCache(tmp_path, scan=False).keep(most=2 * MAX_PACKS)
    assert PackCache(tmp_path).index == {}


def test_an_entry_made_again_is_found_whichever_pack_is_read_last(tmp_path: Path) -> None:
    _fill(tmp_path, {"k": b"intact"})
    next(tmp_path.glob("*.pack")).rename(tmp_path / "a.pack")
    _fill(tmp_path, {"k": b"broken"})
    damaged = next(p for p in tmp_path.glob("*.pack") if p.name != "a.pack")
    damaged.rename(tmp_path / "z.pack")
    (tmp_path / "z.pack").write_bytes((tmp_path / "z.pack").read_bytes().replace(b"broken", b"BROKEN"))
    assert PackCache(tmp_path).get("k") == b"intact"


def test_values_are_read_where_there_is_no_pread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no os.pread: the value is read by seeking."""
    entries = {"a": b"1" * 5000, "b": b"", "c": "三".encode() * 700}
    _fill(tmp_path, entries)
    monkeypatch.delattr(os, "pread")
    reader = PackCache(tmp_path)
    assert {k: reader.get(k) for k in entries} == entries
