"""Publish a built site to a server or a bucket, changed files only, links never dangling.

    python build.py deploy rsync://host[:port]/module/path/   rsync daemon
    python build.py deploy user@host:/srv/www/qingxi/         rsync over ssh
    python build.py deploy /srv/www/qingxi/                   a local folder (through rsync)
    python build.py deploy s3://bucket/qingxi --endpoint-url https://…   S3-compatible (boto3)

GitHub and GitLab Pages are published by CI (.github/workflows/publish.yml,
.gitlab-ci.yml), not by this module.

The site's ``manifest.json`` lists the SHA-256 of every file. The manifest already
on the target is fetched and compared with the new one; only files whose digest
differs are uploaded, in an order that never lets a live page link to a page that
is not there yet:

1. static assets, attachments and per-record data (``static/``, ``notices/a/x.csv``)
2. record pages (``notices/a/index.html``, its print sheet, free pages like ``about/``)
3. other pages (404, redirect pages of old addresses)
4. list pages and the search index (``notices/``, ``catalog/``, ``orgs/``, ``archive/``, ``page/N``)
5. home page, feeds, calendars, ``sitemap.xml``, ``SHA256SUMS``
6. removed files are deleted: only files listed in the *old* manifest (never anything
   this tool did not publish), and then folders they leave empty
7. ``manifest.json``, the commit mark of a deploy

Every file is replaced atomically (rsync renames a finished temporary file; an S3
PUT is atomic). A deploy cut half way leaves the old manifest on the target, every
page either old or new and every link working; running it again compares with the
old manifest, so it uploads the same files and completes the deploy. Deleting
before the manifest is written is what makes that re-run delete the removed files
too: once the new manifest is up, nothing would remember them.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import ipaddress
import json
import mimetypes
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

__all__ = [
    "RSYNC",
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

RSYNC = "rsync"  # the rsync program; tests point it at a wrapper
RSYNC_TIMEOUT = 120  # seconds without any data before rsync gives up
S3_WORKERS = 8

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"

# Upload batches, in order; deletions run between the last two.
TIER_LABELS = (
    "静态资源与附件",
    "记录页面",
    "其他页面",
    "列表页与搜索索引",
    "首页、订阅与网站地图",
    "清单 manifest.json",
)
ASSETS, RECORDS, PAGES, LISTS, HOME, LAST = range(6)
# First path segments of list pages (their records' own pages are recognised by URL).
LIST_SECTIONS = frozenset(["notices", "plans", "ratings", "catalog", "orgs", "archive", "search", "tags", "page"])

# Cache-Control for S3 (the nginx snippet in docs/发布指南.md does the same).
# static/ files keep their names from build to build (site.css, not site.3f2a.css),
# so they get one day, not a year: a changed style sheet reaches readers the next
# day. Make it a year with ``immutable`` only once the templates fingerprint them.
CACHE_SHORT = "public, max-age=300"
CACHE_STATIC = "public, max-age=86400"
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
# Pagefind's index chunks carry a content hash in their names.
# Pagefind's content-named files, in pagefind/ or in a shard's folder below it.
_HASHED = re.compile(r"^pagefind/(?:[0-9a-z]+/)?(?:(?:index|fragment|filter)/[^/]+|pagefind\.[^/]+\.pf_meta)$")
# The files that name the others: uploaded after them, like the home page.
_SEARCH_ENTRIES = re.compile(r"^pagefind/(?:[0-9a-z]+/)?pagefind-entry\.json$|^pagefind/shards\.json$")

_TEXT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".ics": "text/calendar",
    ".svg": "image/svg+xml",
    ".md": "text/markdown",
    ".webmanifest": "application/manifest+json",
}
_CHARSET_TYPES = frozenset(_TEXT_TYPES.values()) | {"application/javascript", "application/rss+xml"}
_OTHER_TYPES = {".wasm": "application/wasm", ".pdf": "application/pdf", ".woff2": "font/woff2"}
_MIME = mimetypes.MimeTypes()  # Python's own table, not the machine's /etc/mime.types


class DeployError(Exception):
    """A deploy that cannot start or did not finish; the message says what to do."""


class TargetError(DeployError):
    """The target is not one this module can publish to (a bad command line)."""


@dataclass(frozen=True)
class Step:
    action: Literal["upload", "delete"]
    label: str
    paths: tuple[str, ...]


@dataclass
class Plan:
    """What a deploy does, in order: upload batches, deletions, then the manifest."""

    target: str
    steps: list[Step] = field(default_factory=list)
    unchanged: int = 0
    first: bool = False  # no manifest on the target yet

    @property
    def uploads(self) -> list[str]:
        return [p for s in self.steps if s.action == "upload" for p in s.paths]

    @property
    def deletes(self) -> list[str]:
        return [p for s in self.steps if s.action == "delete" for p in s.paths]

    def lines(self) -> list[str]:
        """``上传 path`` / ``删除 path``, one per file, in execution order."""
        return [f"{'上传' if s.action == 'upload' else '删除'} {p}" for s in self.steps for p in s.paths]

    def summary(self) -> str:
        return f"上传 {len(self.uploads)} 个文件，删除 {len(self.deletes)} 个文件，{self.unchanged} 个文件未变"


# ---------------------------------------------------------------- the plan


def tier_of(path: str, record_urls: Iterable[str] = ()) -> int:
    """The upload batch of ``path`` (ASSETS … LAST); ``record_urls`` like ``notices/a/``."""
    urls = record_urls if isinstance(record_urls, (set, frozenset)) else frozenset(record_urls)
    parts = path.split("/")
    name = parts[-1]
    suffix = PurePosixPath(name).suffix.lower()
    if path == MANIFEST:
        return LAST
    if path in ("index.html", SUMS) or _SEARCH_ENTRIES.match(path) or suffix in (".xml", ".atom", ".rss"):
        return HOME
    if len(parts) == 1 and suffix == ".txt":  # robots.txt, next-change.txt
        return HOME
    if parts[0] == "static":
        return ASSETS
    if any("/".join(parts[:i]) + "/" in urls for i in range(1, len(parts))):
        return RECORDS if suffix == ".html" else ASSETS
    if parts[0] == "pagefind":
        return LISTS
    if parts[0] == "data":
        return LISTS if name.startswith("catalog") else ASSETS
    if suffix == ".ics":  # calendars of lists (notices/open.ics)
        return HOME
    if suffix == ".html":
        return LISTS if parts[0] in LIST_SECTIONS or "page" in parts[:-1] else PAGES
    return ASSETS


def _home_order(path: str) -> tuple[int, str]:
    if path == "index.html":
        return (0, path)
    if path == "sitemap.xml":
        return (2, path)
    if path.endswith((".xml", ".atom", ".rss", ".ics")):
        return (1, path)
    return (3, path)


def sums_text(files: dict[str, str]) -> bytes:
    """SHA256SUMS as the build writes it for manifest ``files``."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(files.items())).encode("utf-8")


