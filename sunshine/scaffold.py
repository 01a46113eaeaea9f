"""``python build.py new``: start a record file with every field it needs.

:func:`new_record` writes ``content/<folder>/<YYYY-MM>-<pinyin of the title>.md``
with today's date, the next free index number of the organisation and year, the
fields the kind (and notice type) requires filled with visible placeholders, and
a Chinese ``#`` comment on every line. ``scope`` is left empty on purpose, so the
file does not build until someone decides who may see it::

    scope:                      # 必填：public 向社会公开 / party 党内公开 / restricted 限定范围公开

Index numbers are never reused, even after a record is deleted: the highest
serial issued per organisation code and year is kept in the tracked file
``content/.index-counter.yaml`` (the loader skips dot-files) and merged with the
highest number found in the existing records.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel

from .config import CatalogItem, SiteConfig, load_config
from .kinds import KINDS
from .kinds import notice as notice_kind
from .kinds.common import SCOPE_LABELS, Approval, CommonFields
from .kinds.notice import Amount, Election, Period, Person
from .kinds.plan import Task
from .kinds.rating.schema import Criterion, Subject
from .kinds.rating.schema import Fields as RatingFields
from .problems import Problems
from .validate import slugify
from .yamlsrc import SourceError, load_yaml

__all__ = ["COUNTER_FILE", "ScaffoldError", "new_record", "next_index_no", "preview_url"]

COUNTER_FILE = "content/.index-counter.yaml"
SLUG_MAX = 60
COMMENT_COLUMN = 34
_INDEX = re.compile(r"^\s*index_no:\s*[\"']?([A-Z]{2,6})-(\d{4})-(\d{4})\b", re.MULTILINE)
_COUNTER_HEADER = (
    "# 已分配过的最大索引号序号（机构代码-年份: 序号），由 python build.py new 自动维护。\n"
    "# 删除记录后，它的索引号也不再分配给别的记录。请随新记录一起提交，不要手工改小。\n"
)
_TODO = "（待填写）"

NOTICE_CATEGORY = {"任前公示": "cadres", "一般公告": "other"}
KIND_CATEGORY = {"plan": "resolutions", "rating": "organization", "notice": "organization"}
DEFAULT_CRITERIA = [
    ("organization", "组织建设", 30, "三会一课、主题党日、党员管理"),
    ("study", "学习教育", 20, "理论学习、党课、党员培训"),
    ("service", "服务群众", 30, "党员先锋岗、结对帮扶、为民办事"),
    ("conduct", "党风廉政", 10, "责任落实、作风纪律"),
    ("openness", "党务公开", 10, "公开目录、公开时效、反馈处理"),
]


class ScaffoldError(Exception):
    """The command cannot make the record (unknown kind, org or type); the message is Chinese."""


# --------------------------------------------------------------------------- public API


def new_record(
    root: Path,
    kind: str,
    title: str,
    org: str,
    notice_type: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write a new record file and return its path (see the module docstring)."""
    cfg = _config(root)
    kind = _check_kind(kind)
    title = title.strip()
    if not title:
        raise ScaffoldError("标题不能为空。例如：python build.py new notice \"关于……的公示\" --org town")
    if org not in cfg.org_ids:
        choices = "、".join(f"{o.id}（{o.label}）" for o in cfg.orgs)
        raise ScaffoldError(f"未知的组织编号“{org}”。可选：{choices}")
    if kind == "notice":
        notice_type = notice_type or "一般公告"
        if notice_type not in notice_kind.TYPE_RULES:
            raise ScaffoldError(f"未知的公示类型“{notice_type}”。可选：{'、'.join(notice_kind.TYPE_RULES)}")
    elif notice_type:
        raise ScaffoldError(f"只有公示公告（notice）才有公示类型；{kind} 不需要 --type")
    if today is None:
        today = dt.datetime.now(ZoneInfo(cfg.site.timezone)).date()
    code = cfg.org(org).code
    serial = next_index_no(root, code, today.year)
    index_no = f"{code}-{today.year}-{serial:04d}"
    text = _record_text(cfg, kind, title, org, notice_type, today, index_no)
    path = _free_path(root / "content" / KINDS[kind].FOLDER, f"{today:%Y-%m}-{_short_slug(title)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    _save_counter(root, code, today.year, serial)
    return path


def preview_url(root: Path, path: Path, host: str = "127.0.0.1", port: int = 8000) -> str:
    """Where ``python build.py serve`` shows the record at ``path``."""
    cfg = _config(root)
    rel = path.resolve().relative_to((root / "content").resolve())
    folder, name = rel.parts[0], rel.parts[1]
    stem = Path(name).stem if len(rel.parts) == 2 else name
    kind = next(k for k, m in KINDS.items() if folder == m.FOLDER)
    slug = slugify(stem)
    site_path = f"{slug}/" if kind == "page" else f"{folder}/{slug}/"
    return f"http://{host}:{port}{cfg.path_prefix}{site_path}"


def next_index_no(root: Path, code: str, year: int) -> int:
    """The next serial for ``code`` and ``year``: above every number issued or in use."""
    highest = _load_counter(root).get(f"{code}-{year}", 0)
    content = root / "content"
    for path in content.rglob("*") if content.is_dir() else ():
        if path.suffix not in (".md", ".yaml", ".yml") or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for found_code, found_year, serial in _INDEX.findall(text):
            if found_code == code and int(found_year) == year:
                highest = max(highest, int(serial))
    if highest >= 9999:
        raise ScaffoldError(f"{code} 在 {year} 年的索引号已用到 9999，无法再分配")
    return highest + 1


# --------------------------------------------------------------------------- checks and files


def _config(root: Path) -> SiteConfig:
    problems = Problems()
    cfg = load_config(root, problems)
    if cfg is None:
        raise ScaffoldError("config.yaml 有错误，请先修改：\n" + problems.report())
    return cfg


def _check_kind(kind: str) -> str:
    for name, module in KINDS.items():
        if kind in (name, module.FOLDER, module.LABEL):
            return name
    choices = "、".join(f"{name}（{module.LABEL}）" for name, module in KINDS.items())
    raise ScaffoldError(f"未知的记录类型“{kind}”。可选：{choices}")


def _short_slug(title: str) -> str:
    slug = slugify(title)
    if len(slug) > SLUG_MAX:
        cut = slug.rfind("-", 0, SLUG_MAX + 1)
        slug = slug[: cut if cut > 0 else SLUG_MAX].strip("-")
    return slug


def _free_path(folder: Path, stem: str) -> Path:
    candidate = folder / f"{stem}.md"
    n = 1
    while any(p.exists() for p in (candidate, candidate.with_suffix(".yaml"), candidate.with_suffix(""))):
        n += 1
        candidate = folder / f"{stem}-{n}.md"
    return candidate


def _load_counter(root: Path) -> dict[str, int]:
    path = root / COUNTER_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"{COUNTER_FILE} 无法读取（{exc}）；请从版本库恢复这个文件") from None
    if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
        raise ScaffoldError(f"{COUNTER_FILE} 格式不对（应为“代码-年份: 序号”）；请从版本库恢复这个文件")
    return {str(k): int(v) for k, v in data.items()}


