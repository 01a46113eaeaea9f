"""Bounded fuzzing: whatever a content file holds, only located Problems come out.

Random bytes, random YAML-ish text and random edits of a valid notice are written
into a content file of a tiny site, which is then built in memory. The build must
either succeed or raise :class:`BuildFailed` whose problems all name a path and a
line (>= 0) and say what is wrong in Chinese. Any other exception is a bug.

Compiled templates are shared between examples (a Jinja bytecode cache keyed by
the template source) so that an example costs milliseconds, not a template
compilation. The runs are derandomised so the suite is stable; for a longer,
random run::

    FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/unit/test_fuzz.py
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import jinja2
from conftest import NOTICE, build_options, make_site, search_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sunshine import render
from sunshine.pipeline import build_in_memory, prepare
from sunshine.problems import BuildFailed

_LONG_RUN = int(os.environ.get("FUZZ_EXAMPLES", "0"))


def fuzz(examples: int) -> settings:
    """Bounded, reproducible settings; FUZZ_EXAMPLES overrides the count and randomises."""
    return settings(
        max_examples=_LONG_RUN or examples,
        deadline=None,
        database=None,
        derandomize=not _LONG_RUN,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )

CJK = re.compile(r"[\u4e00-\u9fff]")
# Script from a body in the output: a script tag running alert, an event handler attribute, a javascript: URL.
UNSAFE = re.compile(rb"<script[^>]*>[^<]*alert|<[a-z][^>]*\son[a-z]+\s*=|<[^>]*(?:href|src)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)
NAMES = ["content/notices/x.md", "content/ratings/x.yaml", "content/plans/x.md", "content/pages/x.md", "content/notices/x/index.md"]


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _MemoryBytecodeCache()


@contextlib.contextmanager
def _shared_templates() -> Iterator[None]:
    make_environment = render.make_environment

    def cached(*args: Any, **kwargs: Any) -> jinja2.Environment:
        env = make_environment(*args, **kwargs)
        env.bytecode_cache = _TEMPLATES
        return env

    with mock.patch.object(render, "make_environment", cached):
        yield


def check_only_problems(files: dict[str, str | bytes]) -> None:
    """Build a tiny site holding ``files``: success, or BuildFailed with good problems."""
    with tempfile.TemporaryDirectory() as tmp, search_disabled(), _shared_templates():
        root = make_site(Path(tmp), files)
        options = dataclasses.replace(build_options(root), history=False, cache=False)
        try:
            prepare(options)  # load, validate, enrich, guard, route
            _, output = build_in_memory(options)  # and render
            for path, content in output.items():
                if path.endswith(".html"):
                    assert not UNSAFE.search(content), (path, UNSAFE.search(content))
        except BuildFailed as failed:
            problems = list(failed.problems)
            assert problems, "BuildFailed without problems"
            for p in problems:
                assert isinstance(p.path, str) and p.path, p
                assert isinstance(p.line, int) and p.line >= 0, p
                assert CJK.search(p.message), p
                assert "\n" not in p.format(), p
            assert failed.problems.errors


@fuzz(200)
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=600))
def test_random_bytes(name: str, data: bytes) -> None:
    check_only_problems({name: data})


@fuzz(100)
@given(data=st.binary(max_size=200))
def test_random_bytes_after_valid_front_matter(data: bytes) -> None:
    check_only_problems({"content/notices/x.md": NOTICE.encode() + data})


FRAGMENTS = [
    "---", "...", "\n", "\n", "\n", "  ", "    ", "\t", "- ", ": ", ":", "#", "'", '"', "|", ">", "{", "}", "[", "]",
    ",", "&a ", "*a", "<<: ", "!!str ", "!!python/object ", "? ", "%YAML 1.1", "\\", "\x00", "\ufeff", "\r\n",
    "title", "org", "date", "scope", "category", "index_no", "type", "period", "start", "end", "working_days",
    "contact", "people", "name", "amounts", "amount", "total", "status", "withdrawn_reason", "publish_at",
    "criteria", "subjects", "scores", "id", "max", "tasks", "no", "deadline", "slug", "aliases", "attachments",
    "approval", "secrecy_review", "body", "corrects", "written",
    "town", "dongshan", "public", "party", "restricted", "service", "一般公告", "town-org-office", "QXZ-2020-0001",
    "2020-06-01", "2020-02-30", "2020-06-01 09:00:00", "2020-06-01T09:00:00+08:00", "9999-12-31", "0000-01-01",
    "yes", "no", "null", "~", "true", "0755", "1:30", "-1", "1e309", "1234.567", "99999999999999999999", ".inf",
    "关于", "公示", "党员", "13812345678", "110105199003071239", "[链接](../notices/y.md)", "<script>x</script>",
]


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60))
    return "".join(parts)


@fuzz(200)
@given(name=st.sampled_from(NAMES), text=yamlish())
def test_random_yamlish_text(name: str, text: str) -> None:
    check_only_problems({name: text})


@fuzz(200)
@given(text=yamlish())
def test_random_yamlish_front_matter(text: str) -> None:
    check_only_problems({"content/notices/x.md": f"---\n{text}\n---\n\n正文。\n"})


@st.composite
def mutated_notice(draw: st.DrawFn) -> str:
    lines = NOTICE.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "value", "indent", "truncate"]))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            lines.insert(i, draw(yamlish()))
        elif action == "replace":
            lines[i] = draw(yamlish())
        elif action == "value" and ": " in lines[i]:
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)))}"
        elif action == "indent":
            lines[i] = draw(st.sampled_from(["  ", "\t", " - ", "- "])) + lines[i]
        elif action == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]
    return "\n".join(lines)


@fuzz(150)
@given(text=mutated_notice())
def test_mutated_notice(text: str) -> None:
    check_only_problems({"content/notices/x.md": text})


MARKDOWN = [
    "\n", "\n\n", "  ", "    ", "# ", "## ", "### ", "#### 一、", "- ", "1. ", "> ", "* ", "**", "_", "`", "```", "---",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "[^1]", "[^1]: 注释", "[链接](y.md)", "[链接](../plans/p.md#a)", "[外链](https://a.cn/)",
    "[坏链](nowhere.md)", "![图](x.png)", "<b>", "</b>", "<div>", "<script>alert(1)</script>", "<a href=\"javascript:x\">", "<p onclick=\"alert(1)\">", "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))", "<svg onload=alert(1)>", "<a href=' javascript:alert(1)'>", "<scr", "ipt>",
    "&amp;", "&#x3c;", "&", "<", ">", "\\", "{", "}", "<!--", "-->", "中文", "党员", "公示期", "。", "，", "English",
    "0571-6488 1234", "QXZ-2020-0001", "2020-06-01", "<pre>", "</pre>", "<table>", "<td>", "\t", "\u200b", "\ufeff",
]


@st.composite
def markdownish(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(MARKDOWN), st.text(max_size=8)), max_size=40))
    return "".join(parts)


@fuzz(100)
@given(body=markdownish())
def test_random_markdown_body(body: str) -> None:
    text = NOTICE.replace("镇党委决定开展党员先锋岗活动。\n", body)
    check_only_problems({"content/notices/x.md": text, "content/notices/y.md": NOTICE.replace("0001", "0002")})
