"""Demo returns of insurers and of the local financial organisations (plan 二、四、七、二十).

Called by `puhui.data.demo` with `write(org, form, period, rows)`, which stores one approved submission.
The local organisations' figures are steered so that the finance centre has something to follow up: the
guarantee company passes its leverage cap in 2021Q2, the microcredit company lends too much to one
borrower in 2020Q4, and the leasing company's NPL ratio crosses the alert line in 2021Q3.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from puhui.data import catalogue
from puhui.data.demo_policy import demo_key
from puhui.registry.models import Household

CROP_COVERAGE = {2019: 0.55, 2020: 0.67, 2021: 0.72}
LIVESTOCK_COVERAGE = {2019: 0.38, 2020: 0.55, 2021: 0.62}
INSURED_HOUSEHOLDS = {2019: 0.50, 2020: 0.58, 2021: 0.68}
WAN = 10_000
CLAIM_PER_CASE = 1_800  # 元 paid per claim on average: the claim count follows from the amount, no new draw
# Each insurer's agricultural business by demo key: its share of the crop area and livestock insured, of the
# insured farm households (户次: a household insured with both companies counts with each; PICC insures the
# wheat of every one of them, so the bureau's coverage is the records' too) and its policies per household.
# Others (the life insurer) sell none. The insurance app's demo splits these returns over its products.
INSURER_SHARE = {"PICC": (0.7, 1.0, 1.6), "CPIC": (0.3, 0.3, 1.3)}


def insurance(gen, write, orgs, years, ctx):
    """农业保险 by town (insurers) and its base (县农业农村局), yearly; and each insurer's lines of business.

    The lines draw from a child stream (`spawn`), so the main stream — and the rest of the demo — is unchanged."""
    lines_gen = gen.spawn(1)[0]
    forms = catalogue.forms()
    insurers = [o for o in orgs if forms["insurance"].applies_to(o)]
    bureau = [o for o in orgs if forms["agri_base"].applies_to(o)]
    land = dict(
        Household.objects.filter(is_farm=True)
        .values("town_id")
        .annotate(a=Sum("land_area_mu"))
        .values_list("town_id", "a")
    )
    farm = dict(
        Household.objects.filter(is_farm=True)
        .values("town_id")
        .annotate(n=Count("pk"))
        .values_list("town_id", "n")
    )
    shares = {o.pk: INSURER_SHARE.get(demo_key(o), (0.0, 0.0, 0.0)) for o in insurers}
    for year, period in years.items():
        base_rows, per_insurer = [], defaultdict(list)
        for town_id in sorted(ctx.towns, key=lambda t: ctx.towns[t][0]):
            sown = round(float(land.get(town_id, 0) or 0) * 1.6 * float(gen.lognormal(0, 0.03)), 2)
            stock = int(farm.get(town_id, 0) * 2.4 * float(gen.lognormal(0, 0.05)))
            insured_hh = int(
                farm.get(town_id, 0) * min(0.95, INSURED_HOUSEHOLDS[year] + float(gen.normal(0, 0.03)))
            )
            base = {"crop_sown_area": sown, "livestock_stock": stock, "insured_farm_households": insured_hh}
            base_rows.append((town_id, base, ""))
            crop = sown * min(0.98, CROP_COVERAGE[year] + float(gen.normal(0, 0.03)))
            heads = stock * min(0.95, LIVESTOCK_COVERAGE[year] + float(gen.normal(0, 0.03)))
            for ins in insurers:
                share, household_share, per_household = shares[ins.pk]
                area, h = round(crop * share, 2), int(heads * share)
                premiums = round(area * 14 + h * 38, 2)
                households = int(insured_hh * household_share)
                claims = round(premiums * float(gen.uniform(0.45, 0.8)), 2)
                per_insurer[ins.pk].append(
                    (
                        town_id,
                        {
                            "crop_area": area,
                            "livestock_heads": h,
                            "insured_households": households,
                            "policies": int(households * per_household),
                            "premiums": premiums,
                            "claims": claims,
                            "claim_count": max(1, int(claims // CLAIM_PER_CASE)) if claims else 0,
                        },
                        "",
                    )
                )
        for org in bureau:
            write(org, "agri_base", period, base_rows)
        for ins in insurers:
            write(ins, "insurance", period, per_insurer[ins.pk])
            rows = [items for _t, items, _n in per_insurer[ins.pk]]
            agri = {k: sum(r[k] for r in rows) for k in ("premiums", "claims", "policies")}
            write(ins, "insurance_lines", period, [(None, _lines(lines_gen, ins, year, agri), "")])


# An insurer's other lines, 万元 in 2019 and yearly growth: property insurers sell little life cover.
LINES = {
    "property": ((1800, 0.08), (0, 0), (260, 0.15), (320, 0.12)),  # 财产, 人寿, 健康, 意外
    "life": ((0, 0), (5200, 0.06), (1400, 0.18), (380, 0.10)),
}
CLAIM_RATIO = {"property": 0.55, "life": 0.18, "health": 0.62, "accident": 0.35}


def _lines(gen, ins, year: int, agri: dict) -> dict[str, float]:
    """The insurer's lines; its agricultural line is the sum of its 农业保险业务情况表."""
    profile = LINES["life"] if "人寿" in ins.name else LINES["property"]
    row = {
        "agri_premiums": round(agri["premiums"], 2),
        "agri_claims": round(agri["claims"], 2),
        "agri_policies": agri["policies"],
    }
    for line, (base, growth) in zip(("property", "life", "health", "accident"), profile, strict=True):
        premiums = base * WAN * (1 + growth) ** (year - 2019) * float(gen.lognormal(0, 0.05))
        row[f"{line}_premiums"] = round(premiums, 2)
        row[f"{line}_claims"] = round(premiums * CLAIM_RATIO[line] * float(gen.uniform(0.8, 1.2)), 2)
        row[f"{line}_policies"] = int(premiums / (600 if line == "life" else 240))
    return row


