"""The demo county's inclusive insurance: products of three insurers for the crops and groups the plan names
(七: 苹果、桃、葡萄、樱桃、中药材、大小拱棚; 农房、农机; 低保对象、特困人员、留守老人和儿童、残疾人), and their
policies and claims 2020–2021 in most towns. Wheat covers most farm households, more in 2021 than in 2020, so
the 65% 参保农户覆盖率 of 二十 is met in 2021 county-wide but not in every town, and not in 2020.

Written through the services — PICC's products and reports by its own user (ins_picc), the others' entered by
the office — so every rule holds.
"""

import datetime
from decimal import Decimal

from puhui.core.models import Division, Organisation
from puhui.insurance.selectors.coverage import farm_households_by_town
from puhui.insurance.services.products import product_create
from puhui.insurance.services.reports import report_save

COUNT_LABELS = {"products": "普惠保险产品", "reports": "承保理赔情况记录"}
YEARS = (2020, 2021)
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
# Share of a town's farm households insured, by line, in 2020 and 2021 (wheat: the 参保农户覆盖率).
REACH = {"crop": (0.55, 0.68), "fruit": (0.08, 0.10), "herb": (0.03, 0.04), "facility": (0.02, 0.03),
         "livestock": (0.02, 0.025), "house": (0.20, 0.25), "machinery": (0.01, 0.012), "forest": (0.01, 0.01),
         "personal": (0.02, 0.025)}  # fmt: skip
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
    picc_user = ctx.users.get("ins_picc")
    for key, name, line, subject, sum_insured, (
        rate,
        premium,
    ), shares, special, start, end, covers in PRODUCTS:
        insurer = insurers.get(key)
        if insurer is None:
            continue
        own = picc_user is not None and picc_user.organisation_id == insurer.pk
        actor = picc_user if own else ctx.users["office"]
        made.append(
            product_create(
                actor=actor, insurer=insurer, name=name, line=line, subject=subject, covers=covers,
                sum_insured_per_unit=Decimal(sum_insured), premium_rate=rate, premium_per_unit=premium,
                is_local_special=special, on_sale_from=start, on_sale_to=end,
                **dict(zip(SHARE_NAMES, (Decimal(s) for s in shares), strict=True)),
            )
        )  # fmt: skip
    return made


def _reports(ctx, products, towns, farm) -> int:
    rnd = ctx.random(44, 60)
    picc_user = ctx.users.get("ins_picc")
    made = 0
    for n, product in enumerate(products):
        actor = (
            picc_user
            if picc_user is not None and picc_user.organisation_id == product.insurer_id
            else ctx.users["office"]
        )
        per_household = UNITS_PER_HOUSEHOLD[product.line]
        for t, town in enumerate(towns):
            if (n + t) % 6 == 5 and product.subject != "wheat":
                continue  # most towns, not all
            for y, year in enumerate(YEARS):
                if not product.on_sale_in(year) or not farm.get(town.pk):
                    continue
                reach = REACH[product.line][y] * (
                    0.85 + 0.3 * ((t * 7 + n) % 5) / 4
                )  # some towns above, some below
                households = min(farm[town.pk], max(1, int(farm[town.pk] * reach)))
                quantity = Decimal(households * per_household * rnd.uniform(0.8, 1.2)).quantize(
                    Decimal("0.01")
                )
                premium = (quantity * product.premium).quantize(Decimal("0.01"))
                claims = int(households * rnd.uniform(0.02, 0.15))
                paid = (
                    (premium * Decimal(rnd.uniform(0.3, 1.1))).quantize(Decimal("0.01"))
                    if claims
                    else Decimal(0)
                )
                report_save(
                    actor=actor, product=product, town=town, year=year, policies=households, households=households,
                    quantity=quantity, premium=premium, claims=claims, claims_paid=paid,
                )  # fmt: skip
                made += 1
    return made


def build(ctx) -> dict:
    if "office" not in ctx.users:
        return {}
    insurers = _insurers(ctx)
    towns = list(Division.objects.filter(level=Division.Level.TOWN).order_by("code"))
    if not insurers or not towns:
        return {}
    products = _products(ctx, insurers)
    farm = farm_households_by_town()
    return {"products": len(products), "reports": _reports(ctx, products, towns, farm)}
