"""Coverage from the reports: per product and year the towns covered, the households covered as a share of
the farm households, premium, claims and the loss ratio; the plan's insurance targets (二十) beside the
figures these records give; the data app's sources (`DATA_SOURCES`).

Denominator: the census farm households (Division.farm_households) of a town's villages, as the credit
rates count them (a town without villages: its own figure). Households covered by agricultural insurance
in a town are those of its agricultural product with the most insured households: a household insuring its
wheat and its apples is one household, so the sum over products would count it twice — this is the figure
the records can vouch for (a lower bound of the de-duplicated count the 农业农村局 reports).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from puhui.core.models import Division
from puhui.insurance import access
from puhui.insurance.models import AGRI_LINES, Line, Product, Report

FARM_RATE_TARGET = "farm_insured_rate"  # targets.yaml: 2021年底农业保险参保农户覆盖率达到65%以上
CROP_TARGET, LIVESTOCK_TARGET = "crop_coverage_up", "livestock_coverage_up"
CROP_LINES = frozenset({Line.CROP, Line.FRUIT, Line.HERB, Line.FACILITY})  # insured in 亩 of crops


def farm_households_by_town() -> dict[int, int]:
    """town id → farm households (sum of its villages', else the town's own)."""
    out: dict[int, int] = {}
    for tid, n in Division.objects.filter(level=Division.Level.VILLAGE).values_list(
        "parent_id", "farm_households"
    ):
        out[tid] = out.get(tid, 0) + (n or 0)
    for tid, n in Division.objects.filter(level=Division.Level.TOWN).values_list("pk", "farm_households"):
        if not out.get(tid):
            out[tid] = n or 0
    return out


def town_farm_households(town: Division) -> int:
    villages = Division.objects.filter(parent=town, level=Division.Level.VILLAGE)
    total = villages.aggregate(n=Sum("farm_households"))["n"]
    return total if total else town.farm_households


def _pct(part, whole) -> float | None:
    return float(part) * 100 / float(whole) if whole else None


def report_years(user) -> list[int]:
    return sorted(set(access.reports_for(user).values_list("year", flat=True).distinct()), reverse=True)


@dataclass
class ProductRow:
    product: Product
    towns: int = 0
    policies: int = 0
    households: int = 0
    quantity: Decimal = Decimal(0)
    premium: Decimal = Decimal(0)
    claims: int = 0
    claims_paid: Decimal = Decimal(0)
    farm_households: int = 0

    @property
    def household_rate(self) -> float | None:
        return _pct(self.households, self.farm_households)

    @property
    def loss_ratio(self) -> float | None:
        return _pct(self.claims_paid, self.premium)


@dataclass
class TownRow:
    town: Division
    farm_households: int
    agri_households: int = 0  # the largest agricultural product's
    premium: Decimal = Decimal(0)
    claims_paid: Decimal = Decimal(0)
    products: int = 0

    @property
    def rate(self) -> float | None:
        return _pct(self.agri_households, self.farm_households)


@dataclass
class Coverage:
    year: int
    products: list[ProductRow] = field(default_factory=list)
    towns: list[TownRow] = field(default_factory=list)
    farm_households: int = 0

    @property
    def premium(self) -> Decimal:
        return sum((r.premium for r in self.products), Decimal(0))

    @property
    def claims_paid(self) -> Decimal:
        return sum((r.claims_paid for r in self.products), Decimal(0))

    @property
    def loss_ratio(self) -> float | None:
        return _pct(self.claims_paid, self.premium)

    @property
    def agri_households(self) -> int:
        return sum(t.agri_households for t in self.towns)

    @property
    def farm_rate(self) -> float | None:
        return _pct(self.agri_households, self.farm_households)


def _scope_towns(user) -> list[Division]:
    towns = Division.objects.filter(level=Division.Level.TOWN).order_by("code")
    town = access.town_of(user)
    return list(towns.filter(pk=town.pk) if town is not None else towns)


def coverage(user, year: int) -> Coverage:
    """The year's figures from the reports the user may read; the households' share is of the farm
    households of the towns in the user's scope (a town: its own; everyone else: the county)."""
    towns = _scope_towns(user)
    farm = farm_households_by_town()
    result = Coverage(year=year, farm_households=sum(farm.get(t.pk, 0) for t in towns))
    reports = access.reports_for(user).filter(year=year)
    rows = (
        reports.values("product_id")
        .annotate(
            towns=Count("town", distinct=True, filter=Q(policies__gt=0)),
            policies=Sum("policies"),
            households=Sum("households"),
            quantity=Sum("quantity"),
            premium=Sum("premium"),
            claims=Sum("claims"),
            claims_paid=Sum("claims_paid"),
        )
        .order_by()
    )
    products = {
        p.pk: p
        for p in Product.objects.select_related("insurer").filter(pk__in=[r["product_id"] for r in rows])
    }
    for r in rows:
        product_id = r.pop("product_id")
        result.products.append(
            ProductRow(product=products[product_id], farm_households=result.farm_households, **r)
        )
    result.products.sort(key=lambda r: (not r.product.is_local_special, r.product.line, r.product.name))
    by_town = {
        r["town_id"]: r
        for r in reports.values("town_id")
        .annotate(
            agri=Max("households", filter=Q(product__line__in=AGRI_LINES)),
            premium=Sum("premium"),
            claims_paid=Sum("claims_paid"),
            products=Count("product", distinct=True),
        )
        .order_by()
    }
    for town in towns:
        r = by_town.get(town.pk, {})
        result.towns.append(
            TownRow(
                town=town,
                farm_households=farm.get(town.pk, 0),
                agri_households=r.get("agri") or 0,
                premium=r.get("premium") or Decimal(0),
                claims_paid=r.get("claims_paid") or Decimal(0),
                products=r.get("products") or 0,
            )
        )
    return result