def _save_counter(root: Path, code: str, year: int, serial: int) -> None:
    counter = _load_counter(root)
    key = f"{code}-{year}"
    counter[key] = max(counter.get(key, 0), serial)
    lines = "".join(f"{k}: {v}\n" for k, v in sorted(counter.items()))
    path = root / COUNTER_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(_COUNTER_HEADER + lines, encoding="utf-8", newline="\n")
    tmp.replace(path)


# --------------------------------------------------------------------------- the file text


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _scalar(value: Any) -> str:
    """A YAML scalar that reads back as ``value`` under Sunshine's YAML rules."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    text = str(value)
    try:
        plain = load_yaml(f"k: {text}\n").data.get("k") == text and "#" not in text
    except SourceError:
        plain = False
    return text if plain and text else json.dumps(text, ensure_ascii=False)


def _doc(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    text = info.description or name
    return f"必填：{text}" if info.is_required() else text


class _Lines:
    """YAML lines with a comment on each, aligned by display width."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, indent: int, key: str, value: Any = None, comment: str = "", *, raw: str | None = None, item: bool = False) -> None:
        lead = " " * indent + ("- " if item else "")
        shown = raw if raw is not None else _scalar(value)
        text = f"{lead}{key}:" + (f" {shown}" if shown else "")
        if comment:
            pad = max(COMMENT_COLUMN - _width(text), 2)
            text += " " * pad + "# " + comment
        self.lines.append(text.rstrip())

    def note(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + "# " + text)


