"""Keeping the cash points register: the office any point, a bank its own. Each write is one transaction and one
audit record; a refusal names the field in Chinese and stores nothing (the hours are checked before any row)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.cash import access
from puhui.cash.models import WEEKDAYS, CashPoint, OpeningHours, Service
from puhui.cash.rules import clean_phone
from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Organisation, ServicePoint
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within


def clean_hours(hours) -> dict[int, tuple[datetime.time, datetime.time]]:
    """{weekday: (opens, closes)} from a mapping or pairs; a day left out is closed; at least one day open."""
    items = hours.items() if isinstance(hours, dict) else hours or ()
    out = {}
    for weekday, span in items:
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValidationError({"hours": "营业时间的星期应为周一至周日。"})
        opens, closes = span
        if not isinstance(opens, datetime.time) or not isinstance(closes, datetime.time):
            raise ValidationError({"hours": f"{WEEKDAYS[weekday]}请同时填写开门和关门时间。"})
        if opens >= closes:
            raise ValidationError(
                {"hours": f"{WEEKDAYS[weekday]}的关门时间（{closes:%H:%M}）应晚于开门时间（{opens:%H:%M}）。"}
            )
        out[weekday] = (opens, closes)
    if not out:
        raise ValidationError({"hours": "请至少填写一天的营业时间。"})
    return out


def _place(actor, bank, outlet, service_point) -> dict:
    if not isinstance(bank, Organisation) or not access.banks_for(actor).filter(pk=bank.pk).exists():
        raise ValidationError({"bank": "请选择所属银行（县级机构）。"})
    if (outlet is None) == (service_point is None):
        raise ValidationError({"outlet": "请选择服务点所在的网点或助农取款服务点（二选一）。"})
    if outlet is not None:
        if outlet.level != Organisation.Level.OUTLET or not outlet.path.startswith(bank.path):
            raise ValidationError({"outlet": f"所选网点（{outlet.name}）不是{bank.name}的网点。"})
        if outlet.closed_on:
            raise ValidationError(
                {"outlet": f"所选网点（{outlet.name}）已于{date_cn(outlet.closed_on)}撤销。"}
            )
        village = outlet.division
    else:
        if not isinstance(service_point, ServicePoint) or service_point.bank_id != bank.pk:
            raise ValidationError({"service_point": f"所选服务点不是{bank.name}的助农取款服务点。"})
        if service_point.closed_on:
            raise ValidationError({"service_point": f"所选服务点（{service_point.name}）已撤销。"})
        village = service_point.village
    town = None
    if village is not None:
        town = (
            village.parent if village.level == "village" else (village if village.level == "town" else None)
        )
        village = village if village.level == "village" else None
    return {"bank": bank, "outlet": outlet, "service_point": service_point, "village": village, "town": town}


def _fields(actor, *, kind, name, bank, outlet, service_point, services, phone, opened_on, closed_on) -> dict:
    if kind not in CashPoint.Kind.values:
        raise ValidationError(
            {"kind": "请选择服务点类型（现金服务示范点、小面额及残损人民币兑换点或新票直供代理点）。"}
        )
    services = list(dict.fromkeys(services or ()))
    if not services:
        raise ValidationError({"services": "请选择提供的服务（至少一项）。"})
    if any(s not in Service.values for s in services):
        raise ValidationError({"services": "服务项目只能从列出的项目中选择。"})
    opened_on = not_future(opened_on, "opened_on", "设立日期")
    if closed_on is not None and closed_on < opened_on:
        raise ValidationError({"closed_on": f"撤销日期不能早于设立日期（{date_cn(opened_on)}）。"})
    return {
        "kind": kind,
        "name": text_within(name, "name", "名称", limit=100),
        **_place(actor, bank, outlet, service_point),
        "services": services,
        "phone": clean_phone(phone, required=False),
        "opened_on": opened_on,
        "closed_on": closed_on,
    }


def _write_hours(point: CashPoint, hours: dict) -> None:
    point.hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(point=point, weekday=d, opens=o, closes=c) for d, (o, c) in sorted(hours.items())
    )


@transaction.atomic
def point_create(
    *,
    actor,
    kind,
    name,
    bank,
    services,
    hours,
    opened_on,
    outlet=None,
    service_point=None,
    phone="",
    closed_on=None,
) -> CashPoint:
    if not access.may_add_point(actor):
        raise ValidationError("只有领导小组办公室和银行可以登记现金服务点。")
    fields = _fields(
        actor, kind=kind, name=name, bank=bank, outlet=outlet, service_point=service_point, services=services,
        phone=phone, opened_on=opened_on, closed_on=closed_on,
    )  # fmt: skip
    hours = clean_hours(hours)
    point = CashPoint.objects.create(**fields)
    _write_hours(point, hours)
    audit_changed(actor=actor, obj=point, before=None, note=f"登记现金服务点（{point.get_kind_display()}）")
    return point


@transaction.atomic
def point_update(
    *, actor, point: CashPoint, kind, name, bank, services, hours, opened_on, outlet=None, service_point=None,
    phone="", closed_on=None,
) -> CashPoint:  # fmt: skip
    if not access.may_edit_point(actor, point):
        raise ValidationError("您无权修改该现金服务点。")
    before = snapshot(point)
    fields = _fields(
        actor, kind=kind, name=name, bank=bank, outlet=outlet, service_point=service_point, services=services,
        phone=phone, opened_on=opened_on, closed_on=closed_on,
    )  # fmt: skip
    hours = clean_hours(hours)
    for key, value in fields.items():
        setattr(point, key, value)
    point.save()
    _write_hours(point, hours)
    audit_changed(actor=actor, obj=point, before=before, note="修改现金服务点")
    return point
