"""``python build.py schemas``: JSON Schemas of the record kinds, for editors.

Each kind's pydantic ``Fields`` model becomes ``schemas/<kind>.schema.json``
(``model_json_schema()``; every property's Chinese ``description`` also becomes
its ``title``, so an editor's hover and completion speak Chinese), and
``.vscode/settings.json`` gets a ``yaml.schemas`` entry mapping
``content/<folder>/*.yaml``, ``*.yml``, ``*.md`` and ``*/index.md`` to it.

Limits: the YAML language server checks whole ``.yaml`` records only; it does not
read the front matter of ``.md`` files (they are Markdown to the editor), so the
``*.md`` globs are there for tools that do. The schemas check shapes, not the rules
across fields and records (ids in config.yaml, periods, totals): the build does.
The schemas use draft-07, the newest draft the YAML language server supports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .kinds import KINDS

__all__ = ["SCHEMA_DIR", "SchemaError", "kind_schema", "write_schemas"]

SCHEMA_DIR = "schemas"
SETTINGS = ".vscode/settings.json"
DRAFT = "http://json-schema.org/draft-07/schema#"
_SHORT = re.compile(r"[：:，,（(；;]")


class SchemaError(Exception):
    """The editor settings cannot be updated; the message is Chinese."""


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind's records (a ``.yaml`` record may also hold ``body``)."""
    module = KINDS[kind]
    schema: dict[str, Any] = module.Fields.model_json_schema()
    _chinese_titles(schema)
    schema["properties"]["body"] = {
        "type": "string",
        "title": "正文",
        "description": "正文（Markdown）：只用于 .yaml 记录；.md 记录的正文写在第二个 --- 之后",
    }
    schema["title"] = f"{module.LABEL}（{kind}）"
    schema["description"] = f"阳光党务 content/{module.FOLDER}/ 中一条{module.LABEL}记录的字段。跨字段和跨记录的检查由 python build.py check 完成。"
    return {"$schema": DRAFT, **schema}


def write_schemas(root: Path) -> list[Path]:
    """Write every kind's schema and the VS Code mapping; return the files written."""
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    mapping: dict[str, list[str]] = {}
    for kind, module in KINDS.items():
        path = folder / f"{kind}.schema.json"
        _write_json(path, kind_schema(kind))
        written.append(path)
        mapping[f"./{SCHEMA_DIR}/{kind}.schema.json"] = [
            *(f"**/content/{module.FOLDER}/*.{ext}" for ext in ("yaml", "yml", "md")),
            f"**/content/{module.FOLDER}/*/index.md",
        ]
    written.append(_update_settings(root / SETTINGS, mapping))
    return written


def _chinese_titles(node: Any) -> None:
    """Give every property with a Chinese description a short Chinese title."""
    if isinstance(node, dict):
        description = node.get("description")
        if isinstance(description, str) and "title" in node:
            node["title"] = _SHORT.split(description, maxsplit=1)[0].strip() or description
        for value in node.values():
            _chinese_titles(value)
    elif isinstance(node, list):
        for value in node:
            _chinese_titles(value)


def _update_settings(path: Path, mapping: dict[str, list[str]]) -> Path:
    settings: dict[str, Any] = {}
    if path.is_file():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise SchemaError(
                f"{SETTINGS} 不是标准 JSON（可能含注释），未改动。请手工在其中加入 \"yaml.schemas\"：\n"
                + json.dumps({"yaml.schemas": mapping}, ensure_ascii=False, indent=2)
            ) from None
        if not isinstance(loaded, dict):
            raise SchemaError(f"{SETTINGS} 的内容应是一个 JSON 对象")
        settings = loaded
    schemas = settings.get("yaml.schemas")
    merged = dict(schemas) if isinstance(schemas, dict) else {}
    merged.update(mapping)
    settings["yaml.schemas"] = merged
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_json(path, settings)
    return path


def _write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)
