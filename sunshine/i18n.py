"""Messages for staff in Chinese (the default) or English (``--lang en``, for engineers).

Content problems are made in Chinese everywhere in the engine. This module
translates them afterwards, so the Chinese wording stays the single source::

    format_problem(p, "en")   # content/a.md:7: org: unknown organisation id "xcun" — did you mean "xicun"?
    report(problems, "en")    # every problem, then "1 error, 0 warnings."
    text("not_built", "en")   # the fixed command-line strings in TEXT

The English catalog lives in :mod:`sunshine.messages_en`. Interpolated values
(ids, titles, numbers, dates) are kept as they are; Chinese quote marks “…” become
"…". A text the catalog does not know is returned unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

from .messages_en import CATALOG, FIELDS, NOTICE_TYPES, TERMS
from .problems import Problem, Problems

__all__ = [
    "LANGS",
    "TEXT",
    "format_problem",
    "has_entry",
    "join",
    "kind_label",
    "labels",
    "report",
    "scope_label",
    "step_label",
    "stray_han",
    "text",
    "translate",
    "translate_field",
    "translate_problem",
]

LANGS = ("zh", "en")

_HAN = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r'"[^"]*"')
_ANY_PREFIXES = ("list_", "term_", "type_", "tr_", "q_", "path_", "raw_")


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")


class _Formatter(string.Formatter):
    """str.format plus ``{n:plural:day|days}`` -> "1 day" / "2 days"."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            one, _, many = format_spec.removeprefix("plural:").partition("|")
            return f"{value} {one if str(value) == '1' else many}"
        return str(super().format_field(value, format_spec))


_FORMAT = _Formatter()


def _compile(pattern: str) -> re.Pattern[str]:
    """A catalog pattern (Chinese text with ``{name}`` slots) as an anchored regex."""
    out = ""
    depth = 0  # inside “…”
    for literal, name, _, _ in _FORMAT.parse(pattern):
        out += re.escape(literal)
        depth += literal.count("“") - literal.count("”")
        if name is None:
            continue
        if depth > 0 or name.startswith(_ANY_PREFIXES):
            out += f"(?P<{name}>.*?)"
        else:  # a bare number, id or path: never swallows Chinese words
            out += f"(?P<{name}>[^\u4e00-\u9fff]*?)"
    return re.compile(out, re.DOTALL)


@functools.cache
def _entries() -> list[tuple[re.Pattern[str], str]]:
    """The catalog compiled, on first use (Chinese output never needs it)."""
    return [(_compile(zh), en) for zh, en in CATALOG]


def _quote(value: str) -> str:
    return f'"{value}"'


def _list_item(item: str) -> str:
    item = item.strip()
    suffix = ""
    if item.endswith("（旧网址）"):  # sunshine.route: an alias among a URL's owners
        item, suffix = item.removesuffix("（旧网址）"), " (old URL)"
    if item.startswith("“") and item.endswith("”"):
        item = _quote(item[1:-1])
    elif _HAN.search(item):
        item = _quote(item)
    return item + suffix


def _value(name: str, value: str) -> str:
    """An interpolated value as shown in English, by the prefix of its slot's name."""
    if name.startswith("list_"):
        return ", ".join(_list_item(item) for item in re.findall(r"“[^”]*”|[^、]+", value))
    if name.startswith("term_"):
        return TERMS.get(value, _quote(value))
    if name.startswith("type_"):
        english = NOTICE_TYPES.get(value)
        return f"{_quote(value)} ({english})" if english else _quote(value)
    if name.startswith("tr_"):
        return _english(value)
    if name.startswith("q_"):
        return _quote(value)
    return value


def _match(text: str) -> tuple[re.Match[str], str] | None:
    for regex, english in _entries():
        m = regex.fullmatch(text)
        if m is not None:
            return m, english
    return None


def _english(text: str) -> str:
    found = _match(text)
    if found is None:
        return text
    m, english = found
    values = {name: _value(name, value) for name, value in m.groupdict().items()}
    return _FORMAT.format(english, **values).replace("“", '"').replace("”", '"')


def has_entry(text: str) -> bool:
    """Whether the English catalog has an entry for this Chinese text."""
    return _match(text) is not None


def stray_han(text: str) -> bool:
    """Whether ``text`` has Chinese characters outside "double quotes" (an untranslated part)."""
    return _HAN.search(_QUOTED.sub("", text)) is not None


def translate(text: str, lang: str) -> str:
    """A Chinese problem message or hint in ``lang``; unknown texts come back unchanged."""
    _check(lang)
    if lang == "zh" or not text:
        return text
    return _english(text)


def translate_field(field: str, lang: str) -> str:
    """A Problem's field in ``lang``: only the Chinese labels (正文) change."""
    _check(lang)
    return field if lang == "zh" else FIELDS.get(field, field)


def translate_problem(problem: Problem, lang: str) -> Problem:
    """The same problem (path, line, severity, code) with field, message and hint in ``lang``."""
    _check(lang)
    if lang == "zh":
        return problem
    return dataclasses.replace(
        problem,
        field=translate_field(problem.field, lang),
        message=translate(problem.message, lang),
        hint=translate(problem.hint, lang),
    )


