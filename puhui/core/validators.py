"""Validators for the identifiers and amounts the platform takes in. Messages are in Chinese."""

import datetime
import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric, uscc

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
DIVISION_RE = re.compile(r"^\d{12}$", re.ASCII)
CENT = Decimal("0.01")


ID_KIND_RESIDENT = "ric"  # the values of data.LoanRecord.IdKind
ID_KIND_USCC = "uscc"
_RIC_CHECK_CHARS = frozenset("0123456789X")
_YEARS = re.compile(r"^\[[^\]]*\]")  # the dates of a name in python-stdnum's area table


@functools.cache
def _area_table() -> dict[str, tuple[str, ...]]:
    """6-digit area code → the names GB/T 2260 gave it, in python-stdnum's dated table ("[1989-]沂源县").

    The table says when a code existed, not who may carry it: an ID number issued or re-issued after a county
    changed its code carries the new code whatever the holder's birth year, and one issued before keeps the
    old code for life. So every code the table knows is accepted for every birth date.
    """
    table: dict[str, tuple[str, ...]] = {}
    for _len, province, _high, _props, counties in numdb.get("cn/loc").prefixes:
        for _l2, county, _h2, props, _children in counties:
            if props.get("county"):
                table[province + county] = tuple(
                    _YEARS.sub("", name) for name in props["county"].split(",") if name
                )
    return table


@functools.cache
def _provinces() -> frozenset[str]:
    return frozenset(area[:2] for area in _area_table())


def area_code_known(area: str) -> bool:
    """Whether a 6-digit area code is (or was, at any time) a code of GB/T 2260."""
    return area in _area_table()


def validate_id_number(value: str) -> str:
    """A resident ID number (GB 11643-1999), 18 characters with check digit; returns the compact form."""
    return check_id_number(ric.compact(str(value)))


def check_id_number(text: str) -> str:
    """The one resident-ID rule for a compact, upper-case 18-character string; returns it.

    Format, check digit (python-stdnum), a real birth date, and an area code that GB/T 2260 has or had —
    in any period, not only in the birth year (see `_area_table`). Used by the forms (through
    `validate_id_number`), by `check_id_or_uscc` and by every import.
    """
    if len(text) != 18 or not text.isascii() or not text[:17].isdigit() or text[17] not in _RIC_CHECK_CHARS:
        raise ValidationError("身份证号码格式错误（应为18位）", code="id_format")
    if text[-1] != ric.calc_check_digit(text):
        raise ValidationError("身份证号码校验位错误", code="id_checksum")
    try:
        datetime.date(
            int(text[6:10]), int(text[10:12]), int(text[12:14])
        )  # stdnum's get_birth_date, uncleaned
    except ValueError:
        raise ValidationError("身份证号码中的出生日期或地区码无效", code="id_component") from None
    if not area_code_known(text[:6]):
        raise ValidationError("身份证号码中的出生日期或地区码无效", code="id_component")
    return text


def validate_uscc(value: str) -> str:
    """A unified social credit code (GB 32100-2015); returns the compact form."""
    try:
        return uscc.validate(value)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位错误", code="uscc_checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            "统一社会信用代码格式错误（应为18位数字或大写字母）", code="uscc_format"
        ) from None


def check_id_or_uscc(text: str) -> tuple[str, str]:
    """The one rule for a cell that holds a resident ID number or a USCC: (kind, compact number).

    `text` is compact and upper case. Both are 18 characters, and a USCC converted from an old all-digit
    organisation code has 17 leading digits like an ID number (91370323163034563Q), so the kind is told by
    structure, not by the first 17 characters: a last character that no ID number has (anything but 0-9
    and X), or letters inside, make it a USCC; an all-digit string is an ID number when it passes the ID
    rule, else a USCC when it passes the USCC check. A string that passes neither is reported as the kind it
    most resembles: a USCC when it cannot begin an ID number (no province starts with 9) or when its
    registration area (characters 3-8) is a real area code and its first six are not.
    """
    if len(text) != 18 or not text.isascii():
        raise ValidationError(
            f"应为18位居民身份证号码或统一社会信用代码（现为 {len(text)} 位）", code="id_or_uscc_format"
        )
    if not (text[:17].isdigit() and text[17] in _RIC_CHECK_CHARS):
        return ID_KIND_USCC, validate_uscc(text)
    try:
        return ID_KIND_RESIDENT, check_id_number(text)
    except ValidationError as resident_error:
        if uscc.is_valid(text):
            return ID_KIND_USCC, text
        if _looks_like_uscc(text):
            validate_uscc(text)  # raises the USCC's own message
        raise resident_error


def _looks_like_uscc(text: str) -> bool:
    if text[:2] not in _provinces():
        return True  # no ID number begins like this (no province code starts with 9)
    return area_code_known(text[2:8]) and not area_code_known(text[:6])


def id_area_code(kind: str, number: str) -> str:
    """The area code an identifier was issued under: an ID number's first six digits, a USCC's 3rd-8th."""
    return number[2:8] if kind == ID_KIND_USCC else number[:6]


