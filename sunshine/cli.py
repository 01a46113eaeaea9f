"""Command line: argparse and exit codes only.

    python build.py [build]            build the public edition into site/
    python build.py check              validate, guard and link-check; write nothing
    python build.py report             compliance with the disclosure catalog
    python build.py serve              preview on 127.0.0.1:8000, rebuilt and reloaded on save
    python build.py new notice "标题" --org town --type 发展对象公示   start a record
    python build.py schema             JSON Schemas and .vscode/settings.json for editors
    python build.py deploy TARGET      publish site/ (changed files only) to rsync://…, user@host:path,
                                       a folder or s3://bucket/prefix; --dry-run lists the plan
    python build.py --edition internal build every scope into site-internal/
    python build.py --now 2020-06-15   fix the build time (also SOURCE_DATE_EPOCH)

Exit codes: 0 done, 1 content problems (listed on stderr) or overdue items with
``report --fail-on-overdue``, 2 bad command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

from . import i18n
from .failures import failure_problems
from .lastbuild import BuildSummary, build_or_reuse
from .options import SCOPES, BuildOptions, Edition

# The engine (sunshine.pipeline and what it imports) loads only when a command needs it:
# a build whose inputs have not changed ends in sunshine.lastbuild without it.

__all__ = ["main", "parse_now", "run"]

BEIJING = ZoneInfo("Asia/Shanghai")


def parse_now(value: str | None, env: dict[str, str]) -> dt.datetime:
    """The build time: ``--now`` (no offset means Beijing time), SOURCE_DATE_EPOCH, or now."""
    if value:
        parsed = dt.datetime.fromisoformat(value)
        return parsed.replace(tzinfo=BEIJING) if parsed.tzinfo is None else parsed
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=BEIJING)


def _common(defaults: bool = True) -> argparse.ArgumentParser:
    """The options every command takes. A subcommand's copy has no defaults
    (``defaults=False``), so an option given before the subcommand is kept."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="网站根目录（含 config.yaml 和 content/），默认当前目录")
    common.add_argument("--edition", choices=["public", "internal"], default=None, help="public 对外公开版（默认）；internal 党内版")
    common.add_argument("--out", type=Path, default=None, help="输出文件夹，默认 site/（党内版 site-internal/）")
    common.add_argument("--now", default=None, help="按此时间生成，如 2020-06-15 或 2020-06-15T09:00（北京时间）")
    common.add_argument("--strict", action="store_true", help="严格模式：警告也视为错误（CI 使用）")
    common.add_argument("--no-history", action="store_true", help="不读取 git 修订记录")
    common.add_argument("--no-cache", action="store_true", help="不使用 .cache/ 中的缓存")
    common.add_argument("--admin", action="store_true", help="同时生成网页编辑器 admin/（Decap CMS，见 docs/网页编辑.md；需先 npm ci --ignore-scripts）")
    common.add_argument("--jobs", type=int, default=None, help="并行进程数，默认使用全部 CPU 核心；1 为串行")
    common.add_argument("-v", "--verbose", action="store_true", help="显示各步骤耗时")
    common.add_argument("-q", "--quiet", action="store_true", help="只显示错误")
    common.add_argument("--lang", choices=i18n.LANGS, default="zh", help="消息语言：zh 中文（默认）；en 英文，供工程人员排查")
    if not defaults:
        for action in common._actions:
            action.default = argparse.SUPPRESS
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="阳光党务：生成党务公开网站", parents=[_common()])
    common = _common(defaults=False)
    commands = parser.add_subparsers(dest="command", metavar="命令")
    commands.add_parser("build", parents=[common], help="生成网站（默认）")
    commands.add_parser("check", parents=[common], help="只检查，不写入")
    report = commands.add_parser("report", parents=[common], help="公开目录执行情况（默认按党内版统计）")
    report.add_argument("--year", type=int, default=None, help="统计年份，默认当年")
    report.add_argument("--org", default=None, help="只看一个组织")
    report.add_argument("--fail-on-overdue", action="store_true", help="有逾期或未公开事项时以状态 1 退出")
    report.add_argument("--annual", type=int, default=None, metavar="YEAR", help="生成该年度的党务公开年度报告")
    preview = commands.add_parser("serve", parents=[common], help="本机预览：保存后自动重新生成并刷新浏览器")
    preview.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1（只有本机能访问）")
    preview.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
    preview.add_argument("--open", action="store_true", help="启动后打开浏览器")
    new = commands.add_parser("new", parents=[common], help="新建一条记录（各字段已预填并附说明）")
    new.add_argument("kind", help="记录类别：notice 公示公告、plan 工作计划、rating 考评排名、page 栏目页面")
    new.add_argument("title", help="标题")
    new.add_argument("--org", required=True, help="发布机构的组织编号（config.yaml 中 orgs 的 id）")
    new.add_argument("--type", dest="notice_type", default=None, help="公示类型（只用于 notice），默认 一般公告")
    new.add_argument("--date", default=None, help="发布日期，如 2020-06-15，默认今天")
    commands.add_parser("schema", aliases=["schemas"], parents=[common], help="生成编辑器用的 JSON Schema 和 .vscode/settings.json")
    deploy = commands.add_parser("deploy", parents=[common], help="发布已生成的网站（只上传有变化的文件）")
    deploy.add_argument("target", help="发布目标：rsync://主机/模块/路径/、用户@主机:路径、本地文件夹或 s3://存储桶/前缀")
    deploy.add_argument("--dry-run", action="store_true", help="只列出要上传和删除的文件，不改动目标")
    deploy.add_argument("--endpoint-url", default=None, help="s3:// 目标的 S3 兼容服务地址（阿里云 OSS、腾讯云 COS、MinIO）")
    return parser


