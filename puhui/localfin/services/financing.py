"""Writes of direct financing (bonds, equity), the apple exchange's months and the credit mutuals' months.

`<noun>_<verb>(*, actor, ...)`, one transaction each, audited. Every check raises `ValidationError` with a
Chinese message keyed by the field; a refused write stores nothing — a bond or deal that names a new firm
checks its own figures before the firm is written, and the atomic block undoes the firm if anything
after it fails.
"""

import calendar
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Division, Organisation
from puhui.core.periods import date_cn
from puhui.localfin import access
from puhui.localfin.models import BondIssue, CreditMutual, EquityDeal, ExchangeMonth, MutualMonth
from puhui.localfin.services.enterprises import enterprise_save

MAX_YUAN = Decimal("99999999999999.99")  # the columns' 16 digits
MAX_RATE = Decimal("30")
TERM_MONTHS = (1, 360)
# How far the maturity may sit from issue date + term: a 270-day 短期融资券 is entered as 9 months, and
# issue and value dates differ by days. A wider gap is a typing error in one of the two.
MATURITY_SLACK_DAYS = 31


# ---------------------------------------------------------------- checks shared by the records


def _decimal(value, label: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}“{value}”不是数字。"}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label}“{value}”不是数字。"})
    return number


def _yuan(value, label: str, field: str, *, positive: bool = True) -> Decimal:
    amount = _decimal(value, label, field)
    if positive and amount <= 0:
        raise ValidationError({field: f"{label}须大于 0 元。"})
    if amount < 0:
        raise ValidationError({field: f"{label}不能为负数。"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label}最多两位小数（分）。"})
    if amount > MAX_YUAN:
        raise ValidationError({field: f"{label}过大：{amount:,} 元。"})
    return amount


def _count(value, label: str, field: str, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({field: f"{label}须为不小于 0 的整数（{unit}）。"})
    return int(value)


def _not_future(day: datetime.date, label: str, field: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError({field: f"{label}（{date_cn(day)}）不能晚于今天（{date_cn(today)}）。"})


def _month_start(day: datetime.date, label: str, field: str) -> datetime.date:
    """The month's first day; a month after the current one is refused."""
    if day is None:
        raise ValidationError({field: f"请填写{label}。"})
    month = day.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({field: f"{label}（{month.year}年{month.month}月）不能晚于本月。"})
    return month


def _text(value, label: str, field: str, *, required: bool = True, max_length: int = 100) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > max_length:
        raise ValidationError({field: f"{label}最多 {max_length} 个字。"})
    return text


def months_later(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _firm(*, actor, uscc, name, town: Division, industry):
    return enterprise_save(actor=actor, uscc=uscc, name=name, town=town, industry=industry)


def _record_update(model, pk, *, actor, firm: dict, fields: dict, note: str):
    """A bond or an equity deal changed under a row lock: its firm (by USCC) and its checked fields; audited."""
    record = model.objects.select_for_update().get(pk=pk)
    before = snapshot(record)
    record.enterprise = _firm(actor=actor, **firm)
    for key, value in fields.items():
        setattr(record, key, value)
    record.save()
    audit_changed(actor=actor, obj=record, before=before, note=note)
    return record


def _record_delete(*, actor, record, note: str) -> None:
    audit_record(actor=actor, action=AuditLog.Action.DELETE, obj=record, before=snapshot(record), note=note)
    record.delete()


# ---------------------------------------------------------------- bonds


def _bond_fields(*, instrument, amount, rate, term_months, issued_on, matures_on, underwriter) -> dict:
    if instrument not in BondIssue.Instrument.values:
        raise ValidationError({"instrument": f"品种“{instrument}”不在可选范围内。"})
    amount = _yuan(amount, "发行金额", "amount")
    rate = _decimal(rate, "票面利率", "rate")
    if not Decimal(0) <= rate <= MAX_RATE:
        raise ValidationError({"rate": f"票面利率须在 0% 到 {MAX_RATE}% 之间，填写的是 {rate}%。"})
    if rate != rate.quantize(Decimal("0.001")):
        raise ValidationError({"rate": "票面利率最多三位小数。"})
    low, high = TERM_MONTHS
    if isinstance(term_months, bool) or not isinstance(term_months, int) or not low <= term_months <= high:
        raise ValidationError(
            {"term_months": f"期限须为 {low} 到 {high} 个月的整数，填写的是 {term_months}。"}
        )
    if issued_on is None:
        raise ValidationError({"issued_on": "请填写发行日期。"})
    if matures_on is None:
        raise ValidationError({"matures_on": "请填写到期日期。"})
    _not_future(issued_on, "发行日期", "issued_on")
    if matures_on <= issued_on:
        raise ValidationError(
            {"matures_on": f"到期日期须晚于发行日期：到期 {date_cn(matures_on)}，发行 {date_cn(issued_on)}。"}
        )
    # Decided: the maturity must also agree with the term (within a month), so a typo in either is caught
    # rather than stored; the page shows both and the indicator does not use the maturity.
    expected = months_later(issued_on, int(term_months))
    if abs((matures_on - expected).days) > MATURITY_SLACK_DAYS:
        raise ValidationError(
            {
                "matures_on": f"到期日期与期限不符：发行日期加 {term_months} 个月应在 {date_cn(expected)} 前后"
                f"（相差不超过 {MATURITY_SLACK_DAYS} 天），填写的是 {date_cn(matures_on)}。"
            }
        )
    return {
        "instrument": instrument,
        "amount": amount,
        "rate": rate,
        "term_months": int(term_months),
        "issued_on": issued_on,
        "matures_on": matures_on,
        "underwriter": _text(underwriter, "主承销商", "underwriter"),
    }


@transaction.atomic
def bond_add(
    *,
    actor,
    uscc,
    name,
    town,
    industry,
    instrument,
    amount,
    rate,
    term_months,
    issued_on,
    matures_on,
    underwriter,
) -> BondIssue:
    """Record a bond or note issued by a county firm, named by its 统一社会信用代码 (added if new)."""
    access.require_manage(actor)
    fields = _bond_fields(
        instrument=instrument, amount=amount, rate=rate, term_months=term_months,
        issued_on=issued_on, matures_on=matures_on, underwriter=underwriter,
    )  # fmt: skip
    firm = _firm(actor=actor, uscc=uscc, name=name, town=town, industry=industry)
    bond = BondIssue.objects.create(enterprise=firm, **fields)
    audit_changed(actor=actor, obj=bond, before=None, note="登记债券发行")
    return bond


@transaction.atomic
def bond_update(
    *,
    actor,
    bond: BondIssue,
    uscc,
    name,
    town,
    industry,
    instrument,
    amount,
    rate,
    term_months,
    issued_on,
    matures_on,
    underwriter,
) -> BondIssue:
    access.require_manage(actor)
    fields = _bond_fields(
        instrument=instrument, amount=amount, rate=rate, term_months=term_months,
        issued_on=issued_on, matures_on=matures_on, underwriter=underwriter,
    )  # fmt: skip
    firm = {"uscc": uscc, "name": name, "town": town, "industry": industry}
    return _record_update(BondIssue, bond.pk, actor=actor, firm=firm, fields=fields, note="修改债券发行")


@transaction.atomic
def bond_delete(*, actor, bond: BondIssue) -> None:
    access.require_manage(actor)
    _record_delete(actor=actor, record=bond, note="删除债券发行")


# ---------------------------------------------------------------- equity


def _equity_fields(*, investor_kind, investor, amount, closed_on, fund_project) -> dict:
    if investor_kind not in EquityDeal.Investor.values:
        raise ValidationError({"investor_kind": f"投资方类型“{investor_kind}”不在可选范围内。"})
    if closed_on is None:
        raise ValidationError({"closed_on": "请填写到位日期。"})
    _not_future(closed_on, "到位日期", "closed_on")
    return {
        "investor_kind": investor_kind,
        "investor": _text(investor, "投资方", "investor"),
        "amount": _yuan(amount, "融资金额", "amount"),
        "closed_on": closed_on,
        "fund_project": _text(fund_project, "“基金+产业”项目", "fund_project", required=False),
    }


@transaction.atomic
def equity_add(
    *, actor, uscc, name, town, industry, investor_kind, investor, amount, closed_on, fund_project=""
) -> EquityDeal:
    """Record equity raised by a county firm (angel, VC, PE, a guidance fund; a “基金+产业” project named)."""
    access.require_manage(actor)
    fields = _equity_fields(
        investor_kind=investor_kind,
        investor=investor,
        amount=amount,
        closed_on=closed_on,
        fund_project=fund_project,
    )
    firm = _firm(actor=actor, uscc=uscc, name=name, town=town, industry=industry)
    deal = EquityDeal.objects.create(enterprise=firm, **fields)
    audit_changed(actor=actor, obj=deal, before=None, note="登记股权融资")
    return deal


@transaction.atomic
def equity_update(
    *,
    actor,
    deal: EquityDeal,
    uscc,
    name,
    town,
    industry,
    investor_kind,
    investor,
    amount,
    closed_on,
    fund_project="",
) -> EquityDeal:
    access.require_manage(actor)
    fields = _equity_fields(
        investor_kind=investor_kind,
        investor=investor,
        amount=amount,
        closed_on=closed_on,
        fund_project=fund_project,
    )
    firm = {"uscc": uscc, "name": name, "town": town, "industry": industry}
    return _record_update(EquityDeal, deal.pk, actor=actor, firm=firm, fields=fields, note="修改股权融资")


@transaction.atomic
def equity_delete(*, actor, deal: EquityDeal) -> None:
    access.require_manage(actor)
    _record_delete(actor=actor, record=deal, note="删除股权融资")


# ---------------------------------------------------------------- the apple exchange


@transaction.atomic
def exchange_month_save(*, actor, month: datetime.date, listed_volume, turnover, farmers) -> ExchangeMonth:
    """齐鲁农产品交易中心's figures for a month, added or replaced (one row a month)."""
    access.require_manage(actor)
    month = _month_start(month, "月份", "month")
    volume = _decimal(listed_volume, "摘挂牌交易量", "listed_volume")
    if volume < 0 or volume != volume.quantize(Decimal("0.01")):
        raise ValidationError({"listed_volume": "摘挂牌交易量须为不小于 0 的数（吨），最多两位小数。"})
    values = {
        "listed_volume": volume,
        "turnover": _yuan(turnover, "交易额", "turnover", positive=False),
        "farmers": _count(farmers, "服务农户数", "farmers", "户"),
    }
    row = ExchangeMonth.objects.select_for_update().filter(month=month).first()
    if row is None:
        row = ExchangeMonth.objects.create(month=month, **values)
        audit_changed(actor=actor, obj=row, before=None, note="录入交易中心月度数据")
        return row
    before = snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.save()
    audit_changed(actor=actor, obj=row, before=before, note="修改交易中心月度数据")
    return row


# ---------------------------------------------------------------- credit mutuals


@transaction.atomic
def mutual_add(*, actor, organisation: Organisation, approved_on: datetime.date) -> CreditMutual:
    """Register a cooperative approved to run credit mutual business (a pilot)."""
    access.require_manage(actor)
    if organisation is None:
        raise ValidationError({"organisation": "请选择合作社。"})
    if organisation.kind != Organisation.Kind.CREDIT_MUTUAL:
        raise ValidationError(
            {
                "organisation": f"“{organisation.name}”的机构类型是“{organisation.get_kind_display()}”，"
                f"只有“{Organisation.Kind.CREDIT_MUTUAL.label}”可以登记为信用互助试点。"
            }
        )
    if approved_on is None:
        raise ValidationError({"approved_on": "请填写试点批准日期。"})
    _not_future(approved_on, "试点批准日期", "approved_on")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if CreditMutual.objects.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": f"“{organisation.name}”已登记为信用互助试点。"})
    mutual = CreditMutual.objects.create(organisation=organisation, approved_on=approved_on)
    audit_changed(actor=actor, obj=mutual, before=None, note="登记信用互助试点合作社")
    return mutual


@transaction.atomic
def mutual_month_save(
    *, actor, mutual: CreditMutual, month: datetime.date, members, funds, loans
) -> MutualMonth:
    """A cooperative's credit-mutual figures for a month, added or replaced."""
    access.require_manage(actor)
    month = _month_start(month, "月份", "month")
    first = mutual.approved_on.replace(day=1)
    if month < first:
        raise ValidationError(
            {
                "month": f"月份（{month.year}年{month.month}月）不能早于试点批准日期（{date_cn(mutual.approved_on)}）。"
            }
        )
    members = _count(members, "参与信用互助的社员数", "members", "人")
    funds = _yuan(funds, "互助金总额", "funds", positive=False)
    loans = _yuan(loans, "互助金借款余额", "loans", positive=False)
    if loans > funds:
        raise ValidationError(
            {"loans": f"互助金借款余额（{loans:,} 元）不能超过互助金总额（{funds:,} 元）。"}
        )
    values = {"members": members, "funds": funds, "loans": loans}
    row = MutualMonth.objects.select_for_update().filter(mutual=mutual, month=month).first()
    if row is None:
        row = MutualMonth.objects.create(mutual=mutual, month=month, **values)
        audit_changed(actor=actor, obj=row, before=None, note="录入信用互助月度数据")
        return row
    before = snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.save()
    audit_changed(actor=actor, obj=row, before=before, note="修改信用互助月度数据")
    return row
