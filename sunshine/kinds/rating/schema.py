"""The rating record's fields: criteria, subjects with scores, follow-up."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from ...schema import Strict
from ..common import CommonFields, Slug

PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-H[12])?$"


class Criterion(Strict):
    id: Slug
    name: str = Field(min_length=1, description="考评项目")
    max: float = Field(gt=0, le=1000, description="满分")
    description: str = Field("", description="说明")


class Deduction(Strict):
    points: float = Field(gt=0, le=1000, description="扣分")
    reason: str = Field(min_length=2, description="扣分原因")


class Subject(Strict):
    org: str = Field(min_length=1, description="被考评的组织编号")
    scores: dict[str, float] = Field(description="各项得分：考评项目编号: 分数")
    deductions: list[Deduction] = Field(default_factory=list, description="扣分项")
    comment: str = Field("", description="领导点评")


class Followup(Strict):
    action: str = Field(min_length=1, description="对后几名的措施，如 约谈支部书记、限期整改")
    deadline: dt.date | None = Field(None, description="整改期限")


class Fields(CommonFields):
    period: str = Field(pattern=PERIOD_PATTERN, description="考评期间：2020-Q1…Q4、2020-H1/H2 或 2020")
    method: Literal["每季互评", "年底考评", "领导点评"] = Field(description="考评方式")
    series: Slug | None = Field(None, description="系列编号：同一系列的考评前后比较；默认同一发布机构、同一考评方式")
    total: float | None = Field(None, gt=0, le=1000, description="满分合计；写了则各项满分之和必须等于它")
    rounding: int = Field(1, ge=0, le=3, description="总分保留小数位数（四舍五入）")
    highlight: int = Field(3, ge=0, le=20, description="标出前几名和后几名")
    criteria: list[Criterion] = Field(min_length=1, description="考评项目")
    subjects: list[Subject] = Field(min_length=1, description="被考评组织及得分")
    followup: Followup | None = Field(None, description="对后几名的跟进措施")

    @model_validator(mode="after")
    def _total_matches(self) -> Fields:
        if self.total is not None:
            declared = round(sum(c.max for c in self.criteria), 6)
            if declared != round(self.total, 6):
                raise ValueError(f"total::各项满分之和 {declared:g} 与满分合计 total: {self.total:g} 不符|请核对各考评项目的 max")
        return self

    @property
    def series_id(self) -> str:
        return self.series or f"{self.org}-{self.method}"


Mark = Literal["top", "bottom", ""]
