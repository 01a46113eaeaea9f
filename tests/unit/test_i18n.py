"""English messages for engineers (sunshine.i18n): every content problem, the CLI texts.

Three sources of Chinese messages are checked against the English catalog:
the error fixtures under tests/errors/ (built in-process), every message written
in the engine's source (found with ``ast``: problems.add, SourceError, model
validators, body links, …) and the schema's message tables.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import pytest

from sunshine import i18n, messages_en, schema
from sunshine.cli import parse_now
from sunshine.kinds import KINDS
from sunshine.kinds.common import SCOPE_LABELS
from sunshine.kinds.notice import PERSON_LABELS, NoticeType
from sunshine.personal import LABELS as PERSONAL_LABELS
from sunshine.pipeline import LABELS as STEP_LABELS
from sunshine.pipeline import check
from sunshine.problems import BuildFailed, Problem, Problems, suggest
from sunshine.site import BuildOptions, Site
from sunshine.yamlsrc import _YAML_MESSAGES

REPO = Path(__file__).resolve().parents[2]
ERRORS = REPO / "tests" / "errors"
ENGINE = REPO / "sunshine"
NOW = "2020-06-15"
HAN = re.compile(r"[\u4e00-\u9fff]")

CASES = sorted(p.name for p in ERRORS.iterdir() if (p / "expected.txt").is_file())
OK_CASES = sorted(p.name for p in (ERRORS / "ok").iterdir() if (p / "expected.txt").is_file())


# --- the error fixtures, built in-process -------------------------------------------


@dataclass
class Run:
    problems: Problems
    site: Site | None  # None when the build failed


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every fixture checked once, like ``build.py check --root tests/errors/<case> --now 2020-06-15``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SUNSHINE_NO_SEARCH", "1")
        found = {}
        for name in CASES + [f"ok/{n}" for n in OK_CASES]:
            root = tmp_path_factory.mktemp("case") / name.replace("/", "-")
            shutil.copytree(ERRORS / name, root)
            options = BuildOptions(root=root, now=parse_now(NOW, {}), cache=False)
            try:
                site = check(options)
            except BuildFailed as failed:
                found[name] = Run(failed.problems, None)
            else:
                found[name] = Run(site.problems, site)
    return found


def _expected(name: str) -> str:
    return (ERRORS / name / "expected.txt").read_text(encoding="utf-8")


def _fixture_problems(runs: dict[str, Run]) -> list[Problem]:
    return [p for run in runs.values() for p in run.problems.sorted()]


@pytest.mark.parametrize("name", CASES)
def test_error_case_in_english(name: str, runs: dict[str, Run]) -> None:
    run = runs[name]
    assert run.site is None
    # the in-process run is the CLI's: Chinese report and closing line as in expected.txt
    assert i18n.report(run.problems, "zh") + "\n" + i18n.text("not_built", "zh") + "\n" == _expected(name)
    for p in run.problems.sorted():
        english = i18n.format_problem(p, "en")
        assert not i18n.stray_han(english), english
        where = f"{p.path}:{p.line}" if p.line else p.path
        field = i18n.translate_field(p.field, "en")
        assert english.startswith(f"{where}: {field}: " if p.field else f"{where}: "), english
        if p.field:
            assert field == p.field or (p.field, field) == ("正文", "body")
        translated = i18n.translate_problem(p, "en")
        assert (translated.path, translated.line, translated.severity, translated.code) == (p.path, p.line, p.severity, p.code)
    report = i18n.report(run.problems, "en").splitlines()
    errors = len(run.problems.errors)
    assert report[-1] == ("1 error, 0 warnings." if errors == 1 else f"{errors} errors, 0 warnings.")
    assert not any(i18n.stray_han(line) for line in report)


def _summary(site: Site, lang: str) -> str:
    """The CLI's ``check`` summary built from i18n texts (how cli._summary can use them)."""
    lines = [i18n.format_problem(p, lang) for p in site.problems.sorted()]
    per_kind = Counter(r.kind for r in site.published_records())
    kinds = i18n.join((f"{i18n.kind_label(k, lang)} {n}" for k, n in sorted(per_kind.items())), lang)
    scopes = Counter(r.scope for r in site.records.values())
    scope_text = i18n.join((f"{i18n.scope_label(s, lang)} {scopes[s]}" for s in ("public", "party", "restricted") if scopes[s]), lang)
    edition = i18n.text(f"edition.{site.options.edition}", lang)
    held = len(site.records) - len(site.published)
    lines.append(i18n.text("checked", lang, edition=edition, records=len(site.published), kinds=kinds, held=held))
    lines.append(i18n.text("by_scope", lang, scopes=scope_text))
    if site.problems.warnings:
        lines.append(i18n.text("warnings", lang, count=len(site.problems.warnings)))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", OK_CASES)
