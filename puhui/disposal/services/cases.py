"""Writes of the disposal register (处置台账): open a case, give a unit a step, the unit's report, close.

Every write is one transaction, audited, and checks who acts first. Bad input raises
`ValidationError({field: 中文})` and stores nothing.
"""

import datetime
import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Organisation, User
from puhui.core.notifications import notifications_send
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within
from puhui.core.workdays import add_working_days
from puhui.disposal import access
from puhui.disposal.models import CaseStep, Measure, RiskCase

MAX_WORKING_DAYS = 250  # about a year of working days; more is a typing error
TEXT_LIMIT = 4000
_text = functools.partial(text_within, limit=TEXT_LIMIT)  # a field's text, at most TEXT_LIMIT


def may_own_steps(org: Organisation) -> bool:
    """A step's owner: a unit of the linkage mechanism, the PBoC (the office) or a financial institution."""
    return (
        org.plan_alias in access.LINKAGE_UNITS
        or org.kind == Organisation.Kind.PBOC
        or org.kind in Organisation.FINANCIAL_KINDS
    )


def _subject(kind, firm, household, group_label, bank) -> dict:
    label = (group_label or "").strip()
    needed = {
        RiskCase.Subject.FIRM: ("firm", firm, "请选择处置的企业。"),
        RiskCase.Subject.HOUSEHOLD: ("household", household, "请选择处置的农户。"),
        RiskCase.Subject.GROUP: ("group_label", label, "请填写担保群（如“担保群 3，2021年第一季度”）。"),
        RiskCase.Subject.BANK: ("bank", bank, "请选择处置的金融机构。"),
    }
    if kind not in needed:
        raise ValidationError({"subject_kind": "请选择处置对象类型（企业、农户、担保群或金融机构）。"})
    field, value, message = needed[kind]
    if not value:
        raise ValidationError({field: message})
    if kind == RiskCase.Subject.BANK and bank.kind not in Organisation.FINANCIAL_KINDS:
        raise ValidationError({"bank": f"“{bank.name}”不是金融机构。"})
    if len(label) > 100:
        raise ValidationError({"group_label": f"担保群最多 100 个字，填写了 {len(label)} 个字。"})
    # Only the chosen kind's subject is kept: a stale choice left in the form is not stored.
    return {
        "subject_kind": kind,
        "firm": firm if kind == RiskCase.Subject.FIRM else None,
        "household": household if kind == RiskCase.Subject.HOUSEHOLD else None,
        "group_label": label if kind == RiskCase.Subject.GROUP else "",
        "bank": bank if kind == RiskCase.Subject.BANK else None,
    }


@transaction.atomic
def case_open(
    *,
    actor,
    subject_kind: str,
    title: str,
    measures: list,
    opened_on: datetime.date,
    firm=None,
    household=None,
    group_label: str = "",
    bank=None,
) -> RiskCase:
    access.require_manage(actor)
    subject = _subject(subject_kind, firm, household, group_label, bank)
    title = _text(title, "title", "案件名称", required=True, limit=100)
    measures = list(dict.fromkeys(measures or []))
    if not measures:
        raise ValidationError({"measures": "请至少选择一项处置措施。"})
    unknown = [m for m in measures if m not in Measure.values]
    if unknown:
        raise ValidationError({"measures": f"处置措施“{unknown[0]}”不在可选范围内。"})
    not_future(opened_on, "opened_on", "立案日期")
    case = RiskCase.objects.create(
        **subject, title=title, measures=measures, opened_on=opened_on, opened_by=actor
    )
    audit_changed(actor=actor, obj=case, before=None, note=f"风险处置立案：{case.measure_labels}")
    return case


def _locked_case(case: RiskCase) -> RiskCase:
    return RiskCase.objects.select_for_update(of=("self",)).get(pk=case.pk)


def _require_open(case: RiskCase) -> None:
    if case.status != RiskCase.Status.OPEN:
        raise ValidationError(f"案件“{case.title}”已于{date_cn(case.closed_on)}办结，不能再修改。")


