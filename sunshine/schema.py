"""Schema plumbing shared by config.yaml and every record kind.

Schemas are pydantic models that forbid unknown keys. :func:`validate_doc` runs one
against a :class:`~sunshine.yamlsrc.YamlDoc` and turns each pydantic error into a
located Chinese :class:`~sunshine.problems.Problem`. Custom checks raise
``ValueError("message|hint")``; the part after ``|`` becomes the hint.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from .problems import Problem, suggest
from .yamlsrc import YamlDoc

__all__ = ["Strict", "format_loc", "validate_doc"]

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every schema: unknown keys are errors; numbers may stand for text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True, defer_build=True)


def format_loc(loc: tuple[int | str, ...]) -> str:
    """``('subjects', 3, 'scores', 'x')`` -> ``subjects[3].scores.x``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validate_doc(
    model: type[M], doc: YamlDoc, path: str, context: dict[str, Any] | None = None
) -> tuple[M | None, list[Problem]]:
    """Validate ``doc`` against ``model``; return the instance or located problems."""
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        problems = [_problem(model, err, doc, path) for err in exc.errors(include_url=False)]
        return None, problems


def _problem(model: type[BaseModel], err: ErrorDetails, doc: YamlDoc, path: str) -> Problem:
    loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
    field = format_loc(loc)
    line = doc.line_of(field)
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    message, hint = _describe(kind, value, ctx, err["msg"])
    if kind == "missing":
        name = str(loc[-1]) if loc else field
        message, hint = "缺少必填字段", f"请添加“{name}: …”"
        parent = format_loc(loc[:-1])
        line = doc.line_of(parent) if parent else 1
    elif kind == "extra_forbidden":
        allowed = _field_names(model, loc[:-1])
        message = f"未知字段“{loc[-1]}”"
        hint = suggest(str(loc[-1]), allowed) if allowed else "请删除这个字段"
    elif kind == "value_error" and "::" in str(ctx.get("error", "")):
        # a model check names its field: "field[@line_field]::message|hint"
        target, _, _ = str(ctx.get("error")).removeprefix("Value error, ").partition("::")
        name, _, anchor = target.partition("@")
        parent = format_loc(loc)
        field = f"{parent}.{name}" if parent else name
        anchor_path = f"{parent}.{anchor}" if parent and anchor else anchor or field
        line = doc.line_of(anchor_path, doc.line_of(parent) if parent else doc.line_of("title"))
    elif kind == "literal_error":
        expected = ctx.get("expected", "")
        hint = "可选：" + str(expected).replace("'", "").replace(" or ", "、").replace(", ", "、")
    return Problem(path, line, field, message, hint, "error", _code(kind))


def _is_union_tag(part: int | str) -> bool:
    return isinstance(part, str) and (part.startswith(("function-", "union[")) or part in {
        "date", "datetime", "str", "int", "float", "list[str]",
    })


def _code(kind: str) -> str:
    return {"missing": "missing", "extra_forbidden": "unknown-field", "literal_error": "choice"}.get(
        kind, "type" if kind.endswith(("_type", "_parsing")) else "value"
    )


_TYPE_MESSAGES: dict[str, tuple[str, str]] = {
    "date_type": ("不是有效的日期", "写成 2020-06-01"),
    "date_parsing": ("不是有效的日期", "写成 2020-06-01"),
    "date_from_datetime_parsing": ("不是有效的日期", "写成 2020-06-01"),
    "date_from_datetime_inexact": ("应为日期，不带时间", "写成 2020-06-01"),
    "datetime_type": ("不是有效的日期时间", "写成 2020-06-01 09:00:00"),
    "datetime_parsing": ("不是有效的日期时间", "写成 2020-06-01 09:00:00"),
    "datetime_from_date_parsing": ("不是有效的日期时间", "写成 2020-06-01 09:00:00"),
    "int_type": ("应为整数", "例如 3"),
    "int_parsing": ("应为整数", "例如 3"),
    "int_from_float": ("应为整数", "去掉小数部分"),
    "float_type": ("应为数字", "例如 12.5"),
    "float_parsing": ("应为数字", "例如 12.5"),
    "decimal_type": ("应为数字", "例如 12.50"),
    "decimal_parsing": ("应为数字", "例如 12.50"),
    "bool_type": ("应为 true 或 false", "写 true（是）或 false（否）"),
    "bool_parsing": ("应为 true 或 false", "写 true（是）或 false（否）"),
    "string_type": ("应为文字", "请用引号把值括起来"),
    "list_type": ("应为列表", "每项单独一行，以“- ”开头"),
    "dict_type": ("应为“字段: 值”的结构", "请检查缩进"),
    "model_type": ("应为“字段: 值”的结构", "请检查缩进"),
    "model_attributes_type": ("应为“字段: 值”的结构", "请检查缩进"),
    "too_short": ("不能为空", "请至少填写一项"),
    "string_too_short": ("不能为空", "请填写内容"),
    "string_too_long": ("文字太长", "请精简"),
    "literal_error": ("值不在可选范围内", ""),
}


_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9-]*$": "只能用小写字母、数字和连字符“-”，如 dongshan",
    r"^[A-Z]{2,6}$": "应为 2—6 个大写字母，如 QXZ",
    r"^[A-Z]{2,6}-\d{4}-\d{4}$": "写成“机构代码-年份-四位序号”，如 QXZ-2020-0007",
    r"^[A-Z]{2,6}-\d{4}-\d{4}#[a-z0-9][a-z0-9-]*$": "写成“考评索引号#组织编号”，如 QXZ-2020-0006#beiwu",
    r"^\d{4}(-Q[1-4]|-H[12])?$": "写成 2020-Q1…2020-Q4、2020-H1、2020-H2 或 2020",
    r"^\d{4}-(0[1-9]|1[0-2])$": "写成“年-月”，如 \"1990-05\"",
    r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$": "写成“月-日”，如 \"03-31\"",
}


def _describe(kind: str, value: Any, ctx: dict[str, Any], msg: str) -> tuple[str, str]:
    shown = _show(value)
    if kind in _TYPE_MESSAGES:
        message, hint = _TYPE_MESSAGES[kind]
        if shown and kind not in ("too_short", "string_too_short", "dict_type", "model_type"):
            message = f"“{shown}”{message}"
        return message, hint
    if kind in ("greater_than_equal", "greater_than"):
        return f"“{shown}”太小", f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"“{shown}”太大", f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        return f"“{shown}”格式不对", _PATTERN_HINTS.get(pattern, f"应符合 {pattern}")
    if kind == "value_error":
        text = str(ctx.get("error", msg)).removeprefix("Value error, ")
        message, _, hint = text.partition("|")
        return message.partition("::")[2] or message, hint
    return f"值无效（{msg}）", "请参照编辑指南修改"


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _field_names(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The allowed field names of the sub-model at ``loc``, best effort."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        sub = _model_in(current)
        if sub is None or part not in sub.model_fields:
            return []
        current = sub.model_fields[part].annotation
    sub = _model_in(current)
    return list(sub.model_fields) if sub is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (list, Union, types.UnionType, typing.Annotated) or origin is not None:
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
