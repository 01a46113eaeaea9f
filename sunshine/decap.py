"""The web editor: a Decap CMS at ``/admin/``, configured from the record schemas.

``decap_config`` turns each kind's pydantic ``Fields`` model (through the same JSON
Schema as ``python build.py schema``, :func:`~sunshine.schemas.kind_schema`) into
Decap's ``config.yml``: one folder collection per kind, a widget per field (text,
Markdown, date, number, switch, select, list, object), Chinese labels and hints
from the field descriptions, and select options for organisations, categories,
contacts and catalog items taken from ``config.yaml``. The interface is zh-Hans
and changes go through Decap's editorial workflow (draft → review → ready), except
on Decap's ``gitea`` backend, which has none (``forgejo`` has it).

``decap_assets`` copies Decap's own files from the npm package in ``node_modules/``
(``npm ci --ignore-scripts``): nothing is loaded from a CDN. ``admin_outputs`` is
what a build adds with ``--admin``: the two plus ``robots.txt`` disallowing
``admin/``. The admin page is ``noindex``, outside the sitemap and without the
site's Content-Security-Policy (Decap needs inline styles and ``eval``).

The Git host is read from ``admin.yaml`` in the site root (``backend:`` as in
Decap's docs: github, gitlab, gitea, forgejo, git-gateway …); without it the
backend is ``git-gateway`` on ``main``. ``local_backend: true`` lets a local
``npx decap-server`` serve the files when the editor runs on 127.0.0.1.

Decap checks shapes only (required fields, patterns, numbers); the build checks
everything again, as it does for files edited by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .config import SiteConfig
from .kinds import KINDS
from .schemas import kind_schema

__all__ = [
    "ADMIN_FILE",
    "COLLECTION_ORDER",
    "LEFT_OUT",
    "DecapError",
    "admin_outputs",
    "decap_assets",
    "decap_config",
    "load_backend",
    "robots_with_admin",
]

ADMIN_DIR = "admin"
ADMIN_FILE = "admin.yaml"
PACKAGE_DIST = Path("node_modules/decap-cms/dist")
REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = REPO_ROOT / "templates" / "admin.html"
MEDIA_FOLDER = "static/uploads"
DEFAULT_BACKEND: dict[str, Any] = {"name": "git-gateway", "branch": "main"}
#: Decap backends without the editorial workflow (Decap refuses to start with it).
NO_WORKFLOW = frozenset({"gitea"})
BACKENDS = ("github", "gitlab", "gitea", "forgejo", "bitbucket", "azure", "git-gateway", "proxy")

COLLECTION_ORDER = ("notice", "plan", "rating", "page")
#: Fields deliberately not shown in the editor, with the reason. Their values in
#: existing files are kept when a record is saved (Decap keeps unknown keys).
LEFT_OUT: dict[str, str] = {
    "attachments": "附件须与 NAME/index.md 放在同一文件夹，网页编辑器只列出单个文件的记录，无法放置附件",
}
#: Common fields shown first, before the kind's own fields; the other common ones follow them.
HEAD = ("title", "org", "date", "scope", "category", "catalog", "index_no", "doc_no", "summary")
#: Multi-line plain text (``body`` is Markdown).
LONG_TEXT = frozenset({"summary", "comment", "withdrawn_reason", "action"})
#: Date-or-datetime fields edited as a moment; the others of that type as a day.
MOMENTS = frozenset({"publish_at"})
#: Optional in the schema, but required by the kind's own check.
KIND_REQUIRED: dict[str, frozenset[str]] = {
    "plan": frozenset({"category"}),
    "rating": frozenset({"category"}),
    "notice": frozenset({"category"}),
}
#: Labels the descriptions do not give well (``公示期`` is both the period and its length).
LABELS = {"id": "编号", "body": "正文", "working_days": "工作日天数", "objections": "意见处理情况", "branch": "所在党支部"}
HINTS = {
    "body": "Markdown 格式；用“## 一、……”“### （一）……”作小标题",
    "id": "小写字母、数字和连字符，如 organization；各组织的得分按此编号填写",
    "scores": "按本记录“考评项目”的编号填写。这里列出已有考评用过的项目；用了新的项目编号，"
    "须重新生成网站（python build.py --admin）后才会出现在这里",
}
DATE = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False, "picker_utc": False}
MOMENT = {"widget": "datetime", "format": "YYYY-MM-DDTHH:mm:ssZ", "date_format": "YYYY-MM-DD", "time_format": "HH:mm", "picker_utc": False}
_SHORT = re.compile(r"[：:，,（(；;]")
_HEADER = """\
# 网页编辑器（Decap CMS）的设置：由 sunshine/decap.py 按记录字段生成，请勿手工修改。
# 重新生成：python build.py --admin（字段、组织、分类、联系方式、公开目录变了都会自动更新）。
#
# backend 是单位的 Git 托管平台，写在网站根目录的 admin.yaml 中，例如：
#   backend: {name: github, repo: 单位/仓库, branch: main}
#   backend: {name: gitlab, repo: 单位/仓库, branch: main, auth_type: pkce, app_id: 应用ID}
#   backend: {name: forgejo, repo: 单位/仓库, branch: main, api_root: https://git.单位.cn/api/v1, app_id: 应用ID}
#   backend: {name: gitea, repo: 单位/仓库, branch: cms-drafts, base_url: https://git.单位.cn, api_root: https://git.单位.cn/api/v1, app_id: 应用ID}
#   （Decap 的 gitea 后端不支持审核流程，publish_mode 自动改为 simple：请让它提交到单独的分支，由审核人合并到 main）
# 没有 admin.yaml 时用 git-gateway。local_backend: true 表示在本机（127.0.0.1）打开时
# 改用 npx decap-server 直接读写本机文件，见 docs/网页编辑.md。
"""


class _Dumper(yaml.SafeDumper):
    """Plain YAML: every option list written out, no ``&id001`` anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class DecapError(Exception):
    """The editor cannot be made; the message is Chinese and says what to do."""


