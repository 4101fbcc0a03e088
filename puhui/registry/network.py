"""The service network's register over time: service points (opened, upgraded to 普惠金融服务站, suspended and
resumed, closed), self-service terminals (installed, retired) and bank outlets (opened, suspended and resumed,
closed).

Writes are services `<noun>_<verb>(*, actor, ...)`: one transaction, audited, every problem reported at once
in Chinese (a ValidationError naming its field); the actor's scope is checked here, so a page, the API and a
script get the same answer. Reads "as it stood on a day" are the `*_as_of(day)` selectors: every figure for
"the end of 2020" (derived indicators, reconciliation) is computed from them, never from today's flags.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from puhui.core import plugins
from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import (
    Division,
    Organisation,
    OutletEvent,
    ServicePoint,
    ServicePointEvent,
    Terminal,
    User,
)
from puhui.registry.access import BANK_KINDS, may_edit_network, network_banks_for
from puhui.registry.models import Firm

Event = ServicePointEvent.Kind
FUNCTION_LABELS = dict(ServicePoint.Function.choices)
BILL_ITEM_LABELS = dict(Terminal.BillItem.choices)
# Plain strings: comparing with an enum member in a loop of 100,000 costs more than the loop itself.
CROSS_BANK = str(ServicePoint.Function.CROSS_BANK.value)
POS = str(Terminal.Kind.POS.value)
SUSPENDED, RESUMED = str(Event.SUSPENDED.value), str(Event.RESUMED.value)
CHANGES = frozenset({str(Event.UPGRADED.value), str(Event.CHANGED.value)})


def _labels(codes: Iterable[str], labels: dict = FUNCTION_LABELS) -> str:
    return "、".join(labels.get(c, c) for c in codes)


# ---------------------------------------------------------------- as it stood on a day


class PointOnDay(NamedTuple):
    """A service point as the register showed it on one day (a tuple: a county's thousands are rebuilt for
    every period end)."""

    pk: int
    code: str
    bank_id: int
    village_id: int
    town_id: int | None
    suspended: bool
    station: bool
    functions: tuple[str, ...]

    @property
    def function_labels(self) -> list[str]:
        return [FUNCTION_LABELS.get(f, f) for f in self.functions]

    @property
    def upgraded(self) -> bool:
        """Counted as "已建成普惠金融服务站且实现跨行支付" (the channels form's item, the plan's 十)."""
        return self.station and CROSS_BANK in self.functions


# The tuple's own constructor: NamedTuple's generated __new__ is a Python call per row.
_new = tuple.__new__


class TerminalOnDay(NamedTuple):
    pk: int
    code: str
    kind: str
    bank_id: int
    village_id: int
    town_id: int | None
    bill_payment: bool


def alive_on(day: datetime.date, start: datetime.date | None, end: datetime.date | None) -> bool:
    """In the register on `day`: begun by then (an unknown start counts as always) and not yet ended.
    A record ended ON the day no longer counts that day, as a point closed on 31 December is not one of
    the year's points."""
    return (start is None or start <= day) and (end is None or end > day)


def alive_q(day: datetime.date, start: str, end: str) -> Q:
    """`alive_on` as a query condition on the `start` and `end` date fields."""
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day})
    )


