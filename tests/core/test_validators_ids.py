"""The one ID/USCC rule (core.validators): a county's current and historical area codes for any birth date,
USCCs with 17 leading digits told from resident ID numbers, and the separate "issued in the county" check."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from puhui.core.validators import (
    area_codes_of,
    check_id_number,
    check_id_or_uscc,
    check_in_county,
    county_area_codes,
    id_kind,
    id_number_in_county,
)
from puhui.imports.cells import IdNumber, IdOrUscc, Uscc
from puhui.imports.tabular import CellError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
YIYUAN = frozenset({"370323", "372828"})
# Registering authority and entity type (GB 32100): 机构编制, 民政, 工商 (企业, 个体工商户, 农民专业合作社).
USCC_HEADS = ["11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93"]


def _resident(area: str, born: datetime.date, seq: int) -> str:
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


AREAS = st.sampled_from(["370323", "372828"])


@st.composite
def yiyuan_ids(draw, area=AREAS):
    born = draw(st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2010, 12, 31)))
    return _resident(draw(area), born, draw(st.integers(min_value=0, max_value=999)))


def _org_code(body: str) -> str:
    """GB 11714: 8 characters and a check character (0-9 or X)."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    c = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(c, str(c))


@st.composite
def usccs(draw, digits_only: bool = False):
    """Valid USCCs of the county; with digits_only, converted from an old all-digit organisation code."""
    alphabet = "0123456789" if digits_only else USCC_ALPHABET
    org = _org_code(draw(st.text(alphabet=alphabet, min_size=8, max_size=8)))
    body = draw(st.sampled_from(USCC_HEADS)) + draw(st.sampled_from(["370323", "372828"])) + org
    return body + uscc.calc_check_digit(body)


# ---------------------------------------------------------------- resident ID numbers


def test_the_current_code_is_accepted_for_people_born_before_it_existed():
    assert check_id_number("370323197505060129") == "370323197505060129"
    assert check_id_or_uscc("370323197505060129") == ("ric", "370323197505060129")


@given(yiyuan_ids())
def test_current_and_historical_codes_pass_for_any_birth_date(number):
    assert check_id_number(number) == number
    assert check_id_or_uscc(number) == ("ric", number)
    assert id_kind(number) == "ric"
    assert id_number_in_county(number, YIYUAN)
    assert not id_number_in_county(number, frozenset({"370302"}))


@given(yiyuan_ids(area=st.just("370323")), st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_one_changed_digit_is_still_refused(number, pos, delta):
    corrupted = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    with pytest.raises(ValidationError):
        check_id_number(corrupted)


def test_unknown_areas_and_impossible_dates_are_refused():
    for body in ("37999919750506012", "99032319750506012", "37032319750231012"):
        with pytest.raises(ValidationError, match="出生日期或地区码无效"):
            check_id_number(body + ric.calc_check_digit(body + "0"))


# ---------------------------------------------------------------- USCC or resident ID


def test_an_all_digit_uscc_is_not_read_as_an_id_number():
    assert check_id_or_uscc("91370323163034563Q") == ("uscc", "91370323163034563Q")
    assert id_kind("91370323163034563Q") == "uscc"
    assert id_number_in_county("91370323163034563Q", YIYUAN)


@settings(max_examples=300)
@given(st.one_of(usccs(), usccs(digits_only=True)))
def test_valid_usccs_are_usccs(code):
    assert check_id_or_uscc(code) == ("uscc", code)
    assert id_kind(code) == "uscc"
    assert id_number_in_county(code, YIYUAN)
    assert not id_number_in_county(code, frozenset({"370302"}))


@given(usccs(digits_only=True), st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_a_corrupted_all_digit_uscc_is_refused_with_a_uscc_message_when_it_cannot_be_an_id(code, pos, char):
    corrupted = code[:pos] + char + code[pos + 1 :]
    if corrupted == code or uscc.is_valid(corrupted):
        return
    with pytest.raises(ValidationError) as exc:
        check_id_or_uscc(corrupted)
    if corrupted[0] == "9":  # no province code begins with 9
        assert "统一社会信用代码" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3703231975", "应为18位居民身份证号码或统一社会信用代码（现为 10 位）"),
        ("370323197505060128", "身份证号码校验位错误"),
        ("91370323163034563A", "统一社会信用代码校验位错误"),
        ("913703231630345631", "统一社会信用代码校验位错误"),  # all digits, but a 9 begins no ID number
        ("91370323I63034563Q", "统一社会信用代码格式错误（应为18位数字或大写字母）"),
    ],
)
def test_messages_name_the_kind_the_text_resembles(text, message):
    with pytest.raises(ValidationError) as exc:
        check_id_or_uscc(text)
    assert exc.value.messages == [message]