def decap_config(
    site_root: Path,
    config: SiteConfig,
    backend: Mapping[str, Any] | None = None,
    *,
    local_backend: bool | Mapping[str, Any] = True,
) -> str:
    """Decap's ``config.yml`` for the site at ``site_root`` (deterministic YAML).

    ``backend`` defaults to ``admin.yaml``'s, else git-gateway on main;
    ``local_backend`` is Decap's setting (``True``, or ``{url: …}`` for another port).
    """
    chosen = dict(backend) if backend is not None else load_backend(site_root) or dict(DEFAULT_BACKEND)
    prefix = _repo_prefix(site_root)
    doc: dict[str, Any] = {
        "backend": chosen,
        "local_backend": local_backend if isinstance(local_backend, bool) else dict(local_backend),
        "locale": "zh_Hans",
        "publish_mode": "simple" if chosen.get("name") in NO_WORKFLOW else "editorial_workflow",
        "media_folder": prefix + MEDIA_FOLDER,
        "public_folder": config.path_prefix + MEDIA_FOLDER,
    }
    if config.absolute_base:
        doc["site_url"] = config.absolute_base
        doc["display_url"] = config.absolute_base
    doc["slug"] = {"encoding": "unicode", "clean_accents": False}
    options = _Options(config, _known_criteria(site_root))
    doc["collections"] = [_collection(kind, prefix, options) for kind in COLLECTION_ORDER]
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return _HEADER + body


def load_backend(site_root: Path) -> dict[str, Any] | None:
    """The ``backend:`` of ``admin.yaml`` in the site root, or None when there is no such file."""
    path = site_root / ADMIN_FILE
    if not path.is_file():
        return None
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DecapError(f"{ADMIN_FILE} 不是正确的 YAML：{exc}") from None
    backend = doc.get("backend") if isinstance(doc, dict) else None
    if not isinstance(backend, dict) or not isinstance(backend.get("name"), str):
        raise DecapError(f"{ADMIN_FILE} 应写成 backend: {{name: github, repo: 单位/仓库, branch: main}}")
    if backend["name"] not in BACKENDS:
        raise DecapError(f"{ADMIN_FILE} 的 backend.name“{backend['name']}”未知，可选：{'、'.join(BACKENDS)}")
    return {str(k): v for k, v in backend.items()}


