"""Which part of the search index a page goes into: shards by publication date.

Indexing costs nearly all of a build with search, and Pagefind cannot change one
page of an index it has written. The index is therefore made of shards, each a
Pagefind bundle of its own, cached apart (:mod:`sunshine.outputs.searchcache`):
an edited page re-indexes only its shard. The reader's browser loads the newest
shard and merges the others into it (Pagefind's ``mergeIndex``); results, filter
counts and excerpts come from all of them.

The plan depends only on the pages' dates, so a page stays in its shard when
others change:

* a site of at most :data:`SHARD_PAGES` pages is one shard (``all``);
* otherwise the newest month is a shard of its own (``2020m06``): what clerks
  edit most, and the open notices whose pages change from day to day, are
  indexed again in a small shard. The others make a shard per year; a year of
  more pages a shard per quarter (``2019q2``), and a quarter of more pages a
  shard per month (``2019m05``). When a later month begins, the month before
  joins its year's or quarter's shard, which is indexed again once.

Fewer, larger shards mean fewer requests per query on a phone; smaller ones a
faster rebuild after an edit. With 1,000 pages a shard takes about 10 s to index
on a 2-core machine.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["EDITS", "SHARD_PAGES", "Shard", "plan_shards"]

SHARD_PAGES = 1000


@dataclass(frozen=True, order=True)
class Shard:
    """A part of the index: the pages dated from ``start`` (year, month) on."""

    start: tuple[int, int]
    name: str


_ALL = Shard((0, 0), "all")
# The pages edited by quick rebuilds since the last full build (:mod:`sunshine.outputs.searchedits`):
# below every shard of the plan, so never the newest.
EDITS = Shard((-1, 0), "edits")


def plan_shards(dates: Sequence[dt.date], limit: int = SHARD_PAGES) -> list[Shard]:
    """The shard of each page, given its date; pure, and the same for the same dates."""
    if len(dates) <= limit:
        return [_ALL] * len(dates)
    newest = max((d.year, d.month) for d in dates)
    older = [d for d in dates if (d.year, d.month) != newest]
    years = Counter(d.year for d in older)
    quarters = Counter((d.year, _quarter(d)) for d in older)
    plan: list[Shard] = []
    for d in dates:
        if (d.year, d.month) == newest:
            plan.append(Shard(newest, f"{d.year}m{d.month:02d}"))
        elif years[d.year] <= limit:
            plan.append(Shard((d.year, 1), f"{d.year}"))
        elif quarters[d.year, _quarter(d)] <= limit:
            q = _quarter(d)
            plan.append(Shard((d.year, 3 * q - 2), f"{d.year}q{q}"))
        else:
            plan.append(Shard((d.year, d.month), f"{d.year}m{d.month:02d}"))
    return plan


def _quarter(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1
