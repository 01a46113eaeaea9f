"""Full-text search: the Pagefind index of the sample site, and the /search/ page in Chromium.

The sample site (config.yaml + content/ at the repository root) is built once into a
temp folder at 2020-06-15 10:00 Beijing time with search on, whatever
SUNSHINE_NO_SEARCH says. The index files are gzipped "pagefind_dcd" + CBOR/JSON, so
the tests without a browser read them directly: which pages are in, their meta and
filters, and that no text of an unpublished record is anywhere in the bundle.

The browser tests serve the build at http://127.0.0.1:PORT/qingxi/ (a symlink in a
temp folder, because base_url puts every link under /qingxi/) and drive the Debian
Chromium; search does not work from file://.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import functools
import gzip
import http.server
import importlib.util
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from sunshine.cli import parse_now
from sunshine.outputs import search as search_mod
from sunshine.pipeline import build, build_in_memory
from sunshine.problems import BuildFailed
from sunshine.site import BuildOptions, Record, Site

REPO = Path(__file__).resolve().parents[2]
NOW = "2020-06-15T10:00:00+08:00"
PREFIX = "/qingxi/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIGNATURE = b"pagefind_dcd"
CJK = re.compile(r"[\u4e00-\u9fff]{8,}")

FAZHAN = "notices/2020-06-fazhan-duixiang-gongshi/"
DANGFEI = "notices/2020-04-dangfei-shoujiao-q1/"
DONGSHAN_PLAN = "plans/2020-dongshan-zhibu-gongzuo-jihua/"
HUANJIE = "notices/2020-05-xiling-huanjie-xuanju-gonggao/"
ZHUANZHENG = "notices/2020-06-yubei-dangyuan-zhuanzheng-gongshi/"


# --------------------------------------------------------------------------- build


def _options(out: Path | None = None) -> BuildOptions:
    return BuildOptions(root=REPO, now=parse_now(NOW, {}), out_dir=out)


@pytest.fixture(scope="module", params=[search_mod.SHARD_PAGES, 4], ids=["one-shard", "shards"])
def shard_pages(request: pytest.FixtureRequest) -> Iterator[int]:
    """The index in one shard, and cut into many (the sample has 17 record pages)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_mod, "SHARD_PAGES", request.param)
        yield request.param


