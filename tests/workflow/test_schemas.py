"""JSON Schemas for editors: every sample record fits its kind's schema; broken ones do not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sunshine.kinds import KINDS, kind_for_folder
from sunshine.scaffold import new_record
from sunshine.schemas import kind_schema, write_schemas
from sunshine.yamlsrc import decode_text, load_yaml, split_front_matter

from .conftest import REPO, TODAY

SAMPLE_RECORDS = sorted(
    p for p in (REPO / "content").rglob("*")
    if p.suffix in (".md", ".yaml", ".yml") and p.is_file() and not p.name.startswith(".")
)


def as_json(value: Any) -> Any:
    """YAML values as the editor's YAML server sees them: dates are strings."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def record_data(path: Path) -> dict[str, Any]:
    text = decode_text(path.read_bytes()).text
    if path.suffix == ".md":
        yaml_text, _, _ = split_front_matter(text)
        return as_json(load_yaml(yaml_text, first_line=2).data)
    return as_json(load_yaml(text).data)


def kind_of(path: Path) -> str:
    kind = kind_for_folder(path.relative_to(REPO / "content").parts[0])
    assert kind is not None
    return kind


def validator(kind: str) -> jsonschema.Draft7Validator:
    schema = kind_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def errors(kind: str, data: dict[str, Any]) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(data)]


def test_the_sample_has_records_of_every_kind() -> None:
    assert {kind_of(p) for p in SAMPLE_RECORDS} == set(KINDS)


@pytest.mark.parametrize("path", SAMPLE_RECORDS, ids=lambda p: p.relative_to(REPO / "content").as_posix())
def test_sample_record_fits_its_schema(path: Path) -> None:
    assert errors(kind_of(path), record_data(path)) == []


def test_unknown_field_is_rejected() -> None:
    data = record_data(REPO / "content/notices/2020-06-fazhan-duixiang-gongshi.md")
    data["titel"] = "拼错的字段"
    assert any("titel" in e and "Additional properties" in e for e in errors("notice", data))


def test_bad_scope_is_rejected() -> None:
    data = record_data(REPO / "content/plans/2020-dongshan-zhibu-gongzuo-jihua.md")
    data["scope"] = "internal"
    assert errors("plan", data) == ["scope: 'internal' is not one of ['public', 'party', 'restricted']"]


def test_bad_date_is_rejected() -> None:
    data = record_data(REPO / "content/plans/2020-dongshan-zhibu-gongzuo-jihua.md")
    data["date"] = "2020-02-30"
    assert errors("plan", data)


def test_schemas_speak_chinese() -> None:
    schema = kind_schema("notice")
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["properties"]["scope"]["title"] == "公开范围"
    assert "public 向社会公开" in schema["properties"]["scope"]["description"]
    assert schema["properties"]["people"]["title"] == "公示对象"
    assert schema["additionalProperties"] is False


def test_new_records_fit_the_schemas_once_scope_is_chosen(tmp_path: Path) -> None:
    root = tmp_path
    (root / "config.yaml").write_bytes((REPO / "config.yaml").read_bytes())
    for kind in KINDS:
        path = new_record(root, kind, f"新{kind}", "town", today=TODAY)
        data = record_data(path)
        assert any(e.startswith("scope:") for e in errors(kind, data))
        data["scope"] = "public"
        assert errors(kind, data) == []


def test_write_schemas_writes_files_and_merges_vscode_settings(tmp_path: Path) -> None:
    settings = tmp_path / ".vscode/settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"editor.tabSize": 2, "yaml.schemas": {"other.json": ["x.yaml"]}}), encoding="utf-8")
    written = write_schemas(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        ".vscode/settings.json", "schemas/notice.schema.json", "schemas/page.schema.json",
        "schemas/plan.schema.json", "schemas/rating.schema.json",
    ]
    merged = json.loads(settings.read_text(encoding="utf-8"))
    assert merged["editor.tabSize"] == 2
    assert merged["yaml.schemas"]["other.json"] == ["x.yaml"]
    assert "**/content/notices/*.yaml" in merged["yaml.schemas"]["./schemas/notice.schema.json"]
    assert "**/content/notices/*.md" in merged["yaml.schemas"]["./schemas/notice.schema.json"]
    on_disk = json.loads((tmp_path / "schemas/rating.schema.json").read_text(encoding="utf-8"))
    assert on_disk == kind_schema("rating")
    assert write_schemas(tmp_path) == written  # idempotent
