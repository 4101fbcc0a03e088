"""The demo county's direct financing, apple exchange and credit mutuals (plan 二、三), 2019–2021.

Bonds and notes of county firms (5000万–5亿元 each, several instruments), equity raised (angel, VC, PE,
guidance funds; some “基金+产业” projects), 齐鲁农产品交易中心's monthly apple trading (the season peaks
October–December) and three cooperatives running credit mutuals with their monthly figures. Firms of the
listing pipeline are the same rows as there (same 统一社会信用代码, town and industry, whichever part of
the demo runs first); the others get codes of their own. Written through the services, so every rule
holds; deterministic for a seed (`ctx.random(STREAM, 2)`). Called from `demo.py`.
"""

import datetime
from decimal import Decimal

from puhui.core.models import Division, Organisation
from puhui.demo import ids
from puhui.localfin import access
from puhui.localfin.demo_listing import FIRMS as LISTING_FIRMS
from puhui.localfin.demo_listing import STREAM
from puhui.localfin.demo_listing import USCC_COUNTER_START as LISTING_USCC_START
from puhui.localfin.models import BondIssue, CreditMutual, Enterprise, EquityDeal
from puhui.localfin.services import financing as services

USCC_COUNTER_START = 710_000_000  # past the listing pipeline's codes (700,000,000 upwards)
YEARS = (2019, 2020, 2021)
D = datetime.date
WAN = 10_000

# Firms that only raise money here: (name, industry).
OWN_FIRMS = [
    ("沂源县城市建设投资集团有限公司", "城市基础设施建设"),
    ("沂源县国有资产运营有限公司", "商务服务"),
    ("沂源县农业发展投资有限公司", "农业"),
    ("山东沂源果品冷链物流有限公司", "仓储物流"),
    ("沂源县悦庄智能装备有限公司", "专用设备制造"),
    ("淄博沂源康源生物科技有限公司", "医药制造"),
]
LISTING_PICKS = (0, 1, 2, 4, 5, 6, 7, 16)  # listing firms (index in demo_listing.FIRMS) that also raise money

# (instrument, term in months, amount range in 万元, rate range in %)
BOND_KINDS = [
    (BondIssue.Instrument.SCP, 9, (5_000, 30_000), (3.2, 5.5)),
    (BondIssue.Instrument.MTN, 36, (10_000, 50_000), (3.8, 6.5)),
    (BondIssue.Instrument.SMECN, 36, (5_000, 15_000), (4.5, 7.0)),
    (BondIssue.Instrument.ENTERPRISE, 84, (20_000, 50_000), (4.2, 7.2)),
    (BondIssue.Instrument.CORPORATE, 60, (10_000, 40_000), (3.9, 7.5)),
]
UNDERWRITERS = [
    "中泰证券股份有限公司",
    "中国农业银行股份有限公司",
    "兴业银行股份有限公司",
    "国泰君安证券股份有限公司",
    "恒丰银行股份有限公司",
    "齐鲁银行股份有限公司",
]
# (investor kind, amount range in 万元, investors)
EQUITY_KINDS = [
    (EquityDeal.Investor.ANGEL, (500, 2_000), ["淄博天使投资基金", "齐鲁创新天使投资合伙企业"]),
    (
        EquityDeal.Investor.VC,
        (1_000, 5_000),
        ["山东省高新技术创业投资有限公司", "深圳市创新投资集团有限公司"],
    ),
    (EquityDeal.Investor.PE, (3_000, 10_000), ["鲁信创业投资集团股份有限公司", "山东国惠基金管理有限公司"]),
    (
        EquityDeal.Investor.GUIDANCE,
        (1_000, 8_000),
        ["山东省新旧动能转换引导基金", "淄博市财金控股集团有限公司"],
    ),
]
FUND_PROJECTS = [
    "新旧动能转换基金+沂源医药产业",
    "乡村振兴基金+苹果全产业链",
    "产业投资基金+新材料产业园",
    "引导基金+高端装备制造",
]
MUTUALS = [  # (name, approved on, members at the start, funds at the start in 万元)
    ("沂源县燕崖镇朱家户果品专业合作社", D(2018, 6, 20), 60, 80),
    ("沂源县中庄镇富民农业专业合作社", D(2019, 3, 15), 45, 60),
    ("沂源县悦庄镇苹果种植专业合作社", D(2020, 5, 8), 30, 40),
]
MUTUAL_USCC_START = 720_000_000
# The apple season: harvest from October, storage sales to the spring festival; 1 = an average month.
SEASON = [1.3, 1.1, 0.8, 0.6, 0.5, 0.4, 0.4, 0.5, 0.8, 1.9, 2.4, 2.2]