def decap_assets(repo_root: Path = REPO_ROOT) -> dict[str, bytes]:
    """``admin/index.html`` and Decap's script (with its lazily loaded chunks) from node_modules."""
    dist = repo_root / PACKAGE_DIST
    main = dist / "decap-cms.js"
    if not main.is_file():
        raise DecapError(
            f"找不到 {main}：网页编辑器的程序来自 npm 包 decap-cms。"
            f"请在 {repo_root} 运行 npm ci --ignore-scripts 后重试"
        )
    out = {f"{ADMIN_DIR}/decap-cms.js": main.read_bytes()}
    chunks = [*dist.glob("*.decap-cms.js"), *dist.glob("*.wasm"), dist / "decap-cms.js.LICENSE.txt"]
    for path in sorted(chunks):
        if path.is_file():
            out[f"{ADMIN_DIR}/{path.name}"] = path.read_bytes()
    out[f"{ADMIN_DIR}/index.html"] = TEMPLATE.read_bytes()
    return dict(sorted(out.items()))


def robots_with_admin(robots: str, path_prefix: str) -> str:
    """``robots.txt`` that also keeps crawlers out of ``admin/`` (already the case with ``Disallow: /``)."""
    rule = f"Disallow: {path_prefix}{ADMIN_DIR}/"
    lines = robots.splitlines()
    if "Disallow: /" in lines or rule in lines:
        return robots
    at = next((i + 1 for i, line in enumerate(lines) if line.lower().startswith("user-agent:")), 0)
    lines.insert(at, rule)
    return "\n".join(lines) + "\n"


def admin_outputs(
    site_root: Path,
    config: SiteConfig,
    files: Mapping[str, bytes],
    backend: Mapping[str, Any] | None = None,
    repo_root: Path = REPO_ROOT,
) -> dict[str, bytes]:
    """The files a build adds (or replaces) for ``--admin``: ``admin/*`` and ``robots.txt``."""
    out = decap_assets(repo_root)
    out[f"{ADMIN_DIR}/config.yml"] = decap_config(site_root, config, backend).encode("utf-8")
    robots = files.get("robots.txt")
    if robots is not None:
        out["robots.txt"] = robots_with_admin(robots.decode("utf-8"), config.path_prefix).encode("utf-8")
    return out


# --- collections and fields -------------------------------------------------


class _Options:
    """Select options from config.yaml and the rating criteria found in content/."""

    def __init__(self, config: SiteConfig, criteria: list[tuple[str, str]]):
        self.by_field: dict[str, list[dict[str, str]]] = {
            "org": [{"label": o.label, "value": o.id} for o in config.orgs],
            "category": [{"label": c.name, "value": c.id} for c in config.categories],
            "contact": [{"label": c.name, "value": c.id} for c in config.contacts],
            "catalog": [{"label": c.name, "value": c.id} for c in config.catalog],
        }
        self.by_field["branch"] = self.by_field["org"]
        self.criteria = criteria


def _collection(kind: str, prefix: str, options: _Options) -> dict[str, Any]:
    module = KINDS[kind]
    schema = kind_schema(kind)
    yaml_records = kind == "rating"
    collection: dict[str, Any] = {
        "name": kind,
        "label": module.LABEL,
        "label_singular": module.LABEL,
        "description": (
            f"content/{module.FOLDER}/ 中的{module.LABEL}。网页编辑器只检查必填项和格式；"
            "组织、日期、索引号等规则在生成网站时再次检查。"
        ),
        "folder": f"{prefix}content/{module.FOLDER}",
        "extension": "yaml" if yaml_records else "md",
        "format": "yaml" if yaml_records else "frontmatter",
        "create": True,
        "slug": "{{year}}-{{month}}-{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}",
        "sortable_fields": [{"field": "date", "default_sort": "desc"}, "title", "index_no"],
        "view_filters": [
            {"label": "向社会公开", "field": "scope", "pattern": "^public$"},
            {"label": "党内公开", "field": "scope", "pattern": "^party$"},
            {"label": "限定范围公开", "field": "scope", "pattern": "^restricted$"},
        ],
        "fields": _fields(kind, schema, options),
    }
    return collection