def area_codes_of(code: str, name: str) -> frozenset[str]:
    """A county's area codes: its current one (`code`, 6 or 12 digits) and every code GB/T 2260 ever gave a
    county of the same name in the same province (沂源县: 370323 since 1989, 372828 before).

    A county renamed at the same time as it was re-coded is not found by its name; a deployment adds such
    codes by hand (the data app's PUHUI_DATA_EXTRA_AREA_CODES).
    """
    current = code[:6]
    found = {current}
    for area, names in _area_table().items():
        if area[:2] == current[:2] and name in names:
            found.add(area)
    return frozenset(found)


def extra_area_codes() -> frozenset[str]:
    """Area codes a deployment accepts for the county's own residents besides the county's
    (PUHUI_EXTRA_AREA_CODES: people who moved in from another county keep their ID number). Empty by default,
    so an ID number from outside the county is refused."""
    from django.conf import settings

    return frozenset(getattr(settings, "PUHUI_EXTRA_AREA_CODES", ()) or ())


def county_area_codes(county=None) -> frozenset[str]:
    """The area codes of the county (a `core.Division` of level county; default: the platform's county,
    the first by code), current and historical, from the Division table and GB/T 2260 (`area_codes_of`),
    with the deployment's `extra_area_codes`. Empty when there is no county yet."""
    if county is None:
        from puhui.core.models import Division  # core.models imports this module

        county = Division.objects.filter(level=Division.Level.COUNTY).order_by("code").first()
        if county is None:
            return frozenset()
    return area_codes_of(county.code, county.name) | extra_area_codes()


def id_kind(number: str) -> str:
    """ "ric" or "uscc": the kind of an identifier that passed `check_id_or_uscc` (by the same rule)."""
    if number[:17].isdigit() and number[17] in _RIC_CHECK_CHARS:
        try:
            check_id_number(number)
        except ValidationError:
            return ID_KIND_USCC
        return ID_KIND_RESIDENT
    return ID_KIND_USCC


def id_number_in_county(number: str, county_codes, *, kind: str | None = None) -> bool:
    """Whether a checked resident ID number or USCC (compact, as `check_id_or_uscc` returns it) was issued
    in the county whose area codes are `county_codes` (`county_area_codes`); `kind` when already known.

    A separate check from validity: an ID number from another county is a valid number. A table where people
    from elsewhere belong (a guarantor, a firm's legal representative) does not ask; a table of the county's
    own residents or borrowers refuses the number (`check_in_county`).
    """
    return id_area_code(kind or id_kind(number), number) in county_codes


def check_in_county(number: str, county_codes, *, county_name: str = "本县", kind: str | None = None) -> str:
    """`number` when it was issued in the county (`id_number_in_county`), else a ValidationError naming the
    area code it carries."""
    area = id_area_code(kind or id_kind(number), number)
    if area not in county_codes:
        raise ValidationError(
            f"证件中的地区代码为 {area}，不是{county_name}的（含{county_name}的历史代码）",
            code="outside_county",
        )
    return number


def validate_mobile(value: str) -> str:
    compact = re.sub(r"[\s-]", "", value or "")
    if compact.startswith("+86"):
        compact = compact[3:]
    if not MOBILE_RE.match(compact):
        raise ValidationError("手机号码格式错误（应为1开头的11位数字）", code="mobile")
    return compact


def validate_division_code(value: str, parent_code: str | None = None) -> str:
    """A 12-digit statistical division code; a child must share its parent's prefix."""
    if not DIVISION_RE.match(value or ""):
        raise ValidationError("区划代码应为12位数字", code="division_format")
    if parent_code:
        prefix_len = 6 if parent_code[6:] == "000000" else 9
        if value[:prefix_len] != parent_code[:prefix_len]:
            raise ValidationError(f"区划代码 {value} 与上级 {parent_code} 不一致", code="division_parent")
    return value


def parse_money(value) -> Decimal:
    """Yuan as a Decimal with 2 places. Accepts '1,234.50' but not a comma as decimal mark."""
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace("，", ",")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"金额“{value}”不是有效数字", code="money") from None
    if not amount.is_finite():
        raise ValidationError(f"金额“{value}”不是有效数字", code="money")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese: Django 5.2 changed the message's msgid and the zh-hans catalogue
    has not caught up, so the stock validator answers in English (tests/core/test_passwords.py)."""

    def get_error_message(self):
        return f"密码长度太短。密码必须包含至少 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码必须包含至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """Password complexity for 等保 level 3: at least `min_classes` of upper case, lower case, digits, symbols.

    An AUTH_PASSWORD_VALIDATORS entry (Django's own validators already answer in Chinese under zh-hans).
    """

    CLASSES = (
        ("大写字母", str.isupper),
        ("小写字母", str.islower),
        ("数字", str.isdigit),
        ("特殊符号", lambda c: not (c.isascii() and c.isalnum())),  # symbols, spaces, Chinese characters
    )

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def classes_in(self, password: str) -> int:
        return sum(1 for _label, test in self.CLASSES if any(test(c) for c in password))

    def validate(self, password, user=None):
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(
                "密码太简单：必须包含大写字母、小写字母、数字、特殊符号这四类字符中的至少 %(min)d 类。",
                code="password_too_simple",
                params={"min": self.min_classes},
            )

    def get_help_text(self):
        return f"密码必须包含大写字母、小写字母、数字、特殊符号这四类字符中的至少 {self.min_classes} 类。"