def _record_text(cfg: SiteConfig, kind: str, title: str, org: str, notice_type: str | None, today: dt.date, index_no: str) -> str:
    out = _Lines()
    _common(out, cfg, kind, title, org, notice_type, today, index_no)
    if kind == "notice":
        assert notice_type is not None
        _notice(out, cfg, notice_type, today)
        body = _NOTICE_BODIES[notice_type]
    elif kind == "plan":
        _plan(out, today)
        body = _PLAN_BODY
    elif kind == "rating":
        _rating(out, cfg, org, today)
        body = _RATING_BODY
    else:
        out.add(0, "# nav", raw="10", comment="可选：在顶部菜单中的顺序；去掉开头的“# ”才生效")
        body = _PAGE_BODY
    return "---\n" + "\n".join(out.lines) + "\n---\n\n" + body


def _common(out: _Lines, cfg: SiteConfig, kind: str, title: str, org: str, notice_type: str | None, today: dt.date, index_no: str) -> None:
    org_obj = cfg.org(org)
    out.add(0, "title", title, "必填：标题")
    out.add(0, "org", org, f"必填：发布机构（{org_obj.name}），config.yaml 中的组织编号")
    out.add(0, "date", today, "必填：发布日期，写成 2020-06-01；不带时区按北京时间")
    out.add(0, "scope", None, "必填：public 向社会公开 / party 党内公开 / restricted 限定范围公开")
    categories = cfg.category_names
    category_help = "、".join(f"{cid} {name}" for cid, name in categories.items())
    if kind == "page":
        out.add(0, "# category", raw="other", comment=f"可选：主题分类（{category_help}）")
    else:
        items = _catalog_items(cfg, kind, notice_type, org)
        wanted = items[0].category if items else NOTICE_CATEGORY.get(notice_type or "", KIND_CATEGORY[kind])
        category = wanted if wanted in categories else next(iter(categories))
        out.add(0, "category", category, f"必填：主题分类，可选 {category_help}")
        if items:
            first = items[0]
            audience = "" if first.audience == "public" else f"；此事项只能{SCOPE_LABELS[first.audience]}，scope 应写 {first.audience}"
            others = "、".join(f"{i.id} {i.name}" for i in items)
            out.add(0, "catalog", first.id, f"公开目录事项（{first.name}）{audience}；可选 {others}")
            if first.cadence == "on_event":
                out.add(0, "event_on", today, _doc(CommonFields, "event_on") + "；请改为实际日期")
        elif cfg.catalog:
            out.add(0, "# catalog", raw=cfg.catalog[0].id, comment="公开目录事项：config.yaml 中 catalog 的编号")
    out.add(0, "index_no", index_no, "索引号：已自动分配，不要改动，也不要复制给别的记录")
    out.add(0, "doc_no", "", _doc(CommonFields, "doc_no") + "；没有可留空")
    out.add(0, "summary", "", _doc(CommonFields, "summary") + "：一句话，显示在列表和搜索结果中")
    out.add(0, "tags", raw="[]", comment=_doc(CommonFields, "tags") + "，如 [发展党员, 发展对象]")
    parent = cfg.org(org_obj.parent) if org_obj.parent else org_obj
    out.note(0, "审批记录（提出、审核、审批、保密审查）：审批完成后去掉下面 6 行开头的“# ”并按实填写。")
    out.note(0, "向社会公开（scope: public）的记录，secrecy_review 必须为 true。")
    out.add(0, "# approval", comment=_doc(CommonFields, "approval"))
    out.add(0, "#   proposed_by", raw=_scalar(org_obj.label), comment=_doc(Approval, "proposed_by"))
    out.add(0, "#   reviewed_by", raw=_scalar(f"{parent.label}组织委员"), comment=_doc(Approval, "reviewed_by"))
    out.add(0, "#   approved_by", raw=_scalar(parent.label), comment=_doc(Approval, "approved_by"))
    out.add(0, "#   approved_on", raw=str(today), comment=_doc(Approval, "approved_on") + "，不能晚于发布日期")
    out.add(0, "#   secrecy_review", raw="false", comment=_doc(Approval, "secrecy_review") + "：通过后改为 true")


