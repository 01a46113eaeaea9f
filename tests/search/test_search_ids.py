"""Finding the Pagefind id of a page's version in its shard (sunshine/outputs/searchedits.py).

The first edit of a page after a full build needs the id its shard gives it. It is read
from the order of the shard's meta file, checked against the page's own fragment; the
shard's fragments are read only when that fails.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from sunshine.cli import parse_now
from sunshine.outputs import search as search_mod
from sunshine.outputs import searchedits
from sunshine.pipeline import build
from sunshine.site import BuildOptions

REPO = Path(__file__).resolve().parents[2]
NOW = "2020-06-15T10:00:00+08:00"


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The sample's index in shards of four pages: each shard's folder."""
    out = tmp_path_factory.mktemp("ids") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(search_mod.ENV_SKIP, raising=False)
        mp.setattr(search_mod, "SHARD_PAGES", 4)
        build(dataclasses.replace(BuildOptions(root=REPO, now=parse_now(NOW, {}), out_dir=out), cache=False))
    folders = [p.parent for p in (out / "pagefind").rglob("pagefind.*.pf_meta")]
    assert len(folders) >= 3
    return folders


def test_the_order_of_the_meta_file_names_every_page(shards: list[Path]) -> None:
    for folder in shards:
        truth = searchedits._fragment_ids(folder)
        assert truth
        assert searchedits._ids_by_order(folder, list(truth), list(truth)) == truth
        one = sorted(truth)[-1]
        assert searchedits._ids_by_order(folder, list(truth), [one]) == {one: truth[one]}


def test_what_does_not_hold_gives_none(shards: list[Path], tmp_path: Path) -> None:
    folder = shards[0]
    truth = searchedits._fragment_ids(folder)
    assert truth and len(truth) >= 2
    urls = sorted(truth)
    assert searchedits._ids_by_order(folder, urls[1:], urls[1:]) is None  # a page fewer than the shard holds
    renamed = [u.replace("index.html", "x/index.html") for u in urls]  # other addresses, same count
    assert searchedits._ids_by_order(folder, [renamed[0], *urls[1:]], [urls[-1]]) in (None, {urls[-1]: truth[urls[-1]]})
    copy = tmp_path / "shard"
    shutil.copytree(folder, copy)
    first, second = (copy / "fragment" / f"{truth[u]}.pf_fragment" for u in urls[:2])
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)  # each page's fragment where the other's should be
    assert searchedits._ids_by_order(copy, urls, urls[:1]) is None
    (copy / "fragment" / f"{truth[urls[0]]}.pf_fragment").write_bytes(b"\x1f\x8b broken")
    assert searchedits._ids_by_order(copy, urls, urls[:1]) is None
