"""Free pages: 公开指南, 关于本站 and the like."""

from __future__ import annotations

from pydantic import Field

from ..problems import Problems
from ..site import Record, Site
from .common import CommonFields

NAME = "page"
FOLDER = "pages"
LABEL = "栏目页面"
TEMPLATE = "kinds/page.html"
LIST_TEMPLATE = "lists/kind.html"
PRINT_TEMPLATE: str | None = None


class Fields(CommonFields):
    nav: int | None = Field(None, ge=0, le=999, description="在顶部菜单中的顺序；不写则不进菜单")


def check(record: Record, site: Site, problems: Problems) -> None:
    """Pages have no rules beyond the common ones."""


def enrich(record: Record, site: Site) -> None:
    return None
