"""The sample site, built at a fixed time, compared with checked-in output.

``tests/golden/expected/`` holds every file of the public edition of the sample
site (config.yaml + content/ at the repository root) built in memory at
2020-06-15 10:00 Beijing time from the files alone: without the revision
history read from git (it changes with every commit; tests/history/ covers it)
and without the Pagefind search index (a binary bundle made by a pinned
third-party tool; only its determinism is checked here). Regenerate after an intended change with::

    .venv/bin/python -m pytest tests/golden --update-golden

and review the diff like code. The targeted assertions below say *what* broke
when the golden comparison alone would only say *that* something changed.
"""

from __future__ import annotations

import contextlib
import difflib
import gzip
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import search_disabled

from sunshine.cli import parse_now
from sunshine.pipeline import build, build_in_memory
from sunshine.site import BuildOptions, Site

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EXPECTED = HERE / "expected"
NOW = "2020-06-15T10:00:00+08:00"
PREFIX = "/qingxi/"
HOST = "dangwu.example.cn"
BANNER = "党内公开 · 请勿外传"

WITHDRAWN = "notices/2020-03-chunji-dangyuan-lunxun/"
ORIGINAL = "notices/2020-04-dangfei-shoujiao-q1/"
CORRECTION = "notices/2020-04-dangfei-shoujiao-q1-gengzheng/"


def _build(
    root: Path, edition: str = "public", search: bool = False, history: bool = True, cache: bool = True
) -> tuple[Site, dict[str, bytes]]:
    options = BuildOptions(
        root=root, now=parse_now(NOW, {}), edition=edition, history=history, cache=cache  # type: ignore[arg-type]
    )
    with search_disabled(not search):
        return build_in_memory(options)


@pytest.fixture(scope="module")
def golden() -> dict[str, bytes]:
    """The public edition from the files alone: no git history, cache or search index."""
    return _build(REPO, history=False, cache=False)[1]


@pytest.fixture(scope="module")
def public_build() -> tuple[Site, dict[str, bytes]]:
    return _build(REPO)


@pytest.fixture(scope="module")
def public(public_build: tuple[Site, dict[str, bytes]]) -> dict[str, bytes]:
    return public_build[1]


@pytest.fixture(scope="module")
def internal() -> dict[str, bytes]:
    return _build(REPO, "internal")[1]


def _html(files: dict[str, bytes]) -> dict[str, str]:
    return {path: content.decode("utf-8") for path, content in files.items() if path.endswith(".html")}


# --------------------------------------------------------------------------- golden


def _read_expected() -> dict[str, bytes]:
    if not EXPECTED.is_dir():
        return {}
    return {p.relative_to(EXPECTED).as_posix(): p.read_bytes() for p in sorted(EXPECTED.rglob("*")) if p.is_file()}


def _write_expected(files: dict[str, bytes]) -> None:
    if EXPECTED.exists():
        shutil.rmtree(EXPECTED)
    for path, content in sorted(files.items()):
        target = EXPECTED / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _short_diff(path: str, old: bytes, new: bytes, limit: int = 40) -> str:
    try:
        old_lines = old.decode("utf-8").splitlines()
        new_lines = new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"--- {path}: binary content differs ({len(old)} -> {len(new)} bytes)"
    diff = list(difflib.unified_diff(old_lines, new_lines, f"expected/{path}", f"built/{path}", n=1, lineterm=""))
    if len(diff) > limit:
        diff = [*diff[:limit], f"… ({len(diff) - limit} more diff lines)"]
    return "\n".join(diff)


def test_golden(golden: dict[str, bytes], update_golden: bool) -> None:
    if update_golden:
        _write_expected(golden)
        return
    expected = _read_expected()
    missing = sorted(set(expected) - set(golden))
    extra = sorted(set(golden) - set(expected))
    changed = sorted(p for p in set(expected) & set(golden) if expected[p] != golden[p])
    if not (missing or extra or changed):
        return
    report = []
    if missing:
        report.append(f"{len(missing)} missing (expected but not built): " + ", ".join(missing))
    if extra:
        report.append(f"{len(extra)} extra (built but not expected): " + ", ".join(extra))
    if changed:
        report.append(f"{len(changed)} changed: " + ", ".join(changed))
        report += [_short_diff(p, expected[p], golden[p]) for p in changed[:3]]
    report.append("If the change is intended: .venv/bin/python -m pytest tests/golden --update-golden")
    pytest.fail("\n".join(report), pytrace=False)


