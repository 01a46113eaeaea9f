"""Digests of template values (sunshine.fingerprint): equal content, equal digest; any
change, another digest; values with no stable description are refused."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import subprocess
import sys
import zoneinfo
from decimal import Decimal

import pytest
from markupsafe import Markup
from pydantic import BaseModel

from sunshine import fingerprint
from sunshine.fingerprint import Unstable, digest


class Person(BaseModel):
    name: str
    born: dt.date
    dues: Decimal
    tags: list[str] = []


@dataclasses.dataclass(frozen=True)
class View:
    title: str
    person: Person
    rows: tuple[int, ...]


def sample() -> dict[str, object]:
    return {"v": View("标题", Person(name="张某", born=dt.date(1990, 1, 2), dues=Decimal("12.50")), (1, 2)), "n": 3}


def test_equal_content_gives_equal_digests() -> None:
    assert digest(sample()) == digest(sample())


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(n=4),
        lambda d: d.update(v=dataclasses.replace(d["v"], title="标题2")),
        lambda d: d.update(v=dataclasses.replace(d["v"], rows=(2, 1))),
        lambda d: d["v"].person.tags.append("x"),
        lambda d: d.update(v=dataclasses.replace(d["v"], person=Person(name="张某", born=dt.date(1990, 1, 3), dues=Decimal("12.50")))),
    ],
)
def test_any_change_gives_another_digest(change: object) -> None:
    changed = sample()
    change(changed)  # type: ignore[operator]
    assert digest(changed) != digest(sample())


def test_types_count() -> None:
    assert digest("<b>") != digest(Markup("<b>"))
    assert digest(1) != digest("1") != digest(1.0)
    assert digest([1, 2]) != digest((1, 2))
    assert digest({"a": 1}) != digest({"a": "1"})


def test_sets_do_not_depend_on_order() -> None:
    assert digest({"甲", "乙", "丙"}) == digest({"丙", "甲", "乙"})


def test_an_address_is_no_description() -> None:
    with pytest.raises(Unstable):
        digest({"x": object()})


def test_same_digest_in_another_process() -> None:
    """Hash randomisation (sets of strings) must not change a digest."""
    code = "import datetime as dt; from sunshine.fingerprint import digest; print(digest([{'甲','乙','丙'}, dt.date(2020,1,1)]).hex())"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(3)}
    assert len(runs) == 1


def test_a_lambda_is_no_description() -> None:
    with pytest.raises(Unstable):
        digest({"f": lambda: 1})
    with pytest.raises(Unstable):
        digest([collections.defaultdict(lambda: 0)])


def test_shared_and_separate_equal_values_give_one_digest() -> None:
    """No pickle memo: whether two equal items are one object does not matter."""
    row = ["甲", dt.date(2020, 1, 1)]
    assert digest([row, row]) == digest([row, list(row)])


def test_times_with_zones_are_values() -> None:
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    when = dt.datetime(2020, 6, 15, 9, tzinfo=shanghai)
    assert digest(when) == digest(dt.datetime(2020, 6, 15, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    assert digest(when) != digest(when.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Urumqi")))


@dataclasses.dataclass
class Loose:
    title: str


@pytest.mark.parametrize("forked", [False, True])
def test_primed_digests_are_the_ones_a_key_would_make(monkeypatch: pytest.MonkeyPatch, forked: bool) -> None:
    """Views described at once (on all cores) give every later digest the same bytes;
    a value with no stable description and a mutable dataclass are left out."""
    monkeypatch.setattr(fingerprint, "PRIME_MIN", 1 if forked else 10**9)
    monkeypatch.setattr("sunshine.forkmap.SPAN_MIN", 1)  # several spans for a small site
    views = [View(f"第{i}号公示", Person(name="张三", born=dt.date(1980, 1, i % 28 + 1), dues=Decimal("1.5")), (i,)) for i in range(60)]
    odd = View("无法描述", Person(name="李四", born=dt.date(1980, 1, 1), dues=Decimal(0)), (object(),))  # type: ignore[arg-type]
    memo: dict[int, tuple[object, bytes]] = {}
    fingerprint.prime([*views, odd, Loose("可变")], memo, workers=2)
    assert set(memo) == {id(v) for v in views}
    assert [digest(v, memo) for v in views] == [digest(v) for v in views]
    assert digest(views, memo) == digest(views)
    memo[id(views[0])] = (views[0], b"\0" * 32)  # the memo is what later digests use
    assert digest(views[0], memo) != digest(views[0])
