"""Detect personal data that must not be published on the disclosure site.

Party affairs disclosure (党务公开) publishes names, posts and decisions, but
never the private contact or identity data of individual members. Under the
Personal Information Protection Law (PIPL) only the minimum necessary personal
information may be processed and disclosed, so the build's guard stage scans
every page for:

* ``id_card``   – mainland resident ID numbers (身份证号): 18 characters with a
  valid GB 11643 check character and a real birth date, or the 15-digit legacy
  form with a real 19YYMMDD date and a mainland province code;
* ``bank_card`` – bank card numbers (银行卡号): 16–19 digits, optionally grouped
  by four, passing the Luhn check;
* ``mobile``    – mainland mobile numbers (手机号码), optionally with a +86 prefix
  and 3-4-4 grouping;
* ``phone``     – landline numbers (电话号码) with an area code starting with 0;
* ``email``     – e-mail addresses (电子邮箱).

Values listed in ``allowed`` (the organisation's official contact phones and
e-mails, per-record exceptions) are not reported. The checks are deliberately
strict (checksums, real dates, no digits or letters glued on either side) so
that index numbers, dates, amounts, document numbers, ICP/公安备案 numbers,
unified social credit codes and hashes do not raise false alarms.

Each hit carries a suggested masked form following common practice, e.g.
``440308********1234`` for ID numbers and ``138****5678`` for mobiles.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["Hit", "find_personal_data", "luhn_ok", "may_hold_personal_data", "normalise_phone", "valid_id_card"]

LABELS = {
    "id_card": "身份证号",
    "mobile": "手机号码",
    "bank_card": "银行卡号",
    "email": "电子邮箱",
    "phone": "电话号码",
}
# Lower number wins when two hits overlap. An e-mail such as 13812345678@qq.com
# is reported once, as an e-mail.
_PRIORITY = {"email": 0, "id_card": 1, "bank_card": 2, "mobile": 3, "phone": 4}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Province codes (GB/T 2260) of the 15-digit legacy form, which has no check character.
_PROVINCES = frozenset(
    str(code)
    for low, high in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
    for code in range(low, high + 1)
)

# Not glued to other digits/letters, and not the fraction or integer part of a decimal.
_B = r"(?<![0-9A-Za-z])(?<!\d\.)"
_A = r"(?![0-9A-Za-z])(?!\.\d)"

_ID_RE = re.compile(_B + r"(?:\d{6}(?P<s>[ ]?)\d{8}(?P=s)\d{3}[\dXx]|\d{15})" + _A)
_BANK_RE = re.compile(
    _B + r"(?:\d{16,19}|\d{4}(?P<s>[ -])\d{4}(?P=s)\d{4}(?P=s)\d{4}(?:(?P=s)\d{1,3})?)" + _A
)
_MOBILE_RE = re.compile(
    _B + r"(?:(?:\+|00)86[ -]?|86[ -])?(?P<num>1[3-9]\d(?P<s>[ -]?)\d{4}(?P=s)\d{4})" + _A
)
_PHONE_RE = re.compile(
    _B
    + r"(?:\((?P<a1>0[1-9]\d{1,2})\)|（(?P<a2>0[1-9]\d{1,2})）|(?P<a3>0[1-9]\d{1,2}))"
    + r"[ -]?(?P<local>[1-9]\d{2,3}[ -]?\d{4})"
    + _A
)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})"
    r"(?![A-Za-z0-9-])"
)


@dataclass(frozen=True)
class Hit:
    """One piece of personal data found in a text."""

    kind: str
    label: str
    value: str
    start: int
    masked: str

    @property
    def end(self) -> int:
        return self.start + len(self.value)


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def valid_id_card(number: str) -> bool:
    """Whether ``number`` is a well-formed mainland resident ID number (18 or 15 chars)."""
    if re.fullmatch(r"[1-9]\d{16}[\dXx]", number):
        year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
        if not 1900 <= year <= 2099 or not _real_date(year, month, day):
            return False
        total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
        return _ID_CHECK[total % 11] == number[17].upper()
    if re.fullmatch(r"[1-9]\d{14}", number) and number[:2] in _PROVINCES:
        return _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check used by bank card numbers; ``digits`` must be all ASCII digits."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_NOT_DIGIT = re.compile(r"[^0-9]")
# Every pattern but e-mail holds ten digits or more, and between two of its digits at
# most two other characters: "(0571) 6488" and "（0571）-6488" have two. A text without
# such a run cannot match them.
_TEN_DIGITS = re.compile(r"\d(?:\D{0,2}\d){9}")


def _digits(value: str) -> str:
    return _NOT_DIGIT.sub("", value)


def normalise_phone(value: str) -> str:
    """Digits only, without a +86 / 0086 / 86 country prefix (for comparing with contacts)."""
    digits = _digits(value)
    if value.strip().startswith("+86"):
        return digits[2:]
    if digits.startswith("0086"):
        return digits[4:]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def _allowed_keys(allowed: Collection[str]) -> frozenset[str]:
    return _allowed_keys_of(frozenset(allowed))


@functools.lru_cache(maxsize=1024)
def _allowed_keys_of(allowed: frozenset[str]) -> frozenset[str]:
    """Normalised forms of the allowed values (cached: one set serves a whole record)."""
    keys: set[str] = set()
    for item in allowed:
        item = item.strip()
        if "@" in item:
            keys.add(item.lower())
        elif item:
            keys.update({normalise_phone(item), _digits(item), item.replace(" ", "").upper()})
    keys.discard("")
    return frozenset(keys)


def _is_allowed(hit: Hit, keys: frozenset[str]) -> bool:
    if hit.kind == "email":
        return hit.value.lower() in keys
    if hit.kind == "mobile":
        return normalise_phone(hit.value) in keys
    if hit.kind == "phone":  # an allowed "+86 571 ..." has lost the trunk 0 of "0571 ..."
        key = normalise_phone(hit.value)
        return key in keys or key[1:] in keys
    if hit.kind == "id_card":
        return "".join(c for c in hit.value if c.isalnum()).upper() in keys
    return _digits(hit.value) in keys


def _hit(kind: str, m: re.Match[str], masked: str) -> Hit:
    return Hit(kind, LABELS[kind], m.group(0), m.start(), masked)


def may_hold_personal_data(text: str) -> bool:
    """False when ``text`` cannot hold anything :func:`find_personal_data` finds: it has
    no "@" and no ten digits close together. Every match of a pattern lies in ``text``
    as it is, and its characters (digits, spaces, hyphens, brackets, "+") are the same
    in a JSON encoding of it: so the JSON of many values answers for all of them."""
    return "@" in text or _TEN_DIGITS.search(text) is not None


def _candidates(text: str) -> list[Hit]:
    if not may_hold_personal_data(text):
        return []  # every pattern but e-mail needs ten digits close together
    hits: list[Hit] = []
    for m in _EMAIL_RE.finditer(text):
        hits.append(_hit("email", m, f"{m['local'][0]}***@{m['domain']}"))
    for m in _ID_RE.finditer(text):
        number = m.group(0).replace(" ", "")
        if valid_id_card(number):
            hits.append(_hit("id_card", m, number[:6] + "*" * (len(number) - 10) + number[-4:]))
    for m in _BANK_RE.finditer(text):
        digits = _digits(m.group(0))
        if luhn_ok(digits):
            middle = "*" * (len(digits) - 8)
            groups = " ".join(middle[i : i + 4] for i in range(0, len(middle), 4))
            hits.append(_hit("bank_card", m, f"{digits[:4]} {groups} {digits[-4:]}"))
    for m in _MOBILE_RE.finditer(text):
        num = _digits(m["num"])
        hits.append(_hit("mobile", m, f"{num[:3]}****{num[-4:]}"))
    for m in _PHONE_RE.finditer(text):
        area = m["a1"] or m["a2"] or m["a3"]
        local = _digits(m["local"])
        hits.append(_hit("phone", m, f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"))
    return hits


def find_personal_data(text: str, allowed: Collection[str] = ()) -> list[Hit]:
    """All personal data in ``text`` not covered by ``allowed``, sorted by position.

    Overlapping candidates are resolved before ``allowed`` is applied, so an allowed
    e-mail such as ``12345678901@example.cn`` also hides the digits inside it.
    """
    chosen: list[Hit] = []  # sorted by start, never overlapping
    starts: list[int] = []
    for hit in sorted(_candidates(text), key=lambda h: (_PRIORITY[h.kind], h.start)):
        i = bisect.bisect_right(starts, hit.start)
        if (i == 0 or chosen[i - 1].end <= hit.start) and (
            i == len(chosen) or hit.end <= chosen[i].start
        ):
            chosen.insert(i, hit)
            starts.insert(i, hit.start)
    keys = _allowed_keys(allowed)
    return [h for h in chosen if not _is_allowed(h, keys)]
