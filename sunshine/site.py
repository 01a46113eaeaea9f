"""The model passed along the pipeline: options, sources, records and the site.

Each stage fills named fields that later stages only read::

    load      -> site.config, site.sources
    validate  -> site.records (keyed by source path), site.by_index
    enrich    -> record.derived
    guard     -> site.published (record keys in this edition)
    route     -> record.url, site.routes
    render    -> {output path: bytes}
    write     -> the output folder

Records are plain data (dataclasses and pydantic models) so they can cross
process boundaries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .config import SiteConfig
from .history import Revision
from .options import BuildOptions, Edition
from .problems import Problems
from .yamlsrc import YamlDoc, line_of

__all__ = ["Attachment", "BuildOptions", "Edition", "Record", "Site", "Source"]

@dataclass
class Source:
    """One content file as read: its kind, YAML (with lines) and Markdown body."""

    path: str
    kind: str
    doc: YamlDoc
    body: str
    body_line: int
    folder: bool = False


@dataclass(frozen=True)
class Attachment:
    file: str
    title: str
    size: int
    sha256: str
    source: str


@dataclass
class Record:
    """A validated record. ``fields`` is the kind's schema instance."""

    key: str
    kind: str
    fields: Any
    body: str
    body_line: int
    lines: dict[str, int]
    slug: str
    date: dt.datetime
    publish_at: dt.datetime
    index_no: str
    provisional_index: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    derived: Any = None
    url: str = ""

    def line_of(self, path: str) -> int:
        """The line of ``path``, else of its nearest parent, else of ``title``."""
        return line_of(self.lines, path, self.lines.get("title", 1))

    @property
    def title(self) -> str:
        return str(self.fields.title)

    @property
    def org(self) -> str:
        return str(self.fields.org)

    @property
    def scope(self) -> str:
        return str(self.fields.scope)

    @property
    def status(self) -> str:
        return str(self.fields.status)


@dataclass
class Site:
    options: BuildOptions
    problems: Problems
    config: SiteConfig | None = None
    sources: list[Source] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)
    by_index: dict[str, str] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    routes: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[Revision]] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # indexes a kind builds once per build

    @property
    def cfg(self) -> SiteConfig:
        assert self.config is not None
        return self.config

    @property
    def tz(self) -> dt.tzinfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.cfg.site.timezone)

    @cached_property
    def is_workday(self) -> Callable[[dt.date], bool]:
        """The working-day calendar: the official one plus config.yaml's days."""
        from .workdays import make_calendar

        return make_calendar(self.cfg.calendar.holidays, self.cfg.calendar.workdays)

    def in_edition(self, record: Record) -> bool:
        """Whether ``record`` belongs in this edition at the build time.

        The public edition holds only ``scope: public`` records whose ``publish_at``
        has passed; the internal edition holds every record.
        """
        if self.options.edition == "internal":
            return True
        return record.scope == "public" and record.publish_at <= self.options.now

    def published_records(self) -> list[Record]:
        return [self.records[k] for k in self.published]