class NetworkHistory:
    """Service points with their events and terminals, read once; `points_on(day)` and `terminals_on(day)`
    rebuild the register of any day in memory (the derived indicators ask for a dozen period ends)."""

    POINT_FIELDS = (
        "pk",
        "code",
        "bank_id",
        "village_id",
        "village__parent_id",
        "opened_on",
        "closed_on",
        "is_station",
        "upgraded_on",
        "suspended_on",
        "functions",
    )
    TERMINAL_FIELDS = (
        "pk",
        "code",
        "kind",
        "bank_id",
        "village_id",
        "village__parent_id",
        "installed_on",
        "retired_on",
        "bill_payment",
        "bill_payment_since",
    )

    def __init__(self, points: QuerySet | None = None, terminals: QuerySet | None = None):
        points = ServicePoint.objects.all() if points is None else points
        terminals = Terminal.objects.all() if terminals is None else terminals
        # Functions as tuples once, not for every day asked.
        self.points = [
            (*r[:-1], tuple(r[-1] or ())) for r in points.order_by().values_list(*self.POINT_FIELDS)
        ]
        self.terminals = list(terminals.order_by().values_list(*self.TERMINAL_FIELDS))
        self.events: dict[int, list[tuple]] = defaultdict(list)
        ids = [p[0] for p in self.points]
        for start in range(0, len(ids), 2000):
            for row in (
                ServicePointEvent.objects.filter(point_id__in=ids[start : start + 2000])
                .order_by("on", "id")
                .values_list("point_id", "kind", "on", "functions_before")
            ):
                self.events[row[0]].append(row[1:])

    @staticmethod
    def _suspended(events, suspended_on, day: datetime.date) -> bool:
        since = None
        for kind, on, _before in events:
            if on > day:
                break
            if kind == SUSPENDED:
                since = on
            elif kind == RESUMED:
                since = None
        if since is not None:
            return True
        # A suspension recorded only by its date (an import) and not yet resumed.
        return (
            suspended_on is not None
            and suspended_on <= day
            and not any(kind == RESUMED and on >= suspended_on for kind, on, _b in events)
        )

    @staticmethod
    def _functions(events, current: tuple, day: datetime.date) -> tuple[str, ...]:
        # The first change after the day says what the functions were before it; no later change: today's.
        for kind, on, before in events:
            if on > day and before is not None and kind in CHANGES:
                return tuple(before)
        return current

    def points_on(self, day: datetime.date) -> list[PointOnDay]:
        """The rules of `alive_on` (inlined: this loop runs over every point for every period end)."""
        out = []
        no_events = ()
        for pk, code, bank, village, town, opened, closed, station, upgraded, suspended, fns in self.points:
            if (opened is not None and opened > day) or (closed is not None and closed <= day):
                continue
            events = self.events.get(pk, no_events)
            values = (
                pk,
                code,
                bank,
                village,
                town,
                self._suspended(events, suspended, day) if events or suspended else False,
                # A station recorded without its date (before the register kept dates) counts as always.
                bool(station) and (upgraded is None or upgraded <= day),
                self._functions(events, fns, day) if events else fns,
            )
            out.append(_new(PointOnDay, values))
        return out

    def terminals_on(self, day: datetime.date, *, pos: bool = False) -> list[TerminalOnDay]:
        """Terminals in place on the day; POS machines only when asked (the plan's 自助机具 excludes them)."""
        out = []
        for pk, code, kind, bank, village, town, installed, retired, bill, since in self.terminals:
            if (kind == POS and not pos) or (installed is not None and installed > day):
                continue
            if retired is not None and retired <= day:
                continue
            billing = bool(bill) and (since is None or since <= day)
            out.append(_new(TerminalOnDay, (pk, code, kind, bank, village, town, billing)))
        return out


def service_points_as_of(day: datetime.date, queryset: QuerySet | None = None) -> list[PointOnDay]:
    """The service points in the register on `day` (suspended ones included, flagged), as they were then."""
    return NetworkHistory(points=queryset, terminals=Terminal.objects.none()).points_on(day)


def terminals_as_of(
    day: datetime.date, queryset: QuerySet | None = None, *, pos: bool = False
) -> list[TerminalOnDay]:
    return NetworkHistory(points=ServicePoint.objects.none(), terminals=queryset).terminals_on(day, pos=pos)


def outlets_as_of(day: datetime.date, queryset: QuerySet | None = None) -> QuerySet[Organisation]:
    """Outlets in the register on `day` (suspended ones included, as for points: `outlets_suspended_on`)."""
    qs = Organisation.objects.all() if queryset is None else queryset
    return qs.filter(alive_q(day, "opened_on", "closed_on"), level=Organisation.Level.OUTLET)


