"""The demo county's inclusive insurance: products of three insurers for the crops and groups the plan names
(七: 苹果、桃、葡萄、樱桃、中药材、大小拱棚; 农房、农机; 低保对象、特困人员、留守老人和儿童、残疾人), and their
policies and claims 2019–2021 in most towns.

The agricultural products' records are the insurers' 农业保险业务情况表 (the data app's demo returns) split over
their products, so per insurer and year the records add up to the return — but for one: CPIC's 2021 peach
insurance in its first town was not recorded, which the office finds on 承保理赔情况 → 报表核对. PICC insures the
wheat of every farm household the return counts, so the 65% 参保农户覆盖率 of 二十 is met in 2021 county-wide
but not in every town, and not in 2020. The other products (农房、农机、人身) follow their own reach by town.

Written through the services — PICC's products and reports by its own user (ins_picc), the others' entered by
the office — so every rule holds.
"""

import datetime
import math
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from puhui.core.models import Division, Organisation
from puhui.insurance.models import AGRI_LINES, CENT
from puhui.insurance.selectors.coverage import farm_households_by_town
from puhui.insurance.selectors.returns import returns_by_town
from puhui.insurance.services.products import product_create
from puhui.insurance.services.reports import report_save

COUNT_LABELS = {"products": "普惠保险产品", "reports": "承保理赔情况记录"}
YEARS = (2019, 2020, 2021)
D = datetime.date

# insurer key, name, line, subject, sum insured, (rate % | None, premium 元 | None), shares c/p/city/county/farmer,
# local special, on sale from, to, covers
PRODUCTS = (
    ("PICC", "小麦种植保险", "crop", "wheat", 950, (None, 28), (40, 25, 5, 10, 20), False, D(2018, 1, 1), None,
     "旱、涝、风雹、冻害、病虫害等造成的小麦损失，按损失程度赔付。"),
    ("PICC", "玉米种植保险", "crop", "corn", 800, (None, 30), (40, 25, 5, 10, 20), False, D(2018, 1, 1), None,
     "暴雨、洪水、风灾、干旱、病虫害等造成的玉米损失。"),
    ("PICC", "沂源苹果种植保险", "fruit", "apple", 4000, (6, None), (0, 30, 10, 30, 30), True, D(2019, 3, 1), None,
     "冰雹、暴风、冻害、干旱等自然灾害造成的苹果产量损失。"),
    ("PICC", "樱桃种植保险", "fruit", "cherry", 5000, (6, None), (0, 30, 10, 30, 30), True, D(2021, 3, 1), None,
     "花期冻害、冰雹、暴雨造成的樱桃减产。"),
    ("PICC", "中药材种植保险", "herb", "herb", 2000, (None, 100), (0, 30, 10, 30, 30), True, D(2019, 1, 1), None,
     "丹参、金银花等中药材因自然灾害和病虫害造成的损失。"),
    ("PICC", "大小拱棚设施农业保险", "facility", "greenhouse", 6000, (None, 240), (0, 30, 10, 30, 30), True,
     D(2019, 1, 1), None, "暴雪、大风造成的大小拱棚棚体、棚膜和棚内作物损失。"),
    ("PICC", "能繁母猪保险", "livestock", "sow", 1500, (None, 90), (50, 25, 5, 0, 20), False, D(2018, 1, 1), None,
     "疾病、疫病、自然灾害和意外事故造成的能繁母猪死亡。"),
    ("PICC", "农房保险", "house", "house", 20000, (None, 20), (0, 0, 0, 100, 0), False, D(2019, 1, 1), None,
     "火灾、暴雨、洪水、地震等造成的农房倒塌和损坏。"),
    ("PICC", "农机具综合保险", "machinery", "machinery", 30000, (1.5, None), (0, 20, 0, 30, 50), False,
     D(2019, 1, 1), None, "拖拉机、收割机等农机具的碰撞、倾覆和第三者责任。"),
    ("CPIC", "葡萄种植保险", "fruit", "grape", 4500, (6, None), (0, 30, 10, 30, 30), True, D(2019, 1, 1), None,
     "冰雹、暴雨、冻害造成的葡萄产量损失。"),
    ("CPIC", "桃种植保险", "fruit", "peach", 3500, (6, None), (0, 30, 10, 30, 30), True, D(2019, 1, 1), None,
     "冰雹、暴风、冻害造成的桃产量损失。"),
    ("CPIC", "育肥猪保险", "livestock", "hog", 800, (None, 30), (40, 25, 5, 10, 20), False, D(2019, 1, 1),
     D(2021, 12, 31), "疫病、自然灾害造成的育肥猪死亡（2021年底停办）。"),
    ("CPIC", "公益林保险", "forest", "forest", 1000, (None, 2.5), (50, 30, 5, 15, 0), False, D(2019, 1, 1), None,
     "火灾、病虫害和自然灾害造成的林木损失。"),
    ("CLIC", "低保对象意外伤害保险", "personal", "dibao", 50000, (None, 30), (0, 0, 0, 100, 0), False,
     D(2019, 1, 1), None, "意外身故、伤残和意外医疗，县财政全额出资。"),
    ("CLIC", "特困人员补充医疗保险", "personal", "tekun", 20000, (None, 60), (0, 0, 0, 100, 0), False,
     D(2019, 1, 1), None, "基本医疗、大病保险报销后的自付医疗费用补充报销。"),
    ("CLIC", "留守老人意外伤害保险", "personal", "elderly", 30000, (None, 20), (0, 0, 0, 50, 50), False,
     D(2020, 1, 1), None, "意外身故、伤残和意外医疗。"),
    ("CLIC", "留守儿童意外伤害保险", "personal", "children", 30000, (None, 15), (0, 0, 0, 50, 50), False,
     D(2020, 1, 1), None, "意外身故、伤残和意外医疗。"),
    ("CLIC", "残疾人意外伤害保险", "personal", "disabled", 30000, (None, 25), (0, 0, 0, 100, 0), False,
     D(2020, 1, 1), None, "意外身故、伤残和意外医疗，县残联协调、县财政出资。"),
)  # fmt: skip
# Share of a town's farm households insured, by line, in 2019, 2020 and 2021: the other products' reach, and
# the agricultural products' weights in splitting a return's policies.
REACH = {"crop": (0.45, 0.55, 0.68), "fruit": (0.06, 0.08, 0.10), "herb": (0.02, 0.03, 0.04),
         "facility": (0.015, 0.02, 0.03), "livestock": (0.015, 0.02, 0.025), "house": (0.15, 0.20, 0.25),
         "machinery": (0.008, 0.01, 0.012), "forest": (0.01, 0.01, 0.01), "personal": (0.015, 0.02, 0.025)}  # fmt: skip
