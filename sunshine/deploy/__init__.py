"""Publish a built site to a server or a bucket, changed files only, links never dangling.

    python build.py deploy rsync://host[:port]/module/path/   rsync daemon
    python build.py deploy user@host:/srv/www/qingxi/         rsync over ssh
    python build.py deploy /srv/www/qingxi/                   a local folder (through rsync)
    python build.py deploy s3://bucket/qingxi --endpoint-url https://…   S3-compatible (boto3)

GitHub and GitLab Pages are published by CI (.github/workflows/publish.yml,
.gitlab-ci.yml), not by this package.

The site's ``manifest.json`` lists the SHA-256 of every file. The manifest already
on the target is fetched and compared with the new one; only files whose digest
differs are uploaded, in the order :mod:`.plan` describes: pages before the lists
that link them, removed files deleted last, ``manifest.json`` at the very end.

Every file is replaced atomically (rsync renames a finished temporary file; an S3
PUT is atomic). A deploy cut half way leaves the old manifest on the target, every
page either old or new and every link working; running it again compares with the
old manifest, so it uploads the same files and completes the deploy. Deleting
before the manifest is written is what makes that re-run delete the removed files
too: once the new manifest is up, nothing would remember them.

This module runs a deploy; :mod:`.plan` decides what to do, :mod:`.targets` reads
the target, :mod:`.rsync` and :mod:`.s3` publish, :mod:`.headers` names the HTTP
headers of each file, :mod:`.errors` holds the errors.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from .errors import DeployError, TargetError
from .headers import cache_control, content_type
from .plan import MANIFEST, SUMS, Plan, Step, _parent_dirs, make_plan, safe_path, tier_of
from .rsync import RsyncBackend
from .s3 import S3Backend
from .targets import _REMOTE_SHELL, Target, parse_target

__all__ = [
    "DeployError",
    "Plan",
    "Step",
    "TargetError",
    "cache_control",
    "content_type",
    "deploy",
    "make_plan",
    "parse_target",
    "tier_of",
]


class Backend(Protocol):
    def read_manifest(self) -> bytes | None: ...
    def upload(self, paths: list[str]) -> None: ...
    def delete(self, paths: list[str], keep_dirs: set[str]) -> None: ...


def _read_manifest_doc(data: bytes, where: str) -> dict[str, Any]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        doc = None
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise DeployError(
            f"{where} 不是阳光党务生成的 manifest.json — 为免误删文件，已停止；请确认发布目标是否正确"
        )
    return doc  # type: ignore[no-any-return]


def _local_digests(site_dir: Path, files: dict[str, str]) -> dict[str, str]:
    """SHA-256 of every file to publish, checked against the new manifest."""
    digests: dict[str, str] = {}
    for path, expected in sorted(files.items()):
        if not safe_path(path):
            raise DeployError(f"{site_dir / MANIFEST} 中的路径不合法：{path!r}")
        try:
            digest = hashlib.sha256((site_dir / path).read_bytes()).hexdigest()
        except OSError:
            raise DeployError(f"{site_dir / path} 不存在 — 网站文件夹不完整，请重新运行 python build.py") from None
        if digest != expected:
            raise DeployError(f"{site_dir / path} 与 manifest.json 不符 — 生成后被改动过，请重新运行 python build.py")
        digests[path] = digest
    for extra in (SUMS, MANIFEST):
        try:
            digests[extra] = hashlib.sha256((site_dir / extra).read_bytes()).hexdigest()
        except OSError:
            raise DeployError(f"{site_dir / extra} 不存在 — 请重新运行 python build.py") from None
    return digests


def _record_urls(doc: dict[str, Any]) -> set[str]:
    records = doc.get("records")
    if not isinstance(records, list):
        return set()
    return {r["url"] for r in records if isinstance(r, dict) and isinstance(r.get("url"), str) and r["url"]}


def _backend(site_dir: Path, target: Target, endpoint_url: str | None) -> Backend:
    if target.kind == "s3":
        return S3Backend(site_dir, target.dest, target.prefix, endpoint_url)
    if endpoint_url:
        raise TargetError("--endpoint-url 只用于 s3:// 目标")
    if not target.dest.startswith("rsync://") and not _REMOTE_SHELL.match(target.dest):
        local = Path(target.dest).resolve()
        if local == site_dir or site_dir in local.parents or local in site_dir.parents:
            raise TargetError(f"发布目标 {local} 与网站文件夹 {site_dir} 重叠")
    return RsyncBackend(site_dir, target.dest)


def deploy(
    site_dir: Path,
    target: str,
    *,
    dry_run: bool = False,
    endpoint_url: str | None = None,
    allow_internal: bool = False,
    log: Callable[[str], object] = print,
) -> Plan:
    """Publish the built site in ``site_dir`` to ``target``; return what was (or would be) done.

    Raises TargetError for a target this module cannot use, DeployError when the
    deploy cannot start or stops half way (the live site stays consistent, and
    running the deploy again completes it).
    """
    site_dir = Path(site_dir).resolve()
    parsed = parse_target(target)
    manifest_file = site_dir / MANIFEST
    if not manifest_file.is_file():
        raise DeployError(f"{manifest_file} 不存在 — 请先运行 python build.py 生成网站")
    new_doc = _read_manifest_doc(manifest_file.read_bytes(), str(manifest_file))
    edition = new_doc.get("edition", "public")
    if edition != "public" and not allow_internal:
        raise DeployError(f"{site_dir} 是党内版（edition: {edition}），不能发布到公开网站；确需发布到内网请加 --edition internal")
    digests = _local_digests(site_dir, new_doc["files"])
    backend = _backend(site_dir, parsed, endpoint_url)

    old_bytes = backend.read_manifest()
    old_doc = _read_manifest_doc(old_bytes, f"{target} 上的 manifest.json") if old_bytes is not None else None
    if old_doc is not None and old_doc.get("edition", "public") != edition:
        raise DeployError(
            f"{target} 上现有的是{_edition_name(old_doc.get('edition'))}，本次是{_edition_name(edition)} — 两个版本不能互相覆盖，请检查发布目标"
        )
    plan = make_plan(
        target,
        digests,
        _record_urls(new_doc),
        old_doc["files"] if old_doc is not None else None,
        hashlib.sha256(old_bytes).hexdigest() if old_bytes is not None else None,
    )

    if plan.first:
        log(f"{target} 上还没有 manifest.json：按首次发布处理，上传全部文件，不删除任何文件。")
    if dry_run:
        log("试运行（--dry-run）：只列出将要进行的操作，目标不会有任何改动。")
        for line in plan.lines():
            log(line)
        log(f"试运行完毕：将{plan.summary()}。")
        return plan
    if not plan.steps:
        log(f"{target} 已是最新版本（{plan.unchanged} 个文件），无需上传。")
        return plan
    keep_dirs = {d for p in digests for d in _parent_dirs(p)}
    total = len(plan.steps)
    for number, step in enumerate(plan.steps, start=1):
        log(f"第 {number}/{total} 步：{step.label}（{len(step.paths)} 个文件）")
        for path in step.paths:
            log(f"{'上传' if step.action == 'upload' else '删除'} {path}")
        try:
            if step.action == "upload":
                backend.upload(list(step.paths))
            else:
                backend.delete(list(step.paths), keep_dirs)
        except DeployError as error:
            state = (
                "目标上还没有完整的网站（首次发布）"
                if plan.first
                else "线上网站仍以原有 manifest.json 为准，已上传的都是完整文件，链接不会断"
            )
            raise DeployError(f"{error}\n发布在第 {number}/{total} 步中断：{state}；排除故障后重新运行同一命令即可完成发布。") from None
    log(f"发布完成：{plan.summary()}。")
    return plan


def _edition_name(edition: object) -> str:
    return "党内版" if edition == "internal" else "对外公开版"
