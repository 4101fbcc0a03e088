"""Writes of the dishonest-debtor list (逃废债黑名单): the due process as a state machine.

    已提议 ──notify──▶ 已告知 ──object (within the window)──▶ 异议中
       │                 │  └──decide: list (window closed)──▶ 已列入 ──remove──▶ 已移出
       │                 │                                    (settle: the bank reports payment)
       └──decide: reject─┴── 异议中 ──decide: list / reject──▶ 已列入 / 不予列入

No debtor is listed without the bank's evidence, the notice, and either a closed objection window or a decided
objection. Each transition is one transaction, locks the row, checks who acts and the state it starts from,
writes one `ListingStep` (the timeline) and one audit record; a refusal raises `ValidationError` in Chinese
and stores nothing.
"""

import datetime
import functools
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.crypto import lookup_hashes
from puhui.core.models import User
from puhui.core.notifications import notifications_send
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within
from puhui.core.validators import validate_id_number, validate_uscc
from puhui.disposal import access, rules
from puhui.disposal.models import Listing, ListingStep
from puhui.registry.models import Household

Status = Listing.Status
Kind = ListingStep.Kind
ACTIVE = (Status.PROPOSED, Status.NOTIFIED, Status.OBJECTED, Status.LISTED)
TEXT_LIMIT = 2000
_text = functools.partial(text_within, limit=TEXT_LIMIT)  # a field's text, at most TEXT_LIMIT


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount_owed": "请填写拒不偿还的金额（元）。"}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount_owed": "拒不偿还的金额须大于 0 元。"})
    if amount >= Decimal("1e14"):
        raise ValidationError({"amount_owed": "拒不偿还的金额过大，请核对（单位为元）。"})
    return amount.quantize(Decimal("0.01"))


def _locked(listing: Listing) -> Listing:
    return Listing.objects.select_for_update(of=("self",)).select_related("bank").get(pk=listing.pk)


def _require_status(listing: Listing, *allowed: str, doing: str) -> None:
    if listing.status not in allowed:
        raise ValidationError(
            f"“{listing.debtor_name}”的记录处于“{listing.get_status_display()}”状态，不能{doing}。"
        )


def _step(*, listing: Listing, kind: str, on: datetime.date, actor, note: str, before) -> ListingStep:
    step = ListingStep.objects.create(listing=listing, kind=kind, on=on, note=note, actor=actor)
    label = Kind(kind).label
    audit_changed(actor=actor, obj=listing, before=before, note=f"{label}（{date_cn(on)}）")
    return step


def _url(listing: Listing) -> str:
    return reverse("disposal:listing_detail", args=[listing.pk])


def _tell(users, listing: Listing, title: str, body: str, key: str) -> None:
    notifications_send(
        users=users,
        kind="disposal",
        title=title,
        body=body,
        url=_url(listing),
        key=f"disposal-{key}-{listing.pk}",
    )


def _office_users():
    return User.objects.filter(role=User.Role.OFFICE, is_active=True)


def _bank_users(listing: Listing):
    return User.objects.filter(role=User.Role.INSTITUTION, organisation=listing.bank, is_active=True)


def _debtor_users(listing: Listing):
    """The public accounts of the household the debtor heads or belongs to (matched by ID-number hash)."""
    if listing.debtor_kind != Listing.Debtor.PERSON or not listing.id_hash:
        return User.objects.none()
    homes = Household.objects.filter(head_id_hash=listing.id_hash) | Household.objects.filter(
        members__id_hash=listing.id_hash
    )
    return User.objects.filter(role=User.Role.PUBLIC, is_active=True, household__in=homes.values("pk"))


# ---------------------------------------------------------------- the bank's proposal


