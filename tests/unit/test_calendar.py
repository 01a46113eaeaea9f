"""iCalendar line folding (sunshine.outputs.calendar._fold): RFC 5545 §3.1."""

from __future__ import annotations

import random

import pytest

from sunshine.outputs.calendar import _fold


@pytest.mark.parametrize("seed", range(5))
def test_folded_lines_fit_in_75_octets_and_unfold_to_the_line(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        line = "".join(rng.choice("ab;,党务公示é😀 ") for _ in range(rng.randint(0, 240)))
        folded = _fold(line)
        pieces = folded.split("\r\n")
        assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
        assert all(p.startswith(" ") for p in pieces[1:])
        assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line
        if len(line.encode("utf-8")) <= 75:
            assert folded == line


def test_a_character_is_never_split() -> None:
    folded = _fold("SUMMARY:" + "公" * 40)
    first, second = folded.split("\r\n")
    assert len(first.encode("utf-8")) == 8 + 3 * 22  # 74: the 23rd character would make 77
    assert second == " " + "公" * 18
