"""A merchant's monthly non-cash figures, reported by its bank (or the office): one month at a time on the
merchant's page, corrected there, or many at once (`figures_store`, behind the monthly upload). A month is
reported once; a second report of it is refused with the way to correct it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from puhui.core.audit import audit_changed, audit_changed_bulk, snapshot
from puhui.merchants import access
from puhui.merchants.models import Merchant, MonthlyFigure
from puhui.merchants.services.checks import duplicate_reason, figure_problems, month_of, month_problems


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ValidationError({field: reason for field, reason in reversed(problems)})


def _checked(merchant: Merchant, month, transactions, amount) -> tuple[datetime.date, int, Decimal]:
    first = month_of(month)
    if first is None:
        raise ValidationError({"month": "请填写月份（如 2021-03）。"})
    count, money, problems = figure_problems(transactions, amount)
    _refuse(month_problems(merchant, first) + problems)
    return first, count, money


@transaction.atomic
def figure_report(*, actor, merchant: Merchant, month, transactions, amount) -> MonthlyFigure:
    """One month of one merchant; refused if that month is already reported (correct it instead)."""
    merchant = Merchant.objects.select_for_update(of=("self",)).select_related("bank").get(pk=merchant.pk)
    if not access.may_edit_merchant(actor, merchant):
        raise ValidationError("只能报送本行签约商户的交易数据。")
    first, count, money = _checked(merchant, month, transactions, amount)
    existing = MonthlyFigure.objects.filter(merchant=merchant, month=first).first()
    if existing is not None:
        raise ValidationError({"month": duplicate_reason(merchant, first, existing)})
    figure = MonthlyFigure.objects.create(
        merchant=merchant, month=first, transactions=count, amount=money, reported_by=actor
    )
    audit_changed(actor=actor, obj=figure, before=None, note="报送惠农商圈月度非现金交易")
    return figure


@transaction.atomic
def figure_correct(*, actor, figure: MonthlyFigure, transactions, amount) -> MonthlyFigure:
    """Correct the figures of a month already reported (the month itself stays)."""
    figure = (
        MonthlyFigure.objects.select_for_update(of=("self",))
        .select_related("merchant__bank")
        .get(pk=figure.pk)
    )
    if not access.may_edit_merchant(actor, figure.merchant):
        raise ValidationError("只能更正本行签约商户的交易数据。")
    count, money, problems = figure_problems(transactions, amount)
    _refuse(problems)
    before = snapshot(figure)
    figure.transactions, figure.amount, figure.reported_by = count, money, actor
    figure.save()
    audit_changed(actor=actor, obj=figure, before=before, note="更正惠农商圈月度非现金交易")
    return figure


@dataclass(frozen=True)
class FigureRow:
    merchant: Merchant
    month: datetime.date
    transactions: int
    amount: Decimal


@transaction.atomic
def figures_store(
    *, actor, rows: list[FigureRow], note: str = "上传惠农商圈月度非现金交易"
) -> list[MonthlyFigure]:
    """Many checked months at once (the upload checked each row and named its problems): all or none. The
    rules are checked again here, so no caller can store a row the upload would refuse."""
    allowed = set(
        access.editable_merchants(actor)
        .filter(pk__in={r.merchant.pk for r in rows})
        .values_list("pk", flat=True)
    )
    for row in rows:
        if row.merchant.pk not in allowed:
            raise ValidationError(f"商户“{row.merchant.name}”不是本行签约的商户。")
        _checked(row.merchant, row.month, row.transactions, row.amount)
    figures = [
        MonthlyFigure(
            merchant=r.merchant,
            month=r.month,
            transactions=r.transactions,
            amount=r.amount,
            reported_by=actor,
        )
        for r in rows
    ]
    try:
        with transaction.atomic():
            MonthlyFigure.objects.bulk_create(figures, batch_size=1000)
    except IntegrityError:
        raise ValidationError(
            "文件中有商户的月份已经报送（可能刚由他人报送），未保存任何数据，请重新上传。"
        ) from None
    if figures and figures[0].pk is None:  # backends that return no ids: read them back for the audit
        wanted = {(f.merchant_id, f.month) for f in figures}
        figures = [
            f
            for f in MonthlyFigure.objects.filter(merchant_id__in={m for m, _ in wanted}).select_related(
                "merchant"
            )
            if (f.merchant_id, f.month) in wanted
        ]
    audit_changed_bulk(actor=actor, changes=[(f, None) for f in figures], note=note)
    return figures
