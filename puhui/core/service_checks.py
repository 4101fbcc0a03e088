"""Checks services share on what a user typed: a date not in the future, a text within its length. Each refuses
with `ValidationError({field: 中文})`, the message naming the field's label."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from puhui.core.periods import date_cn


def not_future(day, field: str, label: str) -> datetime.date:
    """A date that has happened: given, and not after today."""
    if not isinstance(day, datetime.date):
        raise ValidationError({field: f"请填写{label}。"})
    today = timezone.localdate()
    if day > today:
        raise ValidationError({field: f"{label}（{date_cn(day)}）不能晚于今天（{date_cn(today)}）。"})
    return day


def text_within(value, field: str, label: str, *, limit: int, required: bool = True) -> str:
    """The text stripped; refused when required and empty, or longer than `limit` characters."""
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}最多 {limit} 个字，填写了 {len(text)} 个字。"})
    return text
