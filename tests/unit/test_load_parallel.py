"""Reading the content across all cores gives what reading it in one process gives:
the same sources, problems in the same order, and the same YAML cache."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from sunshine import load
from sunshine.cli import parse_now
from sunshine.load import load_site
from sunshine.site import BuildOptions, Site
from sunshine.yamlcache import YamlCache
from tests.safety.sitegen import notice, write_site


def _site(tmp_path: Path) -> Path:
    records = {f"n{i:03d}.md": notice(i, f"第{i}号公告") for i in range(1, 61)}
    records["bad-yaml.md"] = "---\ntitle: [未闭合\n---\n正文\n"
    records["gbk.md"] = "---\ntitle: 编码\n---\n".encode("gbk").decode("latin-1")  # written below as GBK bytes
    records["z-last.md"] = notice(99, "最后一条", extra="unknown_field: 1\n")
    root = write_site(tmp_path, records)
    (root / "content" / "notices" / "gbk.md").write_bytes("---\ntitle: 编码\n---\n正文".encode("gbk"))
    rating = "title: 考评\norg: town\nbody: |\n  ## 一、说明\n  正文\n"
    (root / "content" / "ratings").mkdir()
    (root / "content" / "ratings" / "r.yaml").write_text(rating, encoding="utf-8")
    return root


def _load(root: Path, workers: int, yaml: YamlCache) -> Site:
    options = BuildOptions(root=root, now=parse_now("2020-06-15", {}), history=False, workers=workers)
    return load_site(options, yaml)


def _sources(site: Site) -> list[dict[str, object]]:
    return [dataclasses.asdict(s) for s in site.sources]


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "PARALLEL_MIN", 10)
    monkeypatch.setattr("sunshine.forkmap.SPANS_PER_WORKER", 3)
    monkeypatch.setattr("sunshine.forkmap.SPAN_MIN", 1)


def test_parallel_reading_equals_serial(tmp_path: Path, forked: None) -> None:
    root = _site(tmp_path)
    serial_cache, parallel_cache = YamlCache(tmp_path / "serial.json"), YamlCache(tmp_path / "parallel.json")
    serial, parallel = _load(root, 1, serial_cache), _load(root, 2, parallel_cache)
    assert len(serial.sources) == 62
    assert _sources(parallel) == _sources(serial)
    assert parallel.problems.items == serial.problems.items
    assert [p.path for p in serial.problems.items] == ["content/notices/bad-yaml.md", "content/notices/gbk.md"]
    saved = [json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in ("serial.json", "parallel.json")]
    assert saved[0] == saved[1] and len(saved[0]["entries"]) == 62
    assert parallel_cache.memory.keys() <= serial_cache.memory.keys()
    assert len(parallel_cache.memory) == 61  # the YAML record's document lost its body: read from the file next time


def test_a_load_after_a_parallel_one_takes_everything_from_the_cache_here(
    tmp_path: Path, forked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _site(tmp_path)
    first = _load(root, 2, YamlCache(tmp_path / "yaml.json"))
    again = YamlCache(tmp_path / "yaml.json")
    monkeypatch.setattr(load, "fork_map", lambda *a, **k: pytest.fail("forked again"))
    site = _load(root, 2, again)
    assert again.hits == 62 and _sources(site) == _sources(first)


def test_the_preview_servers_rebuilds_read_in_this_process(tmp_path: Path, forked: None, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _site(tmp_path)
    yaml = YamlCache(None)
    first = _load(root, 2, yaml)
    monkeypatch.setattr(load, "fork_map", lambda *a, **k: pytest.fail("forked again"))
    again = _load(root, 2, yaml)
    assert _sources(again) == _sources(first)
