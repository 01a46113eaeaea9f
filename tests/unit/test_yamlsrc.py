"""Reading source text: decoding, front matter, YAML with lines (sunshine.yamlsrc)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sunshine.yamlsrc import SourceError, decode_text, load_yaml, split_front_matter

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("No", "No"),
        ("YES", "YES"),
        ("y", "y"),
        ("n", "n"),
        ("0755", "0755"),
        ("0o755", "0o755"),
        ("0x1F", "0x1F"),
        ("1:30", "1:30"),
        ("8:30—17:00", "8:30—17:00"),
        ("1_000", "1_000"),
        ("+.inf", "+.inf"),
        (".nan", ".nan"),
        ("2020-6-1", "2020-6-1"),
        ("青委〔2020〕3号", "青委〔2020〕3号"),
        ("0571-6488 1234", "0571-6488 1234"),
        ("true", True),
        ("false", False),
        ("True", True),
        ("null", None),
        ("~", None),
        ("", None),
        ("0", 0),
        ("42", 42),
        ("-7", -7),
        ("12.5", 12.5),
        ("1e3", "1e3"),
        ("1.0e3", 1000.0),
        ('"no"', "no"),
        ("'2020-06-01'", "2020-06-01"),
        ('"0755"', "0755"),
    ],
)
def test_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    got = load_yaml(f"key: {text}\n").data["key"]
    assert got == value
    assert type(got) is type(value)


def test_dates_and_datetimes() -> None:
    doc = load_yaml(
        "d: 2020-06-01\n"
        "naive: 2020-06-01 09:30:00\n"
        "t: 2020-06-01T09:30:00\n"
        "z: 2020-06-01T01:30:00Z\n"
        "off: 2020-06-01T09:30:00+08:00\n"
        "short: 2020-06-01 09:30:00 +8\n"
        "frac: 2020-06-01T09:30:00.25\n"
    ).data
    assert doc["d"] == dt.date(2020, 6, 1) and type(doc["d"]) is dt.date
    assert doc["naive"] == dt.datetime(2020, 6, 1, 9, 30)
    assert doc["naive"].tzinfo is None
    assert doc["t"] == dt.datetime(2020, 6, 1, 9, 30)
    assert doc["z"] == dt.datetime(2020, 6, 1, 1, 30, tzinfo=dt.UTC)
    assert doc["off"] == dt.datetime(2020, 6, 1, 9, 30, tzinfo=BEIJING)
    assert doc["off"].utcoffset() == dt.timedelta(hours=8)
    assert doc["short"].utcoffset() == dt.timedelta(hours=8)
    assert doc["frac"].microsecond == 250000


@pytest.mark.parametrize("value", ["2020-02-30", "2021-02-29", "2020-13-01", "2020-06-01 25:00:00"])
def test_impossible_date_is_located(value: str) -> None:
    with pytest.raises(SourceError) as info:
        load_yaml(f"title: x\nperiod:\n  start: {value}\n", first_line=2)
    assert info.value.line == 4
    assert info.value.field == "period.start"
    assert value in info.value.message
    assert "日期" in info.value.message


def test_leap_day_is_a_date() -> None:
    assert load_yaml("d: 2020-02-29\n").data["d"] == dt.date(2020, 2, 29)


def test_lines_of_nested_keys() -> None:
    text = "title: x\nsubjects:\n  - org: a\n    scores: {s: 1, t: 2}\n  - org: b\n    scores:\n      s: 3\n"
    doc = load_yaml(text, first_line=2)
    assert doc.lines["title"] == 2
    assert doc.lines["subjects"] == 3
    assert doc.lines["subjects[0]"] == 4
    assert doc.lines["subjects[0].scores.t"] == 5
    assert doc.lines["subjects[1].org"] == 6
    assert doc.lines["subjects[1].scores.s"] == 8
    assert doc.line_of("subjects[1].scores.missing") == 7
    assert doc.line_of("nothing.here", default=1) == 1


def test_duplicate_key_is_an_error() -> None:
    with pytest.raises(SourceError) as info:
        load_yaml("title: a\norg: town\ntitle: b\n", first_line=2)
    assert info.value.line == 4
    assert info.value.field == "title"
    assert info.value.code == "duplicate-key"
    assert "第 2 行" in info.value.message


def test_nested_duplicate_key_is_an_error() -> None:
    with pytest.raises(SourceError) as info:
        load_yaml("period:\n  start: 2020-06-01\n  start: 2020-06-02\n")
    assert (info.value.line, info.value.field) == (3, "period.start")


def test_same_key_in_two_list_items_is_fine() -> None:
    doc = load_yaml("people:\n  - name: a\n  - name: b\n")
    assert doc.data == {"people": [{"name": "a"}, {"name": "b"}]}


def test_tab_indentation_names_the_line() -> None:
    with pytest.raises(SourceError) as info:
        load_yaml("title: x\nperiod:\n\tstart: 2020-06-01\n", first_line=2)
    assert info.value.line == 4
    assert "Tab" in info.value.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: 通知: 关于\n", 1, "冒号"),
        ('title: "未结束\n', 2, "引号"),
        ("a: *nothing\n", 1, "锚点"),
        ("a: 1\n---\nb: 2\n", 2, "多个"),
        ('a: "\\q"\n', 1, "转义"),
    ],
)
def test_yaml_errors_are_chinese_and_located(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        load_yaml(text)
    assert info.value.line == line
    assert words in info.value.message + info.value.hint


def test_empty_and_non_mapping_documents() -> None:
    with pytest.raises(SourceError) as empty:
        load_yaml("# nothing\n", first_line=2)
    assert empty.value.code == "empty"
    with pytest.raises(SourceError) as listing:
        load_yaml("- a\n- b\n", first_line=2)
    assert listing.value.code == "yaml-shape"
    assert listing.value.line == 2


def test_python_tags_are_refused() -> None:
    with pytest.raises(SourceError) as info:
        load_yaml("a: !!python/object:os.system x\n")
    assert info.value.code == "yaml-tag"


def test_merge_keys_are_refused() -> None:
    with pytest.raises(SourceError) as info:
        load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert (info.value.line, info.value.code) == (3, "yaml-merge")


def test_billion_laughs_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    with pytest.raises(SourceError) as info:
        load_yaml("\n".join(lines) + "\n")
    assert info.value.code == "yaml-size"


# --------------------------------------------------------------------------- decoding


def test_bom_and_crlf_are_folded() -> None:
    decoded = decode_text(b"\xef\xbb\xbf---\r\ntitle: x\r\n---\rbody\r\n")
    assert decoded.had_bom
    assert decoded.text == "---\ntitle: x\n---\nbody\n"


def test_gbk_is_named_with_its_line() -> None:
    raw = "---\ntitle: 关于\n".encode("gbk")
    with pytest.raises(SourceError) as info:
        decode_text(raw)
    assert info.value.line == 2
    assert "GBK" in info.value.message
    assert "UTF-8" in info.value.hint


def test_nul_byte_is_refused() -> None:
    with pytest.raises(SourceError) as info:
        decode_text(b"a\nb\x00c")
    assert (info.value.line, info.value.code) == (2, "binary")


# --------------------------------------------------------------------------- front matter


def test_front_matter_split_and_body_line() -> None:
    yaml_text, body, body_line = split_front_matter("---\ntitle: x\norg: town\n---\n\n正文第一段。\n")
    assert yaml_text == "title: x\norg: town\n"
    assert body == "\n正文第一段。\n"
    assert body_line == 5  # the line after the closing ---
    assert body_line + body.count("\n", 0, body.index("正文")) == 6


def test_front_matter_may_end_with_dots_and_trailing_spaces() -> None:
    yaml_text, body, body_line = split_front_matter("---\ntitle: x\n...  \nbody\n")
    assert (yaml_text, body, body_line) == ("title: x\n", "body\n", 4)


def test_front_matter_without_body() -> None:
    assert split_front_matter("---\ntitle: x\n---") == ("title: x\n", "", 4)


def test_a_later_rule_line_belongs_to_the_body() -> None:
    _, body, _ = split_front_matter("---\ntitle: x\n---\n一\n\n---\n\n二\n")
    assert body == "一\n\n---\n\n二\n"


@pytest.mark.parametrize("text", ["", "title: x\n", " ---\ntitle: x\n---\n", "----\ntitle: x\n---\n"])
def test_missing_front_matter(text: str) -> None:
    with pytest.raises(SourceError) as info:
        split_front_matter(text)
    assert (info.value.line, info.value.code) == (1, "front-matter")


def test_unclosed_front_matter() -> None:
    with pytest.raises(SourceError) as info:
        split_front_matter("---\ntitle: x\n\n正文\n")
    assert "没有结束" in info.value.message


def test_front_matter_lines_count_from_the_file() -> None:
    yaml_text, _, _ = split_front_matter("---\ntitle: x\norg: town\ndate: 2020-02-30\n---\n")
    with pytest.raises(SourceError) as info:
        load_yaml(yaml_text, first_line=2)
    assert info.value.line == 4


def test_control_character_is_located_and_chinese() -> None:
    with pytest.raises(SourceError) as info:
        load_yaml("title: x\norg: town\nsummary: 按岗\x1f认领\n", first_line=2)
    assert info.value.line == 4
    assert "控制字符" in info.value.message
    assert "\n" not in info.value.message + info.value.hint
    assert not re.search(r"[A-Za-z]{4,}", info.value.message), info.value.message