def _actor(ctx):
    """The finance centre keeps these records; the office when the demo has no finance-centre user."""
    user = ctx.users.get("member_jrzx")
    return user if user is not None and access.can_manage(user) else ctx.users["office"]


def _firms(towns: list[Division]) -> list[dict]:
    """The firms that raise money, as the fields `enterprise_save` takes."""
    listing_codes = ids.usccs("91370323", [LISTING_USCC_START + n for n in LISTING_PICKS])
    own_codes = ids.usccs("91370323", [USCC_COUNTER_START + i for i in range(len(OWN_FIRMS))])
    firms = []
    for code, n in zip(listing_codes, LISTING_PICKS, strict=True):
        known = Enterprise.objects.filter(uscc=code).select_related("town").first()
        name, industry = LISTING_FIRMS[n][0], LISTING_FIRMS[n][1]
        # The town the listing pipeline gives the firm (demo_listing.build), so neither part moves it.
        town = known.town if known else towns[(n * 7) % len(towns)]
        firms.append({"uscc": code, "name": name, "town": town, "industry": industry})
    for i, (code, (name, industry)) in enumerate(zip(own_codes, OWN_FIRMS, strict=True)):
        firms.append({"uscc": code, "name": name, "town": towns[(i * 3) % len(towns)], "industry": industry})
    return firms


def _day_in(rnd, year: int) -> datetime.date:
    return D(year, 1, 10) + datetime.timedelta(days=rnd.randint(0, 340))


def _wan_amount(rnd, low: int, high: int, step: int = 100) -> Decimal:
    return Decimal(rnd.randrange(low, high + 1, step) * WAN)


def _bonds(rnd, actor, firms) -> int:
    n = 0
    for year in YEARS:
        for k in range(2 + year - YEARS[0]):  # 2, 3 and 4 issues a year
            instrument, term, (low, high), (rate_low, rate_high) = BOND_KINDS[(year + k) % len(BOND_KINDS)]
            issued = _day_in(rnd, year)
            services.bond_add(
                actor=actor, **firms[rnd.randrange(len(firms))], instrument=instrument,
                amount=_wan_amount(rnd, low, high, 500), rate=Decimal(f"{rnd.uniform(rate_low, rate_high):.2f}"),
                term_months=term, issued_on=issued, matures_on=services.months_later(issued, term),
                underwriter=rnd.choice(UNDERWRITERS),
            )  # fmt: skip
            n += 1
    return n


def _equity(rnd, actor, firms) -> int:
    n = 0
    for year in YEARS:
        for k in range(3 + year - YEARS[0]):  # 3, 4 and 5 deals a year
            kind, (low, high), investors = EQUITY_KINDS[(year + k) % len(EQUITY_KINDS)]
            fund = ""
            if kind in {EquityDeal.Investor.GUIDANCE, EquityDeal.Investor.PE} and rnd.random() < 0.6:
                fund = rnd.choice(FUND_PROJECTS)
            services.equity_add(
                actor=actor, **firms[rnd.randrange(len(firms))], investor_kind=kind,
                investor=rnd.choice(investors), amount=_wan_amount(rnd, low, high), closed_on=_day_in(rnd, year),
                fund_project=fund,
            )  # fmt: skip
            n += 1
    return n


