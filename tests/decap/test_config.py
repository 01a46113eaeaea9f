"""The generated Decap CMS config: collections, every schema field, widgets, select options."""

from __future__ import annotations

import subprocess
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from sunshine.config import SiteConfig, load_config
from sunshine.decap import (
    COLLECTION_ORDER,
    LEFT_OUT,
    DecapError,
    admin_outputs,
    decap_assets,
    decap_config,
    robots_with_admin,
)
from sunshine.kinds import KINDS
from sunshine.kinds.notice import NoticeType
from sunshine.problems import Problems
from sunshine.schemas import kind_schema

ROOT = Path(__file__).resolve().parents[2]
LABELS = {"notice": "公示公告", "plan": "工作计划", "rating": "考评排名", "page": "栏目页面"}


def _config(root: Path = ROOT) -> SiteConfig:
    problems = Problems()
    config = load_config(root, problems)
    assert config is not None, problems.report()
    return config


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    loaded = yaml.safe_load(decap_config(ROOT, _config()))
    assert isinstance(loaded, dict)
    return loaded


def _collection(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in doc["collections"] if c["name"] == kind)


def _field(fields: list[dict[str, Any]], path: str) -> dict[str, Any]:
    """``people.branch`` -> the branch field inside the people list."""
    head, _, rest = path.partition(".")
    found = next(f for f in fields if f["name"] == head)
    return _field(found["fields"], rest) if rest else found


def _values(field: dict[str, Any]) -> list[Any]:
    return [o["value"] if isinstance(o, dict) else o for o in field["options"]]


def test_site_settings(doc: dict[str, Any]) -> None:
    assert doc["locale"] == "zh_Hans"
    assert doc["publish_mode"] == "editorial_workflow"
    assert doc["backend"] == {"name": "git-gateway", "branch": "main"}
    assert doc["local_backend"] is True
    assert doc["media_folder"] == "static/uploads"
    assert doc["public_folder"] == "/qingxi/static/uploads"


def test_text_is_deterministic_and_explains_the_backend() -> None:
    config = _config()
    first = decap_config(ROOT, config)
    assert first == decap_config(ROOT, config)
    assert "github" in first and "gitlab" in first and "gitea" in first
    assert "&id" not in first  # no YAML anchors: every option list written out


def test_four_folder_collections(doc: dict[str, Any]) -> None:
    assert [c["name"] for c in doc["collections"]] == list(COLLECTION_ORDER)
    for kind in COLLECTION_ORDER:
        c = _collection(doc, kind)
        assert c["label"] == LABELS[kind] == KINDS[kind].LABEL
        assert c["folder"] == f"content/{KINDS[kind].FOLDER}"
        assert c["create"] is True and c["slug"]
        if kind == "rating":  # the sample's ratings are whole-YAML records
            assert (c["extension"], c["format"]) == ("yaml", "yaml")
        else:
            assert (c["extension"], c["format"]) == ("md", "frontmatter")


def _check_fields(fields: list[dict[str, Any]], node: dict[str, Any], defs: dict[str, Any], where: str) -> None:
    """Every property of ``node`` (and of the objects it holds) has a Decap field."""
    names = [f["name"] for f in fields]
    for name, prop in node["properties"].items():
        if name in LEFT_OUT and where == "":
            assert name not in names
            continue
        assert name in names, f"{where}{name} is missing"
        field = fields[names.index(name)]
        assert field["label"] and not field["label"].isascii(), f"{where}{name}: label {field['label']!r}"
        variants = [v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]
        target = variants[0].get("items", variants[0]) if variants[0].get("type") == "array" else variants[0]
        ref = target.get("$ref")
        if ref:
            _check_fields(field["fields"], defs[ref.rsplit("/", 1)[1]], defs, f"{where}{name}.")


@pytest.mark.parametrize("kind", COLLECTION_ORDER)
def test_every_schema_field_appears(doc: dict[str, Any], kind: str) -> None:
    schema = kind_schema(kind)
    fields = _collection(doc, kind)["fields"]
    _check_fields(fields, schema, schema.get("$defs", {}), "")
    assert fields[-1]["name"] == "body" and fields[-1]["widget"] == "markdown"


