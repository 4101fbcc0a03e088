"""Coverage of the 惠农商圈 by town and village, from the register — one rule for every page, export, API
and catalogue figure:

- a merchant is *active* on a day when it was signed on or before that day and has not ended by then
  (`active_q`);
- a village is *covered* on a day when at least one active merchant in it accepts bank cards or QR codes
  (`covering_q`; a POS alone takes cards, so it counts only with the card flag the bank ticks with it);
- a town's share is its covered villages over all its villages; merchants per 1,000 households divide the
  active merchants (those in the town seat included) by the town's households from the census
  (`Division.households`);
- non-cash totals add the monthly figures the banks reported, by the merchant's town.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from puhui.core.models import Division
from puhui.merchants import access
from puhui.merchants.models import Merchant, MonthlyFigure


def active_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}signed_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


def covering_q(day: datetime.date) -> Q:
    return active_q(day) & (Q(accepts_card=True) | Q(accepts_qr=True))


# ---------------------------------------------------------------- the catalogue's figures (DataSource.values)


def merchants_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Active merchants at `end`, by signing bank, town and village: `[(bank_id, town_id, village_id, n)]`."""
    rows = (
        Merchant.objects.filter(active_q(end))
        .values("bank_id", "town_id", "village_id")
        .annotate(n=Count("pk"))
        .order_by("bank_id", "town_id", "village_id")
    )
    return [(r["bank_id"], r["town_id"], r["village_id"], r["n"]) for r in rows]


def villages_covered_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Villages covered at `end`: one row of 1 per village, `[(None, town_id, village_id, 1)]`."""
    rows = (
        Merchant.objects.filter(covering_q(end), village__isnull=False)
        .values_list("village__parent_id", "village_id")
        .distinct()
        .order_by("village__parent_id", "village_id")
    )
    return [(None, town_id, village_id, 1) for town_id, village_id in rows]


def _figure_values(start, end, measure: str) -> list[tuple]:
    rows = (
        MonthlyFigure.objects.filter(month__gte=start.replace(day=1), month__lte=end)
        .values("merchant__bank_id", "merchant__town_id", "merchant__village_id")
        .annotate(total=Sum(measure))
        .order_by("merchant__bank_id", "merchant__town_id", "merchant__village_id")
    )
    return [
        (r["merchant__bank_id"], r["merchant__town_id"], r["merchant__village_id"], r["total"]) for r in rows
    ]


def noncash_transactions_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Non-cash transactions (笔) at the merchants in the months from `start` to `end`."""
    return _figure_values(start, end, "transactions")


def noncash_amount_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Non-cash amount (元) at the merchants in the months from `start` to `end`."""
    return [(b, t, v, float(total)) for b, t, v, total in _figure_values(start, end, "amount")]


# ---------------------------------------------------------------- the coverage page


@dataclass
class TownRow:
    town: Division
    villages: int = 0
    covered: int = 0
    households: int = 0
    merchants: int = 0
    months: dict = field(default_factory=dict)  # month's first day → (笔, 元)
    cells: list = field(default_factory=list)  # (笔, 元) of each month of the year, in order

    @property
    def share(self) -> float | None:
        return 100.0 * self.covered / self.villages if self.villages else None

    @property
    def per_1000(self) -> float | None:
        return 1000.0 * self.merchants / self.households if self.households else None

    @property
    def transactions(self) -> int:
        return sum(t for t, _ in self.months.values())

    @property
    def amount(self) -> Decimal:
        return sum((a for _, a in self.months.values()), Decimal("0"))


@dataclass
class VillageRow:
    village: Division
    merchants: int
    covering: int

    @property
    def covered(self) -> bool:
        return self.covering > 0


def year_months(year: int) -> list[datetime.date]:
    return [datetime.date(year, m, 1) for m in range(1, 13)]


def coverage(user, year: int, day: datetime.date) -> dict:
    """The towns the user sees, with their villages covered on `day`, merchants per 1,000 households and the
    year's monthly non-cash totals — counted over the merchants the user sees (a bank: its own)."""
    merchants = access.merchants_for(user)
    towns = {t.pk: TownRow(t) for t in access.towns_for(user).order_by("code")}
    villages = Division.objects.filter(level=Division.Level.VILLAGE, parent_id__in=list(towns))
    for town_id, n, households in (
        villages.values_list("parent_id").annotate(n=Count("pk"), h=Sum("households")).order_by()
    ):
        towns[town_id].villages, towns[town_id].households = n, households or 0
    for town_id, n in (
        merchants.filter(active_q(day)).values_list("town_id").annotate(n=Count("pk")).order_by()
    ):
        if town_id in towns:
            towns[town_id].merchants = n
    covered = (
        merchants.filter(covering_q(day), village__isnull=False)
        .values_list("town_id")
        .annotate(n=Count("village_id", distinct=True))
    )
    for town_id, n in covered.order_by():
        if town_id in towns:
            towns[town_id].covered = n
    figures = (
        MonthlyFigure.objects.filter(merchant__in=merchants.values("pk"), month__year=year)
        .values_list("merchant__town_id", "month")
        .annotate(t=Sum("transactions"), a=Sum("amount"))
        .order_by()
    )
    for town_id, month, t, a in figures:
        if town_id in towns:
            towns[town_id].months[month] = (t, a)
    rows = list(towns.values())
    total = TownRow(Division(name="合计"))
    for r in rows:
        total.villages += r.villages
        total.covered += r.covered
        total.households += r.households
        total.merchants += r.merchants
        for month, (t, a) in r.months.items():
            t0, a0 = total.months.get(month, (0, Decimal("0")))
            total.months[month] = (t0 + t, a0 + a)
    months = year_months(year)
    for r in [*rows, total]:
        r.cells = [r.months.get(m, (0, Decimal("0"))) for m in months]
    return {"rows": rows, "total": total, "months": months, "day": day, "year": year}


def villages_of(user, town: Division, day: datetime.date) -> list[VillageRow]:
    """Every village of a town with its active merchants and those that cover it on `day`."""
    merchants = access.merchants_for(user).filter(village__parent=town)
    active = defaultdict(
        int, merchants.filter(active_q(day)).values_list("village_id").annotate(n=Count("pk")).order_by()
    )
    covering = defaultdict(
        int, merchants.filter(covering_q(day)).values_list("village_id").annotate(n=Count("pk")).order_by()
    )
    return [
        VillageRow(v, active[v.pk], covering[v.pk])
        for v in Division.objects.filter(parent=town, level=Division.Level.VILLAGE).order_by("code")
    ]


def figure_years(user) -> list[int]:
    """The years with reported figures the user sees, newest first."""
    months = access.figures_for(user).dates("month", "year", order="DESC")
    return [d.year for d in months]
