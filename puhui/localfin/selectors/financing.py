"""Reads of direct financing, the apple exchange and the credit mutuals.

Every figure is summed in the database: a page costs the same few queries however many records there
are. Rows come only through `access`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from puhui.core.models import Organisation
from puhui.data.models import IndicatorValue, ReportingPeriod
from puhui.localfin import access
from puhui.localfin.models import BondIssue, CreditMutual, EquityDeal, MutualMonth

FIRST_YEAR = 2019  # the plan's first year: the overview starts here
FILTER_FIRST_YEAR = 2010  # records of earlier issues may be entered too; the lists' year filter reaches them
ZERO = Decimal("0")
WAN = Decimal("10000")
INSTRUMENTS = BondIssue.Instrument.choices
INVESTORS = EquityDeal.Investor.choices


def wan(yuan) -> Decimal:
    """Yuan → 万元, two places (the overview shows every amount in 万元)."""
    return (Decimal(yuan or 0) / WAN).quantize(Decimal("0.01"))


def year_range(first: int, last: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


# ---------------------------------------------------------------- direct financing by year


@dataclass
class YearFinancing:
    year: int
    bonds: Decimal = ZERO
    equity: Decimal = ZERO
    bond_count: int = 0
    deal_count: int = 0
    fund_projects: int = 0  # deals naming a “基金+产业” project
    by_instrument: dict = field(default_factory=dict)  # code → 元
    by_investor: dict = field(default_factory=dict)  # code → 元
    # From the indicator catalogue (computed by the data capability): the county's bank loans issued in the
    # year and the share of direct financing, as IndicatorValue rows (their pages show the lineage).
    loans_issued: object = None
    share: object = None

    @property
    def direct(self) -> Decimal:
        return self.bonds + self.equity

    @property
    def bonds_wan(self) -> Decimal:
        return wan(self.bonds)

    @property
    def equity_wan(self) -> Decimal:
        return wan(self.equity)

    @property
    def direct_wan(self) -> Decimal:
        return wan(self.direct)

    @property
    def instrument_wan(self) -> list[Decimal]:
        return [wan(self.by_instrument.get(code, ZERO)) for code, _ in INSTRUMENTS]

    @property
    def investor_wan(self) -> list[Decimal]:
        return [wan(self.by_investor.get(code, ZERO)) for code, _ in INVESTORS]


def financing_by_year(user, years) -> dict:
    """Bonds, equity and their sum for each year, by instrument and by investor kind (two queries)."""
    years = sorted(set(years))
    rows = {y: YearFinancing(y) for y in years}
    total = YearFinancing(0)
    if years:
        start, end = year_range(years[0], years[-1])
        bonds = (
            access.bonds_for(user)
            .filter(issued_on__gte=start, issued_on__lte=end)
            .annotate(year=ExtractYear("issued_on"))
            .values("year", "instrument")
            .annotate(amount=Sum("amount"), n=Count("pk"))
            .order_by()
        )
        for b in bonds:
            for row in (rows[b["year"]], total):
                row.bonds += b["amount"]
                row.bond_count += b["n"]
                row.by_instrument[b["instrument"]] = (
                    row.by_instrument.get(b["instrument"], ZERO) + b["amount"]
                )
        deals = (
            access.equity_for(user)
            .filter(closed_on__gte=start, closed_on__lte=end)
            .annotate(year=ExtractYear("closed_on"))
            .values("year", "investor_kind")
            .annotate(amount=Sum("amount"), n=Count("pk"), funds=Count("pk", filter=~Q(fund_project="")))
            .order_by()
        )
        for d in deals:
            for row in (rows[d["year"]], total):
                row.equity += d["amount"]
                row.deal_count += d["n"]
                row.fund_projects += d["funds"]
                kind = d["investor_kind"]
                row.by_investor[kind] = row.by_investor.get(kind, ZERO) + d["amount"]
    for value in IndicatorValue.objects.filter(
        level=IndicatorValue.Level.COUNTY,
        period__kind=ReportingPeriod.Kind.YEAR,
        period__year__in=years,
        indicator_code__in=("loan_issued", "direct_financing_share"),
    ).select_related("period"):
        attr = "share" if value.indicator_code == "direct_financing_share" else "loans_issued"
        setattr(rows[value.period.year], attr, value)
    return {
        "years": [rows[y] for y in years],
        "total": total,
        "instruments": INSTRUMENTS,
        "investors": INVESTORS,
    }


def overview_years() -> list[int]:
    return list(range(FIRST_YEAR, timezone.localdate().year + 1))


def direct_financing_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """The indicator catalogue's `direct_financing` source (`DataSource`): bonds issued and equity closed
    from `start` to `end` inclusive, in 元, by the firm's town — `[(None, town_id, None, amount)]`."""
    by_town: dict[int, Decimal] = {}
    for qs, day in ((BondIssue.objects, "issued_on"), (EquityDeal.objects, "closed_on")):
        sums = (
            qs.filter(**{f"{day}__gte": start, f"{day}__lte": end})
            .values(town=F("enterprise__town_id"))
            .annotate(amount=Sum("amount"))
            .order_by()
        )
        for s in sums:
            by_town[s["town"]] = by_town.get(s["town"], ZERO) + s["amount"]
    return [(None, town, None, float(amount)) for town, amount in sorted(by_town.items())]


# ---------------------------------------------------------------- the apple exchange


def exchange_by_year(user) -> dict:
    """Every month's figures (newest first) and each year's totals (two queries)."""
    months = access.exchange_months_for(user)
    years = list(
        months.annotate(year=ExtractYear("month"))
        .values("year")
        .annotate(
            months=Count("pk"),
            volume=Sum("listed_volume"),
            turnover=Sum("turnover"),
            farmer_visits=Sum("farmers"),
            farmers_avg=Avg("farmers"),
        )
        .order_by("-year")
    )
    return {"months": list(months.order_by("-month")), "years": years}


# ---------------------------------------------------------------- credit mutuals


def _latest(field_name: str):
    return Subquery(
        MutualMonth.objects.filter(mutual=OuterRef("pk")).order_by("-month").values(field_name)[:1]
    )


def mutuals_overview(user) -> dict:
    """Each cooperative with its latest month's figures, and their sums (one query)."""
    mutuals = list(
        access.mutuals_for(user)
        .annotate(
            latest_month=_latest("month"),
            latest_members=_latest("members"),
            latest_funds=_latest("funds"),
            latest_loans=_latest("loans"),
        )
        .order_by("organisation__name", "pk")
    )
    reported = [m for m in mutuals if m.latest_month is not None]
    return {
        "mutuals": mutuals,
        "members": sum(m.latest_members for m in reported),
        "funds": sum((Decimal(m.latest_funds) for m in reported), ZERO),
        "loans": sum((Decimal(m.latest_loans) for m in reported), ZERO),
    }


def mutual_months(user, mutual: CreditMutual):
    return access.mutual_months_for(user).filter(mutual=mutual).order_by("-month")


def mutual_candidates():
    """Cooperatives of the credit-mutual kind not yet registered as a pilot."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.CREDIT_MUTUAL, credit_mutual__isnull=True
    ).order_by("name")
