"""The deploy target of the command line: rsync (daemon, ssh or a local folder) or S3."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from .errors import TargetError
from .plan import safe_path


@dataclass(frozen=True)
class Target:
    kind: Literal["rsync", "s3"]
    dest: str  # rsync destination ending in "/" (or "host:"); S3 bucket
    prefix: str = ""  # S3 key prefix, "" or ending in "/"


_REMOTE_SHELL = re.compile(r"^[^/:]+:")  # host:path or user@host:path (a colon before any slash)


def parse_target(target: str) -> Target:
    """``rsync://…``, ``user@host:path``, a local folder, or ``s3://bucket/prefix``."""
    target = target.strip()
    if not target:
        raise TargetError("发布目标为空 — 请写成 rsync://主机/模块/路径/、用户@主机:路径、本地文件夹或 s3://存储桶/前缀")
    scheme = urlsplit(target).scheme.lower() if "://" in target else ""
    if scheme == "s3":
        rest = target.split("://", 1)[1]
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise TargetError(f"S3 目标缺少存储桶名：{target} — 请写成 s3://存储桶/前缀")
        prefix = "/".join(p for p in prefix.split("/") if p)
        if prefix and not safe_path(prefix):
            raise TargetError(f"S3 前缀不合法：{target}")
        return Target("s3", bucket, prefix + "/" if prefix else "")
    if scheme == "rsync":
        parts = urlsplit(target)
        if not parts.hostname or not parts.path.strip("/"):
            raise TargetError(f"rsync 目标缺少主机或模块名：{target} — 请写成 rsync://主机[:端口]/模块/路径/")
        return Target("rsync", target.rstrip("/") + "/")
    if scheme:
        raise TargetError(
            f"不支持的发布目标：{target} — GitHub Pages、GitLab Pages 由 CI 发布（见 docs/发布指南.md）；"
            "本命令支持 rsync://、用户@主机:路径、本地文件夹和 s3://"
        )
    if _REMOTE_SHELL.match(target):
        return Target("rsync", target if target.endswith((":", "/")) else target + "/")
    return Target("rsync", str(Path(target).expanduser()).rstrip("/") + "/")