def _fields(kind: str, schema: dict[str, Any], options: _Options) -> list[dict[str, Any]]:
    properties: dict[str, Any] = schema["properties"]
    common = list(KINDS["page"].Fields.model_fields)  # the page kind adds only nav
    own = [name for name in properties if name not in common and name not in ("nav", "body")]
    if kind == "page":
        own = ["nav"]
    order = [n for n in HEAD if n in properties] + own
    order += [n for n in properties if n not in order and n != "body"] + ["body"]
    required = set(schema.get("required", [])) | KIND_REQUIRED.get(kind, frozenset())
    context = _Context(schema.get("$defs", {}), options)
    return [
        context.field(name, properties[name], name in required, top=True)
        for name in order
        if name not in LEFT_OUT
    ]


class _Context:
    def __init__(self, defs: dict[str, Any], options: _Options):
        self.defs = defs
        self.options = options

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if isinstance(ref, str):
            return dict(self.defs[ref.rsplit("/", 1)[1]])
        return node

    def field(self, name: str, prop: dict[str, Any], required: bool, top: bool = False) -> dict[str, Any]:
        """One Decap field for the JSON Schema property ``prop``."""
        description = str(prop.get("description", ""))
        variants = [self.resolve(v) for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]
        widget = self.widget(name, prop, variants, top)
        label = _label(name, prop, variants)
        if widget["widget"] == "select" and name in self.options.by_field:
            label = label.removesuffix("编号")  # the options show names, not ids
        out: dict[str, Any] = {"name": name, "label": label, **widget}
        if name in HINTS and (name != "body" or top):
            description = HINTS[name]
        if description and description != label:
            out["hint"] = description
        if not required:
            out["required"] = False
        default = prop.get("default")
        if default not in (None, "", [], {}) and out["widget"] not in ("list", "object"):
            out["default"] = default
        if out["widget"] == "list" and not required:
            out["default"] = []  # else Decap starts a new record with one half-filled item
        return out

    def widget(self, name: str, prop: dict[str, Any], variants: list[dict[str, Any]], top: bool) -> dict[str, Any]:
        formats = {v.get("format") for v in variants}
        types = {v.get("type") for v in variants}
        enum = next((v["enum"] for v in variants if "enum" in v), None)
        if name == "body" and top:
            return {"widget": "markdown"}
        if name in self.options.by_field and types == {"string"}:
            return {"widget": "select", "options": self.options.by_field[name]}
        if enum is not None:
            return {"widget": "select", "options": _enum_options(enum, str(prop.get("description", "")))}
        if "date-time" in formats and name in MOMENTS:
            return dict(MOMENT)
        if formats & {"date", "date-time"}:
            return dict(DATE)
        if types == {"boolean"}:
            return {"widget": "boolean"}
        if types == {"integer"}:
            return {"widget": "number", "value_type": "int", **_limits(variants[0])}
        if "number" in types:  # float, or Decimal (number or string in JSON Schema)
            return {"widget": "number", "value_type": "float", **_limits(variants[0])}
        if types == {"array"}:
            return self.list_widget(variants[0])
        if types == {"object"}:
            return self.object_widget(name, variants[0])
        out: dict[str, Any] = {"widget": "text" if name in LONG_TEXT else "string"}
        patterned = next((v for v in variants if "pattern" in v), None)
        if patterned:
            rule = str(patterned.get("description") or prop.get("description", ""))
            out["pattern"] = [patterned["pattern"], f"格式不对：{rule.split('：', 1)[-1]}"]
        return out

    def list_widget(self, array: dict[str, Any]) -> dict[str, Any]:
        items = self.resolve(array.get("items", {}))
        out: dict[str, Any] = {"widget": "list"}
        if items.get("type") == "object" and "properties" in items:
            sub = items["properties"]
            needed = set(items.get("required", []))
            out["fields"] = [self.field(n, p, n in needed) for n, p in sub.items()]
            shown = next((n for n in ("title", "name", "item") if n in sub), next(iter(sub)))
            out["summary"] = "{{fields." + shown + "}}"
            out["collapsed"] = True
        if "minItems" in array:
            out["min"] = array["minItems"]
        return out

    def object_widget(self, name: str, node: dict[str, Any]) -> dict[str, Any]:
        if "properties" not in node:  # a mapping such as a subject's scores
            return self._scores()
        needed = set(node.get("required", []))
        # An object that may be left out is still shown with its fields; Decap would
        # then refuse to save while any of them is empty, so inside such an object
        # nothing is required here. The build says what is missing once it is filled.
        return {"widget": "object", "collapsed": name not in _REQUIRED_OBJECTS, "fields": [
            self.field(n, p, n in needed and name in _REQUIRED_OBJECTS) for n, p in node["properties"].items()
        ]}

    def _scores(self) -> dict[str, Any]:
        if not self.options.criteria:
            return {"widget": "hidden"}
        return {"widget": "object", "fields": [
            {"name": cid, "label": f"{label}（{cid}）", "widget": "number", "value_type": "float", "required": False}
            for cid, label in self.options.criteria
        ]}