def test_ok_case_summary(name: str, runs: dict[str, Run]) -> None:
    site = runs[f"ok/{name}"].site
    assert site is not None
    assert _summary(site, "zh") == _expected(f"ok/{name}")
    english = _summary(site, "en")
    assert not i18n.stray_han(english), english
    assert "Check passed: public edition, 1 record (notices 1), 0 not published." in english


def test_warning_suffix(runs: dict[str, Run]) -> None:
    (p,) = runs["ok/stray-file-in-content"].problems.sorted()
    assert i18n.format_problem(p, "en") == (
        "content/readme.md: files directly under content/ are not published"
        " — move it into one of the folders plans, ratings, notices, pages (warning)"
    )


# --- exact translations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "english"),
    [
        (
            Problem("content/notices/a.md", 3, "org", "未知的组织编号“dongshn”", suggest("dongshn", ["dongshan", "town"]), code="unknown-org"),
            'content/notices/a.md:3: org: unknown organisation id "dongshn" — did you mean "dongshan"?',
        ),
        (
            Problem("content/notices/a.md", 4, "date", "“2020-02-30”不是有效的日期", "请检查月份和日期，例如 2020-06-01", code="date"),
            'content/notices/a.md:4: date: "2020-02-30" is not a valid date — check the month and day, e.g. 2020-06-01',
        ),
        (
            Problem(
                "content/notices/a.md", 9, "period", "公示期要写 end（结束日期）或 working_days（工作日数）其中之一",
                "例如 working_days: 5", code="value",
            ),
            "content/notices/a.md:9: period: the period needs exactly one of end (end date) or working_days"
            " (number of working days) — e.g. working_days: 5",
        ),
        (
            Problem("content/notices/a.md", 9, "period", "公示期只有 3 个工作日，任前公示至少 5 个工作日", "写成 working_days: 5，或推迟结束日期", code="period-too-short"),
            'content/notices/a.md:9: period: the period has only 3 working days; a "任前公示" (pre-appointment notice)'
            " needs at least 5 — write working_days: 5, or move the end date later",
        ),
        (
            Problem("content/notices/a.md", 18, "total", "合计 2,220.50 与明细之和 2,222.50 不符", "请核对各项金额和合计", code="total-mismatch"),
            "content/notices/a.md:18: total: total 2,220.50 does not equal the sum of the amounts, 2,222.50 — check the amounts and the total",
        ),
        (
            Problem("content/notices/a.md", 15, "正文", "身份证号“110105199003071239”不能公开", "请删除或脱敏为 110105********1239", code="personal-data"),
            'content/notices/a.md:15: body: ID card number "110105199003071239" must not be published'
            " — delete it or mask it as 110105********1239",
        ),
        (
            Problem("content/notices/a.md", 16, "people[0].note", "手机号码“13812345678”不能公开", "请删除或脱敏为 138****5678", code="personal-data"),
            'content/notices/a.md:16: people[0].note: mobile number "13812345678" must not be published — delete it or mask it as 138****5678',
        ),
        (
            Problem("content/notices/a.md", 5, "scope", "“internal”值不在可选范围内", "可选：public、party、restricted", code="choice"),
            'content/notices/a.md:5: scope: "internal" is not one of the allowed values — choose from: public, party, restricted',
        ),
        (
            Problem("content/notices/a.md", 7, "index_no", "索引号代码“DSC”与发布机构不符", "中共青溪镇委员会的代码是 QXZ", code="index-code"),
            'content/notices/a.md:7: index_no: index code "DSC" does not match the publishing organisation'
            ' — the code of "中共青溪镇委员会" is QXZ',
        ),
        (
            Problem("content/a.md", 1, "index_no", "缺少索引号", "已临时编为 QXZ-2020-0003；请写入“index_no: QXZ-2020-0003”，以后不再改动", "warning", "missing-index"),
            'content/a.md:1: index_no: index number is missing — numbered QXZ-2020-0003 for now;'
            ' write "index_no: QXZ-2020-0003" and never change it (warning)',
        ),
        (
            Problem("content/pages/b.md", 7, "slug", "网址 /about/ 被多个记录使用：content/pages/a.md、content/pages/b.md（旧网址）", "请给其中一个记录另设 slug", code="url-clash"),
            "content/pages/b.md:7: slug: URL /about/ is used by several records: content/pages/a.md,"
            " content/pages/b.md (old URL) — give one of the records another slug",
        ),
    ],
)
def test_exact_translation(problem: Problem, english: str) -> None:
    assert i18n.format_problem(problem, "en") == english


