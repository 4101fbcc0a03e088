"""The demo county's service stations and bill-pay coverage, 2020–2021.

- The points of the two towns with the fewest points are all upgraded to cross-bank 普惠金融服务站 during 2020
  (the plan's 十 met there, missed elsewhere); PSBC switches real-time bill pay on all its self-service
  terminals in 2021 (the 95% of 十二 met by one bank, missed by the county). Written in bulk with their
  register events, as a bank's file would bring them.
- What each bank offers (every function its points have, and the two new ones for the rural commercial
  bank) and its four bill-pay channels.
- Monthly figures for every point in the register in each month of 2020–2021, in bulk (scale 10: tens of
  thousands of rows, no query per row); some points apply 2,000 元/卡/日 (above the rule, flagged); the
  village bank's December 2021 is missing.
- Inspections through the services (each with a photo), some rectified, some overdue; an agent per point, the
  demo agents linked to a point in their villages; places of 便民支付 — no cinema, so one of the plan's four
  kinds is missed.
"""

import datetime
from decimal import Decimal
from io import BytesIO

import numpy as np
from PIL import Image

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, Division, ServicePoint, ServicePointEvent, Terminal
from puhui.demo import ids, names
from puhui.stations.models import (
    BankOffer,
    ChannelKind,
    ChannelOffer,
    CheckItem,
    MonthlyReport,
    PaymentScene,
    StationAgent,
)
from puhui.stations.rules import month_end
from puhui.stations.services import records

COUNT_LABELS = {
    "upgraded": "演示升级的服务站",
    "offers": "银行服务站功能",
    "channels": "缴费渠道",
    "months": "服务站月度交易",
    "inspections": "服务站检查",
    "agents": "服务站代办员",
    "scenes": "便民支付场景",
}
MONTHS = [datetime.date(y, m, 1) for y in (2020, 2021) for m in range(1, 13)]
BATCH = 5000
ALL_ITEMS = [c for c, _ in Terminal.BillItem.choices]
STATION = [str(f) for f in ServicePoint.STATION_FUNCTIONS]


def _upgrade_towns(ctx) -> int:
    """Every point of the two smallest towns (by points) is a cross-bank station by a day of 2020."""
    points = list(ServicePoint.objects.filter(closed_on__isnull=True).values_list("pk", "village__parent_id"))
    per_town: dict[int, int] = {}
    for _pk, town in points:
        per_town[town] = per_town.get(town, 0) + 1
    chosen = set(sorted(per_town, key=lambda t: (per_town[t], t))[:2])
    rows = list(
        ServicePoint.objects.filter(village__parent_id__in=chosen, closed_on__isnull=True).order_by("pk")
    )
    rng = ctx.rng(44, 1)
    events, moved = [], []
    for p in rows:
        day = datetime.date(2020, 3, 1) + datetime.timedelta(days=int(rng.integers(0, 270)))
        day = max(day, p.opened_on or day)
        if day > datetime.date(2020, 12, 30):
            continue  # opened too late to be upgraded in 2020
        if p.is_station:
            if p.upgraded_on is not None and p.upgraded_on > day:
                p.upgraded_on = day  # the core demo's own station (it keeps no event), upgraded in 2020 here
                moved.append(p)
            continue
        before = list(p.functions)
        p.functions = [f for f in ServicePoint.Function.values if f in set(before) | set(STATION)]
        p.is_station, p.upgraded_on = True, day
        events.append(
            ServicePointEvent(
                point=p, kind="upgraded", on=day, functions_before=before, functions=p.functions,
                note="演示：按方案升级",
            )
        )  # fmt: skip
    upgraded = [e.point for e in events]
    ServicePoint.objects.bulk_update(upgraded, ["functions", "is_station", "upgraded_on"], batch_size=BATCH)
    ServicePoint.objects.bulk_update(moved, ["upgraded_on"], batch_size=BATCH)
    ServicePointEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(upgraded) + len(moved)