@pytest.mark.parametrize("kind", COLLECTION_ORDER)
def test_required_follows_the_schema(doc: dict[str, Any], kind: str) -> None:
    schema = kind_schema(kind)
    required = set(schema["required"]) | ({"category"} if kind != "page" else set())
    for field in _collection(doc, kind)["fields"]:
        assert ("required" not in field) == (field["name"] in required), field["name"]


def test_widgets_match_field_types(doc: dict[str, Any]) -> None:
    notice = _collection(doc, "notice")["fields"]
    assert _field(notice, "date")["widget"] == "datetime"
    assert _field(notice, "date")["format"] == "YYYY-MM-DD"
    assert _field(notice, "date")["time_format"] is False
    assert _field(notice, "publish_at")["time_format"] == "HH:mm"
    assert _field(notice, "period.start")["format"] == "YYYY-MM-DD"
    assert "required" not in _field(notice, "period.start")  # period is always there
    assert _field(notice, "period.working_days") | {"required": False} == _field(notice, "period.working_days")
    assert _field(notice, "period.working_days")["value_type"] == "int"
    assert _field(notice, "total")["value_type"] == "float"  # Decimal
    assert _field(notice, "amounts.amount")["value_type"] == "float"
    assert _field(notice, "approval.secrecy_review")["widget"] == "boolean"
    assert _field(notice, "people")["widget"] == "list"
    assert _field(notice, "people.introducers")["widget"] == "list"
    assert _field(notice, "summary")["widget"] == "text"
    assert _field(notice, "index_no")["pattern"][0] == r"^[A-Z]{2,6}-\d{4}-\d{4}$"
    assert _field(notice, "election")["widget"] == "object"
    plan = _collection(doc, "plan")["fields"]
    assert _field(plan, "tasks")["widget"] == "list"
    assert _field(plan, "tasks")["default"] == []  # no half-filled first task in a new record
    assert _field(plan, "tasks.no")["value_type"] == "int"
    assert _field(plan, "tasks.status")["default"] == "planned"
    rating = _collection(doc, "rating")["fields"]
    assert _field(rating, "criteria")["min"] == 1
    assert _field(rating, "criteria.max")["value_type"] == "float"
    scores = _field(rating, "subjects.scores")
    assert scores["widget"] == "object"
    assert {"organization", "study", "service", "conduct", "openness"} <= {f["name"] for f in scores["fields"]}
    assert all(f["widget"] == "number" and f["required"] is False for f in scores["fields"])
    assert _field(_collection(doc, "page")["fields"], "nav")["value_type"] == "int"


def test_enum_selects(doc: dict[str, Any]) -> None:
    notice = _collection(doc, "notice")["fields"]
    scope = _field(notice, "scope")
    assert scope["widget"] == "select" and "default" not in scope and "required" not in scope
    assert scope["options"] == [
        {"label": "向社会公开（public）", "value": "public"},
        {"label": "党内公开（party）", "value": "party"},
        {"label": "限定范围公开（restricted）", "value": "restricted"},
    ]
    assert _values(_field(notice, "type")) == list(typing.get_args(NoticeType))
    assert _field(notice, "status")["default"] == "active"
    assert _field(notice, "people.gender")["options"] == ["男", "女"]
    tasks = _field(_collection(doc, "plan")["fields"], "tasks.status")
    assert {"label": "推进中（in_progress）", "value": "in_progress"} in tasks["options"]
    assert _values(_field(_collection(doc, "rating")["fields"], "method")) == ["每季互评", "年底考评", "领导点评"]


def test_id_selects_come_from_config_yaml(doc: dict[str, Any]) -> None:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    orgs = [o["id"] for o in raw["orgs"]]
    expected = {
        "org": orgs,
        "category": [c["id"] for c in raw["categories"]],
        "catalog": [c["id"] for c in raw["catalog"]],
    }
    for kind in COLLECTION_ORDER:
        fields = _collection(doc, kind)["fields"]
        for name, ids in expected.items():
            assert _values(_field(fields, name)) == ids, (kind, name)
    notice = _collection(doc, "notice")["fields"]
    assert _values(_field(notice, "contact")) == [c["id"] for c in raw["contacts"]]
    assert _values(_field(notice, "people.branch")) == orgs
    assert _values(_field(_collection(doc, "rating")["fields"], "subjects.org")) == orgs
    org = _field(notice, "org")
    assert {"label": "镇党委", "value": "town"} in org["options"]


