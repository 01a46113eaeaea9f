"""The machine-readable outputs of the sample site: Atom feeds, sitemap, robots.txt, catalog data.

The sample site is built once into a temp dir with a fixed clock. Feeds are parsed
with feedparser (a sanity check) and then checked strictly with lxml, because
feedparser accepts a feed with no id or updated. The sitemap is validated against
the sitemaps.org schema shipped in npm ``sitemap@9.0.1`` (no network access).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import yaml
from lxml import etree, html

ROOT = Path(__file__).resolve().parents[2]
NOW = "2020-06-15T10:00:00+08:00"
SITEMAP_XSD = ROOT / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# RFC 3339 date-time in China Standard Time.
CST_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$")
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public edition of the sample site, built once for this module."""
    target = tmp_path_factory.mktemp("outputs") / "site"
    cmd = [sys.executable, "build.py", "--now", NOW, "--out", str(target)]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, f"build failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    return target


@pytest.fixture(scope="module")
def base_url() -> str:
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    url: str = config["site"]["base_url"]
    return url if url.endswith("/") else url + "/"


def _local_file(out: Path, base_url: str, url: str) -> Path:
    """The output file an absolute site URL is served from."""
    assert url.startswith(base_url), f"{url} is not under {base_url}"
    rel = url[len(base_url) :].split("#")[0].split("?")[0]
    path = out / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def _feeds(out: Path) -> list[Path]:
    return sorted(out.rglob("feed.xml"))


def test_main_feed_parses_as_atom(out: Path) -> None:
    parsed = feedparser.parse(str(out / "feed.xml"))
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10", parsed.version
    assert parsed.feed.get("title"), parsed.feed
    assert len(parsed.entries) > 0


def test_every_feed_has_ids_dates_and_links(out: Path, base_url: str) -> None:
    feeds = _feeds(out)
    assert out / "feed.xml" in feeds
    problems: list[str] = []
    for path in feeds:
        name = path.relative_to(out).as_posix()
        parsed = feedparser.parse(str(path))
        if parsed.bozo or parsed.version != "atom10":
            problems.append(f"{name}: feedparser bozo={parsed.bozo} version={parsed.version!r}")
        root = etree.parse(str(path), PARSER).getroot()
        if root.tag != f"{ATOM}feed":
            problems.append(f"{name}: root element is {root.tag}")
            continue
        for where, el in [("feed", root)] + [
            (f"entry {i + 1}", e) for i, e in enumerate(root.iter(f"{ATOM}entry"))
        ]:
            ident = el.findtext(f"{ATOM}id")
            if not ident or not ident.strip():
                problems.append(f"{name}: {where} has no <id>")
            if el.find(f"{ATOM}title") is None:
                problems.append(f"{name}: {where} has no <title>")
            for tag in ("updated", "published"):
                value = el.findtext(f"{ATOM}{tag}")
                if value is None and tag == "published":
                    continue
                if value is None or not CST_TIME.match(value):
                    problems.append(f"{name}: {where} <{tag}> is {value!r}, want +08:00 time")
            alternates = [
                link.get("href", "")
                for link in el.findall(f"{ATOM}link")
                if link.get("rel", "alternate") == "alternate"
            ]
            if not alternates:
                problems.append(f"{name}: {where} has no <link rel=alternate>")
            for href in alternates:
                if not _local_file(out, base_url, href).is_file():
                    problems.append(f"{name}: {where} links to {href}, which was not built")
        ids = [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")]
        if len(ids) != len(set(ids)):
            problems.append(f"{name}: duplicate entry ids")
    print(f"checked {len(feeds)} feeds")
    assert problems == [], "\n".join(problems)


def test_sitemap_is_valid_and_every_loc_exists(out: Path, base_url: str) -> None:
    assert SITEMAP_XSD.is_file(), f"{SITEMAP_XSD} is missing: run `npm ci`"
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD), PARSER))
    doc = etree.parse(str(out / "sitemap.xml"), PARSER)
    valid = schema.validate(doc)
    assert valid, "sitemap.xml is not valid:\n" + "\n".join(
        f"line {e.line}: {e.message}" for e in schema.error_log
    )
    locs = [(loc.text or "").strip() for loc in doc.iter(f"{SM}loc")]
    assert locs, "the sitemap lists no URL"
    missing = [u for u in locs if not _local_file(out, base_url, u).is_file()]
    assert missing == [], f"sitemap URLs with no output file: {missing}"
    assert len(locs) == len(set(locs)), "duplicate <loc> in the sitemap"
    assert base_url in locs, "the home page is missing from the sitemap"


def test_robots_names_the_sitemap(out: Path, base_url: str) -> None:
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in robots.splitlines()]
    assert f"Sitemap: {base_url}sitemap.xml" in lines, robots


def test_catalog_csv_has_bom_and_header(out: Path) -> None:
    raw = (out / "data" / "catalog.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"no UTF-8 BOM: {raw[:12]!r}"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header = rows[0]
    assert header[:2] == ["索引号", "标题"], header
    assert all(len(r) == len(header) for r in rows[1:]), "rows differ in length from the header"
    records = json.loads((out / "data" / "catalog.json").read_text(encoding="utf-8"))["records"]
    assert sorted(r[0] for r in rows[1:]) == sorted(r["index_no"] for r in records)


def _catalog_page_index_numbers(out: Path, base_url: str) -> list[str]:
    numbers: list[str] = []
    path: Path | None = out / "catalog" / "index.html"
    seen: set[Path] = set()
    while path is not None and path not in seen:
        seen.add(path)
        tree = html.fromstring(path.read_bytes())
        numbers += [
            td.text_content().strip()
            for td in tree.xpath("//table[contains(@class,'catalog')]/tbody/tr/td[1]")
        ]
        nxt = tree.xpath("//a[@rel='next']/@href")
        path = _local_file(out, base_url, urljoin(base_url, nxt[0])) if nxt else None
    return numbers


def test_catalog_json_matches_catalog_page(out: Path, base_url: str) -> None:
    data = json.loads((out / "data" / "catalog.json").read_text(encoding="utf-8"))
    from_json = [r["index_no"] for r in data["records"]]
    assert len(from_json) == len(set(from_json)), "duplicate index numbers in catalog.json"
    from_page = _catalog_page_index_numbers(out, base_url)
    assert from_page, "no index numbers found on catalog/index.html"
    assert sorted(from_json) == sorted(from_page), (
        f"only in JSON: {sorted(set(from_json) - set(from_page))}; "
        f"only on the page: {sorted(set(from_page) - set(from_json))}"
    )


def test_an_empty_feed_is_dated_by_the_newest_record_not_the_build(out: Path) -> None:
    """A feed with no entry would otherwise change on every day's build."""
    def updated(path: Path) -> tuple[str | None, int]:
        root = etree.parse(str(path), PARSER).getroot()
        return root.findtext(f"{ATOM}updated"), len(root.findall(f"{ATOM}entry"))

    newest, _ = updated(out / "feed.xml")
    empty = [p for p in sorted(out.rglob("feed.xml")) if updated(p)[1] == 0]
    assert empty, "the sample has organisations with nothing public"
    assert {updated(p)[0] for p in empty} == {newest}  # not the build's time, 10:00
