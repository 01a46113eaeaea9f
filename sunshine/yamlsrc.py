"""Reading source text: decoding, front matter, and YAML that remembers its lines.

A record file is decoded strictly as UTF-8 (a BOM is dropped, CRLF becomes LF); a
file saved as GBK/GB18030 is named as such. YAML is read with a YAML 1.2-style
resolver so the YAML 1.1 surprises never change a value silently::

    no / yes / on / off   -> the strings "no", "yes", "on", "off"
    0755                  -> the string "0755"     (not the octal number 493)
    1:30                  -> the string "1:30"     (not the number 90)
    2020-06-01            -> a date

Every key's line is kept in a flat table keyed by dotted path
(``subjects[3].scores.study``), so a schema error can point at its line.
Duplicate keys are an error, never "last one wins".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # the libyaml parser when present: several times faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

__all__ = ["Decoded", "SourceError", "YamlDoc", "decode_text", "line_of", "load_yaml", "split_front_matter"]

_MAX_NODES = 200_000


_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SourceError(Exception):
    """A located problem while reading a file: line (from 1), field, message, hint."""

    def __init__(self, line: int, message: str, hint: str, code: str, field: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint
        self.code = code
        self.field = field


class _Loader(_BaseLoader):
    """A safe loader whose implicit types follow YAML 1.2's core schema."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012 - PyYAML API


_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
        list("-+0123456789."),
    ),
    (
        "tag:yaml.org,2002:timestamp",
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$",
        list("0123456789"),
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


@dataclass
class YamlDoc:
    """A parsed YAML mapping and the line of every key path in it."""

    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, path: str, default: int = 1) -> int:
        """The line of ``path``, else of its nearest parent, else ``default``."""
        return line_of(self.lines, path, default)


def line_of(lines: dict[str, int], path: str, default: int = 1) -> int:
    """The line of a dotted ``path`` in ``lines``, else of its nearest parent, else ``default``."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return default


@dataclass
class Decoded:
    text: str
    had_bom: bool


def decode_text(raw: bytes) -> Decoded:
    """Decode UTF-8 (dropping a BOM, folding CRLF/CR to LF) or raise a located error."""
    had_bom = raw.startswith(b"\xef\xbb\xbf")
    if had_bom:
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            guess = "看起来是 GBK/GB18030 编码"
        except UnicodeDecodeError:
            guess = "无法识别的编码"
        raise SourceError(
            line, f"文件不是 UTF-8 编码（{guess}）", "请在编辑器中选择“UTF-8”编码另存为", "encoding"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError(line, "文件含有空字符（\\0），可能不是文本文件", "请确认文件类型", "binary")
    control = _CONTROL.search(text)
    if control is not None:
        line = text[: control.start()].count("\n") + 1
        raise SourceError(
            line, f"文件含有不可见的控制字符（U+{ord(control.group()):04X}）", "请删除该字符后重新保存", "control-character"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, had_bom)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from a Markdown body.

    Returns (yaml_text, body, body_first_line). The YAML starts on line 2.
    """
    if not text.startswith("---\n"):
        raise SourceError(
            1, "缺少开头的 YAML 信息块", "文件第一行应为“---”，然后写 title、org 等字段，再以“---”结束", "front-matter"
        )
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], flags=re.MULTILINE)
    if end is None:
        raise SourceError(1, "YAML 信息块没有结束", "在字段之后单独一行写“---”", "front-matter")
    yaml_text = text[4 : 4 + end.start()]
    rest = text[4 + end.end() :]
    if rest.startswith("\n"):
        rest = rest[1:]
    body_line = 2 + yaml_text.count("\n") + 1
    return yaml_text, rest, body_line