def safe_path(path: str) -> bool:
    """A plain relative path inside the site: no ``..``, no absolute, no control characters."""
    if not path or path.startswith("/") or "\\" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def make_plan(
    target: str,
    new: dict[str, str],
    record_urls: Iterable[str],
    old_files: dict[str, str] | None,
    old_manifest_digest: str | None = None,
) -> Plan:
    """Compare ``new`` (path → SHA-256 of every file to publish, manifest.json included)
    with the old manifest's ``files`` (None: nothing published yet)."""
    plan = Plan(target=target, first=old_files is None)
    old: dict[str, str] = dict(old_files or {})
    if old_files is not None:
        old[SUMS] = hashlib.sha256(sums_text(old_files)).hexdigest()
        if old_manifest_digest:
            old[MANIFEST] = old_manifest_digest
    urls = frozenset(record_urls)
    changed = [p for p, digest in new.items() if old.get(p) != digest]
    plan.unchanged = len(new) - len(changed)
    tiers: dict[int, list[str]] = {}
    for path in changed:
        tiers.setdefault(tier_of(path, urls), []).append(path)
    for tier in range(LAST):
        paths = sorted(tiers.get(tier, []), key=_home_order if tier == HOME else None)
        if paths:
            plan.steps.append(Step("upload", TIER_LABELS[tier], tuple(paths)))
    removed = sorted(p for p in (old_files or {}) if p not in new and p not in (MANIFEST, SUMS) and safe_path(p))
    if removed:
        plan.steps.append(Step("delete", "删除已撤下的文件", tuple(removed)))
    if LAST in tiers:
        plan.steps.append(Step("upload", TIER_LABELS[LAST], (MANIFEST,)))
    return plan


