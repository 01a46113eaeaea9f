"""Deploy to an S3-compatible bucket: moto's S3 server on 127.0.0.1, reached through boto3."""

from __future__ import annotations

import logging
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from moto.server import ThreadedMotoServer

from sunshine.deploy import DeployError, deploy
from sunshine.deploy.s3 import S3Backend

from .conftest import REMOVED_URL, Builds, changed, free_port

BUCKET = "dangwu"
TARGET = f"s3://{BUCKET}/qingxi"


def _quiet(_: str) -> None:
    pass


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """(endpoint URL, boto3 client) of a fresh moto S3 server holding an empty bucket."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "SUNSHINE_S3_ADDRESSING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    monkeypatch.setattr(logging.getLogger("werkzeug"), "level", logging.ERROR)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        # moto keeps its buckets in the process, across servers: start empty.
        fetch_reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(fetch_reset, timeout=10).close()
        client = boto3.client("s3", endpoint_url=endpoint)
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.stop()


def _objects(client: Any, prefix: str = "") -> dict[str, bytes]:
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return {k: client.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in sorted(keys)}


def _site(client: Any) -> dict[str, bytes]:
    return {k.removeprefix("qingxi/"): v for k, v in _objects(client, "qingxi/").items()}


def test_deploy_sets_type_and_cache_headers(builds: Builds, s3: tuple[str, Any]) -> None:
    endpoint, client = s3
    plan = deploy(builds.v1.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    assert plan.first and plan.uploads[-1] == "manifest.json"
    assert _site(client) == builds.v1.files()
    expected = {
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "notices/2020-04-renqian-gongshi/index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "static/css/site.css": ("text/css; charset=utf-8", "public, max-age=86400"),
        "static/js/site.js": ("text/javascript; charset=utf-8", "public, max-age=86400"),
        "static/favicon.svg": ("image/svg+xml; charset=utf-8", "public, max-age=86400"),
        "feed.xml": ("application/atom+xml; charset=utf-8", "public, max-age=300"),
        "sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=300"),
        "data/catalog.csv": ("text/csv; charset=utf-8", "public, max-age=300"),
        "data/catalog.json": ("application/json; charset=utf-8", "public, max-age=300"),
        "notices/open.ics": ("text/calendar; charset=utf-8", "public, max-age=300"),
        "SHA256SUMS": ("text/plain; charset=utf-8", "public, max-age=300"),
        "manifest.json": ("application/json; charset=utf-8", "public, max-age=300"),
    }
    for path, (kind, cache) in expected.items():
        head = client.head_object(Bucket=BUCKET, Key=f"qingxi/{path}")
        assert (head["ContentType"], head["CacheControl"]) == (kind, cache), path


def test_second_deploy_uploads_only_changes(builds: Builds, s3: tuple[str, Any]) -> None:
    endpoint, client = s3
    deploy(builds.v1.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    # Mark an unchanged object: a deploy that re-uploaded it would overwrite the mark.
    client.put_object(Bucket=BUCKET, Key="qingxi/about/index.html", Body=b"mark")
    plan = deploy(builds.v2.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    v1, v2 = builds.v1.files(), builds.v2.files()
    assert set(plan.uploads) == changed(v1, v2)
    assert "about/index.html" not in plan.uploads and not plan.deletes
    assert _site(client) == {**v2, "about/index.html": b"mark"}


def test_removed_files_deleted_foreign_objects_kept(builds: Builds, s3: tuple[str, Any]) -> None:
    endpoint, client = s3
    foreign = {
        "qingxi/baidu_verify_abc.html": b"verify",
        f"qingxi/{REMOVED_URL}attachment-by-hand.pdf": b"%PDF",
        "other-site/index.html": b"another site",
        "qingxi-old/index.html": b"same prefix letters",
    }
    for key, body in foreign.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
    deploy(builds.v1.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    plan = deploy(builds.v3.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    v1, v3 = builds.v1.files(), builds.v3.files()
    assert set(plan.deletes) == set(v1) - set(v3)
    assert f"{REMOVED_URL}index.html" in plan.deletes
    assert _objects(client) == {**{f"qingxi/{p}": b for p, b in v3.items()}, **foreign}


def test_dry_run_changes_nothing(builds: Builds, s3: tuple[str, Any]) -> None:
    endpoint, client = s3
    lines: list[str] = []
    deploy(builds.v1.dir, TARGET, endpoint_url=endpoint, dry_run=True, log=lines.append)
    assert _objects(client) == {}
    assert "上传 manifest.json" in lines
    deploy(builds.v1.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    before = {o["Key"]: (o["ETag"], o["LastModified"]) for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]}
    lines.clear()
    plan = deploy(builds.v3.dir, TARGET, endpoint_url=endpoint, dry_run=True, log=lines.append)
    after = {o["Key"]: (o["ETag"], o["LastModified"]) for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert after == before
    assert plan.deletes and f"删除 {REMOVED_URL}index.html" in lines


def test_cut_half_way_then_rerun(builds: Builds, s3: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint, client = s3
    deploy(builds.v1.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    v1, v3 = builds.v1.files(), builds.v3.files()
    real_put = S3Backend.put
    calls: list[str] = []

    def cut_put(self: S3Backend, path: str) -> None:
        calls.append(path)
        if len(calls) > 3:
            raise ConnectionError("connection reset by peer")
        real_put(self, path)

    monkeypatch.setattr(S3Backend, "put", cut_put)
    with pytest.raises(DeployError, match="重新运行"):
        deploy(builds.v3.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    site = _site(client)
    assert site["manifest.json"] == v1["manifest.json"]
    assert set(v1) <= set(site), "nothing deleted before every new file is up"
    assert all(content in (v1.get(p), v3.get(p)) for p, content in site.items())

    monkeypatch.setattr(S3Backend, "put", real_put)
    deploy(builds.v3.dir, TARGET, endpoint_url=endpoint, log=_quiet)
    assert _site(client) == v3


def test_missing_bucket_is_explained(builds: Builds, s3: tuple[str, Any]) -> None:
    endpoint, client = s3
    with pytest.raises(DeployError, match=re.escape("读取 s3://no-such-bucket/qingxi/manifest.json 失败")):
        deploy(builds.v1.dir, "s3://no-such-bucket/qingxi", endpoint_url=endpoint, log=_quiet)
    assert _objects(client) == {}
