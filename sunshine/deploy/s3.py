"""Publishing to an S3-compatible bucket through boto3."""

from __future__ import annotations

import concurrent.futures
import ipaddress
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import DeployError
from .headers import cache_control, content_type
from .plan import MANIFEST

S3_WORKERS = 8


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