def _catalog_items(cfg: SiteConfig, kind: str, notice_type: str | None, org: str) -> list[CatalogItem]:
    """Catalog items a new record of this kind, type and org may fulfil, best first."""

    def score(item: CatalogItem) -> int:
        fit = 3 if notice_type in item.types else 2 if kind in item.kinds else 1
        return fit + (10 if org in cfg.owers(item) else 0)

    fitting = [
        item for item in cfg.catalog
        if (not item.kinds or kind in item.kinds) and (not item.types or notice_type in item.types)
    ]
    return sorted(fitting, key=score, reverse=True)  # stable: config order breaks ties


def _notice(out: _Lines, cfg: SiteConfig, notice_type: str, today: dt.date) -> None:
    from .kinds.notice import Fields

    rule = notice_kind.TYPE_RULES[notice_type]
    out.add(0, "type", notice_type, "必填：公示类型：" + " / ".join(notice_kind.TYPE_RULES))
    out.add(0, "period", comment=_doc(Fields, "period"))
    out.add(2, "start", today, _doc(Period, "start"))
    days = max(rule.min_working_days, 5)
    minimum = f"，{notice_type}至少 {rule.min_working_days} 个" if rule.min_working_days else ""
    out.add(2, "working_days", days, f"公示期的工作日天数{minimum}；也可删去此行改写 end: 结束日期")
    contacts = cfg.contact_map
    contact = "town-org-office" if "town-org-office" in contacts else next(iter(contacts), _TODO)
    choices = "、".join(contacts) or "请先在 config.yaml 的 contacts 中添加"
    out.add(0, "contact", contact, f"{_doc(Fields, 'contact')}，可选 {choices}")
    if rule.people:
        out.add(0, "people", comment=_doc(Fields, "people") + "：每人一项，以“- name:”开头")
        for line in _person_lines(rule.people, today):
            out.lines.append(line)
    if rule.amounts:
        out.add(0, "amounts", comment=_doc(Fields, "amounts") + "：每项一行，金额单位为元")
        out.add(2, "item", _TODO, _doc(Amount, "item"), item=True)
        out.add(4, "amount", raw="0.00", comment=_doc(Amount, "amount"))
        out.add(0, "total", raw="0.00", comment=_doc(Fields, "total"))
    if rule.election:
        out.add(0, "election", comment=_doc(Fields, "election"))
        out.add(2, "date", today + dt.timedelta(days=10), _doc(Election, "date"))
        out.add(2, "place", _TODO, _doc(Election, "place"))
        out.add(2, "seats", 5, _doc(Election, "seats"))
        out.note(0, "候选人预备人选（可选）：写成 people 列表，人数不少于应选名额。")
    out.note(0, "公示期结束后填写意见处理情况（去掉开头的“# ”）：")
    out.note(0, "objections: {received: 0, resolved: 0, summary: 未收到反映意见}")


def _person_lines(columns: tuple[str, ...], today: dt.date) -> Iterator[str]:
    sub = _Lines()
    values: dict[str, Any] = {
        "gender": "男", "birth": "1990-01", "education": "大学本科", "ethnicity": "汉族",
        "applied": today, "activist": today, "admitted": today,
        "current_post": _TODO, "post": _TODO,
    }
    sub.add(2, "name", _TODO, _doc(Person, "name"), item=True)
    for key in ("gender", "birth", "ethnicity", *columns):
        if any(line.lstrip(" -").startswith(f"{key}:") for line in sub.lines):
            continue
        hint = {"gender": "：男 / 女", "birth": "（只写年月）"}.get(key, "；请改为实际情况")
        needed = "必填：" if key in columns else ""
        sub.add(4, key, values[key], needed + _doc(Person, key) + hint)
    yield from sub.lines


def _plan(out: _Lines, today: dt.date) -> None:
    from .kinds.plan import Fields

    out.add(0, "year", today.year, _doc(Fields, "year"))
    out.add(0, "tasks", comment=_doc(Fields, "tasks") + "：每项一个任务，序号不重复")
    out.add(2, '"no"', 1, _doc(Task, "no"), item=True)
    out.add(4, "title", _TODO, _doc(Task, "title"))
    out.add(4, "owner", _TODO, _doc(Task, "owner") + "（写岗位或单位，不写个人电话）")
    out.add(4, "deadline", dt.date(today.year, 12, 31), _doc(Task, "deadline"))
    out.add(4, "status", "planned", _doc(Task, "status"))