# ---------------------------------------------------------------- the plan's targets (二十)


def _quantity(user, year: int, lines) -> Decimal:
    qs = access.reports_for(user).filter(year=year, product__line__in=lines)
    return qs.aggregate(n=Sum("quantity"))["n"] or Decimal(0)


def targets(user) -> list[dict]:
    """The plan's insurance targets as the data app keeps them (current versions), each with what these
    records give: the 参保农户覆盖率 judged per year and town; for the crop and livestock rates, which need the
    sown area and the stock (the 农业农村局's 农业保险基础数据表), the insured 亩 and 头 of the base and deadline
    years — the data app's target page judges them."""
    from puhui.data.models import Target  # the targets live in the data app; read only

    current = {
        t.code: t
        for t in Target.objects.filter(
            is_current=True, code__in=(FARM_RATE_TARGET, CROP_TARGET, LIVESTOCK_TARGET)
        )
    }
    out = []
    farm_target = current.get(FARM_RATE_TARGET)
    if farm_target is not None:
        threshold = float(farm_target.threshold)
        deadline = int(farm_target.deadline_period) if farm_target.deadline_period.isdigit() else None
        years = []
        for year in sorted(report_years(user)):
            cov = coverage(user, year)
            met_towns = sum(1 for t in cov.towns if t.rate is not None and t.rate >= threshold)
            years.append({"year": year, "rate": cov.farm_rate, "met": cov.farm_rate is not None and cov.farm_rate >= threshold,
                          "met_towns": met_towns, "towns": len(cov.towns), "is_deadline": year == deadline})  # fmt: skip
        out.append({"target": farm_target, "kind": "rate", "threshold": threshold, "years": years})
    for code, lines, unit in ((CROP_TARGET, CROP_LINES, "亩"), (LIVESTOCK_TARGET, {Line.LIVESTOCK}, "头")):
        target = current.get(code)
        if target is None:
            continue
        periods = [p for p in (target.base_period, target.deadline_period) if p.isdigit()]
        figures = [{"year": int(p), "quantity": _quantity(user, int(p), lines)} for p in periods]
        out.append({"target": target, "kind": "quantity", "unit": unit, "figures": figures})
    return out


# ---------------------------------------------------------------- the data app's sources (DataSource.values)


def _values(start: datetime.date, end: datetime.date, column: str, lines=None) -> list[tuple]:
    qs = Report.objects.filter(year__gte=start.year, year__lte=end.year)
    if lines is not None:
        qs = qs.filter(product__line__in=lines)
    rows = (
        qs.values("product__insurer_id", "town_id")
        .annotate(v=Sum(column))
        .order_by("product__insurer_id", "town_id")
    )
    return [(r["product__insurer_id"], r["town_id"], None, r["v"]) for r in rows]


def policies_values(start, end) -> list[tuple]:
    """Policies written (件) by insurer and town in the years from `start` to `end`."""
    return _values(start, end, "policies")


def premiums_values(start, end) -> list[tuple]:
    """Premiums (元) of every product, by insurer and town."""
    return _values(start, end, "premium")


def claims_paid_values(start, end) -> list[tuple]:
    """Claims paid (元) of every product, by insurer and town."""
    return _values(start, end, "claims_paid")


def agri_households_values(start, end) -> list[tuple]:
    """Households covered by agricultural insurance per town (the largest agricultural product's), for the
    last year of the period: `[(None, town_id, None, n)]`."""
    rows = (
        Report.objects.filter(year=end.year, product__line__in=AGRI_LINES)
        .values("town_id")
        .annotate(n=Max("households"))
        .order_by("town_id")
    )
    return [(None, r["town_id"], None, r["n"]) for r in rows]