@transaction.atomic
def step_add(
    *,
    actor,
    case: RiskCase,
    what: str,
    owner: Organisation,
    working_days: int,
    from_day: datetime.date | None = None,
) -> CaseStep:
    """Give `owner` a step due `working_days` working days after the case was opened (or after `from_day`,
    for a step added later); the owner's staff are told."""
    access.require_manage(actor)
    case = _locked_case(case)
    _require_open(case)
    what = _text(what, "what", "工作事项", required=True, limit=200)
    if owner is None:
        raise ValidationError({"owner": "请选择责任单位。"})
    if not may_own_steps(owner):
        raise ValidationError(
            {
                "owner": f"“{owner.name}”不是联动机制成员单位（县法院、县检察院、县公安局、县金融证券工作服务中心、县人民银行）或金融机构。"
            }
        )
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError({"working_days": f"办理时限须在 1 到 {MAX_WORKING_DAYS} 个工作日之间。"})
    start = from_day or case.opened_on
    if start < case.opened_on:
        raise ValidationError({"from_day": f"起算日期不能早于立案日期（{date_cn(case.opened_on)}）。"})
    step = CaseStep.objects.create(
        case=case,
        what=what,
        owner=owner,
        working_days=working_days,
        deadline=add_working_days(start, working_days),
    )
    audit_changed(
        actor=actor, obj=step, before=None, note=f"交办处置步骤：{owner.name}，{working_days} 个工作日"
    )
    notifications_send(
        users=User.objects.filter(organisation=owner, is_active=True),
        kind="disposal",
        title=f"风险处置交办：{what}",
        body=f"案件“{case.title}”交办贵单位：{what}，请于{date_cn(step.deadline)}前办结并报告。",
        url=reverse("disposal:case_detail", args=[case.pk]),
        key=f"disposal-step-{step.pk}",
    )
    return step


@transaction.atomic
def step_report(*, actor, step: CaseStep, report: str, done_on: datetime.date | None) -> CaseStep:
    """The owner's report on its step; with `done_on` the step is done (a report without it is progress)."""
    step = CaseStep.objects.select_for_update(of=("self",)).select_related("case").get(pk=step.pk)
    if not access.can_manage(actor) and access.step_owner_of(actor) != step.owner:
        raise ValidationError("只有责任单位可以报告本步骤的办理情况。")
    _require_open(step.case)
    if step.done_on is not None:
        raise ValidationError(f"本步骤已于{date_cn(step.done_on)}办结。")
    report = _text(report, "report", "办理情况", required=True)
    if done_on is not None:
        not_future(done_on, "done_on", "办结日期")
        if done_on < step.case.opened_on:
            raise ValidationError(
                {"done_on": f"办结日期不能早于立案日期（{date_cn(step.case.opened_on)}）。"}
            )
    before = snapshot(step)
    step.report, step.done_on, step.reported_by = report, done_on, actor
    step.save(update_fields=["report", "done_on", "reported_by"])
    audit_changed(actor=actor, obj=step, before=before, note="办结处置步骤" if done_on else "报告办理进展")
    return step


@transaction.atomic
def case_close(
    *, actor, case: RiskCase, outcome: str, amount_resolved: Decimal | None, closed_on: datetime.date
) -> RiskCase:
    """Close a case with its outcome; every step must be done first."""
    access.require_manage(actor)
    case = _locked_case(case)
    _require_open(case)
    open_steps = case.steps.filter(done_on__isnull=True).count()
    if open_steps:
        raise ValidationError(f"尚有 {open_steps} 个处置步骤未办结，不能办结案件。")
    outcome = _text(outcome, "outcome", "处置结果", required=True)
    if amount_resolved is not None and amount_resolved < 0:
        raise ValidationError({"amount_resolved": "化解金额不能为负数。"})
    not_future(closed_on, "closed_on", "办结日期")
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": f"办结日期不能早于立案日期（{date_cn(case.opened_on)}）。"})
    before = snapshot(case)
    case.status, case.outcome, case.amount_resolved, case.closed_on = (
        RiskCase.Status.CLOSED,
        outcome,
        amount_resolved,
        closed_on,
    )
    case.save(update_fields=["status", "outcome", "amount_resolved", "closed_on"])
    audit_changed(actor=actor, obj=case, before=before, note="风险处置案件办结")
    return case