def _options(args: argparse.Namespace, default_edition: Edition = "public") -> BuildOptions:
    now = parse_now(args.now, dict(os.environ))
    edition: Edition = "internal" if (args.edition or default_edition) == "internal" else "public"
    return BuildOptions(
        root=args.root.resolve(), now=now, edition=edition, strict=args.strict,
        out_dir=args.out.resolve() if args.out else None, history=not args.no_history,
        cache=not args.no_cache, workers=args.jobs, admin=args.admin,
    )


def run() -> NoReturn:
    """``python build.py``: :func:`main`, then leave at once.

    The interpreter's own teardown would free every object of the build one by one,
    0.1–0.2 s at 10,000 records after the work is done; the log handlers are closed
    and the output flushed first, and nothing else is left to clean up (worker pools
    and temporary folders are closed where they are used). The cycle collector is off
    for the same reason: a command that ends soon need not walk its heap (a pass after a
    quick edit cost 60 ms); ``serve``, which runs on, turns it back on."""
    gc.disable()
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("sunshine").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    lang: str = args.lang
    if sys.stderr.isatty() and not args.quiet:
        _show_progress(lang)
    command = args.command or "build"
    if command == "deploy":
        return _deploy(args)
    try:
        options = _options(args, "internal" if command == "report" else "public")
    except ValueError:
        print(i18n.text("bad_now", lang, value=args.now), file=sys.stderr)
        return 2
    if command == "new":
        return _new(args)
    if command in ("schema", "schemas"):
        return _schemas(args)
    started = time.perf_counter()
    try:
        if command == "serve":
            return _serve(args, options)
        if command == "report":
            return _report(args, options)
        if command == "check":
            from .pipeline import check

            summary, written = BuildSummary.of(check(options)), None
        else:
            summary, written = build_or_reuse(options)
    except Exception as failed:
        problems = failure_problems(failed, options.root)
        if problems is None:
            raise
        _clear_progress()
        print(i18n.report(problems, lang), file=sys.stderr)
        print(i18n.text("not_built", lang), file=sys.stderr)
        return 1
    _clear_progress()
    if not args.quiet:
        print(_summary(summary, written, options.root, time.perf_counter() - started if args.verbose else None, lang))
    return 0


def _serve(args: argparse.Namespace, options: BuildOptions) -> int:
    from .serve import ServeError, serve  # the web server's libraries load only for this command

    gc.enable()  # a long-running process (see run)
    follow_clock = args.now is None and "SOURCE_DATE_EPOCH" not in os.environ
    try:
        serve(options, host=args.host, port=args.port, open_browser=args.open, follow_clock=follow_clock, lang=args.lang)
    except ServeError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new_record, preview_url

    root = args.root.resolve()
    try:
        today = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(i18n.text("bad_date", args.lang, value=args.date), file=sys.stderr)
        return 2
    try:
        path = new_record(root, args.kind, args.title, args.org, args.notice_type, today=today)
    except ScaffoldError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(i18n.text("created", args.lang, path=path.relative_to(root)))
    print(i18n.text("fill_in", args.lang))
    print(i18n.text("preview_hint", args.lang, url=preview_url(root, path)))
    return 0


