"""Parsed front matter kept between builds (sunshine.yamlcache): the same values, types
and lines as a fresh parse; damaged entries and errors are parsed again."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sunshine.yamlcache import YamlCache, _check
from sunshine.yamlsrc import SourceError, load_yaml

TEXT = """\
title: 关于张某某同志转正的公示
date: 2020-06-01
publish_at: 2020-06-01T09:30:00+08:00
count: 3
ratio: 1.50
ok: true
none: null
code: "0755"
quoted: "2020-06-01"
days: [2020-01-01, 2020-01-02T08:00:00]
people:
  - {name: 张某某, admitted: 2019-06-01}
  - name: 李某
    note: |
      多行
      文字
"""


def test_cached_equals_fresh_with_types_and_lines(tmp_path: Path) -> None:
    fresh = load_yaml(TEXT, first_line=2)
    first = YamlCache(tmp_path / "yaml.json")
    assert first.load(TEXT, 2) == fresh
    first.save()
    second = YamlCache(tmp_path / "yaml.json")
    again = second.load(TEXT, 2)
    assert second.hits == 1
    assert again == fresh
    assert type(again.data["date"]) is dt.date and type(again.data["publish_at"]) is dt.datetime
    assert again.data["publish_at"].utcoffset() == dt.timedelta(hours=8)
    assert type(again.data["ratio"]) is float and type(again.data["count"]) is int and again.data["code"] == "0755"
    assert again.data["people"][0]["admitted"] == dt.date(2019, 6, 1)
    assert again.data["quoted"] == "2020-06-01" and [type(d) for d in again.data["days"]] == [dt.date, dt.datetime]
    assert second.load(TEXT, 5).lines["title"] == 5  # another first line is another entry
    assert second.hits == 1


def test_one_cache_across_many_builds_keeps_hitting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview server keeps one cache for all its rebuilds: every one after the first
    parses nothing, and the file keeps the entries (a hit from memory is a use too)."""
    import sunshine.yamlcache as module

    file = tmp_path / "yaml.json"
    cache = YamlCache(file)
    other = TEXT.replace("count: 3", "count: 4")
    cache.load(TEXT)
    cache.load(other)
    cache.save()
    parsed: list[str] = []
    monkeypatch.setattr(module, "load_yaml", lambda text, first_line=1: parsed.append(text) or load_yaml(text, first_line))
    for _ in range(3):
        cache.hits = 0
        assert cache.load(TEXT) == load_yaml(TEXT) and cache.load(other).data["count"] == 4
        cache.save()
        assert cache.hits == 2
        assert len(json.loads(file.read_text(encoding="utf-8"))["entries"]) == 2
    assert parsed == []
    cache.load(TEXT)  # a build that no longer has ``other``
    cache.save()
    assert len(json.loads(file.read_text(encoding="utf-8"))["entries"]) == 1


def test_the_caller_may_change_what_it_gets(tmp_path: Path) -> None:
    cache = YamlCache(None)
    cache.load(TEXT).data.pop("title")
    assert "title" in cache.load(TEXT).data


def test_damaged_or_forged_entries_are_parsed_again(tmp_path: Path) -> None:
    file = tmp_path / "yaml.json"
    cache = YamlCache(file)
    cache.load(TEXT)
    cache.save()
    doc = json.loads(file.read_text(encoding="utf-8"))
    (key, (payload, check)), = doc["entries"].items()
    doc["entries"][key] = [payload.replace("张某某", "王某某"), check]  # a changed value, the old checksum
    file.write_text(json.dumps(doc), encoding="utf-8")
    again = YamlCache(file)
    assert again.load(TEXT).data["title"] == "关于张某某同志转正的公示" and again.hits == 0
    file.write_bytes(b"\x00 not json")
    assert YamlCache(file).load(TEXT) == load_yaml(TEXT)


def test_errors_are_never_cached(tmp_path: Path) -> None:
    cache = YamlCache(tmp_path / "yaml.json")
    for _ in range(2):
        with pytest.raises(SourceError):
            cache.load("title: a\ntitle: b\n")
    cache.save()
    assert not (tmp_path / "yaml.json").exists() or json.loads((tmp_path / "yaml.json").read_text(encoding="utf-8"))["entries"] == {}


@pytest.mark.parametrize("forged", [
    '[{"d":"x"},{"d":2},[["date","d"]]]',  # a date that is not one
    '[{"d":"2020-01-01"},{"d":2},[["date","e"]]]',  # a date where nothing is
    '[{"d":"2020-01-01"},{"d":"2"},[]]',  # a line that is not a number
    '[{"d":1},{"d":2}]',  # the old layout
])
def test_entries_that_do_not_decode_are_parsed_again(tmp_path: Path, forged: str) -> None:
    """Even with a checksum that fits (anyone can compute one), an entry that does not
    decode to a document is a miss, never an error."""
    file = tmp_path / "yaml.json"
    cache = YamlCache(file)
    cache.load(TEXT)
    cache.save()
    doc = json.loads(file.read_text(encoding="utf-8"))
    (key, _), = doc["entries"].items()
    doc["entries"][key] = [forged, _check(key, forged)]
    file.write_text(json.dumps(doc), encoding="utf-8")
    again = YamlCache(file)
    assert again.load(TEXT) == load_yaml(TEXT) and again.hits == 0