# 地方金融组织: (net capital or net assets in 万元, balance in 万元 at 2019Q1, quarterly growth)
LENDERS = {
    "microcredit": (11000, 9800, 0.025),
    "leasing": (30000, 62000, 0.02),
    "factoring": (5000, 9000, 0.04),
}
BREACHES = {  # (organisation code, quarter, what)
    ("MCC-YY", "2020Q4"): "single_client",
    ("LEASE-YY", "2021Q3"): "npl",
    ("GUAR-YY", "2021Q2"): "leverage",
}


def local_finance(gen, write, orgs, quarters) -> None:
    gen = gen.spawn(1)[0]  # a child stream: the main one goes on unchanged
    forms = catalogue.forms()
    for org in orgs:
        for form in ("local_lending", "guarantee"):
            if not forms[form].applies_to(org):
                continue
            open_quarters = [q for q in quarters if org.opened_on is None or q.start >= org.opened_on]
            for t, q in enumerate(open_quarters):
                what = BREACHES.get((org.code, q.code), "")
                row = _guarantee(gen, t, what) if form == "guarantee" else _lending(gen, org, t, what)
                write(org, form, q, [(None, row, "")])


def _lending(gen, org, t: int, what: str) -> dict:
    capital, start, growth = LENDERS[org.kind]
    if org.code == "MCC2-YY":
        capital, start = 5000, 2200
    capital = capital * (1 + 0.01 * t) * WAN
    balance = start * (1 + growth) ** t * float(gen.lognormal(0, 0.02)) * WAN
    npl_ratio = 0.058 if what == "npl" else float(gen.uniform(0.01, 0.035))
    single_cap = {"microcredit": 0.05, "leasing": 0.30, "factoring": 0.25}[org.kind]
    largest = capital * (0.056 if what == "single_client" else single_cap * float(gen.uniform(0.6, 0.95)))
    return {
        "net_capital": round(capital, 2),
        "borrowed": round(capital * float(gen.uniform(0.2, 0.45)), 2) if org.kind == "microcredit" else 0,
        "balance": round(balance, 2),
        "balance_farm": round(balance * float(gen.uniform(0.35, 0.45)), 2),
        "balance_small": round(balance * float(gen.uniform(0.40, 0.50)), 2),
        "largest_client": round(min(largest, balance), 2),
        "npl": round(balance * npl_ratio, 2),
        "issued": round(balance * float(gen.uniform(0.25, 0.35)), 2),
        "clients": int(balance / (35 * WAN if org.kind == "microcredit" else 400 * WAN)) + 1,
    }


def _guarantee(gen, t: int, what: str) -> dict:
    net_assets = 21000 * (1 + 0.008 * t) * WAN
    leverage = 10.4 if what == "leverage" else 5.8 + 0.33 * t + float(gen.uniform(-0.2, 0.2))
    in_force = net_assets * min(leverage, 10.4)
    issued = in_force * float(gen.uniform(0.22, 0.3))
    compensated = in_force * float(gen.uniform(0.002, 0.006))
    return {
        "net_assets": round(net_assets, 2),
        "in_force": round(in_force, 2),
        "in_force_small_farm": round(in_force * float(gen.uniform(0.72, 0.85)), 2),
        "largest_client": round(net_assets * float(gen.uniform(0.05, 0.09)), 2),
        "issued": round(issued, 2),
        "compensated": round(compensated, 2),
        "recovered": round(compensated * float(gen.uniform(0.2, 0.5)), 2),
        "clients": int(in_force / (120 * WAN)),
    }
