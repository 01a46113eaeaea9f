"""The quick-rebuild store's index as flat arrays (sunshine.storefile.Places)."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.storefile import KINDS, Places, Writer

keys = st.lists(st.text("ab/\0中", min_size=1, max_size=6), unique=True, max_size=8)


def written(order: list[list[str]]) -> dict[str, tuple[int, int, bytes]]:
    writer = Writer(io.BytesIO(), 0)
    for kind, names in zip(KINDS, order, strict=True):
        for key in names:
            writer.add(kind + "\0" + key, (kind, key))
    return writer.index


@given(st.tuples(keys, keys, keys, keys))
def test_places_give_what_the_writer_indexed(order: tuple[list[str], ...]) -> None:
    index = written(list(order))
    places = Places(order, Places.pack(index, order))
    for name, place in index.items():
        assert places[name] == place


def test_entries_added_later_come_first_and_unknown_names_are_missing() -> None:
    order = [["a"], ["s.md"], ["a"], ["index.html"]]
    index = written(order)
    places = Places(order, Places.pack(index, order))
    places.update({"v\0a": (9, 9, b"x" * 16), "v\0new": (1, 2, b"y" * 16)})
    assert places["v\0a"] == (9, 9, b"x" * 16)
    assert places["v\0new"] == (1, 2, b"y" * 16)
    assert places["r\0a"] == index["r\0a"]
    with pytest.raises(KeyError):
        places["p\0gone.html"]


@pytest.mark.parametrize("damage", ["short", "keys", "byteorder"])
def test_an_index_that_does_not_fit_its_keys_is_refused(damage: str) -> None:
    order = [["a", "b"], [], ["a"], ["p"]]
    byteorder, offsets, lengths, digests = Places.pack(written(order), order)
    if damage == "short":
        digests = digests[:-1]
    elif damage == "keys":
        order = [["a", "b", "c"], [], ["a"], ["p"]]
    else:
        byteorder = "big" if sys.byteorder == "little" else "little"
    with pytest.raises(ValueError):
        Places(order, (byteorder, offsets, lengths, digests))
