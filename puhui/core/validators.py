"""Validators for the identifiers and amounts the platform takes in. Messages are in Chinese."""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
DIVISION_RE = re.compile(r"^\d{12}$", re.ASCII)
CENT = Decimal("0.01")


def validate_id_number(value: str) -> str:
    """A resident ID number (GB 11643-1999), 18 characters with check digit; returns the compact form."""
    return check_id_number(ric.compact(str(value)))


def check_id_number(text: str) -> str:
    """The one resident-ID rule (python-stdnum's checks) for a compact, upper-case 18-character string.

    Used by the forms (through `validate_id_number`) and by the imports, which check 100,000s of numbers:
    the slow birth-place look-up is remembered per (area code, birth year), the only inputs it depends on.
    """
    if len(text) != 18 or not text.isascii() or not text[:17].isdigit() or text[17] not in "0123456789X":
        raise ValidationError("身份证号码格式错误（应为18位）", code="id_format")
    if text[-1] != ric.calc_check_digit(text):
        raise ValidationError("身份证号码校验位错误", code="id_checksum")
    try:
        ric.get_birth_date(text)
    except stdnum_errors.ValidationError:
        raise ValidationError("身份证号码中的出生日期或地区码无效", code="id_component") from None
    if not _birth_place_valid(text[:6], text[6:10]):
        raise ValidationError("身份证号码中的出生日期或地区码无效", code="id_component")
    return text


@functools.lru_cache(maxsize=8192)
def _birth_place_valid(area: str, year: str) -> bool:
    try:
        ric.get_birth_place(f"{area}{year}01010000")  # the place table is keyed by area, valid per year
    except stdnum_errors.ValidationError:
        return False
    return True


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
