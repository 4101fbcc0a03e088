"""Financing match-making (issue #15 figure): 30,000 open demands against 300 products with eligibility
rules, through the pure engine (budget: under 1 s); beside it, the app's service posting demands one by one
(`demand_post`: the firm's shelf read, ranked by the engine, routed to the lenders, audited) on a temporary
SQLite county (the demo's divisions and network at scale 0.1, synthetic firms, the products written through
`product_create`). Prints the figures; asserts no time.

    .venv/bin/python bench/bench_matching.py [--demands 30000] [--products 300] [--repeat 5] [--posted 300]
    .venv/bin/python bench/bench_matching.py --posted 0     # the engine only
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from puhui.engines.matching import COLLATERAL, DemandTable, Product, collateral_mask, match  # noqa: E402

RULES = (
    "",
    "amount <= 3000000 and (firm_small or firm_micro)",
    "agri and amount <= 500000",
    "female and amount <= 300000",
    "youth and firm_age <= 5",
    "talent or rating_score >= 80",
    "employees >= 5 and revenue >= 1000000",
    "amount <= revenue * 0.3 if revenue > 0 else amount <= 100000",
    "not firm_individual and min(amount, 2000000) >= 100000",
    "first_loan and rating_score >= 60",
)
TOWNS = [f"370323{n:03d}" for n in (1, 2, 3, 101, 102, 103, 104, 105, 106, 107, 108, 109)]


def distinct_rule(j: int) -> str:
    # Every product its own rule (the worst case: no rule evaluated once for several products).
    base = RULES[j % len(RULES)]
    return f"({base}) and term <= {60 + j}" if base else f"term <= {60 + j}"


def products(n: int, rng) -> list[Product]:
    kinds = list(COLLATERAL)
    out = []
    for j in range(n):
        low = int(rng.choice([10_000, 50_000, 100_000]))
        towns = (
            frozenset(rng.choice(TOWNS, size=int(rng.integers(3, 9)), replace=False))
            if j % 3
            else frozenset()
        )
        out.append(
            Product(
                code=f"P{j:04d}", name=f"产品{j}", owner=f"银行{j % 12}", amount_min=Decimal(low),
                amount_max=Decimal(int(rng.choice([300_000, 1_000_000, 3_000_000, 10_000_000]))),
                term_min=1, term_max=int(rng.choice([12, 24, 36, 60])),
                rate_min=Decimal(str(round(float(rng.uniform(3.5, 6.5)), 2))), rate_max=Decimal("9.00"),
                collateral=frozenset(rng.choice(kinds, size=int(rng.integers(1, 4)), replace=False)),
                towns=towns, rule=distinct_rule(j),
            )
        )  # fmt: skip
    return out


def demands(n: int, rng) -> DemandTable:
    kinds = list(COLLATERAL)
    kind = rng.integers(0, 3, n)
    rating = rng.uniform(40, 100, n)
    rating[rng.random(n) < 0.3] = np.nan  # firms without a rating
    masks = [
        collateral_mask(rng.choice(kinds, size=int(rng.integers(1, 3)), replace=False)) for _ in range(n)
    ]
    return DemandTable(
        ids=np.arange(n),
        towns=rng.choice(TOWNS, n),
        collateral=masks,
        fields={
            "amount": rng.choice([50_000, 100_000, 300_000, 500_000, 1_000_000, 3_000_000], n),
            "term": rng.choice([6, 12, 24, 36], n),
            "firm_small": kind == 0, "firm_micro": kind == 1, "firm_individual": kind == 2,
            "employees": rng.integers(1, 80, n), "revenue": rng.uniform(1e5, 2e7, n),
            "firm_age": rng.integers(0, 20, n), "rating_score": rating,
            "agri": rng.random(n) < 0.3, "female": rng.random(n) < 0.3, "youth": rng.random(n) < 0.4,
            "talent": rng.random(n) < 0.05, "first_loan": rng.random(n) < 0.4,
        },
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demands", type=int, default=30_000)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--posted", type=int, default=300, help="demands posted through the app's service")
    args = parser.parse_args()
    rng = np.random.default_rng(15)
    shelf, table = products(args.products, rng), demands(args.demands, rng)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = match(table, shelf, top=5)
        times.append(time.perf_counter() - started)
    matched = len(np.unique(result.demand))
    print(
        f"matching engine: {args.demands:,} demands x {args.products} products "
        f"({len({p.rule for p in shelf})} distinct rules), top 5: "
        f"median {statistics.median(times):.3f} s, best {min(times):.3f} s over {args.repeat} runs "
        f"(budget 1 s); {matched:,} demands with a fitting product, {len(result.rank):,} matches listed"
    )
    if args.posted:
        with tempfile.TemporaryDirectory(prefix="bench-matching-") as var:
            service_figure(args.posted, args.products, var)


# ---------------------------------------------------------------- the app's service


def _county(var: str) -> None:
    os.environ["PUHUI_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from puhui.demo import build, county

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        ctx = build.DemoContext(seed=2020, scale=0.1, plan=county.plan_county(2020, 0.1), progress=print)
        build._divisions(ctx)
        build._network(ctx)


def _shelf_and_firms(n_products: int, n_firms: int, rng):
    """Lender users with the products through the service; firms in every town, all paired with one adviser."""
    from puhui.core.models import Division, Organisation, User
    from puhui.financing.access import BANK_KINDS
    from puhui.financing.models import Assignment
    from puhui.financing.services.products import product_create
    from puhui.registry.models import Firm

    banks = list(Organisation.objects.filter(kind__in=BANK_KINDS, level="branch").order_by("code"))
    staff = [
        User.objects.create(username=f"bench_{b.code}", role="institution", organisation=b) for b in banks
    ]
    towns = list(Division.objects.filter(level="town").order_by("code"))
    for j, p in enumerate(products(n_products, rng)):
        product_create(
            actor=staff[j % len(staff)], name=p.name, amount_min=p.amount_min, amount_max=p.amount_max,
            term_min=p.term_min, term_max=p.term_max, rate_min=p.rate_min, rate_max=p.rate_max,
            collateral=sorted(p.collateral), rule=p.rule, active=True,
            towns=[towns[int(i)] for i in rng.choice(len(towns), size=4, replace=False)] if j % 3 else [],
        )  # fmt: skip
    villages = list(Division.objects.filter(level="village").order_by("code"))
    firms = Firm.objects.bulk_create(
        Firm(uscc=f"91370323MA{k:08d}", name=f"测试企业{k}", kind=("small", "micro", "individual")[k % 3],
             industry="农、林、牧、渔业" if k % 4 == 0 else "制造业", village=v, town_id=v.parent_id,
             registered_on=datetime.date(2010 + k % 12, 3, 1), employees=int(rng.integers(1, 80)),
             annual_revenue=int(rng.integers(100_000, 20_000_000)))
        for k, v in enumerate(villages[int(i)] for i in rng.choice(len(villages), size=n_firms))
    )  # fmt: skip
    adviser = staff[0]
    Assignment.objects.bulk_create(
        Assignment(adviser=adviser, bank=adviser.organisation, firm=f, start=datetime.date(2021, 1, 4))
        for f in firms
    )
    return adviser, firms


def service_figure(n: int, n_products: int, var: str) -> None:
    _county(var)
    from puhui.financing.models import Route
    from puhui.financing.services.demands import demand_post

    rng = np.random.default_rng(16)
    adviser, firms = _shelf_and_firms(n_products, n, rng)
    kinds = list(COLLATERAL)
    times = []
    for firm in firms:
        started = time.perf_counter()
        demand_post(
            actor=adviser, firm=firm, amount=int(rng.choice([50_000, 100_000, 300_000, 1_000_000])),
            term=int(rng.choice([6, 12, 24, 36])), purpose="流动资金",
            collateral=list(rng.choice(kinds, size=2, replace=False)), female=rng.random() < 0.3,
            youth=rng.random() < 0.4, talent=rng.random() < 0.05, first_loan=rng.random() < 0.4,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    times.sort()
    print(
        f"app service demand_post (SQLite): {n:,} demands posted one by one against {n_products} products, "
        f"each ranked, routed and audited: median {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {times[int(0.95 * (n - 1))] * 1000:.0f} ms per demand, {sum(times):.1f} s in all; "
        f"{Route.objects.count():,} routes"
    )


if __name__ == "__main__":
    main()
