"""Open data for ratings: one table per rating and one per series (CSV with BOM, JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

__all__ = ["csv_bytes", "rating_table", "series_table"]

MARKS = {"top": "前列", "bottom": "后列", "": ""}


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM so spreadsheet programs read the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[str(cell) for cell in row] for row in rows])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def rating_table(fields: Any, derived: Any, names: dict[str, str]) -> tuple[list[str], list[list[Any]]]:
    """The ranking as a header and rows, in rank order."""
    header = ["名次", "组织编号", "组织", *[c.name for c in fields.criteria], "扣分", "总分", "标记", "变化"]
    rows = []
    for r in derived.rows:
        change = derived.changes.get(r.org)
        rows.append([
            r.rank, r.org, names.get(r.org, r.org), *[r.scores[c.id] for c in fields.criteria],
            r.deducted, r.total, MARKS[r.mark], change.label if change else "",
        ])
    return header, rows


def rating_json(fields: Any, derived: Any, names: dict[str, str], meta: dict[str, Any]) -> bytes:
    doc = {
        **meta,
        "period": fields.period,
        "method": fields.method,
        "series": derived.series,
        "full_mark": str(derived.full_mark),
        "rounding": fields.rounding,
        "criteria": [{"id": c.id, "name": c.name, "max": c.max} for c in fields.criteria],
        "rows": [
            {
                "rank": r.rank, "org": r.org, "name": names.get(r.org, r.org),
                "scores": {k: str(v) for k, v in r.scores.items()}, "deducted": str(r.deducted),
                "total": str(r.total), "mark": r.mark, "comment": r.comment,
                "change": derived.changes[r.org].label if r.org in derived.changes else None,
            }
            for r in derived.rows
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def series_table(periods: Sequence[tuple[str, Any]], names: dict[str, str]) -> tuple[list[str], list[list[Any]]]:
    """One row per organisation, two columns (total, rank) per period of the series."""
    orgs: list[str] = []
    for _, derived in periods:
        for r in derived.rows:
            if r.org not in orgs:
                orgs.append(r.org)
    header = ["组织编号", "组织"]
    for label, _ in periods:
        header += [f"{label}总分", f"{label}名次"]
    rows = []
    for org in orgs:
        row: list[Any] = [org, names.get(org, org)]
        for _, derived in periods:
            hit = next((r for r in derived.rows if r.org == org), None)
            row += [hit.total, hit.rank] if hit else ["", ""]
        rows.append(row)
    return header, rows