# ---------------------------------------------------------------- the county check


def test_a_county_has_its_current_and_historical_codes():
    assert area_codes_of("370323000000", "沂源县") == YIYUAN
    assert area_codes_of("370323", "沂源县") == YIYUAN
    assert area_codes_of("370302000000", "淄川区") == frozenset({"370302"})


@pytest.mark.django_db
def test_county_codes_come_from_the_division_table():
    from puhui.core.models import Division

    assert county_area_codes() == frozenset()
    county = Division.objects.create(code="370323000000", name="沂源县", level="county", kind="county")
    assert county_area_codes() == YIYUAN
    assert county_area_codes(county) == YIYUAN


@pytest.mark.django_db
def test_a_county_may_accept_extra_area_codes_for_people_who_moved_in():
    """PUHUI_EXTRA_AREA_CODES: empty by default (another county's ID number is refused), else added."""
    from django.test import override_settings

    from puhui.core.models import Division

    Division.objects.create(code="370323000000", name="沂源县", level="county", kind="county")
    other = _resident("370302", datetime.date(1980, 1, 1), 11)
    assert county_area_codes() == YIYUAN and not id_number_in_county(other, county_area_codes())
    with override_settings(PUHUI_EXTRA_AREA_CODES=["370302"]):
        assert county_area_codes() == YIYUAN | {"370302"}
        assert id_number_in_county(other, county_area_codes())


def test_outside_the_county_is_a_separate_check():
    other = _resident("370302", datetime.date(1980, 1, 1), 11)  # valid, from 淄川区
    assert check_id_number(other) == other
    assert not id_number_in_county(other, YIYUAN)
    with pytest.raises(ValidationError) as exc:
        check_in_county(other, YIYUAN, county_name="沂源县")
    assert exc.value.messages == ["证件中的地区代码为 370302，不是沂源县的（含沂源县的历史代码）"]
    assert exc.value.code == "outside_county"
    assert check_in_county("91370323163034563Q", YIYUAN) == "91370323163034563Q"


def test_import_cells_flag_another_county_only_where_the_table_asks():
    other = _resident("370302", datetime.date(1980, 1, 1), 11)
    mine = _resident("370323", datetime.date(1975, 5, 6), 12)
    assert IdNumber()(other) == other  # e.g. a guarantor may live anywhere
    strict = IdNumber(county_codes=YIYUAN, county_name="沂源县")
    assert strict(mine) == mine
    assert strict(f" {mine[:6]} {mine[6:].lower()} ") == mine
    with pytest.raises(CellError, match="不是沂源县的"):
        strict(other)
    with pytest.raises(CellError, match="存成了数字"):
        strict(float(mine[:17]))
    assert IdOrUscc(county_codes=YIYUAN)("９１３７０３２３１６３０３４５６３Ｑ") == (
        "uscc",
        "91370323163034563Q",
    )
    assert IdOrUscc(county_codes=YIYUAN)(mine) == ("ric", mine)
    with pytest.raises(CellError, match="370302"):
        Uscc(county_codes=YIYUAN)("91370302163034563" + uscc.calc_check_digit("91370302163034563"))
    assert "须为沂源县的" in strict.describe()
    assert "须为" not in IdNumber().describe()
