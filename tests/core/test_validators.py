"""Property tests for the validators: generated valid identifiers pass, any single corruption fails."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from puhui.core.validators import (
    parse_money,
    validate_division_code,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@st.composite
def id_numbers(draw):
    # The county's current code for any birth date (a card issued after 1989 carries it), and its old one.
    area = draw(st.sampled_from(["370323", "370323", "372828"]))
    date = draw(st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2010, 12, 31)))
    seq = draw(st.integers(min_value=0, max_value=999))
    body = f"{area}{date:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


@st.composite
def usccs(draw):
    body = (
        draw(st.sampled_from(["91", "92", "93", "52"]))
        + "370323"
        + draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    )
    return body + uscc.calc_check_digit(body)


@given(id_numbers())
def test_valid_id_numbers_pass(number):
    assert validate_id_number(number) == number


@given(id_numbers(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_of_an_id_number_fails(number, pos, delta):
    digit = (int(number[pos]) + delta) % 10
    corrupted = number[:pos] + str(digit) + number[pos + 1 :]
    with pytest.raises(ValidationError) as exc:
        validate_id_number(corrupted)
    assert "身份证" in exc.value.messages[0]


def test_id_number_messages_are_specific():
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number("370323199001011235")
    with pytest.raises(ValidationError, match="18位"):
        validate_id_number("3703231990")
    with pytest.raises(ValidationError, match="出生日期或地区码"):
        validate_id_number("370323199013011231")  # 13th month
    with pytest.raises(ValidationError, match="出生日期或地区码"):
        validate_id_number("379999198001011238")  # no such area code, in any year
    with pytest.raises(ValidationError, match="出生日期或地区码"):
        validate_id_number("990323198001011235")  # no such province


@given(usccs())
def test_valid_usccs_pass(code):
    assert validate_uscc(code) == code


@given(usccs(), st.integers(min_value=0, max_value=16), st.sampled_from(USCC_ALPHABET))
def test_changing_one_character_of_a_uscc_fails(code, pos, char):
    if code[pos] == char or (pos < 2):
        return  # not a change, or the registration-type prefix (validated separately by stdnum)
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        validate_uscc(code[:pos] + char + code[pos + 1 :])


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobiles(number):
    assert validate_mobile(number) == number
    assert validate_mobile(f"+86 {number[:3]}-{number[3:7]}-{number[7:]}") == number


@pytest.mark.parametrize("bad", ["", "12812345678", "1381234567", "138123456789", "abcdefghijk"])
def test_bad_mobiles(bad):
    with pytest.raises(ValidationError, match="手机号码"):
        validate_mobile(bad)


def test_division_codes():
    assert validate_division_code("370323102214", "370323102000") == "370323102214"
    assert validate_division_code("370323102000", "370323000000") == "370323102000"
    with pytest.raises(ValidationError, match="12位"):
        validate_division_code("37032310221")
    with pytest.raises(ValidationError, match="不一致"):
        validate_division_code("370323103214", "370323102000")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_money_round_trip(amount):
    assert parse_money(str(amount)) == amount
    assert parse_money(f"{amount:,}") == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("0.005", Decimal("0.01")),
        (12.3, Decimal("12.30")),
        ("１２", Decimal("12.00")),
        ("1,5", None),
    ],
)
def test_money_examples(text, expected):
    if expected is None:
        with pytest.raises(ValidationError):
            parse_money(text)
    else:
        assert parse_money(text) == expected


@pytest.mark.parametrize("bad", ["1,5", "12,34", "abc", "NaN", "Infinity", ""])
def test_money_rejects_comma_decimal_and_junk(bad):
    with pytest.raises(ValidationError, match="金额"):
        parse_money(bad)


@st.composite
def id_like(draw):
    """18-character strings near real ID numbers: real areas of several years, any date digits, any check."""
    area = draw(st.sampled_from(["370323", "372828", "110101", "370300", "999999"]))
    year = draw(st.integers(min_value=1900, max_value=2030))
    rest = draw(st.text(alphabet="0123456789", min_size=7, max_size=7))
    return f"{area}{year}{rest}" + draw(st.sampled_from("0123456789X"))


def _oracle(text: str) -> bool:
    """python-stdnum's checks, with the area code looked up in any period rather than the birth year's."""
    from stdnum import numdb

    if len(text) != 18 or not text[:17].isdigit() or text[17] != ric.calc_check_digit(text):
        return False
    try:
        ric.get_birth_date(text)
    except Exception:
        return False
    return any(
        part == text[2:6] and props.get("county") for part, props in numdb.get("cn/loc").info(text[:6])
    )


@settings(deadline=None)  # the first example imports the importers' modules
@given(st.one_of(id_numbers(), id_like()))
def test_the_one_id_rule_agrees_with_python_stdnum_and_every_importer(text):
    """core.validators.check_id_number is the rule; the import parsers and the loan submissions use it."""
    from puhui.credit.archive_columns import IdNumber as ArchiveIdNumber
    from puhui.data.specs import BorrowerId
    from puhui.imports.cells import IdNumber, IdOrUscc
    from puhui.imports.tabular import CellError

    expected = _oracle(text)
    if ric.is_valid(text):
        assert expected  # stdnum's own verdict is stricter (the area code in the birth year), never looser
    try:
        validate_id_number(text)
        ours = True
    except ValidationError:
        ours = False
    assert ours == expected
    readers = {
        "archive": ArchiveIdNumber(),
        "imports.IdNumber": IdNumber(),
        "imports.IdOrUscc": lambda t: IdOrUscc()(t)[0],
        "loans": lambda t: BorrowerId(frozenset({t[:6]}), "本县")(t)[0],
    }
    for name, read in readers.items():
        try:
            verdict = read(text) in (text, "ric")  # read as a valid resident ID number
        except CellError:
            verdict = False
        assert verdict == expected, name
