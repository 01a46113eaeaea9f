"""No-change builds (sunshine.lastbuild): kept only while every input, the day and the
output folder are exactly as the last build left them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from sunshine.lastbuild import _packed, _state_file, _update
from sunshine.pipeline import build_or_reuse
from sunshine.site import BuildOptions
from tests.workflow.conftest import NOW
from tests.workflow.conftest import SAMPLE_NOTICE as NOTICE
from tests.workflow.conftest import SAMPLE_NOTICE_PAGE as PAGE

SCHEDULED = "content/notices/2030-01-dangyuan-zuzhi-guanxi-paicha.md"


@pytest.fixture
def root(sample_copy: Path) -> Path:
    return sample_copy


def opts(root: Path, **changes: object) -> BuildOptions:
    return dataclasses.replace(BuildOptions(root=root, now=NOW, history=False), **changes)  # type: ignore[arg-type]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_nothing_changed_keeps_the_output(root: Path) -> None:
    first, out = build_or_reuse(opts(root))
    before = tree(out)
    again, _ = build_or_reuse(opts(root, now=NOW + dt.timedelta(hours=1)))
    assert not first.reused and again.reused
    assert tree(out) == before
    assert (again.published, again.per_kind, again.problems, again.reminders) == (first.published, first.per_kind, first.problems, first.reminders)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / NOTICE).write_text((root / NOTICE).read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8"),
        lambda root: (root / "templates" / "base.html").write_text((root / "templates" / "base.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        lambda root: (root / "static" / "css" / "site.css").write_text("body{}", encoding="utf-8"),
        lambda root: (root / "config.yaml").write_text((root / "config.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        lambda root: (root / "content" / "notices" / "新.md").write_text("", encoding="utf-8"),
    ],
    ids=["content", "template", "static", "config", "new-file"],
)
def test_any_input_change_rebuilds(root: Path, change: object) -> None:
    build_or_reuse(opts(root))
    change(root)  # type: ignore[operator]
    try:
        again, _ = build_or_reuse(opts(root))
    except Exception:  # the empty new file does not validate: it was read, which is the point
        return
    assert not again.reused


def test_output_touched_by_hand_is_rebuilt(root: Path) -> None:
    _, out = build_or_reuse(opts(root))
    good = (out / PAGE).read_bytes()
    (out / PAGE).write_bytes(b"tampered")
    again, _ = build_or_reuse(opts(root))
    assert not again.reused and (out / PAGE).read_bytes() == good
    (out / "extra.html").write_bytes(b"left by someone")
    assert not build_or_reuse(opts(root))[0].reused


@pytest.mark.parametrize(
    "touch",
    [
        lambda out: (out / "notices" / "stray.html").write_bytes(b"x"),  # a file added deep down
        lambda out: (out / "notices" / "new" / "deeper").mkdir(parents=True),  # folders only
        lambda out: (out / PAGE).unlink(),
        lambda out: (out / PAGE).rename(out / PAGE.replace(".html", ".htm")),
        lambda out: [(out / PAGE).unlink(), (out / PAGE).mkdir()],  # a file become a folder
    ],
    ids=["file-added", "folder-added", "file-removed", "file-renamed", "file-to-folder"],
)
def test_any_change_in_the_output_is_seen(root: Path, touch: object) -> None:
    _, out = build_or_reuse(opts(root))
    before = tree(out)
    touch(out)  # type: ignore[operator]
    again, _ = build_or_reuse(opts(root))
    assert not again.reused and tree(out) == before
    assert build_or_reuse(opts(root))[0].reused


def test_the_clock_can_make_the_output_stale(root: Path) -> None:
    build_or_reuse(opts(root))
    assert not build_or_reuse(opts(root, now=NOW + dt.timedelta(days=1)))[0].reused  # another day
    assert not build_or_reuse(opts(root, now=NOW - dt.timedelta(hours=1)))[0].reused  # earlier than the last build


def test_a_scheduled_record_due_later_today_rebuilds(root: Path) -> None:
    text = (root / SCHEDULED).read_text(encoding="utf-8")
    (root / SCHEDULED).write_text(text.replace("publish_at: 2030-01-01T09:00:00+08:00", "publish_at: 2020-06-15T15:00:00+08:00"), encoding="utf-8")
    _, out = build_or_reuse(opts(root))
    assert not (out / "notices" / "2030-01-dangyuan-zuzhi-guanxi-paicha").exists()
    assert build_or_reuse(opts(root, now=NOW + dt.timedelta(hours=1)))[0].reused  # 13:00: not yet
    later, _ = build_or_reuse(opts(root, now=NOW + dt.timedelta(hours=3)))  # 15:00: due
    assert not later.reused
    assert (out / "notices" / "2030-01-dangyuan-zuzhi-guanxi-paicha" / "index.html").is_file()


def test_damaged_state_or_no_cache_means_a_full_build(root: Path) -> None:
    build_or_reuse(opts(root))
    state = _state_file(opts(root))
    doc = json.loads(state.read_text(encoding="utf-8"))
    doc["key"] = "0" * 64
    state.write_text(json.dumps(doc), encoding="utf-8")
    assert not build_or_reuse(opts(root))[0].reused
    state.write_bytes(b"\x00garbage")
    assert not build_or_reuse(opts(root))[0].reused
    assert build_or_reuse(opts(root))[0].reused
    assert not build_or_reuse(opts(root, cache=False))[0].reused


def test_packed_stats_are_updated_in_place() -> None:
    packed = _packed({"a.html": [1, 2, 3], "b/c.html": [4, 5, 6], "d.css": [7, 8, 9]})
    assert packed == {"paths": ["a.html", "b/c.html", "d.css"], "stats": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    _update(packed, {"b/c.html": None, "d.css": [0, 0, 1], "e.js": [2, 2, 2], "gone.txt": None}, 3)
    assert packed == {"paths": ["a.html", "d.css", "e.js"], "stats": [1, 2, 3, 0, 0, 1, 2, 2, 2]}
    _update(packed, {"a.html": None, "d.css": None, "e.js": None}, 3)
    assert packed == {"paths": [], "stats": []}
