"""Record kinds. Each kind is one module with the same small surface:

- ``NAME``, ``FOLDER`` (under content/), ``LABEL`` (Chinese, for lists and menus)
- ``Fields``: the schema (extends :class:`~sunshine.kinds.common.CommonFields`)
- ``check(record, site, problems)``: rules across fields and records
- ``enrich(record, site)``: the kind's derived data (ranks, status, progress)
- ``TEMPLATE``, ``LIST_TEMPLATE`` and ``PRINT_TEMPLATE`` (an A4 sheet, or None): template names

Stages loop over :data:`KINDS` and never branch on a kind's name.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..problems import Problems
from ..site import Record, Site
from . import notice, page, plan, rating

__all__ = ["KINDS", "Kind", "kind_for_folder"]


class Kind(Protocol):
    NAME: str
    FOLDER: str
    LABEL: str
    TEMPLATE: str
    LIST_TEMPLATE: str
    PRINT_TEMPLATE: str | None
    Fields: type[Any]

    def check(self, record: Record, site: Site, problems: Problems) -> None: ...

    def enrich(self, record: Record, site: Site) -> Any: ...


KINDS: dict[str, Kind] = {m.NAME: m for m in (plan, rating, notice, page)}


def kind_for_folder(folder: str) -> str | None:
    """The kind stored in content/<folder>/, or None."""
    for name, kind in KINDS.items():
        if folder == kind.FOLDER:
            return name
    return None
