"""Monthly figures, the to-do lines and the data app's sources (`DATA_SOURCES`).

A station-month counts for the bank that reported it (the county-level bank of the station) and for the
station's village and town; a flow over a period sums the months inside it.
"""

import datetime

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from puhui.core.models import ServicePoint
from puhui.core.plugins import capped_count
from puhui.stations import access, rules
from puhui.stations.models import MonthlyReport, PaymentScene
from puhui.stations.selectors.targets import scenes_on

TOTAL = F("withdrawal_count") + F("transfer_count") + F("remittance_count") + F("bill_count")


def monthly_totals(user, month: datetime.date) -> dict:
    """The month's sums over the stations the user sees (笔, 元), and how many applied a limit above the rule."""
    qs = access.monthly_for(user).filter(month=month)
    sums = qs.aggregate(
        stations=Count("pk"),
        withdrawal_count=Sum("withdrawal_count"),
        withdrawal_amount=Sum("withdrawal_amount"),
        transfer_count=Sum("transfer_count"),
        transfer_amount=Sum("transfer_amount"),
        remittance_count=Sum("remittance_count"),
        remittance_amount=Sum("remittance_amount"),
        bill_count=Sum("bill_count"),
        bill_amount=Sum("bill_amount"),
    )
    sums["over_limit"] = qs.filter(daily_limit__gt=rules.daily_limit_rule()).count()
    sums["month"] = month
    return sums


def reporting_points(bank_path: str, month: datetime.date):
    """A bank's service points in the register at some time in `month` (the ones whose month is due)."""
    end = rules.month_end(month)
    return ServicePoint.objects.filter(bank__path__startswith=bank_path).filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=end), Q(closed_on__isnull=True) | Q(closed_on__gt=month)
    )


def missing_last_month(user) -> int:
    """A bank's to-do: its stations with no report for last month."""
    bank = access.bank_of(user)
    if bank is None:
        return 0
    month = rules.previous_month(timezone.localdate())
    reported = MonthlyReport.objects.filter(month=month).values("point_id")
    return capped_count(reporting_points(bank.path, month).exclude(pk__in=reported))


def overdue_rectifications(user) -> int:
    """A bank's to-do: inspections whose rectification is past its date and not done."""
    if access.bank_of(user) is None:
        return 0
    today = timezone.localdate()
    return capped_count(access.inspections_for(user).filter(rectified_on__isnull=True, rectify_by__lt=today))


# ---------------------------------------------------------------- the data app's sources (DataSource.values)


def _months(start: datetime.date, end: datetime.date):
    return MonthlyReport.objects.filter(month__gte=rules.month_start(start), month__lte=end)


def _by_place(qs, value) -> list[tuple]:
    rows = (
        qs.values("bank_id", "point__village__parent_id", "point__village_id")
        .annotate(v=value)
        .order_by("bank_id", "point__village__parent_id", "point__village_id")
    )
    return [(r["bank_id"], r["point__village__parent_id"], r["point__village_id"], r["v"]) for r in rows]


def station_transactions_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Transactions at stations in the period (笔: withdrawals, transfers, remittances, bill payments)."""
    return _by_place(_months(start, end), Sum(TOTAL))


def station_withdrawal_amount_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Cash withdrawn at stations in the period (元)."""
    return [(b, t, v, float(x)) for b, t, v, x in _by_place(_months(start, end), Sum("withdrawal_amount"))]


def payment_scenes_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Places of 便民支付 taking payments at the period's end, by acquiring bank and town."""
    rows = (
        PaymentScene.objects.filter(scenes_on(end))
        .values("bank_id", "town_id")
        .annotate(n=Count("pk"))
        .order_by("bank_id", "town_id")
    )
    return [(r["bank_id"], r["town_id"], None, r["n"]) for r in rows]