def test_chinese_is_problem_format_byte_for_byte(runs: dict[str, Run]) -> None:
    problems = [
        *_fixture_problems(runs),
        Problem("a.md", 0, "", "不会被发布", "请移动", "warning"),
        Problem("a.md", 2, "正文", "未知的说法", ""),
    ]
    for p in problems:
        assert i18n.format_problem(p, "zh") == p.format()
        assert i18n.translate_problem(p, "zh") is p
    for run in runs.values():
        assert i18n.report(run.problems, "zh") == run.problems.report()


def test_unknown_text_comes_back_unchanged() -> None:
    assert i18n.translate("完全未知的消息", "en") == "完全未知的消息"
    assert not i18n.has_entry("完全未知的消息")
    assert i18n.translate("", "en") == ""


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        i18n.translate("缺少索引号", "fr")


def test_report_counts_in_english() -> None:
    problems = Problems()
    problems.add("a.md", 1, "title", "缺少必填字段", "请添加“title: …”", code="missing")
    problems.add("a.md", 0, "", "content 根目录下的文件不会被发布", code="stray-file", severity="warning")
    problems.add("b.md", 0, "", "content 根目录下的文件不会被发布", code="stray-file", severity="warning")
    assert i18n.report(problems, "en").splitlines() == [
        "a.md: files directly under content/ are not published (warning)",
        'a.md:1: title: required field is missing — add "title: …"',
        "b.md: files directly under content/ are not published (warning)",
        "1 error, 2 warnings.",
    ]


# --- every message the engine can write ----------------------------------------------

SAMPLE = "v1"  # stands for every interpolated value
# Every engine module is scanned but these: the catalog itself, and scaffold.py, whose
# Chinese comments for new records are no problems.
NOT_MESSAGES = {"i18n.py", "messages_en.py", "scaffold.py"}
MESSAGE_MODULES = sorted(p.relative_to(ENGINE).as_posix() for p in ENGINE.rglob("*.py") if p.name not in NOT_MESSAGES)
# Functions whose returned strings are messages, and the problem code they end up under.
RETURNS = {"check_output_dir": "bad-output", "_missing_pagefind": "no-pagefind", "suggest": "", "_describe": ""}


@dataclass(frozen=True)
class Sample:
    text: str
    code: str
    origin: str


def _texts(node: ast.expr | None) -> list[str]:
    """The possible texts of an expression, every interpolated value replaced by SAMPLE."""
    if node is None:
        return []
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else [SAMPLE]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else SAMPLE for v in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _texts(node.left) for b in _texts(node.right)]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    if isinstance(node, ast.Tuple):
        return [t for elt in node.elts for t in _texts(elt)]
    return [SAMPLE]


def _const(node: ast.expr | None) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _arg(call: ast.Call, index: int) -> ast.expr | None:
    return call.args[index] if len(call.args) > index else None


