"""The targets' figures from the records, for the data app (`DATA_SOURCES`) and the cross-check page.

Only approved records count. A 流动银行 event counts for the bank that held it, in the year it was held; a
school base counts once per school and year. The cross-check sets the approved records beside what each bank
reported in the 服务渠道情况表 (items mobile_events and education_events: the approved current versions of
the year's four quarters, read through the data app's access layer), and lists the differences.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum

from puhui.data import access as data_access
from puhui.outreach import access
from puhui.outreach.models import MobileEvent, Publicity, SchoolBase, Status

EVENTS_PER_YEAR = 3  # 九: 力争辖内银行业机构每年组织不少于3次的“流动银行”三进活动
CHANNELS_FORM = "channels"


# ---------------------------------------------------------------- the data app's sources (DataSource.values)


def mobile_bank_events_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Approved 流动银行 events held from `start` to `end`, by bank and town: `[(bank_id, town_id, None, n)]`."""
    rows = (
        MobileEvent.objects.filter(status=Status.APPROVED, held_on__gte=start, held_on__lte=end)
        .values("bank_id", "town_id")
        .annotate(n=Count("pk"))
        .order_by("bank_id", "town_id")
    )
    return [(r["bank_id"], r["town_id"], None, r["n"]) for r in rows]


def publicity_events_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Approved publicity activities from `start` to `end`, by organiser (None for an agent's) and town."""
    rows = (
        Publicity.objects.filter(status=Status.APPROVED, held_on__gte=start, held_on__lte=end)
        .values("organiser_id", "town_id", "village_id")
        .annotate(n=Count("pk"))
        .order_by("organiser_id", "town_id", "village_id")
    )
    return [(r["organiser_id"], r["town_id"], r["village_id"], r["n"]) for r in rows]


def school_bases_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Approved school bases working in the years from `start` to `end`, by town (one per school)."""
    rows = (
        SchoolBase.objects.filter(status=Status.APPROVED, year__gte=start.year, year__lte=end.year)
        .values("town_id")
        .annotate(n=Count("school", distinct=True))
        .order_by("town_id")
    )
    return [(None, r["town_id"], None, r["n"]) for r in rows]


# ---------------------------------------------------------------- the cross-check


@dataclass
class CheckRow:
    bank: object
    events: int  # approved records
    events_reported: int | None  # the bank's typed count; None: nothing approved for the year
    events_pending: int
    publicity: int
    publicity_reported: int | None

    @property
    def meets(self) -> bool:
        return self.events >= EVENTS_PER_YEAR

    @property
    def events_diff(self) -> int | None:
        return None if self.events_reported is None else self.events_reported - self.events

    @property
    def publicity_diff(self) -> int | None:
        return None if self.publicity_reported is None else self.publicity_reported - self.publicity

    @property
    def differs(self) -> bool:
        return bool(self.events_diff) or bool(self.publicity_diff)


def reported_counts(user, year: int) -> dict[int, dict[str, int]]:
    """bank id → {item: the year's sum} from the approved current 服务渠道情况表 of the year's quarters."""
    values = (
        data_access.aggregate_values_for(user)
        .filter(
            submission__form=CHANNELS_FORM,
            submission__status="approved",
            submission__is_current=True,
            submission__period__kind="quarter",
            submission__period__year=year,
            item__in=("mobile_events", "education_events"),
        )
        .values("submission__institution_id", "item")
        .annotate(total=Sum("value"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = {}
    for v in values:
        out.setdefault(v["submission__institution_id"], {})[v["item"]] = int(v["total"])
    return out


def crosscheck(user, year: int) -> dict:
    """One row per bank the user may compare: records approved vs counts reported, in 次."""
    banks = list(access.banks_for(user).order_by("name"))
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    events = access.events_for(user).filter(held_on__gte=start, held_on__lte=end)
    approved = dict(
        events.filter(status=Status.APPROVED).values_list("bank_id").annotate(n=Count("pk")).order_by()
    )
    waiting = dict(
        events.filter(status=Status.PENDING).values_list("bank_id").annotate(n=Count("pk")).order_by()
    )
    publicity = dict(
        access.publicity_for(user)
        .filter(status=Status.APPROVED, held_on__gte=start, held_on__lte=end, organiser__isnull=False)
        .values_list("organiser_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    reported = reported_counts(user, year)
    rows = [
        CheckRow(
            bank=b,
            events=approved.get(b.pk, 0),
            events_reported=reported.get(b.pk, {}).get("mobile_events"),
            events_pending=waiting.get(b.pk, 0),
            publicity=publicity.get(b.pk, 0),
            publicity_reported=reported.get(b.pk, {}).get("education_events"),
        )
        for b in banks
    ]
    return {
        "year": year,
        "rows": rows,
        "met": sum(r.meets for r in rows),
        "differ": sum(r.differs for r in rows),
        "threshold": EVENTS_PER_YEAR,
    }
