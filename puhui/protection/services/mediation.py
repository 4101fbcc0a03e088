"""Writes of mediation and the court chain: open a case (from an escalated complaint, a bank or the court
before filing), sessions, the agreement (with both parties' consent) or failure, voluntary performance,
the application for 司法确认 and the court's acceptance and ruling, 强制执行 and its outcome.

Every write is one transaction, audited, checks who acts first; refusals are `ValidationError` in Chinese
and store nothing.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Organisation
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within
from puhui.protection import access
from puhui.protection.models import (
    Complaint,
    ComplaintStep,
    MediationCase,
    MediationOrg,
    MediationSession,
    Mediator,
)
from puhui.protection.services.numbers import create_numbered

S = MediationCase.Status
TEXT_LIMIT = 4000


def _text(value, field, label, *, required=True, limit=TEXT_LIMIT):
    return text_within(value, field, label, limit=limit, required=required)


def _day(day, field, label, *, after: datetime.date | None = None, after_label: str = "") -> datetime.date:
    not_future(day, field, label)
    if after is not None and day < after:
        raise ValidationError({field: f"{label}不能早于{after_label}（{date_cn(after)}）。"})
    return day


def _locked(case: MediationCase) -> MediationCase:
    return MediationCase.objects.select_for_update(of=("self",)).get(pk=case.pk)


def _require_status(case: MediationCase, *allowed, doing: str) -> None:
    if case.status not in allowed:
        raise ValidationError(
            f"调解案件 {case.number} 当前状态为“{case.get_status_display()}”，不能{doing}。"
        )


@transaction.atomic
def org_add(*, actor, name: str, kind: str) -> MediationOrg:
    access.require(access.may_manage_orgs(actor))
    name = _text(name, "name", "调解组织名称", limit=100)
    if kind not in MediationOrg.Kind.values:
        raise ValidationError({"kind": "请选择调解组织类型。"})
    if MediationOrg.objects.filter(name=name).exists():
        raise ValidationError({"name": f"调解组织“{name}”已在册。"})
    org = MediationOrg.objects.create(name=name, kind=kind)
    audit_changed(actor=actor, obj=org, before=None, note="登记调解组织")
    return org


@transaction.atomic
def mediator_add(*, actor, org: MediationOrg, name: str, specialty: str = "") -> Mediator:
    access.require(access.may_manage_orgs(actor))
    name = _text(name, "name", "调解员姓名", limit=50)
    specialty = _text(specialty, "specialty", "擅长领域", required=False, limit=100)
    mediator = Mediator.objects.create(org=org, name=name, specialty=specialty)
    audit_changed(actor=actor, obj=mediator, before=None, note="登记调解员")
    return mediator


@transaction.atomic
def mediation_open(
    *,
    actor,
    org: MediationOrg | None,
    opened_on: datetime.date,
    complaint: Complaint | None = None,
    institution: Organisation | None = None,
    applicant: str = "",
    subject: str = "",
    claim: Decimal | None = None,
    dispute_on: datetime.date | None = None,
    mediator: Mediator | None = None,
) -> MediationCase:
    """A complaint escalated to the PBoC is referred by the office (its parties and dates come with it); a
    bank brings its own dispute; the court refers one before filing (诉前调解)."""
    if complaint is not None:
        access.require(access.is_office(actor))
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("institution")
            .get(pk=complaint.pk)
        )
        if complaint.status != Complaint.Status.ESCALATED:
            raise ValidationError("只有提请人民银行处理的投诉才能转入调解。")
        source, institution = MediationCase.Source.COMPLAINT, complaint.institution
        applicant, dispute_on = complaint.name, complaint.received_on
        subject = subject or complaint.content
    elif access.is_court(actor):
        source = MediationCase.Source.COURT
    elif access.bank_of(actor) is not None:
        source, institution = MediationCase.Source.BANK, access.bank_of(actor)
    elif access.may_mediate(actor):
        source = MediationCase.Source.BANK
    else:
        raise ValidationError("您无权受理调解案件。")
    if institution is None or institution.kind not in Organisation.FINANCIAL_KINDS:
        raise ValidationError({"institution": "请选择纠纷涉及的金融机构。"})
    if org is None or not org.active:
        raise ValidationError({"org": "请选择在册的调解组织。"})
    if mediator is not None and mediator.org_id != org.pk:
        raise ValidationError({"mediator": f"调解员{mediator.name}不属于{org.name}。"})
    applicant = _text(applicant, "applicant", "当事人（金融消费者）姓名", limit=50)
    subject = _text(subject, "subject", "纠纷事项")
    if claim is not None and claim < 0:
        raise ValidationError({"claim": "争议金额不能为负数。"})
    dispute_on = _day(dispute_on, "dispute_on", "纠纷发生日期")
    opened_on = _day(opened_on, "opened_on", "受理调解日期", after=dispute_on, after_label="纠纷发生日期")
    case = create_numbered(
        MediationCase, f"TJ{opened_on:%Y%m%d}", source=source, complaint=complaint, institution=institution,
        applicant=applicant, subject=subject, claim=claim, org=org, mediator=mediator,
        dispute_on=dispute_on, opened_on=opened_on, opened_by=actor,
    )  # fmt: skip
    if complaint is not None:
        before = snapshot(complaint)
        complaint.status = Complaint.Status.MEDIATION
        complaint.save(update_fields=["status"])
        ComplaintStep.objects.create(
            complaint=complaint, kind=ComplaintStep.Kind.MEDIATE, on=opened_on, actor=actor,
            note=f"转{org.name}调解，调解案号 {case.number}。",
        )  # fmt: skip
        audit_changed(actor=actor, obj=complaint, before=before, note="投诉转入调解")
    audit_changed(actor=actor, obj=case, before=None, note=f"受理调解（{case.get_source_display()}）")
    return case


@transaction.atomic
def session_add(*, actor, case: MediationCase, held_on: datetime.date, note: str) -> MediationSession:
    access.require(access.may_mediate(actor))
    case = _locked(case)
    _require_status(case, S.MEDIATING, doing="登记调解记录")
    held_on = _day(held_on, "held_on", "调解日期", after=case.opened_on, after_label="受理调解日期")
    note = _text(note, "note", "调解情况")
    session = MediationSession.objects.create(case=case, held_on=held_on, note=note, actor=actor)
    audit_changed(actor=actor, obj=session, before=None, note=f"调解记录 {case.number}")
    return session


@transaction.atomic
def agreement_make(
    *,
    actor,
    case: MediationCase,
    terms: str,
    amount: Decimal | None,
    agreement_on: datetime.date,
    applicant_consents: bool,
    institution_consents: bool,
) -> MediationCase:
    """The 调解协议书: both parties must have consented; then the case may go to 司法确认."""
    access.require(access.may_mediate(actor))
    case = _locked(case)
    _require_status(case, S.MEDIATING, doing="达成调解协议")
    if not case.sessions.exists():
        raise ValidationError("尚无调解记录，请先登记调解过程。")
    if not (applicant_consents and institution_consents):
        raise ValidationError({"applicant_consents": "双方当事人均同意后才能达成调解协议。"})
    terms = _text(terms, "terms", "协议内容")
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "协议金额不能为负数。"})
    agreement_on = _day(
        agreement_on, "agreement_on", "协议日期", after=case.opened_on, after_label="受理调解日期"
    )
    before = snapshot(case)
    case.status, case.terms, case.amount, case.agreement_on = S.AGREED, terms, amount, agreement_on
    case.save(update_fields=["status", "terms", "amount", "agreement_on"])
    audit_changed(actor=actor, obj=case, before=before, note="达成调解协议")
    return case


@transaction.atomic
def mediation_fail(*, actor, case: MediationCase, reason: str) -> MediationCase:
    access.require(access.may_mediate(actor))
    case = _locked(case)
    _require_status(case, S.MEDIATING, doing="终结调解")
    before = snapshot(case)
    case.status, case.failed_reason = S.FAILED, _text(reason, "reason", "调解不成原因")
    case.save(update_fields=["status", "failed_reason"])
    audit_changed(actor=actor, obj=case, before=before, note="调解不成")
    return case


@transaction.atomic
def agreement_performed(*, actor, case: MediationCase, performed_on: datetime.date) -> MediationCase:
    access.require(access.may_mediate(actor))
    case = _locked(case)
    _require_status(case, S.AGREED, doing="登记自动履行")
    before = snapshot(case)
    case.performed_on = _day(
        performed_on, "performed_on", "履行日期", after=case.agreement_on, after_label="协议日期"
    )
    case.status = S.PERFORMED
    case.save(update_fields=["status", "performed_on"])
    audit_changed(actor=actor, obj=case, before=before, note="调解协议已自动履行")
    return case


@transaction.atomic
def confirmation_apply(*, actor, case: MediationCase, applied_on: datetime.date) -> MediationCase:
    """The parties apply to the court for 司法确认 of their agreement (recorded by the mediators)."""
    access.require(access.may_mediate(actor))
    case = _locked(case)
    if case.agreement_on is None:
        raise ValidationError("该案件尚未达成调解协议，不能申请司法确认。")
    _require_status(case, S.AGREED, doing="申请司法确认")
    before = snapshot(case)
    case.confirm_applied_on = _day(
        applied_on, "applied_on", "申请日期", after=case.agreement_on, after_label="协议日期"
    )
    case.status = S.CONFIRMING
    case.save(update_fields=["status", "confirm_applied_on"])
    audit_changed(actor=actor, obj=case, before=before, note="申请司法确认")
    return case


def _court(actor) -> None:
    access.require(access.is_court(actor))


@transaction.atomic
def confirmation_accept(*, actor, case: MediationCase, accepted_on: datetime.date) -> MediationCase:
    _court(actor)
    case = _locked(case)
    if case.agreement_on is None:
        raise ValidationError("该案件没有调解协议，不能受理司法确认。")
    _require_status(case, S.CONFIRMING, doing="受理司法确认")
    if case.confirm_accepted_on is not None:
        raise ValidationError(f"已于{date_cn(case.confirm_accepted_on)}受理。")
    before = snapshot(case)
    case.confirm_accepted_on = _day(
        accepted_on, "accepted_on", "受理日期", after=case.confirm_applied_on, after_label="申请日期"
    )
    case.save(update_fields=["confirm_accepted_on"])
    audit_changed(actor=actor, obj=case, before=before, note="法院受理司法确认申请")
    return case


@transaction.atomic
def confirmation_rule(
    *, actor, case: MediationCase, confirmed: bool, ruling_no: str, ruled_on: datetime.date
) -> MediationCase:
    _court(actor)
    case = _locked(case)
    if case.agreement_on is None:
        raise ValidationError("该案件没有调解协议，不能作出司法确认裁定。")
    _require_status(case, S.CONFIRMING, doing="作出司法确认裁定")
    if case.confirm_accepted_on is None:
        raise ValidationError("请先登记受理日期。")
    ruling_no = _text(ruling_no, "ruling_no", "裁定书文号", limit=80)
    before = snapshot(case)
    case.ruled_on = _day(
        ruled_on, "ruled_on", "裁定日期", after=case.confirm_accepted_on, after_label="受理日期"
    )
    case.ruling_no, case.status = ruling_no, S.CONFIRMED if confirmed else S.NOT_CONFIRMED
    case.save(update_fields=["ruled_on", "ruling_no", "status"])
    audit_changed(
        actor=actor, obj=case, before=before, note="裁定确认调解协议有效" if confirmed else "裁定不予确认"
    )
    return case


@transaction.atomic
def enforcement_apply(
    *, actor, case: MediationCase, applied_on: datetime.date, case_no: str = ""
) -> MediationCase:
    """A party applies for 强制执行 of the confirmed agreement (recorded by the court)."""
    _court(actor)
    case = _locked(case)
    _require_status(case, S.CONFIRMED, doing="申请强制执行（须经司法确认）")
    before = snapshot(case)
    case.enforce_applied_on = _day(
        applied_on, "applied_on", "申请强制执行日期", after=case.ruled_on, after_label="裁定日期"
    )
    case.enforce_case_no = _text(case_no, "case_no", "执行案号", required=False, limit=80)
    case.status = S.ENFORCING
    case.save(update_fields=["status", "enforce_applied_on", "enforce_case_no"])
    audit_changed(actor=actor, obj=case, before=before, note="申请强制执行")
    return case


@transaction.atomic
def enforcement_close(
    *, actor, case: MediationCase, enforced_on: datetime.date, amount: Decimal | None, outcome: str
) -> MediationCase:
    _court(actor)
    case = _locked(case)
    _require_status(case, S.ENFORCING, doing="登记执行结果")
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "执行到位金额不能为负数。"})
    before = snapshot(case)
    case.enforced_on = _day(
        enforced_on,
        "enforced_on",
        "执行完毕日期",
        after=case.enforce_applied_on,
        after_label="申请强制执行日期",
    )
    case.enforced_amount, case.enforce_outcome = amount, _text(outcome, "outcome", "执行结果")
    case.status = S.ENFORCED
    case.save(update_fields=["status", "enforced_on", "enforced_amount", "enforce_outcome"])
    audit_changed(actor=actor, obj=case, before=before, note="强制执行完毕")
    return case
