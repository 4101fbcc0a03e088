"""Counterfeit warnings (假币预警, plan 八 "完善假币预警信息机制"): the office issues one to every outlet and service
point open that day; each bank acknowledges for its own units, one by one or all at once.

Issuing writes one row per unit with `bulk_create` inside the warning's transaction: two reads (outlets, service
points) and a few batched inserts, whatever the county's size (bench/bench_cash_warning.py measures it)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from puhui.cash import access
from puhui.cash.models import Recipient, Warning
from puhui.core.audit import audit_changed, audit_record
from puhui.core.models import AuditLog, Organisation, ServicePoint
from puhui.core.periods import date_cn
from puhui.core.service_checks import text_within
from puhui.registry.network import alive_q, outlets_as_of

MAX_DAYS = 90  # a deadline further away than a quarter is a typing error
BATCH = 2000


def open_units(day: datetime.date) -> list[Recipient]:
    """A recipient row (unsaved, no warning yet) for every bank outlet and service point in the register on `day`
    (the register's rule: `outlets_as_of`, and the same dates for service points; suspended ones are included,
    as the register counts them: their staff are still to be warned)."""
    outlets = outlets_as_of(day, Organisation.objects.filter(kind__in=access.BANK_KINDS)).filter(
        parent__isnull=False
    )
    rows = [
        Recipient(bank_id=parent, outlet_id=pk, unit_name=name)
        for pk, parent, name in outlets.order_by("pk").values_list("pk", "parent_id", "name").iterator(BATCH)
    ]
    points = ServicePoint.objects.filter(alive_q(day, "opened_on", "closed_on")).order_by("pk")
    rows += [
        Recipient(bank_id=bank, service_point_id=pk, unit_name=name)
        for pk, bank, name in points.values_list("pk", "bank_id", "name").iterator(BATCH)
    ]
    return rows


@transaction.atomic
def warning_issue(*, actor, title, text, denomination, features, deadline) -> Warning:
    if not access.may_issue_warning(actor):
        raise ValidationError("只有领导小组办公室（县人民银行）可以发布假币预警。")
    today = timezone.localdate()
    if denomination not in Warning.Denomination.values:
        raise ValidationError({"denomination": "请选择假币券别。"})
    if not isinstance(deadline, datetime.date):
        raise ValidationError({"deadline": "请填写确认期限。"})
    if deadline < today:
        raise ValidationError(
            {"deadline": f"确认期限（{date_cn(deadline)}）不能早于今天（{date_cn(today)}）。"}
        )
    if deadline > today + datetime.timedelta(days=MAX_DAYS):
        raise ValidationError({"deadline": f"确认期限不能晚于 {MAX_DAYS} 天之后，请核对。"})
    warning = Warning.objects.create(
        title=text_within(title, "title", "标题", limit=100),
        text=text_within(text, "text", "预警内容", limit=4000),
        denomination=denomination,
        features=text_within(features, "features", "冠字号码及特征", limit=2000),
        deadline=deadline,
        issued_on=today,
        issued_by=actor,
    )
    rows = open_units(today)
    if not rows:
        raise ValidationError("今天没有营业中的银行网点或助农取款服务点，预警无处发送。")
    for row in rows:
        row.warning = warning
    Recipient.objects.bulk_create(rows, batch_size=BATCH)
    warning.recipient_count = len(rows)
    warning.save(update_fields=["recipient_count"])
    audit_changed(
        actor=actor, obj=warning, before=None, note=f"发布假币预警，发送 {len(rows):,} 个网点和服务点"
    )
    return warning


def _names(outlets: set[int], points: set[int]) -> str:
    names = list(Organisation.objects.filter(pk__in=outlets).values_list("name", flat=True))
    names += list(ServicePoint.objects.filter(pk__in=points).values_list("name", flat=True))
    known = len(names)
    unknown = len(outlets) + len(points) - known
    return (
        "、".join(names[:10])
        + (f"等 {known} 个" if known > 10 else "")
        + (f"{'及' if names else ''}{unknown} 个不存在的单位" if unknown else "")
    )


@transaction.atomic
def warning_acknowledge(*, actor, warning: Warning, outlets=(), service_points=(), everything=False) -> int:
    """The actor's bank acknowledges for the chosen units (or all its units: `everything`); returns how many rows
    were newly acknowledged. A unit the warning was not sent to, or of another bank, refuses the whole request."""
    bank = access.bank_of(actor)
    if bank is None:
        raise ValidationError("只有银行可以确认假币预警。")
    mine = Recipient.objects.filter(warning=warning, bank__path__startswith=bank.path)
    if everything:
        chosen = mine
    else:
        outlets, points = {int(x) for x in outlets or ()}, {int(x) for x in service_points or ()}
        if not outlets and not points:
            raise ValidationError({"units": "请选择要确认的网点或服务点。"})
        chosen = mine.filter(Q(outlet_id__in=outlets) | Q(service_point_id__in=points))
        found = set(chosen.values_list("outlet_id", "service_point_id"))
        missing_outlets = outlets - {o for o, _p in found if o}
        missing_points = points - {p for _o, p in found if p}
        if missing_outlets or missing_points:
            raise ValidationError(
                {
                    "units": f"本预警没有发给{_names(missing_outlets, missing_points)}（或不属于本行），不能确认。"
                }
            )
    done = chosen.filter(acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=actor
    )
    audit_record(
        actor=actor, action=AuditLog.Action.UPDATE, obj=warning,
        note=f"{bank.name}确认收到假币预警：{done} 个单位" + ("（全部）" if everything else ""),
    )  # fmt: skip
    return done
