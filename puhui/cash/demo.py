"""The demo county's cash services: cash points of several banks in several towns (at outlets and at service
points), a counterfeit warning issued a month ago (most units acknowledged, some overdue) and one issued today
(some acknowledged), and public bookings pending, confirmed and refused.

Written through the services as the office's and the banks' own users. The older warning's dates are moved back
afterwards (the services date a warning today): that is the demo's history, not a rule's way round."""

import datetime

from django.db.models import Q
from django.utils import timezone

from puhui.cash.access import BANK_KINDS
from puhui.cash.models import CashPoint, Recipient, Service, Warning
from puhui.cash.rules import open_at
from puhui.cash.services import bookings, points, warnings
from puhui.core.models import Organisation, ServicePoint

COUNT_LABELS = {
    "cash_points": "现金服务点",
    "cash_warnings": "假币预警",
    "cash_acknowledged": "已确认假币预警的网点和服务点",
    "cash_bookings": "现金预约",
}
BANK_USERS = ("bank_rcb", "bank_abc", "bank_psbc", "bank_icbc", "bank_ccb")
T = datetime.time
WEEKDAY_HOURS = {d: (T(8, 30), T(17, 0)) for d in range(5)}
SATURDAY = {5: (T(9, 0), T(12, 0))}
KIND_SERVICES = {
    CashPoint.Kind.DEMO: [
        Service.SMALL,
        Service.UNFIT,
        Service.NEW,
        Service.COIN,
        Service.WITHDRAWAL,
        Service.COUNTERFEIT,
    ],  # fmt: skip
    CashPoint.Kind.EXCHANGE: [Service.SMALL, Service.UNFIT, Service.COUNTERFEIT],
    CashPoint.Kind.NEW_NOTES: [Service.NEW, Service.COIN],
}


def _points(ctx) -> list[CashPoint]:
    made = []
    kinds = list(CashPoint.Kind)
    for n, username in enumerate(BANK_USERS):
        user = ctx.users.get(username)
        if user is None or user.organisation.kind not in BANK_KINDS:
            continue
        bank = user.organisation
        outlets = Organisation.objects.filter(
            path__startswith=bank.path, level=Organisation.Level.OUTLET, closed_on__isnull=True
        ).order_by("division__code", "pk")
        seen_towns, chosen = set(), []
        for outlet in outlets.select_related("division"):
            town = outlet.division.parent_id if outlet.division_id else None
            if town not in seen_towns:
                seen_towns.add(town)
                chosen.append(outlet)
            if len(chosen) == 3:
                break
        for k, outlet in enumerate(chosen):
            kind = kinds[(n + k) % len(kinds)]
            hours = {**WEEKDAY_HOURS, **(SATURDAY if k % 2 == 0 else {})}
            made.append(
                points.point_create(
                    actor=user,
                    kind=kind,
                    name=f"{outlet.name}{CashPoint.Kind(kind).label}",
                    bank=bank,
                    outlet=outlet,
                    services=KIND_SERVICES[kind],
                    hours=hours,
                    phone=f"0533-32{n}{k}5678",
                    opened_on=datetime.date(2020, 3 + k, 1),
                )  # fmt: skip
            )
        station = ServicePoint.objects.filter(bank=bank, closed_on__isnull=True, is_station=True).first()
        if station is not None:
            made.append(
                points.point_create(
                    actor=user,
                    kind=CashPoint.Kind.EXCHANGE,
                    name=f"{station.name}小面额兑换点",
                    bank=bank,
                    service_point=station,
                    services=[Service.SMALL, Service.COUNTERFEIT],
                    hours={d: (T(9, 0), T(16, 0)) for d in range(6)},
                    opened_on=datetime.date(2020, 9, 1),
                )  # fmt: skip
            )
    return made


def _warnings(ctx, office, rnd) -> tuple[int, int]:
    today = timezone.localdate()
    old = warnings.warning_issue(
        actor=office, title="关于发现新版100元假币的预警", denomination="100",
        features="冠字号码 C3S8****、C3S9**** 开头；光变油墨面额数字颜色变化不明显，安全线无动感。",
        text="请各网点和服务点组织临柜人员学习识别要点，发现假币按规定收缴并报告县人民银行。", deadline=today,
    )  # fmt: skip
    Warning.objects.filter(pk=old.pk).update(
        issued_on=today - datetime.timedelta(days=30), deadline=today - datetime.timedelta(days=20)
    )
    new = warnings.warning_issue(
        actor=office, title="关于2019年版50元假币的预警", denomination="50",
        features="冠字号码 A8K2**** 开头；水印模糊，票面右侧竖号码颜色单一。",
        text="请于确认期限前组织学习并确认收到。", deadline=today + datetime.timedelta(days=7),
    )  # fmt: skip
    acknowledged = 0
    for username in BANK_USERS:
        user = ctx.users.get(username)
        if user is None or user.organisation.kind not in BANK_KINDS:
            continue
        for warning, share in ((old, 0.85), (new, 0.4)):
            mine = Recipient.objects.filter(warning=warning, bank__path__startswith=user.organisation.path)
            rows = list(mine.values_list("outlet_id", "service_point_id"))
            picked = [r for r in rows if rnd.random() < share]
            if picked:
                acknowledged += warnings.warning_acknowledge(
                    actor=user, warning=warning, outlets=[o for o, _p in picked if o],
                    service_points=[p for _o, p in picked if p],
                )  # fmt: skip
    return 2, acknowledged


def _next_open(point: CashPoint, after: datetime.date, at: datetime.time) -> datetime.date:
    hours = {h.weekday: (h.opens, h.closes) for h in point.hours.all()}
    day = after
    while not open_at(hours, day, at):
        day += datetime.timedelta(days=1)
    return day


def _bookings(ctx, made: list[CashPoint], rnd) -> int:
    today = timezone.localdate()
    count = 0
    offered = [
        (p, s)
        for p in made
        for s in (Service.WITHDRAWAL, Service.COIN, Service.SMALL, Service.NEW)
        if s in p.services
    ]
    for i, (point, service) in enumerate(offered[:12]):
        at = T(10, 0) if i % 2 else T(14, 30)
        day = _next_open(point, today + datetime.timedelta(days=1 + i % 5), at)
        money = {"quantity": 10 + i} if service == Service.COIN else {"amount": 60000 + 10000 * i}
        booking, _code = bookings.booking_create(
            point=point, service=service, day=day, time=at, name=f"演示客户{i + 1}",
            phone=f"139{rnd.randint(10_000_000, 99_999_999)}", **money,
        )  # fmt: skip
        count += 1
        staff = next(
            (
                ctx.users[u]
                for u in BANK_USERS
                if u in ctx.users and ctx.users[u].organisation_id == point.bank_id
            ),
            None,
        )
        if staff is None or i % 3 == 0:
            continue  # waiting for the bank
        if i % 3 == 1:
            bookings.booking_confirm(actor=staff, booking=booking, day=day, time=at)
        else:
            bookings.booking_refuse(
                actor=staff, booking=booking, reason="当日该业务预约已满，请改约其他日期。"
            )
    return count


def build(ctx) -> dict:
    office = ctx.users.get("office")
    if office is None or not Organisation.objects.filter(Q(kind__in=BANK_KINDS), level="outlet").exists():
        return {}
    rnd = ctx.random(44)
    made = _points(ctx)
    issued, acknowledged = _warnings(ctx, office, rnd)
    return {
        "cash_points": len(made),
        "cash_warnings": issued,
        "cash_acknowledged": acknowledged,
        "cash_bookings": _bookings(ctx, made, rnd),
    }
