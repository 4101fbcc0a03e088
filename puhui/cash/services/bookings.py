"""Bookings by the public (plan 十二: 现金存取和现钞兑换预约, 纪念币发行预约兑换): large cash withdrawal, note exchange
and commemorative coins at a cash point that offers the service, on a day and time it is open. The booking goes to
the point's bank, whose staff confirm a time or refuse with a reason; the member of the public follows it with a
secret code (stored only as its hash) and the phone's last 4 digits.

Every problem of a booking is reported at once, each at its field, and nothing is stored."""

import datetime
import hashlib
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.cash import access
from puhui.cash.models import BOOKABLE, Booking, CashPoint, Service
from puhui.cash.rules import clean_phone, hours_map, hours_text, open_at
from puhui.core.audit import audit_changed, snapshot
from puhui.core.periods import date_cn
from puhui.core.service_checks import text_within

# No 0/O, 1/I/L: a code read out over the phone or copied from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ≈ 7.9e17: not guessable within any rate limit
MAX_AHEAD_DAYS = 60
# 大额现金: the PBoC's threshold for an individual's cash withdrawal that is booked in advance.
LARGE_CASH = Decimal("50000")
MAX_AMOUNT = Decimal("10000000")
MAX_COINS = 200
AMOUNT_SERVICES = {Service.WITHDRAWAL, Service.SMALL, Service.UNFIT, Service.NEW}
Status = Booking.Status


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def find_by_code(code: str, digits: str) -> Booking | None:
    """The booking a code and the phone's last 4 digits open, else None (forged or mistyped: nothing said)."""
    digits = (digits or "").strip()
    if not re.fullmatch(r"\d{4}", digits) or len(normalise_code(code)) != CODE_LENGTH:
        return None
    booking = Booking.objects.select_related("point").filter(tracking_hash=code_hash(code)).first()
    if booking is None or not secrets.compare_digest(str(booking.phone)[-4:], digits):
        return None
    return booking


def _when(point: CashPoint, day, time, errors: dict, *, fields=("day", "time")) -> None:
    """The day is today or later (within MAX_AHEAD_DAYS), the point open on it, the time within its hours."""
    now = timezone.localtime()
    if not isinstance(day, datetime.date):
        errors[fields[0]] = "请选择预约日期。"
        return
    if day < now.date():
        errors[fields[0]] = (
            f"预约日期（{date_cn(day)}）已经过去，请选择今天（{date_cn(now.date())}）或以后的日期。"
        )
        return
    if day > now.date() + datetime.timedelta(days=MAX_AHEAD_DAYS):
        errors[fields[0]] = f"只能预约 {MAX_AHEAD_DAYS} 天以内的日期。"
        return
    if point.closed_on and point.closed_on <= day:
        errors[fields[0]] = f"{point.name}已于{date_cn(point.closed_on)}撤销，请选择其他服务点。"
        return
    if not isinstance(time, datetime.time):
        errors[fields[1]] = "请选择预约时间。"
        return
    if day == now.date() and time <= now.time():
        errors[fields[1]] = f"预约时间（{time:%H:%M}）已经过去，请选择稍后的时间。"
        return
    hours = hours_map(point)
    if not open_at(hours, day, time):
        errors[fields[1]] = (
            f"{date_cn(day)} {time:%H:%M} 不在{point.name}的营业时间内（{hours_text(hours) or '暂无营业时间'}）。"
        )


def _amount(service: str, amount, quantity, errors: dict) -> dict:
    if service == Service.COIN:
        if not isinstance(quantity, int) or quantity < 1:
            errors["quantity"] = "请填写兑换纪念币的数量（枚）。"
        elif quantity > MAX_COINS:
            errors["quantity"] = f"每次预约最多兑换 {MAX_COINS} 枚纪念币。"
        return {"quantity": quantity, "amount": None}
    try:
        value = Decimal(str(amount)) if amount not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or value <= 0:
        errors["amount"] = "请填写金额（元）。"
    elif service == Service.WITHDRAWAL and value < LARGE_CASH:
        errors["amount"] = f"大额现金预约取款的金额应不少于 {LARGE_CASH:,.0f} 元；少于此数可直接到网点办理。"
    elif value > MAX_AMOUNT:
        errors["amount"] = f"金额不能超过 {MAX_AMOUNT:,.0f} 元，请核对。"
    elif value != value.quantize(Decimal("0.01")):
        errors["amount"] = "金额最多保留两位小数（元）。"
    return {"amount": value, "quantity": None}


@transaction.atomic
def booking_create(
    *, point, service, day, time, name, phone, amount=None, quantity=None
) -> tuple[Booking, str]:
    """A public booking; returns it and its tracking code (shown once, stored only hashed)."""
    errors: dict[str, str] = {}
    if not isinstance(point, CashPoint):
        raise ValidationError({"point": "请选择现金服务点。"})
    if service not in BOOKABLE:
        errors["service"] = "请选择预约业务。"
    elif service not in point.services:
        label = Service(service).label
        errors["service"] = f"{point.name}不提供“{label}”，请选择提供该业务的服务点。"
    _when(point, day, time, errors)
    for key, check in (("name", lambda: text_within(name, "name", "姓名", limit=40)),
                       ("phone", lambda: clean_phone(phone, required=True))):  # fmt: skip
        try:
            check()
        except ValidationError as e:
            errors[key] = e.message_dict[key][0]
    money = _amount(service, amount, quantity, errors) if service in BOOKABLE else {}
    if errors:
        raise ValidationError(errors)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    booking = Booking.objects.create(
        tracking_hash=code_hash(code), point=point, bank=point.bank, service=service, day=day, time=time,
        name=name.strip(), phone=clean_phone(phone, required=True), **money,
    )  # fmt: skip
    audit_changed(actor=None, obj=booking, before=None, note="公众提交现金预约")
    return booking, code


def _pending(actor, booking: Booking) -> None:
    if not access.may_handle_booking(actor, booking):
        raise ValidationError("只有服务点所属银行可以办理该预约。")
    if booking.status != Status.PENDING:
        raise ValidationError(f"该预约已{booking.get_status_display()}，不能再次办理。")


@transaction.atomic
def booking_confirm(*, actor, booking: Booking, day, time) -> Booking:
    """The bank confirms a time (the one asked for, or another when the point is open)."""
    _pending(actor, booking)
    errors: dict[str, str] = {}
    _when(booking.point, day, time, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(booking)
    booking.status, booking.confirmed_day, booking.confirmed_time = Status.CONFIRMED, day, time
    booking.handled_by = actor
    booking.save()
    audit_changed(actor=actor, obj=booking, before=before, note=f"确认预约：{date_cn(day)} {time:%H:%M}")
    return booking


@transaction.atomic
def booking_refuse(*, actor, booking: Booking, reason) -> Booking:
    _pending(actor, booking)
    reason = text_within(reason, "reason", "拒绝原因", limit=300)
    before = snapshot(booking)
    booking.status, booking.refuse_reason, booking.handled_by = Status.REFUSED, reason, actor
    booking.save()
    audit_changed(actor=actor, obj=booking, before=before, note="拒绝预约")
    return booking