def test_left_out_fields_are_listed_with_a_reason() -> None:
    assert set(LEFT_OUT) == {"attachments"}
    assert all(reason and not reason.isascii() for reason in LEFT_OUT.values())


def test_backend_from_admin_yaml_and_argument(tmp_path: Path) -> None:
    site = _copy_site(tmp_path / "site")
    config = _config(site)
    (site / "admin.yaml").write_text(
        "backend:\n  name: gitea\n  repo: qingxi/dangwu\n  branch: main\n"
        "  base_url: https://git.example.cn\n  api_root: https://git.example.cn/api/v1\n",
        encoding="utf-8",
    )
    doc = yaml.safe_load(decap_config(site, config))
    assert doc["backend"]["name"] == "gitea" and doc["backend"]["repo"] == "qingxi/dangwu"
    assert doc["publish_mode"] == "simple"  # Decap's gitea backend refuses the editorial workflow
    doc = yaml.safe_load(decap_config(site, config, {"name": "github", "repo": "a/b"}, local_backend={"url": "http://127.0.0.1:9/api/v1"}))
    assert doc["backend"] == {"name": "github", "repo": "a/b"}
    assert doc["publish_mode"] == "editorial_workflow"
    assert doc["local_backend"] == {"url": "http://127.0.0.1:9/api/v1"}
    (site / "admin.yaml").write_text("backend: {name: svn}\n", encoding="utf-8")
    with pytest.raises(DecapError, match="svn"):
        decap_config(site, config)
    (site / "admin.yaml").write_text("backend: github\n", encoding="utf-8")
    with pytest.raises(DecapError, match=r"admin\.yaml"):
        decap_config(site, config)


def test_site_in_a_subfolder_of_its_repository(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    site = _copy_site(tmp_path / "sites" / "qingxi")
    doc = yaml.safe_load(decap_config(site, _config(site)))
    assert _collection(doc, "notice")["folder"] == "sites/qingxi/content/notices"
    assert doc["media_folder"] == "sites/qingxi/static/uploads"


def test_assets_come_from_the_npm_package() -> None:
    files = decap_assets(ROOT)
    script = ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js"
    assert files["admin/decap-cms.js"] == script.read_bytes()
    assert any(name.endswith(".decap-cms.js") for name in files)  # chunks loaded on demand
    assert not any(name.endswith(".map") for name in files)
    page = files["admin/index.html"].decode("utf-8")
    assert '<html lang="zh-CN">' in page
    assert '<script src="./decap-cms.js"></script>' in page
    assert "http-equiv" not in page  # no CSP meta: Decap needs inline styles and eval
    assert 'name="robots" content="noindex' in page
    assert "https://" not in page and "http://" not in page


def test_missing_package_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DecapError, match="npm ci --ignore-scripts"):
        decap_assets(tmp_path)


def test_admin_outputs_and_robots() -> None:
    config = _config()
    robots = "User-agent: *\nAllow: /\n\nSitemap: https://dangwu.example.cn/qingxi/sitemap.xml\n"
    files = admin_outputs(ROOT, config, {"robots.txt": robots.encode()})
    assert {"admin/index.html", "admin/config.yml", "admin/decap-cms.js", "robots.txt"} <= set(files)
    assert "Disallow: /qingxi/admin/" in files["robots.txt"].decode()
    assert "sitemap.xml" not in files
    assert robots_with_admin("User-agent: *\nDisallow: /\n", "/qingxi/") == "User-agent: *\nDisallow: /\n"
    twice = robots_with_admin(robots_with_admin(robots, "/q/"), "/q/")
    assert twice.count("Disallow: /q/admin/") == 1


def _copy_site(target: Path) -> Path:
    import shutil

    target.mkdir(parents=True)
    shutil.copy(ROOT / "config.yaml", target / "config.yaml")
    shutil.copytree(ROOT / "content", target / "content")
    return target