def outlets_suspended_on(day: datetime.date, queryset: QuerySet | None = None) -> set[int]:
    """The outlets of `outlets_as_of(day)` that were suspended that day — the points' rule
    (`NetworkHistory._suspended`) over the outlets' events."""
    rows = list(outlets_as_of(day, queryset).values_list("pk", "suspended_on"))
    events: dict[int, list[tuple]] = defaultdict(list)
    ids = [pk for pk, _s in rows]
    for start in range(0, len(ids), 2000):
        for pk, kind, on in (
            OutletEvent.objects.filter(outlet_id__in=ids[start : start + 2000])
            .order_by("on", "id")
            .values_list("outlet_id", "kind", "on")
        ):
            events[pk].append((kind, on, None))
    return {pk for pk, since in rows if NetworkHistory._suspended(events.get(pk, ()), since, day)}


class OutletOnDay(NamedTuple):
    pk: int
    suspended: bool


def outlet_on(outlet: Organisation, day: datetime.date) -> OutletOnDay | None:
    """One outlet on one day (its page's "当日状态"); None when it was not in the register then."""
    qs = Organisation.objects.filter(pk=outlet.pk)
    if not outlets_as_of(day, qs).exists():
        return None
    return OutletOnDay(outlet.pk, outlet.pk in outlets_suspended_on(day, qs))


def outlet_timeline(outlet: Organisation) -> list[tuple[datetime.date, str, str]]:
    """(date, what, note): opened and closed from the outlet's dates, suspensions from its events."""
    steps = [(e.on, e.get_kind_display(), e.note) for e in outlet.outlet_events.order_by("on", "id")]
    if outlet.opened_on:
        steps.insert(0, (outlet.opened_on, "开业", ""))
    if outlet.closed_on:
        steps.append((outlet.closed_on, "撤销", ""))
    return steps


def firms_as_of(day: datetime.date, queryset: QuerySet | None = None) -> QuerySet:
    """Firms registered by `day` and not deregistered by then (`Firm.registered_on` is always known)."""
    qs = Firm.objects.all() if queryset is None else queryset
    return qs.filter(alive_q(day, "registered_on", "deregistered_on"))


def point_on(point: ServicePoint, day: datetime.date) -> PointOnDay | None:
    """One point on one day (its page's "当日状态"); None when it was not in the register then."""
    found = service_points_as_of(day, ServicePoint.objects.filter(pk=point.pk))
    return found[0] if found else None


def point_timeline(point: ServicePoint) -> list[ServicePointEvent]:
    return list(point.events.order_by("on", "id"))


# ---------------------------------------------------------------- checks shared by pages, API and imports


def check_functions(functions, errors: dict, field: str = "functions", *, bank=None) -> list[str]:
    known = set(ServicePoint.Function.values)
    functions = [str(f) for f in (functions or [])]
    if not functions:
        errors.setdefault(field, []).append("至少选择一项服务功能")
    unknown = sorted({f for f in functions if f not in known})
    if unknown:
        errors.setdefault(field, []).append(f"未知的服务功能：{'、'.join(unknown)}")
    if bank is not None and not unknown:
        # What a bank offers at its stations is kept by another app when installed (the plugin hook).
        try:
            allowed = plugins.service("station_functions_allowed")
        except LookupError:
            allowed = None
        problem = allowed(bank=bank, functions=functions) if allowed is not None else ""
        if problem:
            errors.setdefault(field, []).append(problem)
    # Kept in the checklist's order, each once.
    return [f for f in ServicePoint.Function.values if f in functions]


def station_missing(functions: Iterable[str]) -> list[str]:
    """The checklist items a station must offer that `functions` lacks (empty: it qualifies)."""
    have = set(functions)
    return [f for f in ServicePoint.STATION_FUNCTIONS if f not in have]


def check_bill_items(items, errors: dict, field: str = "bill_items") -> list[str]:
    known = set(Terminal.BillItem.values)
    items = [str(i) for i in (items or [])]
    unknown = sorted({i for i in items if i not in known})
    if unknown:
        errors.setdefault(field, []).append(f"未知的缴费项目：{'、'.join(unknown)}")
    return [i for i in Terminal.BillItem.values if i in items]


