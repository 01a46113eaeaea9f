"""config.yaml: the site, its organisations, catalog categories, contacts and footer.

Validated like content: every problem is located (file, line, field) and carries a
fix. See docs/format-spec.md for the full shape.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from .problems import Problem, Problems, suggest
from .schema import Strict, validate_doc
from .yamlsrc import SourceError, YamlDoc, decode_text, load_yaml

__all__ = ["DEFAULT_CATEGORIES", "Category", "Contact", "Footer", "Org", "SiteConfig", "load_config"]

CONFIG_NAME = "config.yaml"

OrgId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="组织编号：小写字母、数字和连字符")]


class SiteSection(Strict):
    title: str = Field(min_length=1, description="网站名称")
    subtitle: str = Field("", description="副标题")
    description: str = Field("", description="网站简介，用于搜索引擎和分享")
    base_url: str = Field("/", description="网站地址，例如 https://dangwu.example.cn/qingxi/ 或 /qingxi/")
    language: Literal["zh-CN"] = Field("zh-CN", description="网页语言")
    timezone: str = Field("Asia/Shanghai", description="时区，不带时区的日期按此解释")
    per_page: int = Field(20, ge=5, le=200, description="列表每页条数")
    long_per_page: int = Field(200, ge=20, le=5000, description="公开目录、年度归档和组织页的每页条数（条目多于此数才分页，手机上不必一次载入全部）")
    max_file_kb: int = Field(512, ge=1, le=65536, description="单个内容文件的大小上限（KB）")

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
            raise ValueError("网站地址格式不对|写成 https://域名/路径/ 或 /路径/")
        if not parts.scheme and "." in value.split("/")[0]:
            raise ValueError("网站地址缺少“https://”|写成 https://" + value)
        if not parts.path.startswith("/"):
            raise ValueError("网站路径应以“/”开头|例如 /qingxi/")
        if parts.query or parts.fragment:
            raise ValueError("网站地址不能带“?”或“#”|只写域名和路径")
        return value if value.endswith("/") else value + "/"

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区“{value}”|一般写 Asia/Shanghai") from None
        return value


class Org(Strict):
    id: OrgId
    name: str = Field(min_length=1, description="组织全称")
    short_name: str = Field("", description="简称，用于表格")
    code: str = Field(pattern=r"^[A-Z]{2,6}$", description="索引号代码：2—6 个大写字母")
    type: Literal["党委", "党总支", "党支部"] = Field(description="组织类型")
    parent: str | None = Field(None, description="上级组织编号；最上级写 null")
    group: str = Field("", description="支部类别，如 农村、机关、两新；星级评定可按类别分别排名")

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Category(Strict):
    id: OrgId
    name: str = Field(min_length=1, description="分类名称")


class Contact(Strict):
    id: OrgId
    name: str = Field(min_length=1, description="联系单位名称")
    phone: str = Field("", description="办公电话")
    email: str = Field("", description="电子邮箱")
    address: str = Field("", description="地址")
    hours: str = Field("", description="办公时间")


class Footer(Strict):
    host: str = Field(min_length=1, description="主办单位")
    contact: str = Field("", description="联系方式：contacts 中的编号")
    icp: str = Field("", description="ICP备案号")
    police: str = Field("", description="公安备案号")
    site_code: str = Field("", description="网站标识码")


class GradeBand(Strict):
    min: float = Field(ge=0, le=1000, description="达到此分数（含）")
    name: str = Field(min_length=1, description="等级名称，如 五星")
    quota: float | None = Field(None, gt=0, le=1, description="该等级最多占参评组织的比例，如 0.1")


RatingMethod = Literal["每季互评", "年底考评", "领导点评"]
Audience = Literal["public", "party", "restricted"]
Cadence = Literal["fixed", "quarterly", "yearly", "on_event"]


class CatalogItem(Strict):
    """One item of the disclosure catalog (公开目录事项): what is owed, by whom, when."""

    id: OrgId
    name: str = Field(min_length=1, description="公开事项")
    category: str = Field(description="分类：categories 中的编号")
    basis: str = Field("", description="公开依据")
    audience: Audience = Field(description="公开范围：public 向社会公开，party 党内公开，restricted 限定范围公开")
    channel: str = Field("网站", description="公开渠道，如 网站、公开栏")
    cadence: Cadence = Field(description="公开时限：fixed 长期公开，quarterly 每季度，yearly 每年，on_event 事后限期")
    due_day: int = Field(15, ge=1, le=28, description="每季度：次季度第一个月的几号前公开")
    due: str = Field("03-31", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", description="每年：当年几月几日前公开，如 03-31")
    within: int = Field(5, ge=1, le=60, description="事后限期：事项发生后几个工作日内公开")
    orgs: list[str] = Field(default_factory=lambda: ["branches"], description="应公开的组织：组织编号，或 branches（全部党支部）、all（全部组织）")
    kinds: list[Literal["plan", "rating", "notice", "page"]] = Field(default_factory=list, description="满足该事项的记录类别")
    types: list[str] = Field(default_factory=list, description="满足该事项的公示类型")
    max_age_days: int | None = Field(None, ge=1, le=3650, description="栏目更新期限：超过此天数没有新内容即提醒")


def _annual_only() -> list[RatingMethod]:
    return ["年底考评"]


class GradesSection(Strict):
    methods: list[RatingMethod] = Field(default_factory=_annual_only, description="评定星级的考评方式")
    bands: list[GradeBand] = Field(min_length=1, description="分数段，从高到低")
    by_group: bool = Field(False, description="按组织类别（orgs 的 group）分别评定，比例上限在各类别内计算")


class CalendarSection(Strict):
    holidays: list[dt.date] = Field(default_factory=list, description="额外的放假日（节假日日历尚未收录的年份，或本地调整）")
    workdays: list[dt.date] = Field(default_factory=list, description="额外的上班日（调休上班的周末）")


DEFAULT_CATEGORIES = [
    Category.model_construct(id="resolutions", name="决议决定及执行情况"),
    Category.model_construct(id="ideology", name="思想建设"),
    Category.model_construct(id="organization", name="组织管理"),
    Category.model_construct(id="leadership", name="领导班子建设"),
    Category.model_construct(id="cadres", name="干部选拔任用和管理"),
    Category.model_construct(id="service", name="联系服务党员群众"),
    Category.model_construct(id="conduct", name="党风廉政建设"),
    Category.model_construct(id="other", name="其他"),
]


class SiteConfig(Strict):
    site: SiteSection
    orgs: list[Org] = Field(min_length=1, description="组织机构")
    categories: list[Category] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    contacts: list[Contact] = Field(default_factory=list, description="官方联系方式")
    footer: Footer
    calendar: CalendarSection = Field(default_factory=CalendarSection, description="工作日日历的补充")
    grades: GradesSection | None = Field(None, description="星级评定：分数段和比例上限")
    catalog: list[CatalogItem] = Field(default_factory=list, description="公开目录：每个组织应公开的事项")

    def catalog_item(self, item_id: str) -> CatalogItem | None:
        return next((c for c in self.catalog if c.id == item_id), None)

    def owers(self, item: CatalogItem) -> list[str]:
        """The organisations that owe ``item``, in config order."""
        ids: list[str] = []
        for ref in item.orgs:
            if ref == "all":
                ids += [o.id for o in self.orgs]
            elif ref == "branches":
                ids += [o.id for o in self.orgs if o.type == "党支部"]
            else:
                ids.append(ref)
        return [o.id for o in self.orgs if o.id in set(ids)]

    def org(self, org_id: str) -> Org:
        return next(o for o in self.orgs if o.id == org_id)

    @property
    def org_ids(self) -> list[str]:
        return [o.id for o in self.orgs]

    @property
    def category_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.categories}

    @property
    def contact_map(self) -> dict[str, Contact]:
        return {c.id: c for c in self.contacts}

    @property
    def path_prefix(self) -> str:
        return urlsplit(self.site.base_url).path

    @property
    def absolute_base(self) -> str:
        """The base URL with host, or '' when config gives only a path."""
        parts = urlsplit(self.site.base_url)
        return self.site.base_url if parts.netloc else ""


def load_config(root: Path, problems: Problems) -> SiteConfig | None:
    """Read and check config.yaml; add problems and return None when it is unusable."""
    path = root / CONFIG_NAME
    if not path.is_file():
        problems.add(CONFIG_NAME, 0, "", "找不到 config.yaml", "请在网站根目录创建 config.yaml", code="no-config")
        return None
    try:
        doc = load_yaml(decode_text(path.read_bytes()).text)
    except SourceError as exc:
        problems.add(CONFIG_NAME, exc.line, exc.field, exc.message, exc.hint, code=exc.code)
        return None
    config, found = validate_doc(SiteConfig, doc, CONFIG_NAME)
    problems.extend(found)
    if config is None:
        return None
    cross = list(_cross_check(config, doc))
    problems.extend(cross)
    return None if cross else config


def _cross_check(config: SiteConfig, doc: YamlDoc) -> list[Problem]:
    out: list[Problem] = []

    def add(field: str, message: str, hint: str, code: str) -> None:
        out.append(Problem(CONFIG_NAME, doc.line_of(field), field, message, hint, "error", code))

    id_lists = {
        "orgs": [o.id for o in config.orgs],
        "categories": [c.id for c in config.categories],
        "contacts": [c.id for c in config.contacts],
        "catalog": [c.id for c in config.catalog],
    }
    for name, item_ids in id_lists.items():
        seen: dict[str, int] = {}
        for i, item_id in enumerate(item_ids):
            if item_id in seen:
                add(f"{name}[{i}].id", f"编号“{item_id}”重复（第 {seen[item_id] + 1} 项已用）", "每个编号只能用一次", "duplicate-id")
            seen.setdefault(item_id, i)
    codes: dict[str, str] = {}
    ids = config.org_ids
    roots = []
    for i, org in enumerate(config.orgs):
        if org.code in codes:
            add(f"orgs[{i}].code", f"索引号代码“{org.code}”与“{codes[org.code]}”重复", "每个组织用不同的代码", "duplicate-code")
        codes.setdefault(org.code, org.id)
        if org.parent is None:
            roots.append(org.id)
        elif org.parent not in ids:
            add(f"orgs[{i}].parent", f"未知的上级组织“{org.parent}”", suggest(org.parent, ids), "unknown-org")
        elif _has_cycle(config, org.id):
            add(f"orgs[{i}].parent", "上级组织形成了循环", "请检查 parent 字段", "org-cycle")
    if len(roots) != 1:
        add("orgs", f"应有且只有一个最上级组织（parent: null），现有 {len(roots)} 个", "只给镇党委写 parent: null", "org-root")
    categories = [c.id for c in config.categories]
    for i, item in enumerate(config.catalog):
        if item.category not in categories:
            add(f"catalog[{i}].category", f"未知的分类“{item.category}”", suggest(item.category, categories), "unknown-category")
        for j, ref in enumerate(item.orgs):
            if ref not in ("all", "branches") and ref not in ids:
                add(f"catalog[{i}].orgs[{j}]", f"未知的组织编号“{ref}”", suggest(ref, [*ids, "branches", "all"]), "unknown-org")
    contact_ids = [c.id for c in config.contacts]
    if config.footer.contact and config.footer.contact not in contact_ids:
        add("footer.contact", f"未知的联系方式“{config.footer.contact}”", suggest(config.footer.contact, contact_ids), "unknown-contact")
    return out


def _has_cycle(config: SiteConfig, start: str) -> bool:
    parents = {o.id: o.parent for o in config.orgs}
    seen = {start}
    current = parents.get(start)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
