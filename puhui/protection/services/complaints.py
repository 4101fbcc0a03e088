"""Writes of complaints: intake (public page, bank, office), transfer, extension, answer, feedback,
escalation, closure and the retention purge.

Every write is one transaction, audited, and checks who acts first. Bad input raises
`ValidationError({field: 中文})` and stores nothing.
"""

import datetime
import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Organisation, User
from puhui.core.notifications import notifications_send
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within
from puhui.protection import access, rules
from puhui.protection.models import Business, BusinessChannel, Cause, Channel, Complaint, ComplaintStep
from puhui.protection.services.numbers import create_numbered

TEXT_LIMIT = 4000
# No 0/O, 1/I/L: a code read out over the phone or copied from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ≈ 7.9e17: not guessable within any rate limit
PHONE = re.compile(r"^\d{7,12}$")
Status = Complaint.Status
STAFF_CHANNELS = {
    "institution": {Channel.VISIT, Channel.PHONE, Channel.LETTER},
    "office": {Channel.LETTER, Channel.HOTLINE, Channel.VISIT, Channel.PHONE},
}


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def find_by_code(code: str, digits: str) -> Complaint | None:
    """The complaint a tracking code and the phone's last 4 digits open, else None (forged, wrong, purged)."""
    digits = (digits or "").strip()
    if not re.fullmatch(r"\d{4}", digits) or len(normalise_code(code)) != CODE_LENGTH:
        return None
    complaint = Complaint.objects.filter(tracking_hash=code_hash(code), purged_on__isnull=True).first()
    if complaint is None or not secrets.compare_digest(str(complaint.phone)[-4:], digits):
        return None
    return complaint


def _text(value, field, label, *, required=True, limit=TEXT_LIMIT):
    return text_within(value, field, label, limit=limit, required=required)


def _step(complaint, kind, on, note="", actor=None):
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return ComplaintStep.objects.create(complaint=complaint, kind=kind, on=on, note=note, actor=user)


def _tell_institution(complaint: Complaint, title: str, body: str) -> None:
    notifications_send(
        users=User.objects.filter(
            organisation_id__in={complaint.institution_id, complaint.institution.parent_id} - {None},
            role=User.Role.INSTITUTION,
            is_active=True,
        ),
        kind="protection",
        title=title,
        body=body,
        url=reverse("protection:complaint_detail", args=[complaint.pk]),
        key=f"protection-{complaint.pk}-{title}",
    )


def _institution(org: Organisation | None) -> Organisation:
    if org is None:
        raise ValidationError({"institution": "请选择被投诉的金融机构。"})
    if org.kind not in Organisation.FINANCIAL_KINDS:
        raise ValidationError({"institution": f"“{org.name}”不是金融机构。"})
    return org


def _road(actor, signed_in, channel, institution, received_on, today):
    """The channel, institution and receipt day the actor's road into the platform allows."""
    bank = access.bank_of(actor) if signed_in else None
    if not signed_in or actor.role == User.Role.PUBLIC:
        channel, received_on = Channel.ONLINE, today
    elif bank is not None:
        if channel not in STAFF_CHANNELS["institution"]:
            raise ValidationError({"channel": "金融机构登记的投诉渠道须为现场、电话或信函。"})
        if institution is None or bank.pk not in (institution.pk, institution.parent_id):
            institution = bank  # a bank records complaints about itself or its outlets only
    elif access.is_office(actor):
        if channel not in STAFF_CHANNELS["office"]:
            raise ValidationError({"channel": "请选择受理渠道（信函、12363 热线转办、现场或电话）。"})
    else:
        raise ValidationError("您无权登记投诉。")
    return channel, _institution(institution), received_on


