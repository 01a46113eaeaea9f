"""Tests for the personal data detector (sunshine.personal).

All ID numbers are synthesised here with a computed check character; none belongs
to a real person. Bank card numbers are synthesised with a computed Luhn digit.
"""

from __future__ import annotations

import hashlib
import itertools

import pytest

from sunshine.personal import Hit, find_personal_data, luhn_ok, normalise_phone, valid_id_card

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(first17: str) -> str:
    """Append the GB 11643 check character to 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def id_with(area_and_birth: str, *, luhn: bool = False, check: str | None = None) -> str:
    """A checksummed ID number whose Luhn status is ``luhn`` (or whose check char is ``check``)."""
    for serial in range(100, 1000):
        number = make_id(f"{area_and_birth}{serial}")
        if check is not None and number[-1] == check:
            return number
        if check is None and luhn_ok(number) == luhn:
            return number
    raise AssertionError("no serial fits")


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to ``prefix``."""
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError("unreachable")


def luhn_broken(prefix: str) -> str:
    """``prefix`` plus a final digit that fails the Luhn check."""
    good = luhn_complete(prefix)
    return prefix + str((int(good[-1]) + 1) % 10)


def wrong_id_check(number: str, *, luhn: bool) -> str:
    """``number`` with a wrong ID check character, chosen so its Luhn status is ``luhn``."""
    for c in "0123456789":
        candidate = number[:17] + c
        if c != number[17] and luhn_ok(candidate) == luhn:
            return candidate
    raise AssertionError("no digit fits")


ID = id_with("11010519900307")  # valid, fails Luhn
ID_X = id_with("11010519850215", check="X")
ID_LUHN = id_with("11010519900307", luhn=True)  # valid ID that also passes Luhn
ID15 = "110105900307123"
CARD16 = luhn_complete("622202123456789")
CARD19 = luhn_complete("622202123456789012")
CARD_GROUPED = " ".join(CARD16[i : i + 4] for i in range(0, 16, 4))
CARD_HYPHEN = "-".join(CARD16[i : i + 4] for i in range(0, 16, 4))
SHA = hashlib.sha256(b"sunshine").hexdigest()


def kinds(text: str) -> list[tuple[str, str]]:
    return [(h.kind, h.value) for h in find_personal_data(text)]


# --- true positives --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (ID, "id_card", ID),
        (ID_X, "id_card", ID_X),
        (ID_X.lower(), "id_card", ID_X.lower()),
        (ID15, "id_card", ID15),
        (f"{ID[:6]} {ID[6:14]} {ID[14:]}", "id_card", f"{ID[:6]} {ID[6:14]} {ID[14:]}"),
        (f"身份证号{ID}。", "id_card", ID),
        (f"身份证号：{ID}，性别男", "id_card", ID),
        ("13812345678", "mobile", "13812345678"),
        ("138 1234 5678", "mobile", "138 1234 5678"),
        ("138-1234-5678", "mobile", "138-1234-5678"),
        ("+86 138 1234 5678", "mobile", "+86 138 1234 5678"),
        ("+8613812345678", "mobile", "+8613812345678"),
        ("0086-13812345678", "mobile", "0086-13812345678"),
        ("电话：13812345678，", "mobile", "13812345678"),
        ("联系人张三（19912345678）", "mobile", "19912345678"),
        (CARD16, "bank_card", CARD16),
        (CARD19, "bank_card", CARD19),
        (CARD_GROUPED, "bank_card", CARD_GROUPED),
        (CARD_HYPHEN, "bank_card", CARD_HYPHEN),
        (f"开户行账号{CARD16}。", "bank_card", CARD16),
        ("zhang.san@example.cn", "email", "zhang.san@example.cn"),
        ("邮箱：li_si+party@mail.example.com.cn。", "email", "li_si+party@mail.example.com.cn"),
        ("13812345678@qq.com", "email", "13812345678@qq.com"),
        ("0571-6488 1234", "phone", "0571-6488 1234"),
        ("(0571)64881234", "phone", "(0571)64881234"),
        ("（0571）64881234", "phone", "（0571）64881234"),
        ("010-12345678", "phone", "010-12345678"),
        ("0571 64881234", "phone", "0571 64881234"),
        ("座机：02887654321。", "phone", "02887654321"),
    ],
)
def test_detects(text: str, kind: str, value: str) -> None:
    assert kinds(text) == [(kind, value)]