#: Objects every record of the kind has: their own required fields stay required.
_REQUIRED_OBJECTS = frozenset({"period"})


def _label(name: str, prop: dict[str, Any], variants: list[dict[str, Any]]) -> str:
    if name in LABELS:
        return LABELS[name]
    title = prop.get("title")
    description = str(prop.get("description") or next((v.get("description") for v in variants if v.get("description")), name))
    if isinstance(title, str) and title and not title.isascii():
        return title
    return _SHORT.split(description, maxsplit=1)[0].strip() or description


def _enum_options(values: list[Any], description: str) -> list[Any]:
    """Options of a Literal; ``public 向社会公开`` in the description gives the Chinese label."""
    options: list[Any] = []
    for value in values:
        if not str(value).isascii():  # 发展对象公示, 男: the value is its own label
            options.append(value)
            continue
        match = re.search(rf"(?<![A-Za-z_]){re.escape(str(value))}\s+([^\s，,；;）)]+)", description)
        options.append({"label": f"{match.group(1)}（{value}）" if match else str(value), "value": value})
    return options


def _limits(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    low = node.get("minimum", node.get("exclusiveMinimum"))
    high = node.get("maximum", node.get("exclusiveMaximum"))
    if low is not None:
        out["min"] = low
    if high is not None:
        out["max"] = high
    return out


def _known_criteria(site_root: Path) -> list[tuple[str, str]]:
    """Rating criteria (id, name) used in content/ratings/, first use first, for the score fields."""
    folder = site_root / "content" / KINDS["rating"].FOLDER
    seen: dict[str, str] = {}
    paths = sorted(folder.glob("*.y*ml")) + sorted(folder.glob("*.md")) + sorted(folder.glob("*/index.md"))
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
            if path.suffix == ".md":
                text = text.split("\n---", 1)[0].removeprefix("---")
            doc = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # the build reports it
        criteria = doc.get("criteria") if isinstance(doc, dict) else None
        for item in criteria if isinstance(criteria, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                seen.setdefault(item["id"], str(item.get("name") or item["id"]))
    return list(seen.items())


def _repo_prefix(site_root: Path) -> str:
    """The site root's path inside its Git repository (``""`` at the top, or ``sites/qingxi/``)."""
    root = site_root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            rel = root.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""