def _phone(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if not phone:
        raise ValidationError(
            {"phone": "请留下联系电话：机构要据此答复您，您也要凭它的后 4 位查询办理进度。"}
        )
    if not PHONE.match(phone):
        raise ValidationError({"phone": "联系电话应为 7 到 12 位数字（手机号码或带区号的固定电话）。"})
    return phone


@transaction.atomic
def complaint_file(
    *,
    actor,
    channel: str,
    business_channel: str,
    business: str,
    cause: str,
    institution: Organisation | None,
    name: str,
    phone: str,
    content: str,
    demand: str = "",
    id_number: str = "",
    received_on: datetime.date | None = None,
) -> tuple[Complaint, str]:
    """Take a complaint in; returns it and its tracking code (shown once, stored only hashed).

    Anonymous visitors and public users file on the public page (channel 网络, received today); a bank
    records a walk-in, call or letter to itself; the office records letters and 12363 cases for any bank."""
    today = timezone.localdate()
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    channel, institution, received_on = _road(actor, signed_in, channel, institution, received_on, today)
    if business_channel not in BusinessChannel.values:
        raise ValidationError({"business_channel": "请选择办理业务的渠道。"})
    if business not in Business.values:
        raise ValidationError({"business": "请选择业务类别。"})
    if cause not in Cause.values:
        raise ValidationError({"cause": "请选择投诉原因。"})
    name = _text(name, "name", "投诉人姓名", limit=50)
    phone = _phone(phone)
    content = _text(content, "content", "投诉事项")
    demand = _text(demand, "demand", "诉求", required=False)
    received_on = not_future(received_on or today, "received_on", "受理日期")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    complaint = create_numbered(
        Complaint,
        f"TS{received_on:%Y%m%d}",
        tracking_hash=code_hash(code),
        channel=channel,
        business_channel=business_channel,
        business=business,
        cause=cause,
        institution=institution,
        name=name,
        phone=phone,
        id_number=(id_number or "").strip().upper(),
        content=content,
        demand=demand,
        filed_by=actor if signed_in else None,
        complainant=actor if signed_in and actor.role == User.Role.PUBLIC else None,
        received_on=received_on,
        due_on=rules.answer_due(received_on),
    )
    _step(
        complaint,
        ComplaintStep.Kind.FILE,
        received_on,
        f"转交{institution.name}处理，答复期限{date_cn(complaint.due_on)}。",
        actor,
    )
    audit_changed(
        actor=actor if signed_in else None,
        obj=complaint,
        before=None,
        note=f"受理投诉（{complaint.get_channel_display()}）",
    )
    _tell_institution(
        complaint,
        f"新投诉 {complaint.number}",
        f"请于{date_cn(complaint.due_on)}前作出处理决定并答复投诉人。",
    )
    return complaint, code


def _locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",)).select_related("institution").get(pk=complaint.pk)
    )


def _require_handler(actor, complaint: Complaint) -> None:
    if not (access.handles(actor, complaint) or access.is_office(actor)):
        raise ValidationError("只有被投诉机构（或人民银行）可以办理此投诉。")


def _require_handling(complaint: Complaint) -> None:
    if complaint.status != Status.HANDLING:
        raise ValidationError(
            f"投诉 {complaint.number} 当前状态为“{complaint.get_status_display()}”，不能再办理此事项。"
        )


@transaction.atomic
def complaint_transfer(*, actor, complaint: Complaint, to: Organisation | None, reason: str) -> Complaint:
    """Send a complaint that is another institution's to it; the deadline stays (the complainant does not wait longer)."""
    complaint = _locked(complaint)
    _require_handler(actor, complaint)
    _require_handling(complaint)
    to = _institution(to)
    if to.pk == complaint.institution_id:
        raise ValidationError({"to": "请选择另一家金融机构。"})
    reason = _text(reason, "reason", "转交理由")
    before = snapshot(complaint)
    old = complaint.institution.name
    complaint.institution = to
    complaint.save(update_fields=["institution"])
    _step(
        complaint, ComplaintStep.Kind.TRANSFER, timezone.localdate(), f"由{old}转交{to.name}：{reason}", actor
    )
    audit_changed(actor=actor, obj=complaint, before=before, note=f"投诉转交{to.name}")
    _tell_institution(
        complaint, f"转来投诉 {complaint.number}", f"请于{date_cn(complaint.deadline)}前答复投诉人。"
    )
    return complaint


CONTACT_FIELDS = {"phone": "联系电话", "id_number": "身份证号"}


def complaint_contact_unmask(*, actor, complaint: Complaint, field: str) -> str:
    """The complainant's phone or ID number in clear, for calling back; the view is logged (who, which field).
    The caller loads the complaint through `access.access_complaint_for_unmask`."""
    if field not in CONTACT_FIELDS:
        raise ValidationError({"field": "只能查看联系电话或身份证号的明文。"})
    value = getattr(complaint, field)
    if not value:
        raise ValidationError({"field": f"该投诉没有{CONTACT_FIELDS[field]}（或已按保存期限清除）。"})
    audit_record(
        actor=actor,
        action=AuditLog.Action.UNMASK,
        obj=complaint,
        after={"field": field},
        note=f"查看投诉人明文：{CONTACT_FIELDS[field]}",
    )
    return value