def format_problem(problem: Problem, lang: str) -> str:
    """One line: ``path:line: field: message — hint``; Chinese is exactly ``Problem.format()``."""
    _check(lang)
    if lang == "zh":
        return problem.format()
    p = translate_problem(problem, lang)
    where = f"{p.path}:{p.line}" if p.line else p.path
    line = f"{where}: {p.field}: {p.message}" if p.field else f"{where}: {p.message}"
    if p.hint:
        line += f" — {p.hint}"
    if p.severity == "warning":
        line += " (warning)"
    return line


def report(problems: Problems, lang: str) -> str:
    """Like ``Problems.report()``: every problem sorted, then the count of errors and warnings."""
    _check(lang)
    if lang == "zh":
        return problems.report()
    lines = [format_problem(p, lang) for p in problems.sorted()]
    lines.append(text("summary", lang, errors=len(problems.errors), warnings=len(problems.warnings)))
    return "\n".join(lines)


# Fixed strings of the command line (cli.py), the build steps (pipeline.LABELS),
# kind and scope labels, and the preview (serve.py). Values are str.format strings.
TEXT: dict[str, dict[str, str]] = {
    "summary": {"zh": "共 {errors} 个错误，{warnings} 个警告。", "en": "{errors:plural:error|errors}, {warnings:plural:warning|warnings}."},
    "not_built": {
        "zh": "未生成网站：请按上面的提示修改后重试。原有网站保持不变。",
        "en": "Site not built: fix the problems above and try again. The existing site is unchanged.",
    },
    "checked": {
        "zh": "检查通过：{edition}共 {records} 条记录（{kinds}），未公开 {held} 条。",
        "en": "Check passed: {edition}, {records:plural:record|records} ({kinds}), {held} not published.",
    },
    "built": {
        "zh": "已生成{edition}到 {where}/：共 {records} 条记录（{kinds}），未公开 {held} 条；网页 {pages} 个。",
        "en": "Built the {edition} into {where}/: {records:plural:record|records} ({kinds}), {held} not published; "
        "{pages:plural:page|pages}.",
    },
    "built_timed": {
        "zh": "已生成{edition}到 {where}/：共 {records} 条记录（{kinds}），未公开 {held} 条；网页 {pages} 个，用时 {seconds:.1f} 秒。",
        "en": "Built the {edition} into {where}/: {records:plural:record|records} ({kinds}), {held} not published; "
        "{pages:plural:page|pages} in {seconds:.1f} s.",
    },
    "by_scope": {"zh": "全部记录按公开范围：{scopes}。", "en": "All records by scope: {scopes}."},
    "unchanged": {
        "zh": "自上次生成以来没有任何输入变化，输出文件夹保持原样（--no-cache 可强制重新生成）。",
        "en": "No input changed since the last build; the output folder was kept as it is (--no-cache rebuilds).",
    },
    "warnings": {"zh": "警告 {count} 个（--strict 时视为错误）。", "en": "{count:plural:warning|warnings} (errors under --strict)."},
    "reminder": {"zh": "提醒：{line}", "en": "Reminder: {line}"},
    "edition.public": {"zh": "对外公开版", "en": "public edition"},
    "edition.internal": {"zh": "党内版", "en": "internal edition"},
    "bad_now": {
        "zh": "--now 的时间格式不对：{value}（应写成 2020-06-15 或 2020-06-15T09:00）",
        "en": "--now has the wrong format: {value} (write 2020-06-15 or 2020-06-15T09:00)",
    },
    "bad_date": {"zh": "--date 的日期格式不对：{value}（应写成 2020-06-15）", "en": "--date has the wrong format: {value} (write 2020-06-15)"},
    "created": {"zh": "已新建：{path}", "en": "Created: {path}"},
    "fill_in": {
        "zh": "请打开文件填写 scope（公开范围）和标着“待填写”的内容；每个字段后面都有说明。",
        "en": 'Open the file and fill in scope and everything marked "待填写" (to fill in); every field has a comment.',
    },
    "preview_hint": {
        "zh": "预览：python build.py serve（党内公开的记录加 --edition internal），然后打开 {url}",
        "en": "Preview: python build.py serve (add --edition internal for Party-internal records), then open {url}",
    },
    "written": {"zh": "已写入：{path}", "en": "Written: {path}"},
    "annual": {"zh": "已生成 {year} 年度报告：{path}", "en": "Annual report {year} written: {path}"},
    # build steps (sunshine.pipeline.LABELS)
    "step.load": {"zh": "读取文件", "en": "Reading files"},
    "step.validate": {"zh": "检查格式", "en": "Checking formats"},
    "step.enrich": {"zh": "计算排名和状态", "en": "Computing ranks and status"},
    "step.guard": {"zh": "公开范围和个人信息检查", "en": "Checking scope and personal data"},
    "step.route": {"zh": "安排网址", "en": "Assigning URLs"},
    "step.render": {"zh": "生成网页", "en": "Rendering pages"},
    "step.search": {"zh": "建立全文搜索索引", "en": "Building the search index"},
    "step.write": {"zh": "写入输出文件夹", "en": "Writing the output folder"},
    # record kinds (KINDS[...].LABEL) and scopes (kinds.common.SCOPE_LABELS)
    "kind.plan": {"zh": "工作计划", "en": "work plans"},
    "kind.rating": {"zh": "考评排名", "en": "ratings"},
    "kind.notice": {"zh": "公示公告", "en": "notices"},
    "kind.page": {"zh": "栏目页面", "en": "pages"},
    "scope.public": {"zh": "向社会公开", "en": "public"},
    "scope.party": {"zh": "党内公开", "en": "Party-internal"},
    "scope.restricted": {"zh": "限定范围公开", "en": "restricted"},
    # the preview (sunshine.serve)
    "serve.building.public": {"zh": "正在生成对外公开版……", "en": "Building the public edition…"},
    "serve.building.internal": {
        "zh": "正在生成党内版（含党内公开和限定范围公开的记录）……",
        "en": "Building the internal edition (with Party-internal and restricted records)…",
    },
    "serve.rebuilt": {"zh": "[{stamp}] 已重新生成（{seconds:.1f} 秒）", "en": "[{stamp}] Rebuilt ({seconds:.1f} s)"},
    "serve.warnings": {
        "zh": "警告 {count} 个（发布时用 --strict 会视为错误）。",
        "en": "{count:plural:warning|warnings} (errors when publishing with --strict).",
    },
    "serve.failed": {
        "zh": "[{stamp}] 网站未更新：发现 {count} 个问题。预览中仍是上次成功生成的网站；改好并保存后会自动重新生成。",
        "en": "[{stamp}] Site not updated: {count:plural:problem|problems}. The preview still shows the last good build; "
        "it rebuilds when you save a fix.",
    },
    "serve.panel_title": {"zh": "网站未更新：发现 {count} 个问题", "en": "Site not updated: {count:plural:problem|problems}"},
    "serve.panel_text": {
        "zh": "下面仍是上次成功生成的网站。按提示修改文件并保存，本页会自动刷新。常见错误的含义见 docs/errors.md。",
        "en": "Below is still the last good build. Fix the files as suggested and save; this page reloads by itself. "
        "Common errors are explained in docs/errors.md.",
    },
    "serve.changed": {"zh": "检测到修改：{files}，正在重新生成……", "en": "Changed: {files}; rebuilding…"},
    "serve.and_more": {"zh": "等", "en": " and more"},
    "serve.exposed": {
        "zh": "注意：正在监听 {host}，同一网络中的其他电脑也能访问本预览。",
        "en": "Note: listening on {host}; other computers on the network can see this preview.",
    },
    "serve.url": {"zh": "预览地址：{url}  （按 Ctrl+C 停止）", "en": "Preview: {url}  (Ctrl+C to stop)"},
    "serve.stopped": {"zh": "已停止预览。", "en": "Preview stopped."},
    "serve.not_built_yet": {"zh": "网站尚未生成", "en": "The site has not been built yet"},
    "serve.not_found": {"zh": "找不到页面", "en": "Page not found"},
    "serve.port_busy": {
        "zh": "无法在 {host}:{port} 上启动预览（{reason}）：端口可能已被占用，请用 --port 换一个",
        "en": "cannot start the preview on {host}:{port} ({reason}): the port may be in use; choose another with --port",
    },
    "serve.internal_error": {
        "zh": "内部错误：{error} — 这是程序的问题，不是内容的问题：请把终端中的错误信息交给维护人员",
        "en": "internal error: {error} — a bug in Sunshine, not a content problem: give the terminal output to the maintainers",
    },
    # separators for lists built by the caller
    "sep": {"zh": "，", "en": ", "},
    "list_sep": {"zh": "、", "en": ", "},
}


def text(key: str, lang: str, **values: Any) -> str:
    """The fixed string ``key`` in ``lang``, formatted with ``values``."""
    _check(lang)
    return _FORMAT.format(TEXT[key][lang], **values)


def step_label(step: str, lang: str) -> str:
    """A build step's label (``load`` … ``write``), as in sunshine.pipeline.LABELS."""
    return text(f"step.{step}", lang)


def kind_label(kind: str, lang: str) -> str:
    """A record kind's label (``plan``, ``rating``, ``notice``, ``page``)."""
    return text(f"kind.{kind}", lang)


def scope_label(scope: str, lang: str) -> str:
    """A scope's label (``public``, ``party``, ``restricted``)."""
    return text(f"scope.{scope}", lang)


def join(parts: Iterable[str], lang: str, sep: str = "sep") -> str:
    """``parts`` joined with the language's separator (``sep`` or ``list_sep``)."""
    return text(sep, lang).join(parts)


def labels(prefix: str, lang: str) -> Mapping[str, str]:
    """All labels under ``prefix`` (``step``, ``kind``, ``scope``) as {id: label}."""
    _check(lang)
    return {key.removeprefix(prefix + "."): value[lang] for key, value in TEXT.items() if key.startswith(prefix + ".")}