def _psbc_billpay(ctx) -> int:
    bank = ctx.organisations.get("PSBC")
    if bank is None:
        return 0
    qs = Terminal.objects.filter(bank__path__startswith=bank.path, retired_on__isnull=True).exclude(
        kind="pos"
    )
    terminals = list(qs.filter(bill_payment=False))
    for t in terminals:
        t.bill_payment, t.bill_items = True, ALL_ITEMS[:6]
        t.bill_payment_since = max(datetime.date(2021, 9, 1), t.installed_on or datetime.date(2021, 9, 1))
    Terminal.objects.bulk_update(
        terminals, ["bill_payment", "bill_items", "bill_payment_since"], batch_size=BATCH
    )
    return len(terminals)


def _offers(ctx, office) -> tuple[int, int]:
    banks = {
        key: org
        for key, org in ctx.organisations.items()
        if key in ("ADBC", "ABC", "PSBC", "RCB", "BSVB", "ICBC", "BOC", "CCB")
    }
    functions: dict[int, set] = {}
    for bank_id, fns in ServicePoint.objects.values_list("bank_id", "functions"):
        functions.setdefault(bank_id, set()).update(fns or ())
    offers, channels = [], []
    for key, bank in banks.items():
        have = functions.get(bank.pk)
        if have:
            extra = {"agency_purchase", "online_sales", "ecommerce"} if key == "RCB" else set()
            offered = [f for f in ServicePoint.Function.values if f in have | extra | set(STATION)]
            offers.append(
                BankOffer(bank=bank, functions=offered, bill_items=ALL_ITEMS[:6], updated_by=office)
            )
        for n, (kind, _label) in enumerate(ChannelKind.choices):
            if kind == ChannelKind.STATION and not have:
                continue
            items = ALL_ITEMS[: 4 + (len(key) + n) % 5]
            channels.append(
                ChannelOffer(
                    bank=bank, channel=kind, bill_items=items, realtime=kind != "station" or key == "RCB"
                )
            )
    BankOffer.objects.bulk_create(offers)
    ChannelOffer.objects.bulk_create(channels)
    return len(offers), len(channels)