def test_hit_fields() -> None:
    text = f"身份证号{ID}。"
    assert find_personal_data(text) == [
        Hit("id_card", "身份证号", ID, 4, f"110105********{ID[-4:]}")
    ]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (ID, "身份证号"),
        ("13812345678", "手机号码"),
        (CARD16, "银行卡号"),
        ("a@example.cn", "电子邮箱"),
        ("010-12345678", "电话号码"),
    ],
)
def test_labels(text: str, label: str) -> None:
    assert [h.label for h in find_personal_data(text)] == [label]


# --- near misses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        wrong_id_check(ID, luhn=False),
        id_with("11010519901332"),  # month 13
        id_with("11010519900230"),  # 30 February
        id_with("11010518990101"),  # year before 1900
        make_id("01010519900307123"),  # area code starts with 0 (also not a landline)
        "110105901332123",  # 15-digit with impossible date
        "202006010830001",  # 15 digits, but 20 is no province
        "0571 0571 0571",
        "010-01234567",  # local numbers never start with 0
        ID + "5",  # part of a longer run
        "A" + ID,
        ID15 + "0",
        "138123456789",  # 12 digits
        "213812345678",
        "12812345678",  # no such mobile prefix
        "138 12345678",  # inconsistent grouping
        luhn_broken("622202123456789"),
        luhn_broken("62220212345678901"),
        "QXZ-2020-0007",
        "2020-06-01",
        "2020年6月1日",
        "2020-06-01 08:30:00",
        "2020-06-01T08:30:00+08:00",
        "2020-06-01T08:30:00.123456Z",
        "20200601",
        "20200601083000",
        "12,345.50",
        "¥1,234.50",
        "123456.78",
        "13812345678.50",
        "3.14159265358979323846",
        "青委〔2020〕5号",
        "青组字〔2021〕12号",
        "2020年",
        "95.5%",
        "第2020期",
        SHA,
        SHA.upper(),
        "浙ICP备00000000号-1",
        "浙ICP备2020012345号-1",
        "浙公网安备 33010602000001号",
        "浙公网安备33000000000000号",
        "网站标识码3301000001",
        "91330100MA27XXXX1X",
        "统一社会信用代码：91330100MA2AB3CD4X。",
        "400-123-4567",
        "版本 v1.2.3，时间 08:30",
        "@所有党员",
        "user@localhost",
    ],
)
def test_no_false_alarm(text: str) -> None:
    assert find_personal_data(text) == []


def test_wrong_id_checksum_may_still_be_bank_card() -> None:
    number = wrong_id_check(ID, luhn=True)
    assert not valid_id_card(number)
    assert kinds(number) == [("bank_card", number)]


def test_valid_id_passing_luhn_is_only_an_id_card() -> None:
    assert luhn_ok(ID_LUHN)
    assert kinds(ID_LUHN) == [("id_card", ID_LUHN)]


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (ID, f"110105********{ID[-4:]}"),
        (ID_X, f"110105********{ID_X[-4:]}"),
        (ID15, "110105*****7123"),
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        (CARD16, f"6222 **** **** {CARD16[-4:]}"),
        (CARD_GROUPED, f"6222 **** **** {CARD16[-4:]}"),
        (CARD19, f"6222 **** **** *** {CARD19[-4:]}"),
        ("zhang@example.cn", "z***@example.cn"),
        ("0571-6488 1234", "0571-****1234"),
        ("(0571)64881234", "0571-****1234"),
        ("010-1234567", "010-***4567"),
    ],
)
def test_masking(text: str, masked: str) -> None:
    assert [h.masked for h in find_personal_data(text)] == [masked]


# --- allowed values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("13812345678", ["13812345678"]),
        ("138 1234 5678", ["13812345678"]),
        ("+86 138 1234 5678", ["138-1234-5678"]),
        ("13812345678", ["+86 138 1234 5678"]),
        ("13812345678", ["0086 13812345678"]),
        ("0571-6488 1234", ["0571 64881234"]),
        ("(0571)64881234", ["0571-6488-1234"]),
        ("0571-6488 1234", ["+86 571 6488 1234"]),
        ("057164881234", ["057164881234"]),
        ("Office@Example.CN", ["office@example.cn"]),
        ("dangban@example.cn", [" DangBan@example.cn "]),
        ("12345678901@example.cn", ["12345678901@example.cn"]),
        (CARD_GROUPED, [CARD16]),
        (ID_X.lower(), [ID_X]),
    ],
)
def test_allowed_values_are_not_reported(text: str, allowed: list[str]) -> None:
    assert find_personal_data(f"联系方式：{text}。", allowed) == []


