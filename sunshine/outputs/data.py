"""Open-data exports under /data/: the catalog as JSON and CSV (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..site import Site
from ..views import RecordView

__all__ = ["exports"]

COLUMNS = [
    ("index_no", "索引号"), ("title", "标题"), ("org", "发布机构"), ("category", "主题分类"),
    ("kind", "类别"), ("written", "成文日期"), ("date", "发布日期"), ("doc_no", "文号"),
    ("status", "状态"), ("url", "网址"),
]


def _row(site: Site, v: RecordView) -> dict[str, Any]:
    base = site.cfg.absolute_base or site.cfg.path_prefix
    return {
        "index_no": v.index_no, "title": v.title, "org": v.org_name, "category": v.category,
        "kind": v.kind_label, "written": v.written.isoformat() if v.written else "",
        "date": v.date.date().isoformat(), "doc_no": v.doc_no, "status": v.status, "url": base + v.path,
    }


def exports(site: Site, views: list[RecordView]) -> dict[str, bytes]:
    rows = [_row(site, v) for v in sorted(views, key=lambda v: v.index_no)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label in COLUMNS])
    for row in rows:
        writer.writerow([row[key] for key, _ in COLUMNS])
    catalog_json = json.dumps({"records": rows}, ensure_ascii=False, indent=1, sort_keys=True)
    files = {
        "data/catalog.json": (catalog_json + "\n").encode("utf-8"),
        "data/catalog.csv": b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"),
    }
    for v, row in zip(sorted(views, key=lambda v: v.index_no), rows, strict=True):
        files[f"data/records/{v.index_no}.json"] = _record_json(v, row)
    return files


def _record_json(v: RecordView, row: dict[str, Any]) -> bytes:
    """One record: the catalog columns plus its kind's own fields (people, scores, tasks …)."""
    fields = v.fields.model_dump(mode="json", exclude={"approval", "allow_personal", "aliases", "slug"})
    doc = {**row, "scope": v.scope, "fields": fields}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
