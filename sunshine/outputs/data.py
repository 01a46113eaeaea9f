"""Open-data exports under /data/: the catalog as JSON and CSV (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection
from typing import Any

from .. import reports
from ..kinds.rating import export as rating_export
from ..kinds.rating import series_groups
from ..site import Site
from ..views import RecordView

__all__ = ["exports", "internal_exports"]

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


def exports(site: Site, views: list[RecordView], only: Collection[str] | None = None) -> dict[str, bytes]:
    """The catalog of ``views``, and each record's own file (only those of the records
    keyed in ``only``, when given: the preview's quick rebuilds)."""
    rows = [_row(site, v) for v in sorted(views, key=lambda v: v.index_no)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label in COLUMNS])
    for row in rows:
        writer.writerow([row[key] for key, _ in COLUMNS])
    catalog_json = json.dumps({"records": rows}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    files = {
        "data/catalog.json": (catalog_json + "\n").encode("utf-8"),
        "data/catalog.csv": b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"),
    }
    for v, row in zip(sorted(views, key=lambda v: v.index_no), rows, strict=True):
        if only is None or v.key in only:
            files[f"data/records/{v.index_no}.json"] = _record_json(v, row)
    if only is None or any(v.kind == "rating" for v in views if v.key in only):
        files.update(_ratings(site, views))
    return files


def _ratings(site: Site, views: list[RecordView]) -> dict[str, bytes]:
    names = {o.id: o.label for o in site.cfg.orgs}
    ratings = [v for v in views if v.kind == "rating" and v.status == "active"]
    files: dict[str, bytes] = {}
    for v in ratings:
        slug = v.path.split("/")[1]
        header, rows = rating_export.rating_table(v.fields, v.derived, names)
        files[f"data/ratings/{slug}.csv"] = rating_export.csv_bytes(header, rows)
        meta = {"title": v.title, "index_no": v.index_no, "date": v.date.date().isoformat(), "org": v.org_name}
        files[f"data/ratings/{slug}.json"] = rating_export.rating_json(v.fields, v.derived, names, meta)
    for series, members in sorted(series_groups(ratings).items()):
        periods = [(m.derived.period_label, m.derived) for m in members]
        header, rows = rating_export.series_table(periods, names)
        files[f"data/ratings/series/{series}.csv"] = rating_export.csv_bytes(header, rows)
    return files



def _record_json(v: RecordView, row: dict[str, Any]) -> bytes:
    """One record: the catalog columns plus its kind's own fields (people, scores, tasks …)."""
    fields = v.fields.model_dump(mode="json", exclude={"approval", "allow_personal", "aliases", "slug"})
    doc = {**row, "scope": v.scope, "fields": fields}
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def internal_exports(site: Site) -> dict[str, bytes]:
    """Internal edition only: compliance.json and the release register as CSV."""
    doc = reports.compliance_json(site, reports.compliance_years(site))
    rows = reports.register_rows(site)
    return {
        "compliance.json": (json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8"),
        "data/register.csv": rating_export.csv_bytes(
            [label for _, label in reports.REGISTER_COLUMNS], [[row[k] for k, _ in reports.REGISTER_COLUMNS] for row in rows]
        ),
    }