def test_allowed_only_suppresses_matching_values() -> None:
    text = "党办 0571-64881234，张三 13812345678，邮箱 office@example.cn"
    hits = find_personal_data(text, {"0571-64881234", "office@example.cn"})
    assert [(h.kind, h.value) for h in hits] == [("mobile", "13812345678")]


# --- ordering and overlaps -------------------------------------------------------------------


def test_hits_sorted_without_overlaps() -> None:
    text = (
        f"张三，身份证号{ID}，手机138-1234-5678，邮箱zs@example.cn，"
        f"银行卡{CARD_GROUPED}，办公电话(0571)64881234。"
    )
    hits = find_personal_data(text)
    assert [h.kind for h in hits] == ["id_card", "mobile", "email", "bank_card", "phone"]
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    for h in hits:
        assert text[h.start : h.start + len(h.value)] == h.value
    for a, b in itertools.pairwise(hits):
        assert a.start + len(a.value) <= b.start


def test_empty_text() -> None:
    assert find_personal_data("") == []


def test_long_input_is_fast_enough() -> None:
    text = ("a" * 5000 + "@" + "b-" * 5000 + " ") * 3 + "1" * 20000
    assert find_personal_data(text) == []


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        (ID, True),
        (ID_X, True),
        (ID_X.lower(), True),
        (ID15, True),
        (make_id("11010520000229123"), True),  # leap day
        (make_id("11010519000229123"), False),  # 1900 was not a leap year
        (make_id("11010521000101123"), False),
        (wrong_id_check(ID, luhn=False), False),
        (ID[:17], False),
        (ID + "1", False),
        ("", False),
        ("11010519900307123Y", False),
        ("110105001332123", False),
        ("010105900307123", False),
        ("990105900307123", False),  # the legacy form needs a province code
    ],
)
def test_valid_id_card(number: str, ok: bool) -> None:
    assert valid_id_card(number) is ok


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("79927398713", True),
        ("79927398710", False),
        ("4111111111111111", True),
        ("4111111111111112", False),
        ("0", True),
        ("", False),
        ("4111 1111 1111 1111", False),
        ("12a4", False),
    ],
)
def test_luhn_ok(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-571-64881234", "57164881234"),
        ("0086 13812345678", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("(0571)6488 1234", "057164881234"),
        ("010-12345678", "01012345678"),
        ("", ""),
    ],
)
def test_normalise_phone(value: str, normalised: str) -> None:
    assert normalise_phone(value) == normalised


def test_the_quick_ten_digit_check_never_hides_a_candidate() -> None:
    """Texts the pre-check skips can match none of the number patterns."""
    import random

    from sunshine import personal

    rng = random.Random(20201124)
    alphabet = ["0", "1", "3", "5", "7", "8", "9", " ", "-", "(", ")", "（", "）", "+", "86", "0571", "138", "党", "X", "."]
    patterns = (personal._ID_RE, personal._BANK_RE, personal._MOBILE_RE, personal._PHONE_RE)
    matched = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(8, 30)))
        if any(p.search(text) for p in patterns):
            matched += 1
            assert personal._TEN_DIGITS.search(text), text
    for text in ("(0571) 6488 1234", "（0571）-6488 1234", "+86 138-1234-5678", "110105 19900307 1239"):
        assert personal._TEN_DIGITS.search(text)
    assert matched > 500  # the generator does produce candidates


def test_the_json_of_many_values_answers_for_each_of_them() -> None:
    """The guard checks a record's fields at once, in their JSON (sunshine/guard.py):
    whatever a field would show, its JSON among other values, escaped and quoted, must
    pass the pre-check too."""
    import json
    import random

    from sunshine.personal import may_hold_personal_data

    rng = random.Random(20201207)
    alphabet = ["0", "1", "3", "5", "7", "8", "9", " ", "-", "(", ")", "（", "）", "+", "86", "0571", "138",
                "党", "X", ".", "@", "a.b", "example.cn", "\n", "\t", '"', "\\", "\r\n", "\x01"]
    found = 0
    for _ in range(20000):
        values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(rng.randint(1, 4))]
        doc = {"title": values[0], "people": [{"name": v, "note": 3} for v in values[1:]], "year": 2020}
        if any(find_personal_data(v) for v in values):
            found += 1
            assert may_hold_personal_data(json.dumps(doc, ensure_ascii=False)), values
    assert found > 300  # the generator does produce personal data
    assert not may_hold_personal_data(json.dumps({"title": "关于2020年党费收缴情况的公示", "amount": 1234.5}, ensure_ascii=False))
