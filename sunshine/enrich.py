"""Stage 3, enrich: each kind derives its data (ranks, notice status, plan progress)."""

from __future__ import annotations

from .kinds import KINDS
from .site import Site

__all__ = ["enrich_site"]


def enrich_site(site: Site) -> None:
    """Set ``record.derived`` for every record, by its kind's ``enrich``."""
    for record in site.records.values():
        record.derived = KINDS[record.kind].enrich(record, site)
