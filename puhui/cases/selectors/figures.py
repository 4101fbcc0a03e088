"""The indicator catalogue's sources from this app's records (`plugin.DATA_SOURCES`, read by the data app as
`fn(start, end) -> [(organisation_id, town_id, village_id, value)]`). Only approved publicity and published
cases count."""

import datetime

from django.db.models import Count, Sum

from puhui.cases.models import Case, CaseStatus, Promotion, PromotionStatus
from puhui.core import periods


def _promotions(start: datetime.date, end: datetime.date):
    return (
        Promotion.objects.filter(status=PromotionStatus.APPROVED, held_on__gte=start, held_on__lte=end)
        .values("unit_id", "town_id")
        .order_by("unit_id", "town_id")
    )


def zone_publicity_events_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Approved publicity of the zone held from `start` to `end` (次), by unit and town (none: county-wide)."""
    return [
        (r["unit_id"], r["town_id"], None, r["n"]) for r in _promotions(start, end).annotate(n=Count("pk"))
    ]


def zone_publicity_audience_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """The people those events reached (人); media reports (audience unknown) add nothing."""
    rows = _promotions(start, end).filter(audience__isnull=False).annotate(n=Sum("audience"))
    return [(r["unit_id"], r["town_id"], None, r["n"]) for r in rows]


def codes_within(start: datetime.date, end: datetime.date) -> list[str]:
    """The year and quarter codes whose whole period lies from `start` to `end`."""
    codes = []
    for year in range(start.year, end.year + 1):
        for code in (str(year), *periods.quarters_of(year)):
            spec = periods.parse_code(code)
            if start <= spec.start and spec.end <= end:
                codes.append(code)
    return codes


def cases_published_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Published cases reporting on a period within `start`–`end` (篇), by unit: counted by the period a case
    is about, not the day the office clicked, so a year's figure does not move when the office publishes
    late."""
    rows = (
        Case.objects.filter(status=CaseStatus.PUBLISHED, period__in=codes_within(start, end))
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("unit_id")
    )
    return [(r["unit_id"], None, None, r["n"]) for r in rows]
