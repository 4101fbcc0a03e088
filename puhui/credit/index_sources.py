"""The credit system's indicators for the county index: 农户建档率 and 预授信率 per town and period."""

import datetime

import pandas as pd
from django.db.models import Count, Q
from django.utils import timezone

from puhui.credit.models import HouseholdArchive, PreCreditLine
from puhui.index.sources import _counts, _ratio, _town_totals, source

LIVE_LINE = [PreCreditLine.Status.OFFERED, PreCreditLine.Status.ACCEPTED]


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@source("credit.archive_rate", "农户信用建档率", unit="%")
def archive_rate(periods):
    """Complete archives verified by the end of the period, over the town's farm households."""
    archived = HouseholdArchive.objects.filter(is_complete=True, status=HouseholdArchive.Status.VERIFIED)
    num = _counts(archived, "town__code", periods, lambda p: Q(verified_at__lte=_end_of(p.end)))
    return _ratio("credit.archive_rate", periods, num, _town_totals()["farm"], 100)


@source("credit.precredit_rate", "农户预授信率", unit="%")
def precredit_rate(periods):
    """Households holding a live pre-credit line at the end of the period, over farm households."""
    live = PreCreditLine.objects.filter(status__in=LIVE_LINE)
    ann = {
        f"p{i}": Count("household_id", distinct=True, filter=Q(valid_from__lte=p.end, valid_until__gte=p.end))
        for i, p in enumerate(periods)
    }
    rows = live.values("town__code").annotate(**ann)
    num = pd.DataFrame(
        [(r["town__code"], p.label, r[f"p{i}"]) for r in rows for i, p in enumerate(periods)],
        columns=["uCode", "Time", "n"],
    )
    return _ratio("credit.precredit_rate", periods, num, _town_totals()["farm"], 100)