def _call_messages(call: ast.Call, function: str) -> Iterator[tuple[list[ast.expr | None], str]]:
    """(message and hint expressions, code) of one call that makes a problem."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name == "add" and isinstance(func, ast.Attribute) and len(call.args) >= 4:  # Problems.add
        yield [_arg(call, 3), _arg(call, 4)], _const(_keyword(call, "code"))
    elif name == "SourceError" or (name == "add" and isinstance(func, ast.Name) and len(call.args) >= 3):
        # SourceError(line, message, hint, code) and a module's local add(field, message, hint, code)
        yield [_arg(call, 1), _arg(call, 2)], _const(_arg(call, 3))
    elif name == "Problem":
        yield [_arg(call, 3), _arg(call, 4)], _const(_arg(call, 6))
    elif name in ("ValueError", "DecapError"):
        yield [_arg(call, 0)], "value" if name == "ValueError" else "admin"
    elif name == "append" and call.args and isinstance(call.args[0], ast.Tuple) and len(call.args[0].elts) == 4:
        _, message, hint, code = call.args[0].elts  # markdown: (href, message, hint, code)
        yield [message, hint], _const(code)
    elif name == "append" and function == "freshness":
        yield [_arg(call, 0)], "reminder"


def _split_validator(text: str) -> list[str]:
    """"field[@line]::message|hint" (model validators) -> [message, hint]."""
    message, _, hint = text.partition("|")
    return [message.partition("::")[2] or message, hint]


def engine_samples() -> tuple[list[Sample], set[str]]:
    """Every Chinese message text found in the engine's source, and every problem code used."""
    samples: list[Sample] = []
    codes: set[str] = set()
    for rel in MESSAGE_MODULES:
        tree = ast.parse((ENGINE / rel).read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            fname = function.name
            for node in ast.walk(function):
                origin = f"sunshine/{rel}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Call):
                    for exprs, code in _call_messages(node, fname):
                        codes.add(code)
                        for expr in exprs:
                            for text in _texts(expr):
                                parts = _split_validator(text) if "|" in text and code == "value" else [text]
                                samples += [Sample(t, code, origin) for t in parts]
                    keyword = _const(_keyword(node, "code"))
                    if keyword:
                        codes.add(keyword)
                elif isinstance(node, ast.Return) and fname in RETURNS:
                    samples += [Sample(t, RETURNS[fname], origin) for t in _texts(node.value)]
                elif isinstance(node, ast.Assign) and rel in ("yamlsrc.py", "schema.py", "outputs/search.py"):
                    targets = [t.id for tgt in node.targets for t in (tgt.elts if isinstance(tgt, ast.Tuple) else [tgt]) if isinstance(t, ast.Name)]
                    if set(targets) & {"message", "hint", "guess"}:
                        samples += [Sample(t, "", origin) for t in _texts(node.value)]
    codes.discard("")
    return [s for s in samples if HAN.search(s.text)], codes


def table_samples() -> list[Sample]:
    """The schema's and the YAML reader's message tables, as the engine fills them in."""
    samples = []
    for kind in [*schema._TYPE_MESSAGES, "greater_than", "less_than_equal", "string_pattern_mismatch", "no_such_type"]:
        for value in ("2020-13-01", None):
            for text in schema._describe(kind, value, {"ge": 1, "le": 9, "pattern": r"^\d+$"}, "Input is bad"):
                samples.append(Sample(text, schema._code(kind), f"schema._describe({kind!r})"))
    for pattern in schema._PATTERN_HINTS:
        _, hint = schema._describe("string_pattern_mismatch", "x", {"pattern": pattern}, "")
        samples.append(Sample(hint, "value", f"schema._PATTERN_HINTS[{pattern!r}]"))
    for needle, message, hint in _YAML_MESSAGES:
        samples += [Sample(message, "yaml", f"_YAML_MESSAGES[{needle!r}]"), Sample(hint, "yaml", f"_YAML_MESSAGES[{needle!r}]")]
    for values in (["dongshan", "town"], [f"org{i}" for i in range(20)], ["x"]):
        samples.append(Sample(suggest("dongshn", values), "", "suggest()"))
    return [s for s in samples if s.text]


def test_every_engine_message_has_an_english_entry() -> None:
    samples, _ = engine_samples()
    assert len(samples) > 150  # the scan found the engine's messages
    missing = sorted({f"{s.origin}: {s.text}" for s in samples + table_samples() if not i18n.has_entry(s.text)})
    assert not missing, "no English catalog entry for:\n" + "\n".join(missing)


def test_every_engine_message_is_english_after_translation() -> None:
    samples, _ = engine_samples()
    left = sorted(
        {f"{s.origin}: {s.text} -> {i18n.translate(s.text, 'en')}" for s in samples + table_samples() if i18n.stray_han(i18n.translate(s.text, "en"))}
    )
    assert not left, "Chinese left outside quotes:\n" + "\n".join(left)


def test_every_problem_code_has_a_translated_message(runs: dict[str, Run]) -> None:
    samples, codes = engine_samples()
    codes |= {schema._code(kind) for kind in ("missing", "extra_forbidden", "literal_error", "int_type", "value_error")}
    seen = [Sample(p.message, p.code, "fixture") for p in _fixture_problems(runs)] + samples + table_samples()
    covered = {s.code for s in seen if i18n.has_entry(s.text) and not i18n.stray_han(i18n.translate(s.text, "en"))}
    assert len(codes) > 60
    assert not codes - covered, f"codes without an English message: {sorted(codes - covered)}"


def test_every_fixture_message_is_translated(runs: dict[str, Run]) -> None:
    left = sorted({t for p in _fixture_problems(runs) for t in (p.message, p.hint) if t and not i18n.has_entry(t)})
    assert not left, "no English catalog entry for:\n" + "\n".join(left)


def test_catalog_patterns_are_used_and_well_formed() -> None:
    samples, _ = engine_samples()
    texts = [s.text for s in samples + table_samples()] + [
        "栏目“党费收缴”（dues）还没有任何公开内容",
        "栏目“党费收缴”（dues）已 40 天没有更新，超过 30 天的要求",
    ]
    for zh, en in messages_en.CATALOG:
        names = set(re.findall(r"\{(\w+)\}", zh.replace("{{", "").replace("}}", "")))
        used = set(re.findall(r"\{(\w+)(?::[^}]*)?\}", en.replace("{{", "").replace("}}", "")))
        assert names == used, (zh, en)
        assert not i18n.stray_han(en), (zh, en)
    unused = [zh for zh, _ in messages_en.CATALOG if not any(i18n._compile(zh).fullmatch(t) for t in texts)]
    assert not unused, f"catalog entries no engine message uses: {unused}"


def test_terms_cover_the_engine_labels() -> None:
    for label in [*PERSONAL_LABELS.values(), *PERSON_LABELS.values(), *SCOPE_LABELS.values()]:
        assert label in messages_en.TERMS, label
    assert set(messages_en.NOTICE_TYPES) == set(get_args(NoticeType))


def test_values_keep_their_chinese_inside_quotes() -> None:
    assert i18n.translate("找不到附件“明细表.csv”", "en") == 'attachment "明细表.csv" not found'
    assert i18n.translate("按批准公开个人信息“0571-1234”（理由：本人同意公开）", "en") == (
        'personal data "0571-1234" published with approval (reason: "本人同意公开")'
    )
    assert i18n.translate("事项“党员发展”应以发展对象公示、一般公告公开", "en") == (
        'catalog item "党员发展" must be disclosed as "发展对象公示", "一般公告"'
    )
    # a slot outside quotes never swallows Chinese words: the generic "写成 …" stays untranslated
    assert not i18n.has_entry("写成 某种格式")


# --- fixed texts of the command line --------------------------------------------------


def test_text_has_both_languages_and_the_same_slots() -> None:
    for key, value in i18n.TEXT.items():
        assert set(value) == set(i18n.LANGS), key
        zh = set(re.findall(r"\{(\w+)", value["zh"].replace("{{", "")))
        en = set(re.findall(r"\{(\w+)", value["en"].replace("{{", "")))
        assert zh == en, key
        assert not i18n.stray_han(value["en"]), key


def test_labels_match_the_engine() -> None:
    assert dict(i18n.labels("step", "zh")) == STEP_LABELS
    assert dict(i18n.labels("kind", "zh")) == {name: kind.LABEL for name, kind in KINDS.items()}
    assert dict(i18n.labels("scope", "zh")) == SCOPE_LABELS
    assert set(i18n.labels("step", "en")) == set(STEP_LABELS)
    assert i18n.step_label("render", "en") == "Rendering pages"
    assert i18n.kind_label("notice", "en") == "notices"
    assert i18n.scope_label("party", "en") == "Party-internal"


def test_texts_in_english() -> None:
    assert i18n.text("not_built", "en") == "Site not built: fix the problems above and try again. The existing site is unchanged."
    assert i18n.text("warnings", "en", count=1) == "1 warning (errors under --strict)."
    assert i18n.text("warnings", "zh", count=1) == "警告 1 个（--strict 时视为错误）。"
    assert i18n.text("reminder", "en", line=i18n.translate("栏目“党费收缴”（dues）还没有任何公开内容", "en")) == (
        'Reminder: column "党费收缴" (dues) has no published content yet'
    )
    built = {"edition": "public edition", "where": "site", "records": 12, "kinds": "notices 12", "held": 0, "pages": 40}
    assert i18n.text("built", "en", **built) == "Built the public edition into site/: 12 records (notices 12), 0 not published; 40 pages."
    assert i18n.text("built_timed", "zh", **{**built, "edition": "对外公开版", "kinds": "公示公告 12"}, seconds=1.25) == (
        "已生成对外公开版到 site/：共 12 条记录（公示公告 12），未公开 0 条；网页 40 个，用时 1.2 秒。"
    )
    assert i18n.join(["a", "b"], "zh") == "a，b"
    assert i18n.join(["a", "b"], "en", sep="list_sep") == "a, b"