def _debtor(debtor_kind: str, uscc: str, id_number: str) -> tuple[str, str]:
    """The debtor's USCC (a firm) or ID number (a person), validated; refused while an active record exists."""
    if debtor_kind not in Listing.Debtor.values:
        raise ValidationError({"debtor_kind": "请选择债务人类型（企业或个人）。"})
    field, label, value = (
        ("uscc", "统一社会信用代码", uscc)
        if debtor_kind == Listing.Debtor.FIRM
        else ("id_number", "身份证号", id_number)
    )
    value = (value or "").strip().upper()
    if not value:
        raise ValidationError({field: f"{Listing.Debtor(debtor_kind).label}债务人须填写{label}。"})
    try:
        value = (validate_uscc if field == "uscc" else validate_id_number)(value)
    except ValidationError as e:
        raise ValidationError({field: e.messages}) from None
    same = Listing.objects.select_for_update(of=("self",)).filter(status__in=ACTIVE)
    same = same.filter(uscc=value) if field == "uscc" else same.filter(id_hash__in=lookup_hashes(value))
    existing = same.select_related("bank").first()
    if existing is not None:
        raise ValidationError(
            f"该债务人已有一条“{existing.get_status_display()}”的记录（{existing.bank.name}提议），不能重复提议。"
        )
    return (value, "") if field == "uscc" else ("", value)


def _evidence(judgment_no, amount_owed, judgment_date, enforcement_date) -> tuple[str, Decimal]:
    """The evidence (plan 二十一: 恶意逃废银行债务并拒不改正 — a court's decision the debtor refuses to obey)."""
    judgment_no = _text(judgment_no, "judgment_no", "判决书或裁定书文号（证据）", limit=80)
    amount = _money(amount_owed)
    not_future(judgment_date, "judgment_date", "判决（裁定）日期")
    not_future(enforcement_date, "enforcement_date", "申请强制执行日期")
    if enforcement_date < judgment_date:
        raise ValidationError(
            {
                "enforcement_date": f"申请强制执行日期（{date_cn(enforcement_date)}）不能早于判决（裁定）日期（{date_cn(judgment_date)}）。"
            }
        )
    return judgment_no, amount


@transaction.atomic
def listing_propose(
    *,
    actor,
    debtor_kind: str,
    debtor_name: str,
    judgment_no: str,
    amount_owed,
    judgment_date: datetime.date | None,
    enforcement_date: datetime.date | None,
    uscc: str = "",
    id_number: str = "",
    responsible: str = "",
) -> Listing:
    """A bank proposes a debtor with its evidence: the judgment (or ruling) number, the amount it refuses to
    pay, the judgment date and the date enforcement was applied for. Without the evidence, no proposal."""
    bank = access.bank_of(actor)
    if bank is None:
        raise ValidationError("只有金融机构可以提议列入逃废债黑名单。")
    code, number = _debtor(debtor_kind, uscc, id_number)
    name = _text(debtor_name, "debtor_name", "债务人名称或姓名", limit=100)
    responsible = _text(
        responsible, "responsible", "法定代表人、实际控制人、直接责任人", required=False, limit=200
    )
    judgment_no, amount = _evidence(judgment_no, amount_owed, judgment_date, enforcement_date)
    today = timezone.localdate()
    listing = Listing.objects.create(
        debtor_kind=debtor_kind,
        uscc=code,
        id_number=number,
        debtor_name=name,
        responsible=responsible,
        bank=bank,
        proposed_by=actor,
        proposed_on=today,
        judgment_no=judgment_no,
        amount_owed=amount,
        judgment_date=judgment_date,
        enforcement_date=enforcement_date,
    )
    _step(
        listing=listing,
        kind=Kind.PROPOSE,
        on=today,
        actor=actor,
        note=f"{judgment_no}，拒不偿还 {amount:,.2f} 元",
        before=None,
    )
    _tell(
        _office_users(),
        listing,
        f"逃废债黑名单提议：{name}",
        f"{bank.name}提议将“{name}”列入逃废债黑名单，请核实证据并告知债务人。",
        "propose",
    )
    return listing


# ---------------------------------------------------------------- the office's notice