@pytest.fixture(scope="module")
def built(shard_pages: int, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    """The public edition written to disk, search on."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(search_mod.ENV_SKIP, raising=False)
        return build(dataclasses.replace(_options(tmp_path_factory.mktemp("search") / "out"), cache=False))


@pytest.fixture(scope="module")
def site(built: tuple[Site, Path]) -> Site:
    return built[0]


@pytest.fixture(scope="module")
def out(built: tuple[Site, Path]) -> Path:
    return built[1]


def _decoded(path: Path) -> bytes:
    """A Pagefind data file without gzip and signature; other files as they are."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.removeprefix(SIGNATURE)


@pytest.fixture(scope="module")
def fragments(out: Path) -> dict[str, dict[str, Any]]:
    """url -> the fragment Pagefind stored for that page."""
    frags = [json.loads(_decoded(p)) for p in sorted((out / "pagefind").rglob("fragment/*.pf_fragment"))]
    urls = [f["url"] for f in frags]
    assert len(urls) == len(set(urls)), "a page is in two shards"
    return {f["url"]: f for f in frags}


@pytest.fixture(scope="module")
def bundle_text(out: Path) -> str:
    """Every file of pagefind/, decompressed, as one text without Pagefind's word breaks."""
    parts = [_decoded(p).decode("utf-8", "replace") for p in sorted((out / "pagefind").rglob("*")) if p.is_file()]
    return "\n".join(parts).replace("\u200b", "")


def _unpublished(site: Site) -> list[Record]:
    return [r for k, r in sorted(site.records.items()) if k not in site.published]


def _record_pages(site: Site) -> set[str]:
    return {PREFIX + r.url for r in site.published_records() if r.status != "gone"}


# --------------------------------------------------------------------------- the index


def test_every_record_page_and_nothing_else_is_indexed(site: Site, fragments: dict[str, dict[str, Any]]) -> None:
    assert set(fragments) == _record_pages(site)
    assert not any("/print/" in url for url in fragments)


def test_meta_and_filters(fragments: dict[str, dict[str, Any]]) -> None:
    fazhan = fragments[PREFIX + FAZHAN]
    assert fazhan["meta"] == {
        "title": "青溪镇2020年第二批发展对象公示",
        "date": "2020年6月11日",
        "org": "中共青溪镇委员会",
        "kind": "公示公告",
    }
    assert fazhan["filters"] == {
        "kind": ["公示公告"], "org": ["中共青溪镇委员会"], "category": ["组织管理"], "year": ["2020"],
    }
    plan = fragments[PREFIX + DONGSHAN_PLAN]
    assert plan["filters"]["org"] == ["中共青溪镇东山村支部委员会"]
    assert plan["filters"]["kind"] == ["工作计划"]
    withdrawn = fragments[PREFIX + "notices/2020-03-chunji-dangyuan-lunxun/"]
    assert withdrawn["meta"]["status"] == "已撤回"
    assert "category" not in fragments[PREFIX + "about/"]["filters"]  # a free page without category


def test_only_the_article_is_indexed(fragments: dict[str, dict[str, Any]]) -> None:
    """No header, menu, footer or objection box (the same on every notice) in the page text."""
    for url, frag in fragments.items():
        text = frag["content"].replace("\u200b", "").split("⁂")[0]
        assert frag["meta"]["title"] in text, url
        for boilerplate in ("跳到正文", "高对比", "历年归档", "浙ICP备", "反映问题应实事求是", "打印公示"):
            assert boilerplate not in text, (url, boilerplate)


def test_no_unpublished_record_anywhere_in_the_bundle(site: Site, out: Path, bundle_text: str) -> None:
    public_html = "".join(p.read_text("utf-8") for p in out.rglob("*.html"))
    held = _unpublished(site)
    assert {r.scope for r in held} >= {"party", "restricted"}
    assert any(r.publish_at > site.options.now for r in held)
    for record in held:
        assert record.title not in bundle_text, record.key
        assert record.slug not in bundle_text, record.key
        # Sentences of the body that no public page has: none may be in the index.
        private = [run for run in CJK.findall(record.body) if run not in public_html][:5]
        for run in private:
            assert run not in bundle_text, (record.key, run)


def test_pages_on_the_site_are_unchanged(out: Path) -> None:
    """The Pagefind markup goes only into the copies given to Pagefind."""
    for page in out.rglob("*.html"):
        assert "data-pagefind" not in page.read_text("utf-8"), page


def test_bundle_has_no_ready_made_ui(out: Path) -> None:
    names = {p.name for p in (out / "pagefind").iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.unknown.pagefind"} <= names
    assert not any(n.startswith(("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui")) for n in names)


def test_output_is_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(search_mod.ENV_SKIP, raising=False)
    site, files = build_in_memory(dataclasses.replace(_options(), cache=False))  # Pagefind twice
    pages = {k: v for k, v in files.items() if not k.startswith("pagefind/")}
    first = search_mod.search_index(site, pages)
    second = search_mod.search_index(site, pages)
    assert first == second
    assert any(k.startswith("pagefind/filter/") for k in first)


def test_bundle_is_reused_and_a_damaged_one_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.workflow.conftest import copy_sample

    monkeypatch.delenv(search_mod.ENV_SKIP, raising=False)
    root = copy_sample(tmp_path / "src")
    site, files = build_in_memory(BuildOptions(root=root, now=parse_now(NOW, {}), history=False), search=False)
    fresh = search_mod.search_index(site, files)
    real = search_mod._pagefind

    async def refuse(docs: dict[str, str]) -> dict[str, bytes]:
        raise AssertionError("Pagefind ran although nothing changed")

    monkeypatch.setattr(search_mod, "_pagefind", refuse)
    assert search_mod.search_index(site, files) == fresh
    stored = sorted(p for p in (root / ".cache" / "search").rglob("*.pf_fragment"))
    damaged = bytearray(stored[0].read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    stored[0].write_bytes(bytes(damaged))
    with pytest.raises(AssertionError, match="Pagefind ran"):
        search_mod.search_index(site, files)  # a damaged bundle is a miss, never a partial reuse
    monkeypatch.setattr(search_mod, "_pagefind", real)
    assert search_mod.search_index(site, files) == fresh
    page = "notices/2020-06-fazhan-duixiang-gongshi/index.html"
    around = {path: content.replace(b"</footer>", "<p>新的页脚</p></footer>".encode()) for path, content in files.items()}
    assert around[page] != files[page]
    monkeypatch.setattr(search_mod, "_pagefind", refuse)
    assert search_mod.search_index(site, around) == fresh  # menus, footer, head: not indexed, nothing to redo
    next_day = {path: re.sub("（截至 [^）]+）|还剩 [0-9]+ 个".encode(), "（截至 明天）".encode(), content) for path, content in files.items()}
    assert next_day[page] != files[page]
    assert search_mod.search_index(site, next_day) == fresh  # what changes with the build date is not indexed
    changed = dict(files)
    changed[page] = changed[page].replace("现予以公示".encode(), "现予以公布".encode())
    with pytest.raises(AssertionError, match="Pagefind ran"):
        search_mod.search_index(site, changed)  # one record changed: indexed again


def test_shards_are_listed_and_carry_only_their_data(out: Path) -> None:
    root = out / "pagefind"
    merge = json.loads((root / "shards.json").read_bytes())["merge"]
    below = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in ("fragment", "index", "filter"))
    assert sorted(merge) == below
    for name in merge:
        files = {p.relative_to(root / name).as_posix() for p in (root / name).rglob("*") if p.is_file()}
        assert "pagefind-entry.json" in files and any(f.startswith("fragment/") for f in files), name
        assert not any(f.endswith((".js", "wasm.unknown.pagefind")) for f in files), (name, files)


def test_an_edit_indexes_only_its_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.workflow.conftest import copy_sample

    monkeypatch.delenv(search_mod.ENV_SKIP, raising=False)
    monkeypatch.setattr(search_mod, "SHARD_PAGES", 4)
    root = copy_sample(tmp_path / "src")
    site, files = build_in_memory(BuildOptions(root=root, now=parse_now(NOW, {}), history=False), search=False)
    whole = search_mod.search_index(site, files)
    assert len(json.loads(whole["pagefind/shards.json"])["merge"]) >= 3
    real = search_mod._pagefind
    indexed: list[set[str]] = []

    async def counted(docs: dict[str, str]) -> dict[str, bytes]:
        indexed.append(set(docs))
        return await real(docs)

    monkeypatch.setattr(search_mod, "_pagefind", counted)
    changed = dict(files)
    page = "notices/2020-06-fazhan-duixiang-gongshi/index.html"
    changed[page] = changed[page].replace("现予以公示".encode(), "现予以公布".encode())
    again = search_mod.search_index(site, changed)
    assert len(indexed) == 1 and "qingxi/" + page in indexed[0] and len(indexed[0]) <= 4, indexed
    uncached = dataclasses.replace(site.options, cache=False)
    monkeypatch.setattr(site, "options", uncached)
    assert again == search_mod.search_index(site, changed)  # the same bundle as indexing everything anew
    assert again != whole


def test_canonical_bundle_is_stable(out: Path) -> None:
    root = out / "pagefind"
    bundle = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert search_mod.canonical_bundle(bundle) == bundle


def test_search_index_inside_an_event_loop(site: Site, out: Path) -> None:
    """A caller that already runs asyncio (a server, a notebook) still gets the index."""
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}

    async def inside() -> dict[str, bytes]:
        return search_mod.search_index(site, files)

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(search_mod.ENV_SKIP, raising=False)
        # a thread of its own: Playwright's sync API may hold this thread's loop
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            index = pool.submit(asyncio.run, inside()).result()
    assert index == {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}


def test_missing_pagefind_is_a_content_problem(site: Site, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(search_mod.ENV_SKIP, raising=False)
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pagefind_bin_extended" else real(name, *a))
    files = {"notices/2020-06-fazhan-duixiang-gongshi/index.html": (out / FAZHAN / "index.html").read_bytes()}
    with pytest.raises(BuildFailed) as failed:
        search_mod.search_index(site, files)
    assert "pagefind[extended]" in failed.value.problems.report()


def test_a_bundle_cut_short_is_not_complete(out: Path) -> None:
    """Pagefind may answer before its writes end: an empty or truncated file is waited for."""
    root = out / "pagefind"
    shards = tuple(name + "/" for name in json.loads((root / "shards.json").read_bytes())["merge"])
    found = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    bundle = {rel: p.read_bytes() for rel, p in found.items() if not rel.startswith(shards)}  # the newest shard
    assert search_mod._complete(bundle)
    assert not search_mod._complete({**bundle, "pagefind-entry.json": b""})
    fragment = next(k for k in bundle if k.endswith(".pf_fragment"))
    assert not search_mod._complete({**bundle, fragment: bundle[fragment][:-9]})
    meta = next(k for k in bundle if k.endswith(".pf_meta"))
    assert not search_mod._complete({k: v for k, v in bundle.items() if k != meta})


def test_env_switch_skips_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(search_mod.ENV_SKIP, "1")
    _, files = build_in_memory(_options())
    assert not any(k.startswith("pagefind/") for k in files)


def test_search_page_is_rendered(out: Path) -> None:
    page = out / "search" / "index.html"
    assert page.is_file(), 'render.py must render the search page: page("search.html", "search/")'
    html = page.read_text("utf-8")
    assert f'action="{PREFIX}search/" method="get"' in html
    assert 'name="q"' in html
    assert f'<script src="{PREFIX}static/js/search.js" defer></script>' in html
    assert "<script>" not in html  # the CSP forbids inline scripts
    home = (out / "index.html").read_text("utf-8")
    assert f'href="{PREFIX}search/"' in home


# --------------------------------------------------------------------------- browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (out / "search" / "index.html").is_file():
        pytest.fail('no search/index.html: render.py must call page("search.html", "search/")')
    www = tmp_path_factory.mktemp("www")
    (www / PREFIX.strip("/")).symlink_to(out, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host!s}:{port}{PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Tab:
    """One page in a fresh context, with every request and error it made."""

    def __init__(self, browser: Any, base_url: str, **options: Any) -> None:
        self.context = browser.new_context(**options)
        self.page = self.context.new_page()
        self.base = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def search(self, query: str = "", **filters: str) -> list[dict[str, str]]:
        """Open /search/?q=…, wait for the answer, return the listed results in order."""
        params = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **filters}.items() if v)
        self.page.goto(f"{self.base}search/?{params}")
        self.page.wait_for_function(
            "() => { const s = document.getElementById('search-status').textContent;"
            " return !s.includes('正在') && !s.includes('需要浏览器'); }",
            timeout=15000,
        )
        return self.results()

    def results(self) -> list[dict[str, str]]:
        return list(
            self.page.eval_on_selector_all(
                ".search-result",
                """els => els.map(li => ({
                    url: li.querySelector('a').getAttribute('href'),
                    title: li.querySelector('a').textContent,
                    meta: li.querySelector('.rec-meta').textContent,
                    excerpt: li.querySelector('.search-excerpt') ? li.querySelector('.search-excerpt').innerHTML : '',
                    exact: li.parentElement.id === 'search-results',
                }))""",
            )
        )

    def status(self) -> str:
        return str(self.page.inner_text("#search-status"))

    def foreign(self) -> list[str]:
        return [
            u for u in self.requests
            if urlsplit(u).scheme not in ("data", "about", "blob") and urlsplit(u).hostname != "127.0.0.1"
        ]


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    t = Tab(browser, base_url)
    yield t
    t.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("发展对象", FAZHAN, 1),
        ("党费", DANGFEI, 2),  # the correction of this notice is the other one
        ("东山村", DONGSHAN_PLAN, 1),
        ("换届", HUANJIE, 1),
        ("转正", ZHUANZHENG, 1),
        ("公示", FAZHAN, 8),
        ("党费 东山村", DANGFEI, 3),
        ("QXZ-2020-0015", FAZHAN, 1),  # an index number
    ],
)
def test_search_finds_the_record(tab: Tab, query: str, expected: str, within: int) -> None:
    results = tab.search(query)
    urls = [r["url"] for r in results]
    assert PREFIX + expected in urls[:within], (query, [(r["title"], r["url"]) for r in results])
    first = results[urls.index(PREFIX + expected)]
    assert first["exact"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 · 中共青溪镇\S*委员会 · \S+( 已撤回)?", first["meta"]), first
    assert "<mark>" in first["excerpt"]
    assert all(r["url"].startswith(PREFIX) for r in results)
    assert tab.foreign() == [], tab.foreign()
    assert tab.errors == [], tab.errors


@pytest.mark.browser
def test_without_the_shard_list_the_newest_shard_is_searched(tab: Tab, out: Path) -> None:
    """While a site is being uploaded shards.json may be missing: search still answers."""
    tab.page.route("**/pagefind/shards.json", lambda route: route.fulfill(status=404, body="not found"))
    merged = json.loads((out / "pagefind" / "shards.json").read_bytes())["merge"]
    results = tab.search("公示")
    assert results and all(r["url"].startswith(PREFIX) for r in results)
    if not merged:  # one shard: nothing is lost
        assert PREFIX + FAZHAN in [r["url"] for r in results]
    assert not any("/pagefind/" + name + "/" in u for name in merged for u in tab.requests)
    assert tab.errors == [] or all("404" in e for e in tab.errors), tab.errors


@pytest.mark.browser
def test_excerpt_holds_only_text_and_marks(tab: Tab) -> None:
    for query in ("党费", "主题党日", "选举"):
        for r in tab.search(query):
            tags = set(re.findall(r"</?([a-zA-Z0-9-]+)", r["excerpt"]))
            assert tags <= {"mark"}, (query, r)
            assert "\u200b" not in r["excerpt"] and "⁂" not in r["excerpt"], r


@pytest.mark.browser
@pytest.mark.parametrize("query", ["民主评议党员结果", "软弱涣散村党组织整顿转化", "党员组织关系集中排查", "党风廉政建设和反腐败工作安排"])
def test_unpublished_records_never_found(tab: Tab, site: Site, query: str) -> None:
    held = {r.title for r in _unpublished(site)}
    results = tab.search(query)
    assert not held & {r["title"] for r in results}, results
    for r in results:
        assert r["url"] in {PREFIX + rec.url for rec in site.published_records()}, r
    assert tab.foreign() == []


@pytest.mark.browser
def test_filters(tab: Tab) -> None:
    everything = tab.search("党员")
    labels = tab.page.eval_on_selector_all("#search-filters label", "els => els.map(e => e.textContent)")
    assert labels == ["类型", "发布机构", "主题分类", "年份"]
    tab.page.select_option("#search-f-kind", "工作计划")
    tab.page.wait_for_function("() => location.search.includes('kind=')")
    tab.page.wait_for_function("() => !document.getElementById('search-status').textContent.includes('正在')")
    plans = tab.results()
    assert plans and len(plans) < len(everything)
    assert all(r["url"].startswith(PREFIX + "plans/") for r in plans), plans
    by_org = tab.search("", org="中共青溪镇西岭村支部委员会")
    assert [r["url"] for r in by_org] == [PREFIX + HUANJIE]
    assert tab.page.input_value("#search-f-org") == "中共青溪镇西岭村支部委员会"


@pytest.mark.browser
def test_form_submits_and_back_works(tab: Tab) -> None:
    tab.search("换届")
    tab.page.fill("#search-q", "发展对象")
    tab.page.click("#search-form button[type=submit]")
    tab.page.wait_for_function("() => document.getElementById('search-status').textContent.includes('发展对象')")
    assert "q=%E5%8F%91%E5%B1%95%E5%AF%B9%E8%B1%A1" in tab.page.url
    assert tab.results()[0]["url"] == PREFIX + FAZHAN
    tab.page.go_back()
    tab.page.wait_for_function("() => document.getElementById('search-status').textContent.includes('换届')")
    assert tab.page.input_value("#search-q") == "换届"


@pytest.mark.browser
def test_nothing_found_and_empty_query(tab: Tab) -> None:
    assert tab.search("没有这个词语") == []
    assert "没有找到" in tab.status()
    assert tab.search("") == []
    assert "请输入" in tab.status()


@pytest.mark.browser
def test_without_javascript(browser: Any, base_url: str) -> None:
    t = Tab(browser, base_url, java_script_enabled=False)
    try:
        t.page.goto(base_url + "search/?q=党费")
        status = t.status()
        assert "需要浏览器启用 JavaScript" in status
        links = t.page.eval_on_selector_all("#search-status a", "els => els.map(a => a.getAttribute('href'))")
        assert links == [PREFIX + "catalog/", PREFIX + "archive/"]
        t.page.fill("#search-q", "换届")
        t.page.click("#search-form button[type=submit]")
        t.page.wait_for_url("**/search/?q=*")
        assert urlsplit(t.page.url).path == PREFIX + "search/"
        assert t.foreign() == []
    finally:
        t.context.close()


@pytest.mark.browser
def test_search_reached_from_the_menu(tab: Tab) -> None:
    tab.page.goto(tab.base)
    tab.page.click(f'.mainnav a[href="{PREFIX}search/"]')
    tab.page.wait_for_function("() => document.getElementById('search-status').textContent.includes('请输入')")
    assert tab.page.get_attribute(f'.mainnav a[href="{PREFIX}search/"]', "aria-current") == "page"
    assert tab.errors == []


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.browser
@pytest.mark.parametrize("js", [True, False], ids=["results", "no-js"])
def test_search_page_passes_axe(browser: Any, base_url: str, js: bool) -> None:
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci`"
    # The page's CSP (script-src 'self') would block the injected axe script.
    t = Tab(browser, base_url, bypass_csp=True)
    try:
        if js:
            assert t.search("党费")
        else:  # what a reader without JavaScript sees: search.js never runs
            t.page.route("**/search.js", lambda route: route.abort())
            t.page.goto(base_url + "search/?q=党费")
            assert "需要浏览器启用 JavaScript" in t.status()
        t.page.add_script_tag(path=str(AXE))
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
        result = t.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
        problems = [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in result["violations"]]
        assert problems == []
    finally:
        t.context.close()


def test_a_failing_pagefind_is_reported_with_what_it_said(site: Site, out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "pagefind"
    program.write_text("#!/bin/sh\necho '写入索引失败' >&2\nexit 3\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    with pytest.raises(RuntimeError, match="exit code 3: 写入索引失败"):
        search_mod._run(search_mod._pagefind(search_mod.search_documents(site, files)))
    program.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")  # ends well, writes nothing
    with pytest.raises(RuntimeError, match="incomplete"):
        search_mod._run(search_mod._pagefind(search_mod.search_documents(site, files)))