def check_day(day, errors: dict, field: str, label: str, *, required: bool = True) -> None:
    if day is None:
        if required:
            errors.setdefault(field, []).append(f"请填写{label}")
    elif day > timezone.localdate():
        errors.setdefault(field, []).append(f"{label}（{day:%Y-%m-%d}）不能晚于今天")


def _not_before(errors: dict, field: str, day, label: str, other, other_label: str) -> None:
    if day is not None and other is not None and day < other:
        errors.setdefault(field, []).append(f"{label}（{day:%Y-%m-%d}）早于{other_label}（{other:%Y-%m-%d}）")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _acting(actor) -> User:
    user = getattr(actor, "user", actor) if not isinstance(actor, User) else actor
    if not isinstance(user, User) or not may_edit_network(user):
        raise PermissionDenied("只有领导小组办公室和金融机构可以维护服务点和自助机具")
    return user


def _check_bank(user: User, bank: Organisation | None, errors: dict, field: str = "bank") -> None:
    if bank is None:
        errors.setdefault(field, []).append("请选择银行")
    elif bank.kind not in BANK_KINDS:
        errors.setdefault(field, []).append(f"{bank.name} 不是银行")
    elif not network_banks_for(user).filter(pk=bank.pk).exists():
        errors.setdefault(field, []).append(f"{bank.name} 不是本机构或本机构的下属机构")
    elif bank.closed_on is not None:
        errors.setdefault(field, []).append(f"{bank.name} 已于 {bank.closed_on:%Y-%m-%d} 撤销")


def _check_village(village: Division | None, errors: dict, field: str = "village") -> None:
    if village is None:
        errors.setdefault(field, []).append("请选择所在村（社区）")
    elif village.level != Division.Level.VILLAGE:
        errors.setdefault(field, []).append(f"{village.name}（{village.code}）不是村或社区")


def _event(point, kind, on, note="", before=None, after=None) -> ServicePointEvent:
    return ServicePointEvent.objects.create(
        point=point, kind=kind, on=on, note=note[:200], functions_before=before, functions=after
    )


def _locked(model, obj):
    # The row as it is now, locked: two people closing one point at once cannot both pass the checks.
    return model.objects.select_for_update().select_related("bank").get(pk=obj.pk)


def _check_scope(user: User, obj) -> None:
    if not network_banks_for(user).filter(pk=obj.bank_id).exists():
        raise PermissionDenied("不是本机构的服务点或机具")


def _begin(actor, model, obj) -> tuple:
    """A step's start: the actor may edit the network, the row is locked and the bank's own; no problems yet."""
    user = _acting(actor)
    obj = _locked(model, obj)
    _check_scope(user, obj)
    return obj, {}


def _check_on(errors: dict, on, label: str, *after: tuple) -> None:
    """The step's date `on`: given, not after today, not before any of the (date, label) pairs it follows."""
    check_day(on, errors, "on", label)
    for other, other_label in after:
        _not_before(errors, "on", on, label, other, other_label)


def _finish(actor, record, errors: dict, fields: dict, note: str, event=None):
    """A step's end: every problem reported at once, else its fields written, its event (a callable) recorded
    and the change audited with `note`."""
    _raise(errors)
    before = snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=list(fields))
    if event is not None:
        event()
    audit_changed(actor=actor, obj=record, before=before, note=note)
    return record


# ---------------------------------------------------------------- service points