def _rating(out: _Lines, cfg: SiteConfig, org: str, today: dt.date) -> None:
    children = [o for o in cfg.orgs if o.parent == org]
    if not children:
        raise ScaffoldError(f"“{cfg.org(org).label}”没有下级党组织，不能发布考评；考评由上级组织发布，例如 --org {cfg.orgs[0].id}")
    quarter = (today.month - 1) // 3
    period = f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"
    out.add(0, "period", period, "必填：" + (RatingFields.model_fields["period"].description or ""))
    out.add(0, "method", "每季互评", "必填：考评方式：每季互评 / 年底考评 / 领导点评")
    out.add(0, "rounding", 1, _doc(RatingFields, "rounding"))
    out.add(0, "highlight", 3, _doc(RatingFields, "highlight"))
    out.add(0, "criteria", comment=_doc(RatingFields, "criteria") + "：各项满分之和一般为 100")
    for cid, name, top, text in DEFAULT_CRITERIA:
        out.add(2, "id", cid, "项目编号：小写字母", item=True)
        out.add(4, "name", name, _doc(Criterion, "name"))
        out.add(4, "max", top, _doc(Criterion, "max"))
        out.add(4, "description", text, _doc(Criterion, "description"))
    out.add(0, "subjects", comment=_doc(RatingFields, "subjects") + "：得分不超过各项满分")
    zeros = "{" + ", ".join(f"{cid}: 0" for cid, *_ in DEFAULT_CRITERIA) + "}"
    for child in children:
        out.add(2, "org", child.id, f"{_doc(Subject, 'org')}（{child.label}）", item=True)
        out.add(4, "scores", raw=zeros, comment=_doc(Subject, "scores"))
    out.note(0, "对后几名的跟进措施（可选，去掉开头的“# ”）：")
    out.note(0, "followup: {action: 约谈支部书记并限期整改, deadline: " + f"{today + dt.timedelta(days=30)}" + "}")


_GENERIC_OBJECTION = "公示期间，党员和群众如有意见，可在公示期内以来信、来访、电话等方式向下方联系单位反映。反映情况应当实事求是，以署名方式反映的，我们对反映人信息严格保密。\n"
_NOTICE_BODIES = {
    "发展对象公示": "经（……）党支部委员会研究推荐、（……）预审，以下同志拟列为发展对象，现予以公示。\n\n" + _GENERIC_OBJECTION,
    "预备党员转正公示": "以下预备党员预备期已满，经本人申请、党支部研究，拟按期转为正式党员，现予以公示。\n\n" + _GENERIC_OBJECTION,
    "任前公示": "根据干部选拔任用有关规定，经（……）研究，拟任用以下同志，现予以任前公示。\n\n" + _GENERIC_OBJECTION,
    "换届选举公告": "（……）党支部本届委员会任期届满，经上级党组织批复同意，定于（……）召开党员大会进行换届选举。现将有关事项公告如下：\n\n1. **应选名额。**（……）\n2. **参会党员。**（……）\n\n党员对候选人预备人选有意见的，可在公告期内向下方联系单位反映。\n",
    "党费收缴公示": "根据党费收缴、使用和管理的有关规定，现将（……）党费收缴情况公示如下（单位：元）。\n\n党员对本人党费收缴情况有疑问的，可向所在党支部或下方联系单位查询。\n",
    "经费公开": "现将（……）经费使用情况公开如下（单位：元）。\n\n对经费使用情况有疑问的，可向下方联系单位反映。\n",
    "一般公告": "（正文：在此写公告内容。）\n",
}
_PLAN_BODY = "（正文：说明本计划的依据和总体目标。）\n\n## 一、（第一部分标题）\n\n### （一）（小标题）\n\n（内容）\n"
_RATING_BODY = "（正文：说明考评依据、方式和结果运用。）\n\n对评分结果有异议的，请于通报发布之日起5个工作日内向（……）书面反映。\n"
_PAGE_BODY = "（正文：在此写页面内容。）\n"
