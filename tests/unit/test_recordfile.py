"""The last-build record's file (sunshine.recordfile): what is saved reads back the
same, and a file that does not read whole is no record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sunshine import recordfile

DOC: dict[str, Any] = {
    "format": "x", "key": "k", "quick": None, "summary": {"problems": [], "per_kind": {"notice": 2}},
    "files": {"paths": ["site/content/a.md", "site/content/公示/乙.md"], "sums": ["0" * 64, "f" * 64]},
    "outputs": {"paths": ["index.html", "notices/甲/index.html"], "stats": [10, 1_700_000_000_123_456_789, 2**40, 0, -1, 7]},
    "folders": {"paths": [], "stats": []},
}


def test_a_record_reads_back_as_it_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "last-build" / "a.record"
    recordfile.save(path, DOC)
    assert recordfile.load(path) == DOC
    assert not list(path.parent.glob("*.tmp"))


def test_a_record_without_some_lists_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "a.record"
    doc = {k: v for k, v in DOC.items() if k != "folders"}
    recordfile.save(path, doc)
    assert recordfile.load(path) == doc


def _damaged(blob: bytes) -> list[bytes]:
    head_end = blob.index(b"\n", len(recordfile.MAGIC))
    return [
        b"",
        blob[:-1],  # truncated
        blob + b"\0",  # too long
        b"{" + blob[1:],  # not this format (an older JSON record)
        blob[:head_end - 2] + b"}" + blob[head_end - 1 :],  # the head no JSON
        blob.replace(b'"ints",6,48', b'"ints",5,48', 1),  # a count that does not match
        blob.replace(b'"ints",6,48', b'"ints",6,47', 1),  # a length that does not match
        blob.replace(b'"byteorder":"little"', b'"byteorder":"big"').replace(b'"byteorder":"big"', b'"byteorder":"other"'),
    ]


@pytest.mark.parametrize("case", range(8))
def test_a_damaged_record_is_none(tmp_path: Path, case: int) -> None:
    path = tmp_path / "a.record"
    recordfile.save(path, DOC)
    bad = _damaged(path.read_bytes())[case]
    assert bad != path.read_bytes()
    path.write_bytes(bad)
    assert recordfile.load(path) is None


def test_no_file_is_none_and_an_unwritable_folder_is_quiet(tmp_path: Path) -> None:
    assert recordfile.load(tmp_path / "missing.record") is None
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    recordfile.save(blocker / "a.record", DOC)  # its folder cannot be made: nothing is written, nothing raised
    assert not (blocker / "a.record").exists()