@transaction.atomic
def service_point_open(
    *,
    actor,
    code: str,
    name: str,
    bank: Organisation | None,
    village: Division | None,
    functions: list[str],
    opened_on: datetime.date | None,
    note: str = "",
) -> ServicePoint:
    """Register a newly opened 助农取款服务点 (it becomes a station later, by `service_point_upgrade`)."""
    user = _acting(actor)
    errors: dict[str, list[str]] = {}
    code, name, functions = _open_problems(user, errors, code, name, bank, village, functions, opened_on)
    _raise(errors)
    point = ServicePoint(
        code=code, name=name[:100], bank=bank, village=village, functions=functions, opened_on=opened_on
    )
    try:
        with transaction.atomic():
            point.save()
    except IntegrityError:  # another request took the code between the check and the insert
        raise ValidationError({"code": [f"服务点编号 {code} 已被使用"]}) from None
    _event(point, Event.OPENED, opened_on, note, after=functions)
    audit_changed(actor=actor, obj=point, before=None, note=note or "设立服务点")
    return point


def _open_problems(user, errors: dict, code, name, bank, village, functions, opened_on):
    """The checks of opening a point (into `errors`); returns the cleaned code, name and functions."""
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors.setdefault("code", []).append("请填写服务点编号")
    elif len(code) > 32:
        errors.setdefault("code", []).append("服务点编号不能超过32个字符")
    elif ServicePoint.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(f"服务点编号 {code} 已被使用")
    if not name:
        errors.setdefault("name", []).append("请填写服务点名称")
    _check_bank(user, bank, errors)
    _check_village(village, errors)
    functions = check_functions(functions, errors, bank=bank)
    check_day(opened_on, errors, "opened_on", "设立日期")
    return code, name, functions


def _check_checklist(functions, errors: dict) -> None:
    """A station offers the whole checklist (the plan's 十), whichever road it is upgraded by."""
    missing = station_missing(functions)
    if missing:
        errors.setdefault("functions", []).append(
            f"普惠金融服务站须具备{_labels(ServicePoint.STATION_FUNCTIONS)}等功能，尚缺：{_labels(missing)}"
        )


@transaction.atomic
def service_point_register(
    *,
    actor,
    code: str,
    name: str,
    bank: Organisation | None,
    village: Division | None,
    functions: list[str],
    opened_on: datetime.date | None,
    is_station: bool = False,
    upgraded_on: datetime.date | None = None,
    note: str = "",
    problems: dict | None = None,
) -> ServicePoint:
    """Open a point and, when it is a station already, upgrade it (on `upgraded_on`, else the day it opened)
    in one step — `service_point_open` then `service_point_upgrade`, their rules unchanged, every problem
    reported at once. `problems`: the caller's own (an API's unknown ids), reported with these; they replace
    this service's messages for the same field. Offered to the platform as the `service_point_register`
    service (plugin.py `SERVICES`): the API's POST /service-points registers through it."""
    user = _acting(actor)
    errors: dict[str, list[str]] = {}
    _code, _name, checked = _open_problems(user, errors, code, name, bank, village, functions, opened_on)
    if is_station:
        upgraded_on = upgraded_on or opened_on
        _check_checklist(checked, errors)
        check_day(upgraded_on, errors, "upgraded_on", "升级日期", required=False)
        _not_before(errors, "upgraded_on", upgraded_on, "升级日期", opened_on, "设立日期")
    elif upgraded_on is not None:
        errors.setdefault("upgraded_on", []).append("填写了升级日期，应为普惠金融服务站")
    errors.update({field: list(messages) for field, messages in (problems or {}).items()})
    _raise(errors)
    point = service_point_open(
        actor=actor,
        code=code,
        name=name,
        bank=bank,
        village=village,
        functions=functions,
        opened_on=opened_on,
        note=note,
    )
    if is_station:
        point = service_point_upgrade(actor=actor, point=point, on=upgraded_on, functions=checked)
    return point


def _check_open(point: ServicePoint, errors: dict, doing: str) -> None:
    if point.closed_on is not None:
        errors.setdefault("on", []).append(
            f"服务点“{point.name}”已于 {point.closed_on:%Y-%m-%d} 撤销，不能{doing}"
        )


def _begin_point(actor, point: ServicePoint, doing: str) -> tuple[ServicePoint, dict]:
    point, errors = _begin(actor, ServicePoint, point)
    _check_open(point, errors, doing)
    return point, errors