# --------------------------------------------------------------------------- determinism


def test_two_builds_are_byte_identical(public: dict[str, bytes], golden: dict[str, bytes]) -> None:
    again = _build(REPO)[1]  # with the git history and the Markdown cache, as a real build
    assert sorted(again) == sorted(public)
    assert [p for p in public if public[p] != again[p]] == []
    # Every commit is later than 2020-06-15, so the history adds nothing; nor may the cache.
    assert sorted(public) == sorted(golden)
    assert [p for p in public if public[p] != golden[p]] == []


@pytest.fixture(scope="module")
def search_build() -> tuple[Site, dict[str, bytes]]:
    """The public edition with its Pagefind search index."""
    return _build(REPO, search=True)


def test_two_builds_with_search_index_are_byte_identical(search_build: tuple[Site, dict[str, bytes]]) -> None:
    first = search_build[1]
    assert any(p.startswith("pagefind/") for p in first)
    second = _build(REPO, search=True)[1]
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []


def _copy_site(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(REPO / "config.yaml", target / "config.yaml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def test_builds_in_two_folders_are_identical(tmp_path: Path, golden: dict[str, bytes]) -> None:
    first = _build(_copy_site(tmp_path / "a"))[1]
    second = _build(_copy_site(tmp_path / "elsewhere" / "b"))[1]
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []
    assert [p for p in first if first[p] != golden.get(p)] == []  # outside git: no history
    leaked = [p for p, content in first.items() if str(tmp_path).encode() in content]
    assert leaked == [], "the build folder's path leaked into the output"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_paused_during_a_build_and_restored(
    enabled: bool, golden: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import sunshine.pipeline as pipeline

    seen: list[bool] = []
    real = pipeline.render_site
    monkeypatch.setattr(pipeline, "render_site", lambda *a: seen.append(gc.isenabled()) or real(*a))
    (gc.enable if enabled else gc.disable)()
    try:
        files = _build(REPO, history=False, cache=False)[1]
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False]
    assert files == golden


def test_revision_history_stops_at_build_time(public: dict[str, bytes]) -> None:
    """A build "as of" 2020-06-15 shows no revision made after that day.

    The sample content was committed long after 2020, so no page of this build may
    show a revision history at all.
    """
    late = []
    for path, text in _html(public).items():
        for block in re.findall(r'<details class="history".*?</details>', text, flags=re.DOTALL):
            late += [f"{path}: {d}" for d in re.findall(r'datetime="([0-9-]{10})', block) if d > "2020-06-15"]
    assert late == []


# --------------------------------------------------------------------------- link checker


class _Links(HTMLParser):
    """Every href/src in a page, and every id (fragment target) it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # tag, attribute, value
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append((tag, name, value))
            elif name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)

    handle_startendtag = handle_starttag


def _parse(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    parser.close()
    return parser


def _target(path: str) -> str:
    """``/qingxi/notices/a/`` -> ``notices/a/index.html``."""
    rel = unquote(path.removeprefix(PREFIX))
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _broken_links(files: dict[str, bytes]) -> list[str]:
    pages = {path: _parse(text) for path, text in _html(files).items()}
    broken = []
    for page, parsed in sorted(pages.items()):
        for tag, attr, value in parsed.links:
            where = f"{page}: <{tag} {attr}={value!r}>"
            parts = urlsplit(value)
            if parts.scheme in ("mailto", "tel", "data"):
                continue
            if parts.scheme or parts.netloc:
                if parts.netloc != HOST:
                    continue  # external
                if parts.scheme != "https":
                    broken.append(f"{where}: own site not on https")
            elif not value.startswith("#") and not value.startswith(PREFIX):
                broken.append(f"{where}: internal link does not start with {PREFIX}")
                continue
            if value.startswith("#"):
                target_page = page
            else:
                if not parts.path.startswith(PREFIX):
                    broken.append(f"{where}: does not start with {PREFIX}")
                    continue
                target_page = _target(parts.path)
                if target_page not in files:
                    broken.append(f"{where}: no output file {target_page}")
                    continue
            fragment = unquote(parts.fragment)
            if fragment and target_page in pages and fragment not in pages[target_page].ids:
                broken.append(f"{where}: no id {fragment!r} in {target_page}")
    return broken


def test_every_internal_link_resolves(public: dict[str, bytes]) -> None:
    assert _broken_links(public) == []


def test_every_internal_link_resolves_internal_edition(internal: dict[str, bytes]) -> None:
    assert _broken_links(internal) == []


def test_link_checker_catches_a_broken_link(public: dict[str, bytes]) -> None:
    page = public["about/index.html"].decode()
    files = {
        **public,
        "about/index.html": page.replace("</main>", '<a href="/qingxi/nowhere/">x</a><a href="notices/">y</a></main>').encode(),
    }
    found = set(_broken_links(files)) - set(_broken_links(public))
    assert found == {
        "about/index.html: <a href='/qingxi/nowhere/'>: no output file nowhere/index.html",
        "about/index.html: <a href='notices/'>: internal link does not start with /qingxi/",
    }


def test_sitemap_urls_resolve(public: dict[str, bytes]) -> None:
    locs = re.findall(r"<loc>([^<]+)</loc>", public["sitemap.xml"].decode())
    assert len(locs) > 20
    base = f"https://{HOST}{PREFIX}"
    assert [loc for loc in locs if not loc.startswith(base)] == []
    assert [loc for loc in locs if _target(urlsplit(loc).path) not in public] == []


def test_sitemap_lists_no_noindex_page(public: dict[str, bytes]) -> None:
    locs = re.findall(r"<loc>([^<]+)</loc>", public["sitemap.xml"].decode())
    noindex = re.compile(r'<meta name="robots" content="[^"]*noindex')
    pages = [_target(urlsplit(loc).path) for loc in locs]
    assert [p for p in pages if noindex.search(public[p].decode())] == []


# --------------------------------------------------------------------------- targeted assertions


def test_withdrawn_notice_has_banner_and_stays_in_catalog(public: dict[str, bytes]) -> None:
    page = public[WITHDRAWN + "index.html"].decode()
    assert "本文已撤回" in page
    assert "按照疫情防控要求暂停人员聚集性活动" in page  # the reason is shown
    href = f'href="{PREFIX}{WITHDRAWN}"'
    assert href in public["catalog/index.html"].decode()
    assert href in public["catalog/ideology/index.html"].decode()
    assert href not in public["notices/index.html"].decode()
    assert href not in public["index.html"].decode()


def test_correction_and_corrected_link_each_other(public: dict[str, bytes]) -> None:
    original = public[ORIGINAL + "index.html"].decode()
    correction = public[CORRECTION + "index.html"].decode()
    assert f'href="{PREFIX}{CORRECTION}"' in original
    assert "本文已被更正" in original
    assert f'href="{PREFIX}{ORIGINAL}"' in correction
    assert "QXZ-2020-0007" in correction


def test_base_url_prefix_in_every_page(public: dict[str, bytes]) -> None:
    for path, text in _html(public).items():
        hrefs = [v for _, a, v in _parse(text).links if a == "href" and v.startswith("/")]
        assert hrefs, path
        assert all(h.startswith(PREFIX) for h in hrefs), path


class _Text(HTMLParser):
    """The visible text of a page (no tags, attributes, scripts or styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(text: str) -> str:
    parser = _Text()
    parser.feed(text)
    return " ".join(parser.parts)


def test_dates_are_chinese(public: dict[str, bytes]) -> None:
    page = public["notices/2020-06-fazhan-duixiang-gongshi/index.html"].decode()
    assert '<time datetime="2020-06-11">2020年6月11日</time>' in page
    iso = re.compile(r"(?<![\dA-Z-])(19|20)\d\d-\d{1,2}-\d{1,2}(?!\d)")
    shown = {path: iso.findall(_visible(text)) for path, text in _html(public).items()}
    assert {path: found for path, found in shown.items() if found} == {}


def _hidden_records(site: Site) -> list[tuple[str, str, str]]:
    """(key, title, index_no) of every record not public at the build time."""
    now = site.options.now
    return [
        (r.key, r.title, r.index_no)
        for r in site.records.values()
        if r.scope != "public" or r.publish_at > now
    ]


def _searchable(path: str, content: bytes) -> str:
    if path.startswith("pagefind/"):
        with contextlib.suppress(OSError, EOFError):
            content = gzip.decompress(content)
    text = content.decode("utf-8", errors="replace")
    if path.endswith(".ics"):  # unfold RFC 5545 continuation lines
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
    return text.replace("\u200b", "")  # Pagefind splits Chinese words with zero-width spaces


def test_unpublished_records_are_absent_everywhere(public_build: tuple[Site, dict[str, bytes]]) -> None:
    _assert_no_leaks(*public_build)


def test_unpublished_records_are_absent_from_the_search_index(search_build: tuple[Site, dict[str, bytes]]) -> None:
    site, files = search_build
    index = {p: c for p, c in files.items() if p.startswith("pagefind/")}
    shown = site.records["content/notices/2020-06-fazhan-duixiang-gongshi.md"]
    assert any(shown.title in _searchable(p, c) for p, c in index.items()), "the index is not readable here"
    _assert_no_leaks(site, index)


def _assert_no_leaks(site: Site, files: dict[str, bytes]) -> None:
    hidden = _hidden_records(site)
    keys = {key for key, _, _ in hidden}
    assert {
        "content/notices/2030-01-dangyuan-zuzhi-guanxi-paicha.md",  # scheduled for 2030
        "content/notices/2020-05-minzhu-pingyi-jieguo.md",  # party
        "content/notices/2020-06-ruanruo-huansan-zhengdun-tongbao.md",  # restricted
    } <= keys
    texts = {path: _searchable(path, content) for path, content in files.items()}
    leaks = []
    for key, title, index_no in hidden:
        slug = site.records[key].slug
        for needle in (title, index_no, f"/{slug}/"):
            leaks += [f"{key}: {needle!r} in {path}" for path, text in texts.items() if needle in text]
        for line in _own_lines(site, key):
            leaks += [f"{key}: body {line!r} in {path}" for path, text in texts.items() if line in text]
    assert leaks == []


def _own_lines(site: Site, key: str) -> list[str]:
    """Body lines (first 24 characters) of ``key`` that no published record shares."""
    published = "\n".join(site.records[k].body for k in site.published)
    lines = [line.strip()[:24] for line in site.records[key].body.splitlines()]
    return [line for line in lines if len(line) >= 12 and line not in published]


def test_written_site_and_manifest_hold_no_unpublished_record(tmp_path: Path) -> None:
    options = BuildOptions(root=REPO, now=parse_now(NOW, {}), out_dir=tmp_path / "site")
    with search_disabled():
        site, out = build(options)
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    manifest = json.loads(written["manifest.json"])
    assert manifest["files"] == {
        p: hashlib.sha256(c).hexdigest() for p, c in written.items() if p not in ("manifest.json", "SHA256SUMS")
    }
    assert sorted(r["index_no"] for r in manifest["records"]) == sorted(site.records[k].index_no for k in site.published)
    _assert_no_leaks(site, written)


def test_internal_edition_is_marked_on_every_page(internal: dict[str, bytes]) -> None:
    pages = _html(internal)
    assert "notices/2020-05-minzhu-pingyi-jieguo/index.html" in pages
    assert [p for p, text in pages.items() if BANNER not in _visible(text)] == []
    robots = re.compile(r'<meta name="robots" content="[^"]*noindex')
    assert [p for p, text in pages.items() if not robots.search(text)] == []
    assert internal["robots.txt"].decode().splitlines()[:2] == ["User-agent: *", "Disallow: /"]


def test_public_edition_has_no_internal_banner(public: dict[str, bytes]) -> None:
    assert [p for p, text in _html(public).items() if BANNER in text] == []