EVERY_INSURED_HOUSEHOLD = "wheat"  # the product every household an insurer's return counts holds
NOT_RECORDED = ("CPIC", 2021, "peach")  # one product's records the insurer forgot in its first town
UNITS_PER_HOUSEHOLD = {"crop": 4, "fruit": 3, "herb": 2, "facility": 1, "livestock": 6, "house": 1,
                       "machinery": 1, "forest": 20, "personal": 1}  # fmt: skip
SHARE_NAMES = ("central_share", "provincial_share", "city_share", "county_share", "farmer_share")


def _insurers(ctx) -> dict:
    out = {}
    for key in ("PICC", "CPIC", "CLIC"):
        org = ctx.organisations.get(key)
        if org is None:
            org = (
                Organisation.objects.filter(kind="insurer", code__icontains=key)
                .exclude(level="outlet")
                .first()
            )
        if org is not None:
            out[key] = org
    return out


def _products(ctx, insurers) -> list:
    made = []
    for key, name, line, subject, sum_insured, (
        rate,
        premium,
    ), shares, special, start, end, covers in PRODUCTS:
        insurer = insurers.get(key)
        if insurer is None:
            continue
        made.append(
            product_create(
                actor=_actor(ctx, insurer.pk), insurer=insurer, name=name, line=line, subject=subject, covers=covers,
                sum_insured_per_unit=Decimal(sum_insured), premium_rate=rate, premium_per_unit=premium,
                is_local_special=special, on_sale_from=start, on_sale_to=end,
                **dict(zip(SHARE_NAMES, (Decimal(s) for s in shares), strict=True)),
            )
        )  # fmt: skip
    return made


def _actor(ctx, insurer_id: int):
    """PICC's own user for PICC, the office for the insurers without a demo user."""
    picc_user = ctx.users.get("ins_picc")
    own = picc_user is not None and picc_user.organisation_id == insurer_id
    return picc_user if own else ctx.users["office"]


def _sold_in(products, towns):
    """(product, town) pairs where it is sold: most towns, not all (wheat everywhere)."""
    for n, product in enumerate(products):
        for t, town in enumerate(towns):
            if (n + t) % 6 != 5 or product.subject == EVERY_INSURED_HOUSEHOLD:
                yield n, product, t, town


def _other_reports(ctx, products, towns, farm) -> int:
    """The products outside agriculture (农房、农机、人身), by their own reach in each town."""
    rnd = ctx.random(44, 60)
    made = 0
    for n, product, t, town in _sold_in(products, towns):
        if product.line in AGRI_LINES:
            continue
        for y, year in enumerate(YEARS):
            if not product.on_sale_in(year) or not farm.get(town.pk):
                continue
            reach = REACH[product.line][y] * (
                0.85 + 0.3 * ((t * 7 + n) % 5) / 4
            )  # some towns above, some below
            households = min(farm[town.pk], max(1, int(farm[town.pk] * reach)))
            quantity = _quantity(rnd, product, households)
            premium = (quantity * product.premium).quantize(CENT)
            claims = int(households * rnd.uniform(0.02, 0.15))
            paid = (premium * Decimal(rnd.uniform(0.3, 1.1))).quantize(CENT) if claims else Decimal(0)
            report_save(
                actor=_actor(ctx, product.insurer_id), product=product, town=town, year=year, policies=households,
                households=households, quantity=quantity, premium=premium, claims=claims, claims_paid=paid,
            )  # fmt: skip
            made += 1
    return made