def _months(ctx, office) -> int:
    rng = ctx.rng(44, 2)
    points = list(ServicePoint.objects.values_list("pk", "bank_id", "opened_on", "closed_on", "is_station"))
    late = ctx.organisations.get("BSVB")
    high = (
        set(rng.choice([p[0] for p in points], size=max(1, len(points) // 25), replace=False).tolist())
        if points
        else set()
    )
    made = 0
    batch = []
    for month in MONTHS:
        end = month_end(month)
        alive = [p for p in points if (p[2] is None or p[2] <= end) and (p[3] is None or p[3] > month)]
        if late is not None and month == MONTHS[-1]:
            alive = [p for p in alive if p[1] != late.pk]
        n = len(alive)
        if not n:
            continue
        scale = np.array([1.6 if p[4] else 1.0 for p in alive])
        counts = {k: rng.poisson(lam * scale) for k, lam in (("w", 90), ("t", 25), ("r", 4), ("b", 40))}
        per = {"w": 480, "t": 2600, "r": 1800, "b": 95}
        for i, (pk, bank_id, *_rest) in enumerate(alive):
            c = {k: int(v[i]) for k, v in counts.items()}
            a = {k: Decimal(int(c[k] * per[k] * (0.7 + 0.6 * ((pk * 7 + i) % 10) / 10))) for k in c}
            batch.append(
                MonthlyReport(
                    point_id=pk,
                    bank_id=bank_id,
                    month=month,
                    entered_by=office,
                    withdrawal_count=c["w"],
                    withdrawal_amount=a["w"],
                    transfer_count=c["t"],
                    transfer_amount=a["t"],
                    remittance_count=c["r"],
                    remittance_amount=a["r"],
                    bill_count=c["b"],
                    bill_amount=a["b"],
                    daily_limit=Decimal(2000 if pk in high else 1000),
                )  # fmt: skip
            )
            if len(batch) >= BATCH:
                MonthlyReport.objects.bulk_create(batch)
                made += len(batch)
                batch = []
    MonthlyReport.objects.bulk_create(batch)
    return made + len(batch)


def _photo(colour) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _inspections(ctx) -> int:
    made = 0
    for n, username in enumerate(("bank_rcb", "bank_abc", "bank_psbc", "bank_bsvb")):
        user = ctx.users.get(username)
        if user is None:
            continue
        points = list(
            ServicePoint.objects.filter(
                bank=user.organisation, closed_on__isnull=True, opened_on__lte=datetime.date(2020, 6, 1)
            )
            .select_related("bank")
            .order_by("code")[:3]
        )
        for k, point in enumerate(points):
            failed = [] if k == 0 else [CheckItem.values[(n + k) % len(CheckItem.values)]]
            day = datetime.date(2021, 3 + k, 10 + n)
            inspection = records.inspection_create(
                actor=user, point=point, inspected_on=day, inspector=f"{user.organisation.short_name or '银行'}检查组",
                failed=failed, findings="标识脱落，已要求更换。" if failed else "", rectify_by=day + datetime.timedelta(days=20) if failed else None,
                photos=[(f"检查{k + 1}.png", _photo((60 * n % 256, 120, 40 * k % 256)))],
            )  # fmt: skip
            made += 1
            if failed and k == 1:
                records.inspection_rectify(
                    actor=user,
                    inspection=inspection,
                    on=day + datetime.timedelta(days=12),
                    note="已整改到位。",
                )
    return made


def _agents(ctx) -> int:
    rng = ctx.rng(44, 3)
    points = list(ServicePoint.objects.values_list("pk", "village_id", "opened_on").order_by("pk"))
    if not points:
        return 0
    people = names.person_names(rng, rng.random(len(points)) < 0.5)
    phones = ids.mobiles(rng, len(points))
    users = {}
    for username in ("agent_01", "agent_02", "agent_03"):
        agent = ctx.users.get(username)
        if agent is not None:
            for village in agent.villages.values_list("pk", flat=True):
                users.setdefault(village, agent)
    rows, linked = [], set()
    for (pk, village, opened), name, phone in zip(points, people, phones, strict=True):
        user = users.get(village) if village not in linked else None
        if user is not None:
            linked.add(village)
        since = max(opened or datetime.date(2018, 1, 1), datetime.date(2018, 1, 1))
        rows.append(StationAgent(point_id=pk, name=name, phone=phone, since=since, user=user))
    StationAgent.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


SCENES = (
    ("taxi", "县城出租车（{n}）", "RCB"),
    ("parking", "城区公共停车场（{n}）", "ABC"),
    ("scenic", "鲁山景区（{n}）", "RCB"),
    ("hospital", "县人民医院（{n}）", "CCB"),
    ("school", "县实验中学食堂（{n}）", "PSBC"),
    ("bus", "城乡公交（{n}）", "RCB"),
)


def _scenes(ctx) -> int:
    towns = list(Division.objects.filter(level="town").order_by("code"))
    rows = []
    for i, (kind, name, key) in enumerate(SCENES):
        bank = ctx.organisations.get(key)
        for n in range(1 + i % 2):
            if bank is not None and towns:
                rows.append(
                    PaymentScene(
                        kind=kind,
                        name=name.format(n=n + 1),
                        town=towns[(i + n) % len(towns)],
                        bank=bank,
                        since=datetime.date(2020, 3 + i, 1),
                        methods="银行卡、二维码",
                    )  # fmt: skip
                )
    PaymentScene.objects.bulk_create(rows)
    return len(rows)


def build(ctx) -> dict:
    office = ctx.users.get("office")
    if office is None or not ServicePoint.objects.exists():
        return {}
    upgraded = _upgrade_towns(ctx)
    billing = _psbc_billpay(ctx)
    audit_record(
        actor=None, action=AuditLog.Action.IMPORT, object_type="demo.stations",
        object_repr="演示：服务站升级和实时缴费开通", note=f"升级服务站 {upgraded} 个，开通实时缴费机具 {billing} 台",
    )  # fmt: skip
    offers, channels = _offers(ctx, office)
    return {
        "upgraded": upgraded,
        "offers": offers,
        "channels": channels,
        "months": _months(ctx, office),
        "inspections": _inspections(ctx),
        "agents": _agents(ctx),
        "scenes": _scenes(ctx),
    }