def _months(first: datetime.date, last: datetime.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = services.months_later(month, 1)


def _exchange(rnd, actor) -> int:
    n = 0
    for month in _months(D(YEARS[0], 1, 1), D(YEARS[-1], 12, 1)):
        growth = 1 + 0.25 * (month.year - YEARS[0])  # the centre reaches more growers each year
        factor = SEASON[month.month - 1] * growth * rnd.uniform(0.9, 1.1)
        volume = Decimal(f"{6_000 * factor:.2f}")
        price = Decimal(f"{rnd.uniform(4_200, 6_200):.0f}")  # 元 a tonne
        services.exchange_month_save(
            actor=actor, month=month, listed_volume=volume, turnover=(volume * price).quantize(Decimal("0.01")),
            farmers=int(1_500 * factor),
        )  # fmt: skip
        n += 1
    return n


def _cooperatives(ctx) -> list[Organisation]:
    """Three cooperatives, each seated in a village, of the credit-mutual kind (made once)."""
    villages = sorted(ctx.village_ids.items())
    codes = ids.usccs("93370323", [MUTUAL_USCC_START + i for i in range(len(MUTUALS))])
    orgs = []
    for i, (name, _approved, _members, _funds) in enumerate(MUTUALS):
        code = f"YY-XYHZ-{i + 1:02d}"
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            village_id = villages[(i * 37 + 11) % len(villages)][1]
            org = Organisation.objects.create(
                code=code, name=name, kind=Organisation.Kind.CREDIT_MUTUAL, level=Organisation.Level.BRANCH,
                uscc=codes[i], division_id=village_id,
            )  # fmt: skip
            org.path = org.compute_path()
            org.save(update_fields=["path"])
        orgs.append(org)
    return orgs


def _mutuals(rnd, actor, ctx) -> tuple[int, int]:
    if not ctx.village_ids:
        return 0, 0
    added = months = 0
    for org, (_name, approved, members, funds_wan) in zip(_cooperatives(ctx), MUTUALS, strict=True):
        mutual = CreditMutual.objects.filter(organisation=org).first()
        if mutual is None:
            mutual = services.mutual_add(actor=actor, organisation=org, approved_on=approved)
            added += 1
        funds = Decimal(funds_wan * WAN)
        for month in _months(max(approved, D(YEARS[0], 1, 1)), D(YEARS[-1], 12, 1)):
            members += rnd.randint(0, 6)
            funds = (funds * Decimal(f"{rnd.uniform(1.0, 1.04):.4f}")).quantize(Decimal("1"))
            loans = (funds * Decimal(f"{rnd.uniform(0.55, 0.85):.2f}")).quantize(Decimal("1"))
            services.mutual_month_save(
                actor=actor, mutual=mutual, month=month, members=members, funds=funds, loans=loans
            )
            months += 1
    return added, months


def build(ctx) -> dict:
    actor = _actor(ctx)
    rnd = ctx.random(STREAM, 2)
    towns = sorted(ctx.towns.values(), key=lambda t: t.code)
    if not towns:
        return {"localfin_bonds": 0}
    firms = _firms(towns)
    counts = {
        "localfin_bonds": _bonds(rnd, actor, firms),
        "localfin_equity": _equity(rnd, actor, firms),
        "localfin_exchange_months": _exchange(rnd, actor),
    }
    counts["localfin_mutuals"], counts["localfin_mutual_months"] = _mutuals(rnd, actor, ctx)
    ctx.progress(
        f"直接融资：{counts['localfin_bonds']} 笔债券发行，{counts['localfin_equity']} 笔股权融资；"
        f"苹果交易中心 {counts['localfin_exchange_months']} 个月；"
        f"信用互助合作社 {counts['localfin_mutuals']} 家，{counts['localfin_mutual_months']} 条月度数据"
    )
    return counts
