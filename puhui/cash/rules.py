"""The rules of cash points' opening hours, shared by the services, the pages and the finder: is a point open at
a given day and time, and its hours as Chinese text."""

import datetime
import re

from django.core.exceptions import ValidationError

from puhui.cash.models import WEEKDAYS

PHONE = re.compile(r"^\d{7,12}$")


def hours_map(point) -> dict[int, tuple[datetime.time, datetime.time]]:
    return {h.weekday: (h.opens, h.closes) for h in point.hours.all()}


def open_at(hours: dict, day: datetime.date, time: datetime.time) -> bool:
    """Open at `time` on `day`: the weekday has hours and the time falls in [opens, closes)."""
    span = hours.get(day.weekday())
    return span is not None and span[0] <= time < span[1]


def hours_text(hours: dict) -> str:
    """周一至周五 08:30–17:00；周六 09:00–12:00 — consecutive weekdays with the same hours joined."""
    parts, days = [], sorted(hours)
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1 and hours[days[j + 1]] == hours[days[i]]:
            j += 1
        opens, closes = hours[days[i]]
        name = WEEKDAYS[days[i]] if i == j else f"{WEEKDAYS[days[i]]}至{WEEKDAYS[days[j]]}"
        parts.append(f"{name} {opens:%H:%M}–{closes:%H:%M}")
        i = j + 1
    return "；".join(parts)


def clean_phone(phone, field: str = "phone", *, required: bool) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if not phone:
        if required:
            raise ValidationError({field: "请填写联系电话：网点据此联系您，您也要凭它的后 4 位查询预约。"})
        return ""
    if not PHONE.match(phone):
        raise ValidationError({field: "联系电话应为 7 到 12 位数字（手机号码或带区号的固定电话）。"})
    return phone
