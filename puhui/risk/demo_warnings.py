"""The demo county's early warnings: every quarter with approved loans evaluated under the county's rules,
then a share of the warnings followed up so that every state is shown — some assigned to the bank or member
unit concerned, some of those answered, some closed by the office — through the services, as the office's
and the units' own users. `risk/demo.py` calls `build(ctx)` after the guarantee networks.

The ages on the office's dashboard are the demo's: the latest quarter's warnings are spread over the last
120 days, older quarters' dated a few days after their returns were due."""

import datetime

from django.db.models import Q
from django.utils import timezone

from puhui.core.models import Organisation, User
from puhui.core.notifications import mail_suppressed
from puhui.risk.access import LINKAGE_UNITS
from puhui.risk.models import Warning
from puhui.risk.services import warnings as services

COUNT_LABELS = {
    "warnings": "风险预警（项）",
    "open": "待处理（项）",
    "assigned": "已指派（项）",
    "answered": "已答复（项）",
    "closed": "已关闭（项）",
}
ANSWERS = [
    "已核查：该企业部分贷款到期正常收回，续贷申请正在审批，不存在盲目抽贷。",
    "已核查：不良贷款上升系个别农户受灾，已落实展期和风险补偿，下季度预计回落。",
    "已核查：本行已调整授信结构，涉农贷款将于下季度恢复投放。",
]


def _owner(w: Warning, linkage: list[Organisation]) -> Organisation | None:
    """The bank concerned (the subject, or the first bank that cut a firm's credit); a town's: a member unit."""
    if w.subject_bank_id:
        return w.subject_bank
    ids = w.bank_id_list
    if ids:
        return Organisation.objects.filter(pk=ids[0]).first()
    return linkage[0] if linkage else None


def _staff(org: Organisation) -> User | None:
    return (
        User.objects.filter(is_active=True, organisation=org)
        .filter(Q(role=User.Role.INSTITUTION) | Q(role=User.Role.MEMBER_UNIT))
        .order_by("pk")
        .first()
    )


def _backdate(latest) -> None:
    now = timezone.now()
    for n, w in enumerate(Warning.objects.select_related("period").order_by("pk")):
        if w.period_id == latest.pk:
            raised = now - datetime.timedelta(days=(n * 13) % 120, hours=n % 7)
        else:
            raised = timezone.make_aware(datetime.datetime.combine(w.period.due, datetime.time(4, 10)))
            raised += datetime.timedelta(days=3)
        Warning.objects.filter(pk=w.pk).update(raised_at=raised, evaluated_at=raised)


def build(ctx) -> dict:
    office = ctx.users.get("office")
    periods = services.periods_to_evaluate()
    if not periods:
        return {"warnings": 0}
    with mail_suppressed():
        for period in periods:
            services.warnings_evaluate(actor=office, period=period)
        _backdate(periods[-1])
        linkage = list(Organisation.objects.filter(plan_alias__in=LINKAGE_UNITS).order_by("name"))
        # Every fourth warning stays 待处理; of the others, a third assigned, a third answered, a third closed.
        for n, w in enumerate(Warning.objects.filter(status=Warning.Status.OPEN).order_by("raised_at", "pk")):
            step = n % 4
            if step == 0:
                continue
            owner = _owner(w, linkage)
            staff = _staff(owner) if owner else None
            if owner is None or staff is None:
                continue
            services.warning_assign(
                actor=office, warning=w, owner=owner, note="请核查原因并在 10 个工作日内答复。"
            )
            if step == 1:
                continue
            services.warning_acknowledge(actor=staff, warning=w)
            services.warning_answer(actor=staff, warning=w, text=ANSWERS[n % len(ANSWERS)])
            if step == 3:
                services.warning_close(actor=office, warning=w, note="已核实答复情况，风险可控，关闭预警。")
    counts = {"warnings": Warning.objects.count()}
    for status in ("open", "assigned", "answered", "closed"):
        counts[status] = Warning.objects.filter(status=status).count()
    return counts