@transaction.atomic
def service_point_upgrade(
    *, actor, point: ServicePoint, on: datetime.date | None, functions: list[str], note: str = ""
) -> ServicePoint:
    """助农取款服务点 → 普惠金融服务站 on `on`, with the functions it offers from that day (the checklist)."""
    point, errors = _begin_point(actor, point, "升级")
    if point.is_station and not errors:
        since = f"已于 {point.upgraded_on:%Y-%m-%d} " if point.upgraded_on else "已"
        errors.setdefault("on", []).append(f"服务点“{point.name}”{since}升级为普惠金融服务站")
    if point.suspended_on is not None and not errors:
        errors.setdefault("on", []).append(f"服务点“{point.name}”暂停营业中，请先恢复营业再升级")
    _check_on(errors, on, "升级日期", *_since_last_step(point))
    functions = check_functions(functions, errors, bank=point.bank)
    _check_checklist(functions, errors)
    old = list(point.functions)
    return _finish(
        actor,
        point,
        errors,
        {"is_station": True, "upgraded_on": on, "functions": functions},
        note or "升级为普惠金融服务站",
        partial(_event, point, Event.UPGRADED, on, note, before=old, after=functions),
    )


@transaction.atomic
def service_point_suspend(
    *, actor, point: ServicePoint, on: datetime.date | None, note: str = ""
) -> ServicePoint:
    point, errors = _begin_point(actor, point, "暂停营业")
    if point.suspended_on is not None and not errors:
        errors.setdefault("on", []).append(f"服务点“{point.name}”已于 {point.suspended_on:%Y-%m-%d} 暂停营业")
    _check_on(errors, on, "暂停日期", *_since_last_step(point))
    event = partial(_event, point, Event.SUSPENDED, on, note)
    return _finish(actor, point, errors, {"suspended_on": on}, note or "暂停营业", event)


@transaction.atomic
def service_point_resume(
    *, actor, point: ServicePoint, on: datetime.date | None, note: str = ""
) -> ServicePoint:
    point, errors = _begin_point(actor, point, "恢复营业")
    if point.suspended_on is None and not errors:
        errors.setdefault("on", []).append(f"服务点“{point.name}”没有暂停营业，无需恢复")
    _check_on(errors, on, "恢复日期", (point.suspended_on, "暂停日期"))
    event = partial(_event, point, Event.RESUMED, on, note)
    return _finish(actor, point, errors, {"suspended_on": None}, note or "恢复营业", event)


def _since_last_step(point: ServicePoint) -> tuple:
    """The (date, label) pairs a new step of the point may not precede: its opening and its last step."""
    return (point.opened_on, "设立日期"), (_last_event_day(point), "上一次变动日期")


def _last_event_day(point: ServicePoint) -> datetime.date | None:
    """The date of the point's last step; a functions change an import dated on its own day does not count
    (it would forbid recording a real step of last month)."""
    steps = point.events.exclude(kind=Event.CHANGED)
    return steps.order_by("-on").values_list("on", flat=True).first()


@transaction.atomic
def service_point_close(
    *, actor, point: ServicePoint, on: datetime.date | None, note: str = ""
) -> ServicePoint:
    """撤销: the point leaves the register from `on` (it still counts for days before)."""
    point, errors = _begin_point(actor, point, "再次撤销")
    _check_on(errors, on, "撤销日期", *_since_last_step(point))
    if point.terminals.filter(retired_on__isnull=True).exists() and not errors:
        codes = list(point.terminals.filter(retired_on__isnull=True).values_list("code", flat=True)[:5])
        errors.setdefault("on", []).append(f"该服务点还有未撤除的自助机具（{'、'.join(codes)}），请先撤除")
    event = partial(_event, point, Event.CLOSED, on, note)
    return _finish(actor, point, errors, {"closed_on": on}, note or "撤销服务点", event)


# ---------------------------------------------------------------- outlets