def load_yaml(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML mapping; ``first_line`` is the file line of the text's first line."""
    offset = first_line - 1
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, offset, text) from None
    except yaml.reader.ReaderError as exc:
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        index = text.find(char)
        line = (text[:index].count("\n") if index >= 0 else 0) + first_line
        raise SourceError(
            line, f"文件含有不可见的控制字符（U+{ord(char):04X}）", "请删除该字符后重新保存", "control-character"
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - errors without marks are rare
        raise SourceError(first_line, f"YAML 无法解析（{exc}）", "请检查缩进和引号", "yaml") from None
    if node is None:
        raise SourceError(first_line, "内容为空", "请至少填写 title、org、date、scope 等字段", "empty")
    if not isinstance(node, MappingNode):
        raise SourceError(
            node.start_mark.line + 1 + offset,
            "YAML 顶层应为“字段: 值”的列表",
            "每行写一个字段，例如“title: 关于……的公示”",
            "yaml-shape",
        )
    builder = _Builder(offset)
    data = builder.build(node, "")
    assert isinstance(data, dict)
    return YamlDoc(data, builder.lines)


class _Builder:
    """Turn composed nodes into plain values, recording each key's line."""

    def __init__(self, offset: int):
        self.offset = offset
        self.lines: dict[str, int] = {}
        self.count = 0

    def _line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1 + self.offset

    def build(self, node: Node, path: str) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            raise SourceError(self._line(node), "YAML 内容过多或含有循环引用", "请减少锚点（&/*）的使用", "yaml-size")
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for i, child in enumerate(node.value):
                child_path = f"{path}[{i}]"
                self.lines[child_path] = self._line(child)
                items.append(self.build(child, child_path))
            return items
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SourceError(self._line(key_node), "不支持“<<”合并写法", "请直接写出每个字段", "yaml-merge")
            if not isinstance(key_node, ScalarNode):
                raise SourceError(self._line(key_node), "字段名必须是文字", "请检查这一行的写法", "yaml-key")
            key = str(key_node.value)
            if key == "<<":
                raise SourceError(self._line(key_node), "不支持“<<”合并写法", "请直接写出每个字段", "yaml-merge")
            child_path = f"{path}.{key}" if path else key
            line = self._line(key_node)
            if key in result:
                first = self.lines.get(child_path, line)
                raise SourceError(
                    line,
                    f"字段“{key}”重复出现（第 {first} 行已有）",
                    "删除其中一个，同一字段只能写一次",
                    "duplicate-key",
                    child_path,
                )
            self.lines[child_path] = line
            result[key] = self.build(value_node, child_path)
        return result

    def _scalar(self, node: ScalarNode, path: str) -> Any:
        tag, value = node.tag, node.value
        if tag == "tag:yaml.org,2002:str" or node.style in ("'", '"', "|", ">"):
            return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            return int(value)
        if tag == "tag:yaml.org,2002:float":
            return float(value)
        if tag == "tag:yaml.org,2002:timestamp":
            return _timestamp(value, self._line(node), path)
        raise SourceError(self._line(node), f"不支持的 YAML 标签“{tag}”", "请去掉“!”开头的标签", "yaml-tag", path)


_TS = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?"
    r"(?:[ \t]*(Z|[-+])(\d{1,2})?(?::?(\d{2}))?)?)?$"
)


def _timestamp(value: str, line: int, path: str) -> dt.date | dt.datetime:
    m = _TS.match(value)
    assert m is not None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    try:
        if m[4] is None:
            return dt.date(year, month, day)
        fraction = int((m[7] or "0")[:6].ljust(6, "0"))
        tz: dt.tzinfo | None = None
        if m[8] == "Z":
            tz = dt.UTC
        elif m[8]:
            sign = -1 if m[8] == "-" else 1
            tz = dt.timezone(sign * dt.timedelta(hours=int(m[9] or 0), minutes=int(m[10] or 0)))
        return dt.datetime(year, month, day, int(m[4]), int(m[5]), int(m[6]), fraction, tz)
    except ValueError:
        raise SourceError(line, f"“{value}”不是有效的日期", "请检查月份和日期，例如 2020-06-01", "date", path) from None


_YAML_MESSAGES = [
    ("found character '\\t'", "YAML 中不能用 Tab 键缩进", "请把 Tab 换成空格"),
    ("mapping values are not allowed", "冒号的位置不对，或缩进不一致", "值中含有“: ”时请用引号括起来，并检查缩进"),
    ("could not find expected ':'", "缺少冒号，或缩进不一致", "每个字段写成“名称: 值”，冒号后加一个空格"),
    ("did not find expected key", "缩进不一致", "同一层的字段要对齐，列表项以“- ”开头"),
    ("did not find expected '-' indicator", "列表缩进不一致", "同一列表的各项要对齐，以“- ”开头"),
    ("found undefined alias", "引用了未定义的锚点", "请检查“*”后面的名字"),
    ("found unexpected end of stream", "引号或括号没有配对", "请检查引号是否成对"),
    ("found unknown escape character", "双引号中有无效的转义符“\\”", "改用单引号，或把“\\”写成“\\\\”"),
    ("expected a single document", "文件中有多个 YAML 文档", "删除多余的“---”行"),
    ("but found another document", "文件中有多个 YAML 文档", "删除多余的“---”行"),
]


def _yaml_error(exc: yaml.MarkedYAMLError, offset: int, text: str) -> SourceError:
    mark = exc.problem_mark or exc.context_mark
    index = mark.line if mark else 0
    line = index + 1 + offset
    problem = f"{exc.problem or ''} {exc.context or ''}"
    source_lines = text.split("\n")
    if index < len(source_lines) and "\t" in source_lines[index]:
        problem = "found character '\\t'"
    for needle, message, hint in _YAML_MESSAGES:
        if needle in problem:
            return SourceError(line, message, hint, "yaml")
    return SourceError(line, f"YAML 语法错误（{(exc.problem or '').strip()}）", "请检查这一行的缩进、冒号和引号", "yaml")