@transaction.atomic
def listing_notify(*, actor, listing: Listing, notified_on: datetime.date, means: str) -> Listing:
    """The office records that the debtor was told (date and means); the objection window opens."""
    access.require_manage(actor)
    listing = _locked(listing)
    _require_status(listing, Status.PROPOSED, doing="告知债务人")
    if means not in Listing.Means.values:
        raise ValidationError({"means": "请选择告知方式。"})
    not_future(notified_on, "notified_on", "告知日期")
    if notified_on < listing.proposed_on:
        raise ValidationError(
            {"notified_on": f"告知日期不能早于提议日期（{date_cn(listing.proposed_on)}）。"}
        )
    before = snapshot(listing)
    days = rules.objection_days()
    listing.status, listing.notified_on, listing.notice_means = Status.NOTIFIED, notified_on, means
    listing.window_days, listing.objection_until = days, rules.objection_until(notified_on, days)
    listing.save(update_fields=["status", "notified_on", "notice_means", "window_days", "objection_until"])
    _step(
        listing=listing,
        kind=Kind.NOTIFY,
        on=notified_on,
        actor=actor,
        note=f"{listing.get_notice_means_display()}；异议期 {days} 天，至{date_cn(listing.objection_until)}",
        before=before,
    )
    _tell(
        _debtor_users(listing),
        listing,
        "拟列入逃废债黑名单告知",
        f"{listing.bank.name}提议将您列入逃废债黑名单（{listing.judgment_no}）。"
        f"如有异议，请于{date_cn(listing.objection_until)}前提出。",
        "notify",
    )
    return listing


def window_open(listing: Listing, on: datetime.date) -> bool:
    return listing.objection_until is not None and on <= listing.objection_until


# ---------------------------------------------------------------- the debtor's objection


@transaction.atomic
def listing_object(*, actor, listing: Listing, objection: str, on: datetime.date | None = None) -> Listing:
    """The debtor's objection, within the window: entered by the debtor's own public account (dated today)
    or by the office for an objection received on paper (dated the day it was received)."""
    listing = _locked(listing)
    if not access.may_object(actor, listing):
        raise ValidationError("只有债务人本人或领导小组办公室可以登记异议。")
    _require_status(listing, Status.NOTIFIED, doing="提出异议")
    today = timezone.localdate()
    on = on if (on is not None and access.can_manage(actor)) else today
    not_future(on, "on", "提出异议日期")
    if on < listing.notified_on:
        raise ValidationError({"on": f"提出异议日期不能早于告知日期（{date_cn(listing.notified_on)}）。"})
    if not window_open(listing, on):
        raise ValidationError(
            {
                "objection": f"异议期已于{date_cn(listing.objection_until)}届满（告知后 {listing.window_days} 天），"
                f"{date_cn(on)}提出的异议不予受理。"
            }
        )
    text = _text(objection, "objection", "异议内容和理由")
    before = snapshot(listing)
    listing.status, listing.objection, listing.objected_on = Status.OBJECTED, text, on
    listing.save(update_fields=["status", "objection", "objected_on"])
    _step(listing=listing, kind=Kind.OBJECT, on=on, actor=actor, note=text, before=before)
    _tell(
        _office_users(),
        listing,
        f"逃废债黑名单异议：{listing.debtor_name}",
        "债务人对拟列入逃废债黑名单提出异议，请核实后作出决定。",
        "object",
    )
    return listing


# ---------------------------------------------------------------- the office's decision