def _locked_outlet(user: User, outlet: Organisation) -> Organisation:
    outlet = Organisation.objects.select_for_update().get(pk=outlet.pk)
    if outlet.level != Organisation.Level.OUTLET or not network_banks_for(user).filter(pk=outlet.pk).exists():
        raise PermissionDenied("不是本机构的网点")
    return outlet


def _last_outlet_step(outlet: Organisation) -> datetime.date | None:
    return outlet.outlet_events.order_by("-on").values_list("on", flat=True).first()


def _outlet_closed(outlet: Organisation, errors: dict, doing: str) -> None:
    if outlet.closed_on is not None:
        errors.setdefault("on", []).append(
            f"网点“{outlet.name}”已于 {outlet.closed_on:%Y-%m-%d} 撤销，不能{doing}"
        )


def _begin_outlet(actor, outlet: Organisation, doing: str) -> tuple[Organisation, dict]:
    outlet = _locked_outlet(_acting(actor), outlet)
    errors: dict[str, list[str]] = {}
    _outlet_closed(outlet, errors, doing)
    return outlet, errors


def _outlet_event(outlet: Organisation, kind, on, note: str) -> partial:
    return partial(OutletEvent.objects.create, outlet=outlet, kind=kind, on=on, note=note[:200])


@transaction.atomic
def outlet_suspend(*, actor, outlet: Organisation, on: datetime.date | None, note: str = "") -> Organisation:
    """暂停营业: the outlet stays in the register, suspended from `on` (`outlets_suspended_on`)."""
    outlet, errors = _begin_outlet(actor, outlet, "暂停营业")
    if outlet.suspended_on is not None and not errors:
        errors.setdefault("on", []).append(f"网点“{outlet.name}”已于 {outlet.suspended_on:%Y-%m-%d} 暂停营业")
    _check_on(
        errors, on, "暂停日期", (outlet.opened_on, "开业日期"), (_last_outlet_step(outlet), "上一次变动日期")
    )
    event = _outlet_event(outlet, OutletEvent.Kind.SUSPENDED, on, note)
    return _finish(actor, outlet, errors, {"suspended_on": on}, note or "网点暂停营业", event)


@transaction.atomic
def outlet_resume(*, actor, outlet: Organisation, on: datetime.date | None, note: str = "") -> Organisation:
    outlet, errors = _begin_outlet(actor, outlet, "恢复营业")
    if outlet.suspended_on is None and not errors:
        errors.setdefault("on", []).append(f"网点“{outlet.name}”没有暂停营业，无需恢复")
    _check_on(errors, on, "恢复日期", (outlet.suspended_on, "暂停日期"))
    event = _outlet_event(outlet, OutletEvent.Kind.RESUMED, on, note)
    return _finish(actor, outlet, errors, {"suspended_on": None}, note or "网点恢复营业", event)


# ---------------------------------------------------------------- terminals


@transaction.atomic
def terminal_add(
    *,
    actor,
    code: str,
    kind: str,
    bank: Organisation | None,
    village: Division | None,
    installed_on: datetime.date | None,
    outlet: Organisation | None = None,
    service_point: ServicePoint | None = None,
    bill_payment: bool = False,
    bill_items: list[str] | None = None,
    bill_payment_since: datetime.date | None = None,
) -> Terminal:
    """布放: a bank's terminal installed at one of its outlets or service points (or standing alone)."""
    user = _acting(actor)
    errors: dict[str, list[str]] = {}
    code = (code or "").strip()
    if not code:
        errors.setdefault("code", []).append("请填写机具编号")
    elif len(code) > 32:
        errors.setdefault("code", []).append("机具编号不能超过32个字符")
    elif Terminal.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(f"机具编号 {code} 已被使用")
    if kind not in Terminal.Kind.values:
        errors.setdefault("kind", []).append("请选择机具类型")
    _check_bank(user, bank, errors)
    _check_village(village, errors)
    check_day(installed_on, errors, "installed_on", "布放日期")
    check_terminal_place(bank, outlet, service_point, installed_on, errors)
    bill_items = check_bill_items(bill_items, errors)
    bill_payment_since = check_billing(bill_payment, bill_items, bill_payment_since, installed_on, errors)
    _raise(errors)
    terminal = Terminal(
        code=code,
        kind=kind,
        bank=bank,
        village=village,
        outlet=outlet,
        service_point=service_point,
        installed_on=installed_on,
        bill_payment=bool(bill_payment),
        bill_items=bill_items,
        bill_payment_since=bill_payment_since,
    )
    try:
        with transaction.atomic():
            terminal.save()
    except IntegrityError:
        raise ValidationError({"code": [f"机具编号 {code} 已被使用"]}) from None
    audit_changed(actor=actor, obj=terminal, before=None, note="布放自助机具")
    return terminal


