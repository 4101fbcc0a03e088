"""The rules of a monthly figure, shared by the form, the correction and the upload (which reports each
refusal at its row and column): the month, the figures, and the merchant's signed life."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from puhui.core.periods import date_cn
from puhui.merchants.models import Merchant

MAX_TRANSACTIONS = 10_000_000  # non-cash payments at one village shop in a month: more is a typing error
MAX_AMOUNT = Decimal("10000000000")  # 100亿元
_MONTH_TEXT = (
    re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月?"),
    re.compile(r"([0-9]{4})([0-9]{2})"),
    re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]0?1"),
)


def month_cn(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def month_of(value) -> datetime.date | None:
    """The first day of the month a value names: a date, "2021-03", "2021/3", "2021年3月", "202103"; None
    when it names none."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = str(value).strip()
    for pattern in _MONTH_TEXT:
        if match := pattern.fullmatch(text):
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 1900 <= year <= 2100:
                return datetime.date(year, month, 1)
            return None
    return None


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def month_problems(merchant: Merchant, month: datetime.date) -> list[tuple[str, str]]:
    """A month this merchant may report: not after this month, not before it was signed, not after it ended."""
    now = this_month()
    if month > now:
        return [("month", f"月份（{month_cn(month)}）不能晚于本月（{month_cn(now)}）。")]
    if month < merchant.signed_on.replace(day=1):
        return [
            (
                "month",
                f"商户“{merchant.name}”于{date_cn(merchant.signed_on)}签约，不能报送签约前（{month_cn(month)}）的数据。",
            )
        ]
    if merchant.ended_on is not None and merchant.ended_on <= month:
        return [
            (
                "month",
                f"商户“{merchant.name}”已于{date_cn(merchant.ended_on)}终止签约，不能报送{month_cn(month)}的数据。",
            )
        ]
    return []


def count_of(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number == number.to_integral_value() else None


def amount_of(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "").removesuffix("元"))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        return None
    return number.quantize(Decimal("0.01"))


def figure_problems(transactions, amount) -> tuple[int | None, Decimal | None, list[tuple[str, str]]]:
    """The figures as numbers, and what is wrong with them (field, Chinese reason)."""
    problems: list[tuple[str, str]] = []
    count = count_of(transactions)
    money = amount_of(amount)
    if count is None:
        problems.append(("transactions", "请填写非现金交易笔数（整数，笔）。"))
    elif count < 0:
        problems.append(("transactions", f"非现金交易笔数不能为负数（填写了 {count} 笔）。"))
    elif count > MAX_TRANSACTIONS:
        problems.append(("transactions", f"非现金交易笔数不能超过 {MAX_TRANSACTIONS:,} 笔，请核对。"))
    if money is None:
        problems.append(("amount", "请填写非现金交易金额（元，最多两位小数）。"))
    elif money < 0:
        problems.append(("amount", f"非现金交易金额不能为负数（填写了 {money:,.2f} 元）。"))
    elif money > MAX_AMOUNT:
        problems.append(("amount", f"非现金交易金额不能超过 {MAX_AMOUNT:,.0f} 元，请核对。"))
    if not problems and (count == 0) != (money == 0):
        reason = "交易笔数为 0 时金额应为 0 元。" if count == 0 else "有交易笔数时金额应大于 0 元。"
        problems.append(("amount", reason))
    return count, money, problems


def duplicate_reason(merchant: Merchant, month: datetime.date, existing) -> str:
    return (
        f"商户“{merchant.name}”{month_cn(month)}的数据已经报送（{existing.transactions:,} 笔，"
        f"{existing.amount:,.2f} 元），不能重复报送；如需修改，请在商户页面“更正”原数据。"
    )