@transaction.atomic
def listing_decide(*, actor, listing: Listing, decision: str, reason: str, on: datetime.date) -> Listing:
    """List or refuse, with reasons. Listing needs the notice and then either the window closed without an
    objection or the objection decided here (the reasons answer it). Refusing is possible at any stage
    before a decision: due process protects the debtor, not the proposal."""
    access.require_manage(actor)
    listing = _locked(listing)
    if decision not in ("list", "reject"):
        raise ValidationError({"decision": "请选择决定（列入或不予列入）。"})
    reason = _text(reason, "reason", "决定理由")
    not_future(on, "on", "决定日期")
    if on < listing.proposed_on:
        raise ValidationError({"on": f"决定日期不能早于提议日期（{date_cn(listing.proposed_on)}）。"})
    if decision == "list":
        if listing.status == Status.PROPOSED:
            raise ValidationError("尚未告知债务人，不能列入黑名单：请先登记告知。")
        _require_status(listing, Status.NOTIFIED, Status.OBJECTED, doing="决定列入")
        if listing.status == Status.NOTIFIED and window_open(listing, on):
            raise ValidationError(
                f"异议期至{date_cn(listing.objection_until)}届满，期满前不能决定列入（债务人尚可提出异议）。"
            )
        if on < listing.notified_on:
            raise ValidationError({"on": f"决定日期不能早于告知日期（{date_cn(listing.notified_on)}）。"})
        status, kind = Status.LISTED, Kind.LIST
    else:
        _require_status(listing, Status.PROPOSED, Status.NOTIFIED, Status.OBJECTED, doing="决定不予列入")
        status, kind = Status.REJECTED, Kind.REJECT
    before = snapshot(listing)
    listing.status, listing.decided_on, listing.decision_reason = status, on, reason
    listing.save(update_fields=["status", "decided_on", "decision_reason"])
    _step(listing=listing, kind=kind, on=on, actor=actor, note=reason, before=before)
    verdict = "列入" if status == Status.LISTED else "不予列入"
    _tell(
        [*_bank_users(listing), *_debtor_users(listing)],
        listing,
        f"逃废债黑名单决定：{listing.debtor_name}{verdict}",
        f"领导小组办公室决定{verdict}逃废债黑名单。理由：{reason}",
        "decide",
    )
    return listing


# ---------------------------------------------------------------- settlement and removal


@transaction.atomic
def listing_settle(*, actor, listing: Listing, settled_on: datetime.date, note: str) -> Listing:
    """The proposing bank reports that the listed debtor has paid (the office then removes the entry)."""
    listing = _locked(listing)
    if not (access.is_own_proposal(actor, listing) or access.can_manage(actor)):
        raise ValidationError("只有提议银行或领导小组办公室可以报告清偿。")
    _require_status(listing, Status.LISTED, doing="报告清偿")
    if listing.settled_on is not None:
        raise ValidationError(f"已于{date_cn(listing.settled_on)}报告清偿，请等待办公室移出。")
    note = _text(note, "note", "清偿情况")
    not_future(settled_on, "settled_on", "清偿日期")
    if settled_on < listing.judgment_date:
        raise ValidationError(
            {"settled_on": f"清偿日期不能早于判决（裁定）日期（{date_cn(listing.judgment_date)}）。"}
        )
    before = snapshot(listing)
    listing.settled_on = settled_on
    listing.save(update_fields=["settled_on"])
    _step(listing=listing, kind=Kind.SETTLE, on=settled_on, actor=actor, note=note, before=before)
    _tell(
        _office_users(),
        listing,
        f"逃废债黑名单债务人已清偿：{listing.debtor_name}",
        f"{listing.bank.name}报告债务人已于{date_cn(settled_on)}清偿，请办理移出。",
        "settle",
    )
    return listing


@transaction.atomic
def listing_remove(*, actor, listing: Listing, removal: str, reason: str, on: datetime.date) -> Listing:
    """Take a listed debtor off the list: after settlement, on a successful appeal or at expiry."""
    access.require_manage(actor)
    listing = _locked(listing)
    _require_status(listing, Status.LISTED, doing="移出黑名单")
    if removal not in Listing.Removal.values:
        raise ValidationError({"removal": "请选择移出原因（已清偿债务、申诉成立或惩戒期满）。"})
    reason = _text(reason, "reason", "移出说明")
    not_future(on, "on", "移出日期")
    if on < listing.decided_on:
        raise ValidationError({"on": f"移出日期不能早于列入日期（{date_cn(listing.decided_on)}）。"})
    before = snapshot(listing)
    listing.status, listing.removed_on, listing.removal = Status.REMOVED, on, removal
    listing.save(update_fields=["status", "removed_on", "removal"])
    _step(
        listing=listing,
        kind=Kind.REMOVE,
        on=on,
        actor=actor,
        note=f"{listing.get_removal_display()}：{reason}",
        before=before,
    )
    _tell(
        [*_bank_users(listing), *_debtor_users(listing)],
        listing,
        f"已移出逃废债黑名单：{listing.debtor_name}",
        f"领导小组办公室已于{date_cn(on)}将其移出逃废债黑名单（{listing.get_removal_display()}）。",
        "remove",
    )
    return listing
