"""Ratings of one series compared period to period: rank and score changes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Change", "rank_changes"]


@dataclass(frozen=True)
class Change:
    """How one subject moved since the previous rating of its series."""

    prev_rank: int | None
    rank_delta: int | None  # positive: climbed; None: new in this period
    score_delta: Decimal | None

    @property
    def label(self) -> str:
        """↑2, ↓1, 持平, or 新."""
        if self.rank_delta is None:
            return "新"
        if self.rank_delta > 0:
            return f"↑{self.rank_delta}"
        if self.rank_delta < 0:
            return f"↓{-self.rank_delta}"
        return "持平"

    @property
    def words(self) -> str:
        """The same in words, for screen readers and print."""
        if self.rank_delta is None:
            return "本期新参评"
        if self.rank_delta == 0:
            return "名次不变"
        return f"比上期{'上升' if self.rank_delta > 0 else '下降'} {abs(self.rank_delta)} 名"


def rank_changes(
    previous: dict[str, tuple[int, Decimal]], current: dict[str, tuple[int, Decimal]]
) -> dict[str, Change]:
    """Changes of every subject in ``current`` against ``previous`` ({org: (rank, total)}).

    A subject absent from ``previous`` is new; subjects that left are simply not listed.
    """
    out: dict[str, Change] = {}
    for org, (rank, total) in current.items():
        if org in previous:
            prev_rank, prev_total = previous[org]
            out[org] = Change(prev_rank, prev_rank - rank, total - prev_total)
        else:
            out[org] = Change(None, None, None)
    return out
