"""Command line: argparse and exit codes only.

    python build.py [build]            build the public edition into site/
    python build.py check              validate, guard and link-check; write nothing
    python build.py --edition internal build every scope into site-internal/
    python build.py --now 2020-06-15   fix the build time (also SOURCE_DATE_EPOCH)

Exit codes: 0 built, 1 content problems (listed on stderr), 2 bad command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from .kinds import KINDS
from .pipeline import build, check
from .problems import BuildFailed
from .site import BuildOptions, Site

__all__ = ["main", "parse_now"]

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="阳光党务：生成党务公开网站")
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check"], help="build 生成网站（默认）；check 只检查不写入")
    parser.add_argument("--root", type=Path, default=Path("."), help="网站根目录（含 config.yaml 和 content/），默认当前目录")
    parser.add_argument("--edition", choices=["public", "internal"], default="public", help="public 对外公开版（默认）；internal 党内版")
    parser.add_argument("--out", type=Path, default=None, help="输出文件夹，默认 site/（党内版 site-internal/）")
    parser.add_argument("--now", default=None, help="按此时间生成，如 2020-06-15 或 2020-06-15T09:00（北京时间）")
    parser.add_argument("--strict", action="store_true", help="严格模式：警告也视为错误（CI 使用）")
    parser.add_argument("--no-history", action="store_true", help="不读取 git 修订记录")
    parser.add_argument("--no-cache", action="store_true", help="不使用 .cache/ 中的缓存")
    parser.add_argument("--jobs", type=int, default=None, help="并行进程数，默认使用全部 CPU 核心；1 为串行")
    parser.add_argument("-v", "--verbose", action="store_true", help="显示各步骤耗时")
    parser.add_argument("-q", "--quiet", action="store_true", help="只显示错误")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("sunshine").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        now = parse_now(args.now, dict(os.environ))
    except ValueError:
        print(f"--now 的时间格式不对：{args.now}（应写成 2020-06-15 或 2020-06-15T09:00）", file=sys.stderr)
        return 2
    root = args.root.resolve()
    out = args.out.resolve() if args.out else None
    options = BuildOptions(
        root=root, now=now, edition=args.edition, strict=args.strict, out_dir=out,
        history=not args.no_history, cache=not args.no_cache, workers=args.jobs,
    )
    try:
        if args.command == "check":
            site = check(options)
            written = None
        else:
            site, written = build(options)
    except BuildFailed as failed:
        print(failed.problems.report(), file=sys.stderr)
        print("未生成网站：请按上面的提示修改后重试。原有网站保持不变。", file=sys.stderr)
        return 1
    if not args.quiet:
        print(_summary(site, written, root))
    return 0


def _summary(site: Site, written: Path | None, root: Path) -> str:
    lines = [p.format() for p in site.problems.sorted()]
    per_kind = Counter(r.kind for r in site.published_records())
    kinds = "，".join(f"{KINDS[k].LABEL} {n}" for k, n in sorted(per_kind.items()))
    edition = "对外公开版" if site.options.edition == "public" else "党内版"
    held = len(site.records) - len(site.published)
    if written is None:
        lines.append(f"检查通过：{edition}共 {len(site.published)} 条记录（{kinds}），未公开 {held} 条。")
    else:
        where = written.relative_to(root) if written.is_relative_to(root) else written
        lines.append(f"已生成{edition}到 {where}/：共 {len(site.published)} 条记录（{kinds}），未公开 {held} 条。")
    if site.problems.warnings:
        lines.append(f"警告 {len(site.problems.warnings)} 个（--strict 时视为错误）。")
    return "\n".join(lines)