def check_terminal_place(bank, outlet, point, installed_on, errors: dict) -> None:
    """A terminal sits at the bank's own outlet or service point, one that was open when it was installed."""
    if outlet is not None and point is not None:
        errors.setdefault("outlet", []).append("所在网点和所在服务点只能填一项")
    if outlet is not None:
        if outlet.level != Organisation.Level.OUTLET:
            errors.setdefault("outlet", []).append(f"{outlet.name} 不是网点")
        elif bank is not None and bank.path and not outlet.path.startswith(bank.path):
            errors.setdefault("outlet", []).append(f"网点 {outlet.name} 不属于 {bank.name}")
        elif outlet.closed_on is not None and (installed_on is None or installed_on >= outlet.closed_on):
            errors.setdefault("outlet", []).append(
                f"网点 {outlet.name} 已于 {outlet.closed_on:%Y-%m-%d} 撤销"
            )
    if point is not None:
        if bank is not None and point.bank_id != bank.pk and not point.bank.path.startswith(bank.path):
            errors.setdefault("service_point", []).append(f"服务点 {point.name} 不是 {bank.name} 签约的")
        elif point.closed_on is not None and (installed_on is None or installed_on >= point.closed_on):
            errors.setdefault("service_point", []).append(
                f"服务点 {point.name} 已于 {point.closed_on:%Y-%m-%d} 撤销"
            )


def check_billing(bill_payment, bill_items, since, installed_on, errors: dict):
    """Real-time bill payment: items only when it is on; it cannot start before the machine was installed."""
    if not bill_payment:
        if bill_items:
            errors.setdefault("bill_items", []).append("未开通实时缴费的机具不填缴费项目")
        if since is not None:
            errors.setdefault("bill_payment_since", []).append("未开通实时缴费的机具不填开通日期")
        return None
    check_day(since, errors, "bill_payment_since", "实时缴费开通日期", required=False)
    _not_before(errors, "bill_payment_since", since, "实时缴费开通日期", installed_on, "布放日期")
    return since


@transaction.atomic
def terminal_retire(*, actor, terminal: Terminal, on: datetime.date | None, note: str = "") -> Terminal:
    """撤除: the terminal leaves the register from `on`."""
    terminal, errors = _begin(actor, Terminal, terminal)
    if terminal.retired_on is not None:
        errors.setdefault("on", []).append(f"机具 {terminal.code} 已于 {terminal.retired_on:%Y-%m-%d} 撤除")
    _check_on(
        errors,
        on,
        "撤除日期",
        (terminal.installed_on, "布放日期"),
        (terminal.bill_payment_since, "实时缴费开通日期"),
    )
    return _finish(actor, terminal, errors, {"retired_on": on}, note or "撤除自助机具")


# ---------------------------------------------------------------- firms


@transaction.atomic
def firm_deregister(*, actor, firm, on: datetime.date | None, note: str = ""):
    """注销: the firm stays in the register and stops counting from `on` (`firms_as_of`)."""
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    errors: dict[str, list[str]] = {}
    if firm.deregistered_on is not None:
        errors.setdefault("on", []).append(f"{firm.name} 已于 {firm.deregistered_on:%Y-%m-%d} 注销")
    _check_on(errors, on, "注销日期", (firm.registered_on, "成立日期"))
    return _finish(actor, firm, errors, {"deregistered_on": on}, note or "注销")
