"""iCalendar line folding (RFC 5545 §3.1): at most 75 octets a line, never inside a
UTF-8 character, and unfolding gives the line back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sunshine.outputs.calendar import _fold

text = st.text(st.sampled_from(["a", ";", "公", "示", "é", "€", "😀", " "]), max_size=200)


def by_character(line: str) -> str:
    """The rule spelled out one character at a time."""
    out, start, size, limit = [], 0, 0, 75
    for i, char in enumerate(line):
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            out.append(line[start:i])
            start, size, limit = i, 0, 74
        size += octets
    out.append(line[start:])
    return "\r\n ".join(out)


@given(text)
def test_folding_keeps_every_line_within_75_octets_and_unfolds_to_the_line(line: str) -> None:
    folded = _fold(line)
    assert folded == by_character(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_a_chinese_summary_folds_between_characters() -> None:
    line = "SUMMARY:公示期：" + "关于张某某同志转为中共正式党员的公示" * 3
    parts = _fold(line).split("\r\n")
    assert len(parts) == 3 and all(part.startswith(" ") for part in parts[1:])
    assert [len(part.encode("utf-8")) for part in parts] == [74, 73, 37]  # 182 octets: 74 (the 75th would split a character), then a space and 72, a space and 36