# ---------------------------------------------------------------- headers


def content_type(path: str) -> str:
    """Content-Type for ``path``, with ``charset=utf-8`` for every text type."""
    name = PurePosixPath(path).name
    suffix = PurePosixPath(name).suffix.lower()
    if name == SUMS:
        kind = "text/plain"
    elif name == "feed.xml":
        kind = "application/atom+xml"
    else:
        kind = _TEXT_TYPES.get(suffix) or _OTHER_TYPES.get(suffix) or _MIME.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in _CHARSET_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


def cache_control(path: str) -> str:
    """Cache-Control for ``path``: a day for static/, a year for hashed index chunks, else 5 minutes."""
    if _HASHED.match(path):
        return CACHE_IMMUTABLE
    if path.startswith("static/"):
        return CACHE_STATIC
    return CACHE_SHORT


# ---------------------------------------------------------------- targets


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


# ---------------------------------------------------------------- backends


class Backend(Protocol):
    def read_manifest(self) -> bytes | None: ...
    def upload(self, paths: list[str]) -> None: ...
    def delete(self, paths: list[str], keep_dirs: set[str]) -> None: ...


def _parent_dirs(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


class RsyncBackend:
    """rsync to a daemon, over ssh or into a local folder; one rsync run per batch."""

    def __init__(self, site_dir: Path, dest: str) -> None:
        self.site_dir = site_dir
        self.dest = dest
        self.options = [f"--timeout={RSYNC_TIMEOUT}"]
        if dest.startswith("rsync://"):
            self.options.append("--contimeout=30")

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "LC_ALL": "C"}
        try:
            return subprocess.run([RSYNC, *self.options, *args], capture_output=True, text=True, env=env, check=False)
        except FileNotFoundError:
            raise DeployError(f"找不到 rsync 程序（{RSYNC}）— 请先安装：apt-get install rsync") from None

    def _fail(self, what: str, done: subprocess.CompletedProcess[str]) -> DeployError:
        detail = (done.stderr or done.stdout).strip().splitlines()
        tail = "；".join(detail[-3:]) if detail else "无输出"
        hint = " — 目标的上级文件夹不存在，请先在服务器上建好" if "mkdir" in done.stderr and "No such file" in done.stderr else ""
        return DeployError(f"{what}失败（rsync 退出码 {done.returncode}：{tail}）{hint}")

    def read_manifest(self) -> bytes | None:
        with tempfile.TemporaryDirectory(prefix="sunshine-deploy-") as tmp:
            local = Path(tmp) / MANIFEST
            done = self._run([self.dest + MANIFEST, str(local)])
            if done.returncode == 0 and local.is_file():
                return local.read_bytes()
            if done.returncode == 23 and "No such file or directory" in done.stderr:
                return None
            raise self._fail(f"读取目标上的 {MANIFEST} ", done)

    def _files_from(self, tmp: str, paths: Iterable[str]) -> str:
        listing = Path(tmp) / "files"
        listing.write_bytes(b"".join(p.encode("utf-8") + b"\0" for p in paths))
        return f"--files-from={listing}"

    def upload(self, paths: list[str]) -> None:
        with tempfile.TemporaryDirectory(prefix="sunshine-deploy-") as tmp:
            args = ["--from0", self._files_from(tmp, paths), "--ignore-times", "--times", "--perms", "--chmod=D755,F644"]
            done = self._run([*args, f"{self.site_dir}/", self.dest])
            if done.returncode != 0:
                raise self._fail("上传", done)

    def delete(self, paths: list[str], keep_dirs: set[str]) -> None:
        """Delete ``paths``, then the folders they leave empty, in one rsync run.

        An empty source holding only ``keep_dirs`` is synced with ``--delete`` and a
        filter that includes exactly ``paths`` and their folders and excludes
        everything else. Excluded files are never deleted, so files this tool did not
        put there survive, and so do their folders (rsync reports "cannot delete
        non-empty directory" and goes on). ``--delete-missing-args`` is not used: the
        rsync 3.2.7 security updates reject its entries ("invalid file mode").
        """
        if not paths:
            return
        dirs = sorted({d for p in paths for d in _parent_dirs(p)})
        with tempfile.TemporaryDirectory(prefix="sunshine-deploy-") as tmp:
            source = Path(tmp) / "empty"
            source.mkdir()
            for folder in dirs:
                if folder in keep_dirs:
                    (source / folder).mkdir(parents=True, exist_ok=True)
            rules = [f"+ /{_rsync_pattern(d)}/" for d in dirs] + [f"+ /{_rsync_pattern(p)}" for p in sorted(paths)] + ["- *"]
            listing = Path(tmp) / "filter"
            listing.write_text("\n".join(rules) + "\n", encoding="utf-8")
            done = self._run(["--recursive", "--delete", f"--filter=merge {listing}", f"{source}/", self.dest])
            if done.returncode != 0:
                raise self._fail("删除", done)


