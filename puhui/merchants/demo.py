"""The demo county's 惠农商圈: merchants in most villages of every other town (and none in the rest, so the
coverage page has towns at 0 %), a few in town seats, some taking only POS (not counting for coverage), a few
ended in 2021, and their monthly non-cash figures for 2020–2021 growing over the two years.

Written through the services as the banks' own users (each bank uploads its months in one call, as the
monthly file does), so every rule holds.
"""

import datetime
from decimal import Decimal

from puhui.core.models import Division, Organisation
from puhui.merchants.access import BANK_KINDS
from puhui.merchants.models import BusinessType
from puhui.merchants.services.figures import FigureRow, figures_store
from puhui.merchants.services.merchants import merchant_create

COUNT_LABELS = {"merchants": "惠农商圈商户", "figures": "惠农商圈月度交易记录"}
YEARS = (2020, 2021)
SHOPS = (
    (BusinessType.SUPERMARKET, "便民超市"),
    (BusinessType.FARM_SUPPLIES, "农资店"),
    (BusinessType.RESTAURANT, "农家饭店"),
    (BusinessType.PHARMACY, "卫生室药店"),
    (BusinessType.MARKET_STALL, "集市果品摊位"),
    (BusinessType.AGRITOURISM, "农家乐"),
)
DISCOUNTS = (
    ("刷卡或扫码满 50 元减 5 元", Decimal("5"), Decimal("30")),
    ("手机银行支付享 9.5 折", Decimal("5"), None),
    ("免收商户手续费一年", None, Decimal("50")),
    ("", None, None),
)


def _banks(ctx) -> list[tuple[Organisation, object]]:
    """(county branch, one of its users) for every bank with a user in the demo, the rural bank first."""
    out = {}
    for user in ctx.users.values():
        org = user.organisation if user.role == "institution" else None
        if org is not None and org.kind in BANK_KINDS and org.level == Organisation.Level.BRANCH:
            out.setdefault(org.pk, (org, user))
    return sorted(out.values(), key=lambda pair: (pair[0].kind != Organisation.Kind.RURAL_BANK, pair[0].code))


def _acceptance(rnd) -> list[str]:
    roll = rnd.random()
    if roll < 0.08:
        return ["accepts_pos"]  # a POS alone, card not ticked: does not count for coverage
    if roll < 0.3:
        return ["accepts_qr"]
    return ["accepts_card", "accepts_qr"] + (["accepts_pos"] if roll > 0.7 else [])


def _merchants(ctx, rnd, banks, towns) -> list:
    made = []
    for t, town in enumerate(towns):
        if t % 2:
            continue  # every other town has no merchant at all
        villages = list(Division.objects.filter(parent=town, level="village").order_by("code"))
        places = [v for v in villages if rnd.random() < 0.8] + [None]  # most villages, and the town seat
        for village in places:
            for k in range(2 if rnd.random() < 0.2 else 1):
                kind, shop = SHOPS[(len(made) + k) % len(SHOPS)] if village else (BusinessType.FUEL, "加油站")
                bank, user = banks[0] if rnd.random() < 0.6 else rnd.choice(banks)
                text, rate, subsidy = DISCOUNTS[rnd.randrange(len(DISCOUNTS))]
                signed = datetime.date(2019, 3, 1) + datetime.timedelta(days=rnd.randrange(850))
                ended = signed + datetime.timedelta(days=400) if rnd.random() < 0.05 else None
                place = village.name if village else town.name
                made.append(
                    merchant_create(
                        actor=user, code=f"M{bank.pk:03d}{len(made) + 1:06d}", name=f"{place}{shop}",
                        village=village, town=town, business_type=kind, acceptance=_acceptance(rnd),
                        discounts=text, discount_rate=rate, fee_subsidy=subsidy, signed_on=signed,
                        ended_on=ended, address=f"{place}主街 {rnd.randint(1, 99)} 号",
                    )
                )  # fmt: skip
    return made


def _figures(ctx, rnd, banks, merchants) -> int:
    users = {bank.pk: user for bank, user in banks}
    rows: dict[int, list[FigureRow]] = {}
    months = [datetime.date(y, m, 1) for y in YEARS for m in range(1, 13)]
    for merchant in merchants:
        base = rnd.randint(30, 400)
        ticket = Decimal(rnd.randint(25, 120))
        for i, month in enumerate(months):
            if month < merchant.signed_on.replace(day=1) or (
                merchant.ended_on and merchant.ended_on <= month
            ):
                continue
            count = int(base * (1 + i / 30) * rnd.uniform(0.8, 1.2))  # grows over the two years
            amount = (ticket * count * Decimal(str(round(rnd.uniform(0.9, 1.1), 2)))).quantize(
                Decimal("0.01")
            )
            rows.setdefault(merchant.bank_id, []).append(FigureRow(merchant, month, count, amount))
    stored = 0
    for bank_id, bank_rows in rows.items():
        stored += len(
            figures_store(actor=users[bank_id], rows=bank_rows, note="演示数据：按月上传非现金交易")
        )
    return stored


def build(ctx) -> dict:
    banks = _banks(ctx)
    towns = list(Division.objects.filter(level="town").order_by("code"))
    if not banks or not towns:
        return {}
    rnd = ctx.random(44)
    merchants = _merchants(ctx, rnd, banks, towns)
    return {"merchants": len(merchants), "figures": _figures(ctx, rnd, banks, merchants)}
