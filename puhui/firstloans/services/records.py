"""What a bank records while cultivating a first loan: its contacts with a firm of its list and where the
cultivation stands. Only a bank writes them, only on a firm in its own service area (`access`)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.firstloans import access
from puhui.firstloans.models import Contact, ListedFirm, Outcome

EARLIEST = datetime.date(2019, 1, 1)  # the plan follows the firms cultivated from 2019 on


def _bank(actor, firm):
    bank = access.bank_of(actor)
    if bank is None:
        raise ValidationError("只有银行可以登记首贷培植的对接情况。")
    if firm.town_id not in access.service_area(bank):
        raise ValidationError(f"企业“{firm.name}”不在本行的服务区域内，不能登记。")
    if not ListedFirm.objects.filter(firm=firm).exists():
        raise ValidationError(f"企业“{firm.name}”不在首贷培植名单上，不能登记。")
    return bank


def _day(value, field: str, label: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError({field: f"请填写{label}。"})
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天（{value:%Y-%m-%d}）。"})
    if value < EARLIEST:
        raise ValidationError({field: f"{label}不能早于2019年1月1日。"})
    return value


@transaction.atomic
def contact_record(*, actor, firm, contacted_on, way, result, next_step="") -> Contact:
    """One contact of the actor's bank with a firm of its list: when, how, what came of it, what next."""
    bank = _bank(actor, firm)
    contacted_on = _day(contacted_on, "contacted_on", "联系日期")
    if way not in Contact.Way.values:
        raise ValidationError({"way": f"未知的联系方式：{way}。"})
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": "请填写联系结果。"})
    contact = Contact.objects.create(
        bank=bank,
        firm=firm,
        contacted_on=contacted_on,
        way=way,
        result=result[:300],
        next_step=(next_step or "").strip()[:300],
        recorded_by=actor,
    )
    audit_changed(actor=actor, obj=contact, before=None)
    return contact


def _amount_fen(status: str, amount) -> int | None:
    if status != Outcome.Status.GRANTED:
        return None
    try:
        value = Decimal(str(amount)) if amount not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or value <= 0:
        raise ValidationError({"amount": "已获得贷款时请填写大于 0 的贷款金额（元）。"})
    return int((value * 100).to_integral_value())


@transaction.atomic
def outcome_set(*, actor, firm, status, decided_on, amount=None, note="") -> Outcome:
    """Where the actor's bank's cultivation of a firm stands (one record per bank and firm, replaced)."""
    bank = _bank(actor, firm)
    if status not in Outcome.Status.values:
        raise ValidationError({"status": f"未知的培植结果：{status}。"})
    decided_on = _day(decided_on, "decided_on", "日期")
    outcome = Outcome.objects.select_for_update().filter(bank=bank, firm=firm).first()
    before = snapshot(outcome)
    if outcome is None:
        outcome = Outcome(bank=bank, firm=firm)
    outcome.status = status
    outcome.decided_on = decided_on
    outcome.amount_fen = _amount_fen(status, amount)
    outcome.note = (note or "").strip()[:300]
    outcome.recorded_by = actor
    outcome.save()
    audit_changed(actor=actor, obj=outcome, before=before)
    return outcome