def _quantity(rnd, product, households: int) -> Decimal:
    return Decimal(households * UNITS_PER_HOUSEHOLD[product.line] * rnd.uniform(0.8, 1.2)).quantize(CENT)


def apportion(total: int, weights: list[float]) -> list[int]:
    """`total` whole units shared in proportion to `weights` (largest remainder, in exact fractions): the
    parts add up to it exactly, each within one unit of its share, a zero weight gets nothing."""
    shares = [Fraction(w) for w in weights]
    whole = sum(shares)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in shares]
    parts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _split(rnd, products, figures, y) -> list[dict]:
    """One insurer's return for one town split over its agricultural products sold there: the wheat holds
    every insured household, the other policies go by the products' reach; premiums by the units a household
    insures × the product's premium, and the units insured follow from the premium at the product's price;
    claims by premium and their amounts by claims (a product without a claim pays none)."""
    households, policies = int(figures.get("insured_households", 0)), int(figures.get("policies", 0))
    base = [p for p in products if p.subject == EVERY_INSURED_HOUSEHOLD][:1]
    others = [p for p in products if p not in base]
    held = [min(households, policies)] if base else []
    shares = held + apportion(policies - sum(held), [REACH[p.line][y] for p in others])
    products = base + others
    weights = [float(_quantity(rnd, p, n) * p.premium) for p, n in zip(products, shares, strict=True)]
    premium = apportion(_fen(figures.get("premiums")), weights)
    quantity = [(Decimal(f) / 100 / p.premium).quantize(CENT) for p, f in zip(products, premium, strict=True)]
    claims = apportion(int(figures.get("claim_count", 0)), [float(p) for p in premium])
    paid = apportion(_fen(figures.get("claims")), [float(c) for c in claims])
    return [
        {"product": p, "policies": n, "households": n, "quantity": q, "premium": Decimal(f) / 100,
         "claims": c, "claims_paid": Decimal(pd) / 100}
        for p, n, q, f, c, pd in zip(products, shares, quantity, premium, claims, paid, strict=True)
        if n
    ]  # fmt: skip


def _fen(value) -> int:
    return int((Decimal(value or 0) * 100).to_integral_value())


def _agri_reports(ctx, products, towns) -> int:
    """The agricultural products' records: each insurer's returns split over its products (after the data
    app's demo has written them)."""
    rnd = ctx.random(44, 61)
    sold = defaultdict(list)  # (insurer, town) → its agricultural products sold there
    for _n, product, _t, town in _sold_in(products, towns):
        if product.line in AGRI_LINES:
            sold[product.insurer_id, town.pk].append(product)
    keys = {org.pk: key for key, org in _insurers(ctx).items()}
    by_pk = {town.pk: town for town in towns}
    made = 0
    for y, year in enumerate(YEARS):
        for (insurer, town_id), figures in sorted(returns_by_town(year).items()):
            on_sale = [p for p in sold.get((insurer, town_id), []) if p.on_sale_in(year)]
            town = by_pk[town_id]
            for row in _split(rnd, on_sale, figures, y):
                product = row.pop("product")
                forgot = (keys.get(insurer), year, product.subject) == NOT_RECORDED
                if forgot and town.pk == _first_town(sold, product):
                    continue
                report_save(
                    actor=_actor(ctx, product.insurer_id), product=product, town=town, year=year, **row
                )
                made += 1
    return made


def _first_town(sold, product) -> int | None:
    return min((t for (_i, t), products in sold.items() if product in products), default=None)


def build(ctx) -> dict:
    if "office" not in ctx.users:
        return {}
    insurers = _insurers(ctx)
    towns = list(Division.objects.filter(level=Division.Level.TOWN).order_by("code"))
    if not insurers or not towns:
        return {}
    products = _products(ctx, insurers)
    ctx.later(lambda: _later(ctx, products, towns))
    return {
        "products": len(products),
        "reports": _other_reports(ctx, products, towns, farm_households_by_town()),
    }


def _later(ctx, products, towns) -> None:
    """The agricultural records split the insurers' returns, which the data app's demo writes after this one
    (and before its indicators are computed again, at the end)."""
    ctx.counts["insurance.reports"] = ctx.counts.get("insurance.reports", 0) + _agri_reports(
        ctx, products, towns
    )