@transaction.atomic
def complaint_extend(
    *, actor, complaint: Complaint, until: datetime.date | None, reason: str, approver: str
) -> Complaint:
    """Extend the answer deadline to `until`: at most 60 days from receipt, decided before the deadline
    passes, with the approver (the superior's complaint officer) and the reason, which the complainant sees."""
    complaint = _locked(complaint)
    if not access.handles(actor, complaint):
        raise ValidationError("只有被投诉机构可以延长处理期限。")
    _require_handling(complaint)
    today = timezone.localdate()
    if today > complaint.deadline:
        raise ValidationError(
            {
                "until": f"答复期限（{date_cn(complaint.deadline)}）已过，不能再延长；请尽快答复，逾期答复将被记录。"
            }
        )
    if not isinstance(until, datetime.date):
        raise ValidationError({"until": "请填写延长后的答复期限。"})
    if until <= complaint.deadline:
        raise ValidationError({"until": f"延长后的期限须晚于现在的期限（{date_cn(complaint.deadline)}）。"})
    latest = rules.latest_extension(complaint.received_on)
    if until > latest:
        raise ValidationError(
            {
                "until": f"处理期限自受理之日起最长 {rules.MAX_DAYS} 天（至{date_cn(latest)}），不能延长至{date_cn(until)}。"
            }
        )
    reason = _text(reason, "reason", "延长理由（将告知投诉人）")
    approver = _text(approver, "approver", "审批人（上级机构投诉处理负责人）", limit=100)
    before = snapshot(complaint)
    complaint.extended_to, complaint.extension_reason, complaint.extension_approver = until, reason, approver
    complaint.save(update_fields=["extended_to", "extension_reason", "extension_approver"])
    _step(
        complaint,
        ComplaintStep.Kind.EXTEND,
        today,
        f"经{approver}审批，答复期限延长至{date_cn(until)}。理由：{reason}",
        actor,
    )
    audit_changed(actor=actor, obj=complaint, before=before, note="延长投诉处理期限")
    return complaint


@transaction.atomic
def complaint_answer(*, actor, complaint: Complaint, answer: str, answered_on: datetime.date) -> Complaint:
    """The institution's decision, told to the complainant. After the deadline it is accepted and marked late."""
    complaint = _locked(complaint)
    if not access.handles(actor, complaint):
        raise ValidationError("只有被投诉机构可以答复此投诉。")
    _require_handling(complaint)
    answer = _text(answer, "answer", "处理结果")
    not_future(answered_on, "answered_on", "答复日期")
    if answered_on < complaint.received_on:
        raise ValidationError(
            {"answered_on": f"答复日期不能早于受理日期（{date_cn(complaint.received_on)}）。"}
        )
    before = snapshot(complaint)
    complaint.answer, complaint.answered_on, complaint.status = answer, answered_on, Status.ANSWERED
    complaint.late = answered_on > complaint.deadline
    complaint.save(update_fields=["answer", "answered_on", "status", "late"])
    note = f"逾期答复（期限{date_cn(complaint.deadline)}）" if complaint.late else "按期答复"
    _step(complaint, ComplaintStep.Kind.ANSWER, answered_on, f"{note}：{answer}", actor)
    audit_changed(actor=actor, obj=complaint, before=before, note=f"机构答复投诉，{note}")
    return complaint


