"""An output's digests looked up in its manifest's text (sunshine.manifestsums): the
same answers as parsing it, and a damaged manifest is never patched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sunshine import write
from sunshine.manifestsums import ManifestDigests, read_digests

PATHS = [
    "index.html",
    "notices/a/index.html",
    "a/index.html",  # the tail of the path above
    "通知公告/第1期/index.html",
    'odd "quoted" name/index.html',
    "back\\slash.txt",
    "tab\there.txt",
    "files/附件 一.pdf",
]


def digest_of(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()


def manifest_text(paths: list[str], records: list[dict[str, str]] | None = None) -> bytes:
    doc = {"site": "镇党委", "edition": "public", "built_at": "2020-06-15T00:00:00+08:00",
           "files": dict(sorted((p, digest_of(p)) for p in paths)), "records": records or []}
    return write._listing(doc)["manifest.json"]


def test_every_lookup_equals_the_parsed_manifest() -> None:
    # a record whose URL and title read like a listed file must not be taken for it
    records = [{"index_no": "QXZ-2020-001", "url": "a/index.html", "title": "notices/a/index.html", "kind": "notice", "status": "open"}]
    text = manifest_text(PATHS, records)
    digests = ManifestDigests(text)
    parsed = json.loads(text)["files"]
    for path in PATHS:
        assert digests[path] == parsed[path] == digest_of(path)
    assert digests.get("missing.html") is None and "notices/index.html" not in digests
    assert dict(digests) == parsed


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=12, unique=True), st.text(max_size=12))
def test_lookups_of_any_paths(paths: list[str], other: str) -> None:
    digests = ManifestDigests(manifest_text(paths))
    assert all(digests[p] == digest_of(p) for p in paths)
    assert (other in digests) == (other in paths)


def test_set_values_are_seen_before_and_after_parsing() -> None:
    digests = ManifestDigests(manifest_text(PATHS))
    digests["a/index.html"] = "1" * 64
    digests["new/index.html"] = "2" * 64
    assert digests["a/index.html"] == "1" * 64 and digests["notices/a/index.html"] == digest_of("notices/a/index.html")
    del digests["index.html"]  # parses the whole manifest
    assert "index.html" not in digests and len(digests) == len(PATHS)
    assert digests["a/index.html"] == "1" * 64 and digests["new/index.html"] == "2" * 64
    digests["a/index.html"] = "3" * 64
    assert dict(digests)["a/index.html"] == "3" * 64
    digests["b/index.html"] = "4" * 64
    assert dict(digests.items()) == dict(digests) and dict(digests.items())["b/index.html"] == "4" * 64


def test_items_before_parsing_hold_what_was_set() -> None:
    digests = ManifestDigests(manifest_text(PATHS))
    digests["a/index.html"] = "1" * 64
    digests["new/index.html"] = "2" * 64
    items = dict(digests.items())
    assert items["a/index.html"] == "1" * 64 and items["new/index.html"] == "2" * 64
    assert items.keys() == {*PATHS, "new/index.html"}


def test_a_damaged_manifest_fails_when_listed(tmp_path: Path) -> None:
    text = manifest_text(PATHS)
    cut = ManifestDigests(text[: len(text) // 2])
    assert cut["a/index.html"] == digest_of("a/index.html")  # a line before the cut
    with pytest.raises(ValueError):
        list(cut)
    (tmp_path / "manifest.json").write_bytes(text[: len(text) // 2])
    assert read_digests(tmp_path) == {}


@pytest.mark.parametrize("content", [None, b"", b"[]", b'{"files": {}}', b"not json", manifest_text(PATHS)[:-40]])
def test_no_manifest_no_digests(tmp_path: Path, content: bytes | None) -> None:
    if content is not None:
        (tmp_path / "manifest.json").write_bytes(content)
    assert ManifestDigests.read(tmp_path) is None


def test_read_finds_a_written_manifest(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_bytes(manifest_text(PATHS))
    found = ManifestDigests.read(tmp_path)
    assert found is not None and dict(found) == read_digests(tmp_path)


def test_many_lookups_parse_the_manifest_once() -> None:
    """A quick edit with search compares thousands of index files: past a few dozen
    lookups the manifest is parsed once instead of scanned for each."""
    paths = [f"pagefind/fragment/zh_{i:05}.pf_fragment" for i in range(3 * ManifestDigests.LOOKUPS)]
    digests = ManifestDigests(manifest_text(paths))
    digests["pagefind/new.pf_index"] = "4" * 64
    scans: list[str] = []
    real = digests._find
    digests._find = lambda path: scans.append(path) or real(path)  # type: ignore[method-assign]
    assert all(digests.get(p) == digest_of(p) for p in paths)
    assert len(scans) <= ManifestDigests.LOOKUPS
    assert digests["pagefind/new.pf_index"] == "4" * 64 and len(digests) == len(paths) + 1


def listing(files: dict[str, str]) -> dict[str, bytes]:
    doc = {"site": "镇党委", "edition": "public", "built_at": "2020-06-15T00:00:00+08:00",
           "files": dict(sorted(files.items())), "records": [{"index_no": "QXZ-1", "url": "index.html", "title": "甲"}]}
    return write._listing(doc)


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(st.text(min_size=1, max_size=10).filter(lambda p: "\n" not in p), st.sampled_from("0123456789abcdef"), max_size=12),
    st.lists(st.tuples(st.text(min_size=1, max_size=10).filter(lambda p: "\n" not in p), st.sampled_from("0123456789abcdef") | st.none()), max_size=8),
)
def test_spliced_listing_is_the_listing_written_anew(files: dict[str, str], changes: list[tuple[str, str | None]]) -> None:
    """Setting and removing digests, then splicing, gives byte for byte the manifest and
    SHA256SUMS that listing the final files anew gives; the result is the new text."""
    now = {path: char * 64 for path, char in files.items()}
    before = listing(now)
    digests = ManifestDigests(before["manifest.json"])
    for path, char in [*changes, *((p, None) for p in list(now)[:2])]:
        if char is None:
            digests.pop(path, None)
            now.pop(path, None)
        else:
            digests[path] = now[path] = char * 64
    spliced = digests.spliced(before["SHA256SUMS"])
    if not files or not now:  # an empty list of files is written on one line: listed anew
        assert spliced is None
        return
    assert spliced == listing(now)
    assert dict(digests) == now  # what it holds after the splice, parsed from the new text


def test_a_splice_that_does_not_fit_is_none() -> None:
    files = {path: digest_of(path) for path in PATHS}
    written = listing(files)
    digests = ManifestDigests(written["manifest.json"])
    digests["new/index.html"] = "1" * 64
    assert digests.spliced(written["SHA256SUMS"].replace(b"index.html\n", b"", 1)) is None  # one file short
    other = written["SHA256SUMS"].replace(digest_of("index.html").encode() + b"  index.html", b"0" * 64 + b"  other.html")
    del digests["index.html"]
    assert digests.spliced(other) is None  # not the same files
    assert digests.spliced(written["SHA256SUMS"]) is not None
    digests = ManifestDigests(written["manifest.json"].replace(b'"records": [', b'"records": [\xff', 1))
    digests["new/index.html"] = "1" * 64
    assert digests.spliced(written["SHA256SUMS"]) is None  # what would be kept is not text
    digests = ManifestDigests(written["manifest.json"])
    digests["new/index.html"] = "1" * 64
    len(digests)  # parsed: the text no longer stands for it
    assert digests.spliced(written["SHA256SUMS"]) is None


def test_removing_an_unlisted_path_is_a_key_error() -> None:
    digests = ManifestDigests(manifest_text(PATHS))
    with pytest.raises(KeyError):
        del digests["missing.html"]
    digests["new.html"] = "1" * 64
    del digests["new.html"]
    del digests["index.html"]
    with pytest.raises(KeyError):
        del digests["index.html"]
    assert "new.html" not in digests and "index.html" not in digests
    digests["index.html"] = "2" * 64
    assert digests["index.html"] == "2" * 64 and len(digests) == len(PATHS)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="ab/\"\\é", min_size=1, max_size=6), min_size=1, max_size=14, unique=True),
    st.text(alphabet="ab/\"\\é", max_size=3),
    st.lists(st.text(alphabet="ab/\"\\é", min_size=1, max_size=6), max_size=4),
)
def test_paths_under_a_prefix_are_those_of_the_parsed_manifest(paths: list[str], prefix: str, more: list[str]) -> None:
    digests = ManifestDigests(manifest_text(paths))
    for path in more:
        digests[path] = "1" * 64
    for path in paths[:2]:
        digests.pop(path, None)
    found = digests.under(prefix)
    assert found == sorted(p for p in dict(digests) if p.startswith(prefix))
    assert digests.under(prefix) == found  # and the same once parsed
