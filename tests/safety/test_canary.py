"""Nothing that is not public reaches any file of the public edition."""

from __future__ import annotations

from pathlib import Path

from sunshine.cli import parse_now
from sunshine.pipeline import build_in_memory
from sunshine.site import BuildOptions

from .sitegen import notice, write_site

CANARIES = {
    "party.md": ("KANARIE-PARTY-7f3a", "party", ""),
    "restricted.md": ("KANARIE-RESTRICTED-91bc", "restricted", ""),
    "future.md": ("KANARIE-FUTURE-5d2e", "public", "publish_at: 2020-07-01T09:00:00\n"),
}


def _site(tmp_path: Path) -> Path:
    records = {"open.md": notice(1, "公开的公告", body="公开正文。")}
    for i, (name, (canary, scope, extra)) in enumerate(CANARIES.items(), start=2):
        records[name] = notice(i, f"标题{canary}", scope, extra, body=f"正文 {canary} 正文")
    return write_site(tmp_path, records)


def _build(root: Path, edition: str) -> dict[str, bytes]:
    options = BuildOptions(root=root, now=parse_now("2020-06-15T10:00:00", {}), edition=edition)  # type: ignore[arg-type]
    return build_in_memory(options)[1]


def test_public_edition_holds_no_canary(tmp_path: Path) -> None:
    files = _build(_site(tmp_path), "public")
    assert any(b"\xe5\x85\xac\xe5\xbc\x80\xe7\x9a\x84\xe5\x85\xac\xe5\x91\x8a" in c for c in files.values())
    for canary, _, _ in CANARIES.values():
        leaks = [path for path, content in files.items() if canary.encode() in content]
        assert leaks == [], f"{canary} leaked into {leaks}"
    for index in ("CSZ-2020-0002", "CSZ-2020-0003", "CSZ-2020-0004"):
        assert not [p for p, c in files.items() if index.encode() in c], index


def test_internal_edition_holds_every_canary(tmp_path: Path) -> None:
    files = _build(_site(tmp_path), "internal")
    html = [c for p, c in files.items() if p.endswith(".html")]
    for canary, _, _ in CANARIES.values():
        assert any(canary.encode() in c for c in html), canary
    assert all("党内公开 · 请勿外传".encode() in c for c in html)
    assert all(b'content="noindex,nofollow"' in c for c in html)
    assert files["robots.txt"] == b"User-agent: *\nDisallow: /\n"


def test_scheduled_record_appears_once_its_time_has_come(tmp_path: Path) -> None:
    root = _site(tmp_path)
    options = BuildOptions(root=root, now=parse_now("2020-07-01T09:00:00", {}))
    files = build_in_memory(options)[1]
    assert any(b"KANARIE-FUTURE-5d2e" in c for c in files.values())