def _schemas(args: argparse.Namespace) -> int:
    from .schemas import SchemaError, write_schemas

    root = args.root.resolve()
    try:
        written = write_schemas(root)
    except SchemaError as exc:
        print(exc, file=sys.stderr)
        return 2
    for path in written:
        print(i18n.text("written", args.lang, path=path.relative_to(root)))
    return 0


class _ProgressLine(logging.Handler):
    """One status line on a terminal, rewritten in place; cleared at the end."""

    def __init__(self, lang: str = "zh"):
        super().__init__()
        self.lang = lang

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        step = getattr(record, "step", None)
        if step is not None and self.lang != "zh":
            message = message.replace(i18n.step_label(step, "zh"), i18n.step_label(step, self.lang))
        sys.stderr.write("\r\033[K" + message)
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
        super().close()


def _clear_progress() -> None:
    for handler in logging.getLogger("sunshine.progress").handlers:
        if isinstance(handler, _ProgressLine):
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _show_progress(lang: str) -> None:
    """Steps as they run, only on a terminal; CI logs get the one-line summary alone."""
    handler = _ProgressLine(lang)
    progress = logging.getLogger("sunshine.progress")
    progress.setLevel(logging.INFO)
    progress.propagate = False
    progress.addHandler(handler)
    import atexit

    atexit.register(handler.close)


def _report(args: argparse.Namespace, options: BuildOptions) -> int:
    from . import reports
    from .pipeline import prepare

    site = prepare(options)
    if args.annual is not None:
        from .annual import write_annual_report

        path = write_annual_report(site, args.annual, args.out)
        print(i18n.text("annual", args.lang, year=args.annual, path=path))
        return 0
    year = args.year or options.now.astimezone(site.tz).year
    found = reports.compliance(site, year, args.org)
    print(reports.compliance_table(site, found))
    for line in reports.freshness(site):
        print(i18n.text("reminder", args.lang, line=i18n.translate(line, args.lang)))
    overdue = [ob for ob in found if ob.status in ("late", "missing")]
    return 1 if args.fail_on_overdue and overdue else 0


def _deploy(args: argparse.Namespace) -> int:
    """Publish the built site: ``--out``, else site/ (site-internal/ with ``--edition internal``)."""
    from .deploy import DeployError, TargetError, deploy

    internal = args.edition == "internal"
    site_dir = args.out.resolve() if args.out else args.root.resolve() / ("site-internal" if internal else "site")
    log = (lambda _line: None) if args.quiet else print
    try:
        deploy(site_dir, args.target, dry_run=args.dry_run, endpoint_url=args.endpoint_url, allow_internal=internal, log=log)
    except TargetError as error:  # a target this command cannot use: a bad command line
        print(error, file=sys.stderr)
        return 2
    except DeployError as error:  # could not start, or stopped half way: the live site stays consistent
        print(error, file=sys.stderr)
        return 1
    return 0


def _summary(summary: BuildSummary, written: Path | None, root: Path, seconds: float | None, lang: str = "zh") -> str:
    lines = [i18n.format_problem(p, lang) for p in summary.problems]
    kinds = i18n.join((f"{i18n.kind_label(k, lang)} {n}" for k, n in sorted(summary.per_kind.items())), lang)
    scopes = summary.per_scope
    scope_text = i18n.join((f"{i18n.scope_label(s, lang)} {scopes[s]}" for s in SCOPES if scopes.get(s)), lang)
    counts = {"edition": i18n.text(f"edition.{summary.edition}", lang), "records": summary.published,
              "kinds": kinds, "held": summary.held}
    if written is None:
        lines.append(i18n.text("checked", lang, **counts))
    else:
        where = written.relative_to(root) if written.is_relative_to(root) else written
        pages = summary.pages if summary.pages is not None else sum(1 for p in written.rglob("*.html"))
        if seconds is None:
            lines.append(i18n.text("built", lang, where=where, pages=pages, **counts))
        else:
            lines.append(i18n.text("built_timed", lang, where=where, pages=pages, seconds=seconds, **counts))
    if summary.reused:
        lines.append(i18n.text("unchanged", lang))
    lines.append(i18n.text("by_scope", lang, scopes=scope_text))
    if summary.warnings:
        lines.append(i18n.text("warnings", lang, count=len(summary.warnings)))
    lines += [i18n.text("reminder", lang, line=i18n.translate(line, lang)) for line in summary.reminders]
    return "\n".join(lines)