def _may_act_as_complainant(actor, complaint) -> bool:
    """The complainant: anonymous (the view verified code + digits), or their own public account; or the
    office recording what the complainant said."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return True
    return complaint.complainant_id == actor.pk or access.is_office(actor)


@transaction.atomic
def complaint_feedback(*, actor, complaint: Complaint, feedback: str, note: str = "") -> Complaint:
    """The complainant's view of the answer: satisfied closes the complaint; unsatisfied leaves it open to
    escalate to the PBoC."""
    complaint = _locked(complaint)
    if not _may_act_as_complainant(actor, complaint):
        raise ValidationError("只有投诉人可以评价处理结果。")
    if complaint.status != Status.ANSWERED:
        raise ValidationError("机构答复后才能评价处理结果。")
    if feedback not in Complaint.Feedback.values:
        raise ValidationError({"feedback": "请选择满意或不满意。"})
    note = _text(note, "note", "评价意见", required=False)
    before = snapshot(complaint)
    today = timezone.localdate()
    complaint.feedback, complaint.feedback_note = feedback, note
    fields = ["feedback", "feedback_note"]
    if feedback == Complaint.Feedback.SATISFIED:
        complaint.status, complaint.closed_on = Status.CLOSED, today
        fields += ["status", "closed_on"]
    complaint.save(update_fields=fields)
    _step(
        complaint,
        ComplaintStep.Kind.FEEDBACK,
        today,
        f"{complaint.get_feedback_display()}{'：' + note if note else ''}",
        actor,
    )
    audit_changed(
        actor=actor, obj=complaint, before=before, note=f"投诉人评价：{complaint.get_feedback_display()}"
    )
    return complaint


@transaction.atomic
def complaint_escalate(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Bring the complaint to the PBoC: after an answer the complainant is not satisfied with, or when the
    deadline passed without one."""
    complaint = _locked(complaint)
    if not _may_act_as_complainant(actor, complaint):
        raise ValidationError("只有投诉人可以提请人民银行处理。")
    today = timezone.localdate()
    overdue = complaint.status == Status.HANDLING and today > complaint.deadline
    if not (complaint.status == Status.ANSWERED or overdue):
        raise ValidationError("机构答复后，或答复期限届满仍未答复的，才能提请人民银行处理。")
    if complaint.feedback == Complaint.Feedback.SATISFIED:
        raise ValidationError("您已对处理结果表示满意，投诉已办结。")
    reason = _text(reason, "reason", "提请理由")
    before = snapshot(complaint)
    complaint.status, complaint.escalated_on = Status.ESCALATED, today
    complaint.save(update_fields=["status", "escalated_on"])
    _step(complaint, ComplaintStep.Kind.ESCALATE, today, reason, actor)
    audit_changed(actor=actor, obj=complaint, before=before, note="提请人民银行处理")
    notifications_send(
        users=User.objects.filter(role=User.Role.OFFICE, is_active=True),
        kind="protection",
        title=f"投诉 {complaint.number} 提请人民银行处理",
        body=reason[:200],
        url=reverse("protection:complaint_detail", args=[complaint.pk]),
        key=f"protection-escalate-{complaint.pk}",
    )
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, conclusion: str, closed_on: datetime.date) -> Complaint:
    """The office closes an answered or escalated complaint with its conclusion."""
    access.require_office(actor)
    complaint = _locked(complaint)
    if complaint.status not in (Status.ANSWERED, Status.ESCALATED):
        raise ValidationError(f"投诉当前状态为“{complaint.get_status_display()}”，不能办结。")
    conclusion = _text(conclusion, "conclusion", "办结意见")
    not_future(closed_on, "closed_on", "办结日期")
    if closed_on < complaint.received_on:
        raise ValidationError({"closed_on": "办结日期不能早于受理日期。"})
    before = snapshot(complaint)
    complaint.status, complaint.conclusion, complaint.closed_on = Status.CLOSED, conclusion, closed_on
    complaint.save(update_fields=["status", "conclusion", "closed_on"])
    _step(complaint, ComplaintStep.Kind.CLOSE, closed_on, conclusion, actor)
    audit_changed(actor=actor, obj=complaint, before=before, note="投诉办结")
    return complaint


PURGED = "（已按保存期限清除）"


@transaction.atomic
def complaints_purge(*, actor=None, today: datetime.date | None = None) -> int:
    """Clear the personal data of complaints closed more than 3 years ago (records kept at least 3 years);
    the classification, dates and outcome stay for the statistics."""
    cutoff = rules.retention_cutoff(today or timezone.localdate())
    due = list(
        Complaint.objects.select_for_update(of=("self",)).filter(
            status=Status.CLOSED, closed_on__lt=cutoff, purged_on__isnull=True
        )
    )
    day = today or timezone.localdate()
    for complaint in due:
        complaint.name = complaint.phone = complaint.id_number = ""
        complaint.content, complaint.demand = PURGED, ""
        complaint.tracking_hash = secrets.token_hex(32)  # the old code no longer opens anything
        complaint.purged_on = day
        complaint.save()
        complaint.steps.exclude(kind=ComplaintStep.Kind.PURGE).update(note="")
        _step(complaint, ComplaintStep.Kind.PURGE, day, "保存期满，已清除投诉人个人信息。", actor)
        mediation = getattr(complaint, "mediation", None)
        if mediation is not None:
            type(mediation).objects.filter(pk=mediation.pk).update(applicant="")
    if due:
        audit_record(
            actor=actor, action="update", object_type="protection.Complaint", object_id="",
            object_repr=f"清除 {len(due)} 件投诉的个人信息", note=f"办结早于{date_cn(cutoff)}",
        )  # fmt: skip
    return len(due)