def _rsync_pattern(path: str) -> str:
    """``path`` as an rsync filter pattern matching only itself."""
    if "\n" in path or "\r" in path:
        raise DeployError(f"文件名含换行符，无法用 rsync 删除：{path!r}")
    if any(c in path for c in "*?["):  # backslash escapes only where a wildcard is present
        return "".join("\\" + c if c in "*?[\\" else c for c in path)
    return path


class S3Backend:
    """An S3-compatible bucket through boto3 (Aliyun OSS, Tencent COS, MinIO, AWS)."""

    def __init__(self, site_dir: Path, bucket: str, prefix: str, endpoint_url: str | None) -> None:
        try:
            import boto3  # type: ignore[import-untyped]
            from botocore.config import Config  # type: ignore[import-untyped]
        except ImportError:
            raise DeployError("发布到 S3 需要 boto3 — 请先安装：.venv/bin/pip install -r requirements-test.txt（或单装 boto3）") from None
        import botocore.exceptions  # type: ignore[import-untyped]

        self.errors: tuple[type[Exception], ...] = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)
        self.client_error: type[Exception] = botocore.exceptions.ClientError
        self.site_dir = site_dir
        self.bucket = bucket
        self.prefix = prefix
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": _addressing_style(endpoint_url)},
            retries={"max_attempts": 5, "mode": "standard"},
            connect_timeout=20,
            read_timeout=120,
            # boto3 ≥ 1.36 adds CRC checksums to every PUT by default, which several
            # S3-compatible services reject; send them only where S3 requires one.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url or None, config=config)

    def _where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def read_manifest(self) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + MANIFEST)
            body: bytes = answer["Body"].read()
            return body
        except self.client_error as error:
            code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404", "NotFound"):
                return None
            raise DeployError(f"读取 {self._where()}{MANIFEST} 失败：{error}") from None
        except self.errors as error:
            raise DeployError(
                f"S3 请求失败：{error} — 请检查 --endpoint-url、网络，以及 AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY 环境变量"
            ) from None

    def put(self, path: str) -> None:
        body = (self.site_dir / path).read_bytes()
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + path,
            Body=body,
            ContentType=content_type(path),
            CacheControl=cache_control(path),
        )

    def upload(self, paths: list[str]) -> None:
        self._each(self.put, paths, "上传")

    def remove(self, path: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + path)

    def delete(self, paths: list[str], keep_dirs: set[str]) -> None:
        self._each(self.remove, paths, "删除")

    def _each(self, action: Callable[[str], None], paths: list[str], verb: str) -> None:
        failed: list[str] = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=S3_WORKERS) as pool:
            futures = {pool.submit(action, p): p for p in paths}
            for future in concurrent.futures.as_completed(futures):
                error = future.exception()
                if error is not None:
                    failed.append(f"{futures[future]}（{error}）")
        if failed:
            more = f" 等 {len(failed)} 个" if len(failed) > 1 else ""
            raise DeployError(f"{verb}到 {self._where()} 失败：{sorted(failed)[0]}{more}")


def _addressing_style(endpoint_url: str | None) -> str:
    """Path style for an address like http://127.0.0.1:9000 (MinIO), virtual host otherwise
    (OSS and COS accept only that); SUNSHINE_S3_ADDRESSING=path|virtual overrides."""
    chosen = os.environ.get("SUNSHINE_S3_ADDRESSING", "").strip().lower()
    if chosen in ("path", "virtual", "auto"):
        return chosen
    if not endpoint_url:
        return "auto"
    parts = urlsplit(endpoint_url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "path" if parts.port or host == "localhost" else "virtual"
    return "path"


# ---------------------------------------------------------------- deploy


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
