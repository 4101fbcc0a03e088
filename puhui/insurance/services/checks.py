"""Checks the insurance services share on typed figures: whole counts and amounts, not negative, within a
sane bound. Each refuses with `ValidationError({field: 中文})` naming the field and its unit."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

MAX_COUNT = 10_000_000
MAX_AMOUNT = Decimal("1000000000000")  # 1 万亿元: more is a typing error


def count(value, field: str, label: str, unit: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise ValidationError({field: f"请填写{label}（{unit}），须为整数。"})
    if number < 0:
        raise ValidationError({field: f"{label}不能为负数（填写了 {number} {unit}）。"})
    if number > MAX_COUNT:
        raise ValidationError({field: f"{label}不能超过 {MAX_COUNT:,} {unit}，请核对。"})
    return number


def amount(value, field: str, label: str, unit: str, *, positive: bool = False, places: int = 2) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({field: f"请填写{label}（{unit}）。"})
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}应为数字（{unit}）。"}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label}应为数字（{unit}）。"})
    if number < 0:
        raise ValidationError({field: f"{label}不能为负数（填写了 {number} {unit}）。"})
    if positive and number == 0:
        raise ValidationError({field: f"{label}应大于 0 {unit}。"})
    if number > MAX_AMOUNT:
        raise ValidationError({field: f"{label}过大，请核对（{unit}）。"})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError({field: f"{label}最多保留 {places} 位小数。"})
    return number
