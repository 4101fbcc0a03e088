"""What fits a financing demand: the demand and its firm as the engine's fields (vocabulary of
`puhui.engines.matching`), the products of the lenders serving the firm's town, ranked by the engine.

Service area (docs/smallfirm.md): the towns where a bank — its county branch or any outlet or service point
under it — is present in the register. The guarantee company (省农担's county office) serves every town.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch

from puhui.core.models import Division, Organisation, ServicePoint
from puhui.core.plugins import service
from puhui.engines.matching import DemandTable, explain, match
from puhui.engines.matching import Product as EngineProduct
from puhui.financing.models import Product

AGRI_INDUSTRY = "农、林、牧、渔业"
FIRM_KIND_FIELDS = {"small": "firm_small", "micro": "firm_micro", "individual": "firm_individual"}


def service_town_ids(org: Organisation) -> set[int] | None:
    """The towns a lender serves; None: every town (the guarantee company)."""
    if org.kind == Organisation.Kind.GUARANTEE:
        return None
    towns = set()
    seats = Organisation.objects.filter(path__startswith=org.path).values_list(
        "division__level", "division_id", "division__parent_id"
    )
    for level, division, parent in seats:
        if level == "town":
            towns.add(division)
        elif level == "village":
            towns.add(parent)
    points = ServicePoint.objects.filter(bank__path__startswith=org.path).values_list(
        "village__parent_id", flat=True
    )
    towns.update(points)
    towns.discard(None)
    return towns


def firm_rating(firm) -> dict | None:
    """The firm's rating from the firms app (Service "firm_rating"), None when it has none or is not installed."""
    try:
        rate = service("firm_rating")
    except LookupError:
        return None
    return rate(firm=firm)


def demand_fields(firm, *, amount, term, flags: dict, on: datetime.date, rating: dict | None) -> dict:
    """The demand and its firm as the engine's vocabulary (numbers; flags 1/0; None: missing)."""
    fields = {name: 1 if firm.kind == kind else 0 for kind, name in FIRM_KIND_FIELDS.items()}
    fields.update(
        amount=amount,
        term=term,
        employees=firm.employees,
        revenue=firm.annual_revenue,
        firm_age=(on - firm.registered_on).days // 365,
        rating_score=(rating or {}).get("score"),
    )
    fields.update({name: 1 if value else 0 for name, value in flags.items()})
    if firm.industry == AGRI_INDUSTRY:
        fields["agri"] = 1
    return fields


def engine_product(product: Product) -> EngineProduct:
    return EngineProduct(
        code=str(product.pk),
        name=product.name,
        owner=product.owner.name,
        amount_min=product.amount_min,
        amount_max=product.amount_max,
        term_min=product.term_min,
        term_max=product.term_max,
        rate_min=product.rate_min,
        rate_max=product.rate_max,
        collateral=frozenset(product.collateral),
        towns=frozenset(t.code[:9] for t in product.towns.all()),
        rule=product.rule,
    )


def shelf_for_town(town: Division) -> list[Product]:
    """The active products of the lenders whose service area holds `town`."""
    products = Product.objects.filter(active=True).select_related("owner")
    products = products.prefetch_related(Prefetch("towns", queryset=Division.objects.only("code")))
    areas: dict[int, set[int] | None] = {}
    shelf = []
    for p in products:
        if p.owner_id not in areas:
            areas[p.owner_id] = service_town_ids(p.owner)
        area = areas[p.owner_id]
        if area is None or town.pk in area:
            shelf.append(p)
    return shelf


def demand_row(firm, fields: dict, collateral) -> dict:
    return {**fields, "id": 0, "town": firm.town.code[:9], "collateral": list(collateral)}


def ranked_products(firm, fields: dict, collateral) -> tuple[list[Product], list[Product]]:
    """(the fitting products best first, the whole shelf of the firm's town)."""
    shelf = shelf_for_town(firm.town)
    if not shelf:
        return [], []
    table = DemandTable.from_rows([demand_row(firm, fields, collateral)])
    result = match(table, [engine_product(p) for p in shelf], top=len(shelf))
    return [shelf[i] for i in result.for_demand(0)], shelf


def why_not(firm, fields: dict, collateral, product: Product) -> list[str]:
    """Why `product` does not fit, in Chinese (the engine's reasons, and the service area)."""
    area = service_town_ids(product.owner)
    reasons = (
        []
        if area is None or firm.town_id in area
        else [f"{product.owner.name}的服务范围不含{firm.town.name}"]
    )
    if not product.active:
        reasons.append("该产品已下架")
    return reasons + explain(demand_row(firm, fields, collateral), engine_product(product))
