"""Reads: rates by division for the data/target capability, village figures for designations.

Rates (the plan's 农户建档率 and 预授信率), by level "village" | "town" | "county":

    archive_rates(level)    → {division_id: {"farm_households", "archived", "rate"}}
    precredit_rates(level, on=date) → {division_id: {"farm_households", "with_line", "rate"}}

Denominator: the census farm households of the division (Division.farm_households); numerator:
archives complete AND verified / households with a pre-credit line valid on `on` (offered or accepted).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from puhui.core.models import Division
from puhui.credit.models import Designation, HouseholdArchive, PreCreditLine, Rating

LEVELS = ("village", "town", "county")


def _denominators(level: str) -> dict[int, int]:
    villages = Division.objects.filter(level=Division.Level.VILLAGE).values_list(
        "pk", "parent_id", "farm_households"
    )
    out: dict[int, int] = {}
    county_id = Division.objects.filter(level=Division.Level.COUNTY).values_list("pk", flat=True).first()
    for vid, tid, n in villages:
        key = vid if level == "village" else tid if level == "town" else county_id
        out[key] = out.get(key, 0) + (n or 0)
    return out


def _group(level: str, county_id) -> str | None:
    return {"village": "village_id", "town": "town_id", "county": None}[level]


def _rates(level: str, qs, count_expr, label: str) -> dict:
    if level not in LEVELS:
        raise ValueError(level)
    denominators = _denominators(level)
    county_id = Division.objects.filter(level=Division.Level.COUNTY).values_list("pk", flat=True).first()
    col = _group(level, county_id)
    if col:
        counts = dict(qs.values(col).annotate(n=count_expr).values_list(col, "n"))
    else:
        counts = {county_id: qs.aggregate(n=count_expr)["n"] or 0}
    return {
        k: {"farm_households": d, label: counts.get(k, 0), "rate": (counts.get(k, 0) / d) if d else None}
        for k, d in denominators.items()
    }


def archive_rates_queryset():
    return HouseholdArchive.objects.filter(is_complete=True, status=HouseholdArchive.Status.VERIFIED)


def precredit_queryset(on: datetime.date):
    return PreCreditLine.objects.filter(
        status__in=[PreCreditLine.Status.OFFERED, PreCreditLine.Status.ACCEPTED],
        valid_from__lte=on,
        valid_until__gte=on,
    )


def archive_rates(level: str) -> dict:
    """农户建档率 by village, town or county."""
    return _rates(level, archive_rates_queryset(), Count("pk"), "archived")


def precredit_rates(level: str, *, on: datetime.date | None = None) -> dict:
    """预授信率 by village, town or county: households with a line valid on `on` (distinct)."""
    qs = precredit_queryset(on or timezone.localdate())
    return _rates(level, qs, Count("household_id", distinct=True), "with_line")


def _one_village(village: Division, qs, count_expr, label: str) -> dict:
    n = qs.filter(village_id=village.pk).aggregate(n=count_expr)["n"] or 0
    d = village.farm_households
    return {"farm_households": d, label: n, "rate": n / d if d else None}


def village_credit_figures(*, year: int, village_ids=None) -> dict:
    """Each designation condition's figure per village, town and county (shares as fractions).

    Borrowers are households whose archive records a loan (lender_count ≥ 1); shares count households."""
    from puhui.credit.services import designation_rule

    grades = designation_rule("household").spec["grades"]
    credit = Rating.objects.filter(
        is_current=True,
        grade__in=grades,
        household__archive__is_complete=True,
        household__archive__status=HouseholdArchive.Status.VERIFIED,
    )
    archives = HouseholdArchive.objects.filter(lender_count__gte=1)
    if village_ids is not None:
        credit = credit.filter(household__village_id__in=village_ids)
        archives = archives.filter(village_id__in=village_ids)
    credit_by_v = dict(
        credit.values("household__village_id")
        .annotate(n=Count("id"))
        .values_list("household__village_id", "n")
    )
    borrow = {
        row["village_id"]: row
        for row in archives.values("village_id").annotate(
            borrowers=Count("pk"),
            clean=Count("pk", filter=Q(current_overdue=False) & ~Q(current_npl=True)),
            npl=Count("pk", filter=Q(current_npl=True)),
            npl_new=Count("pk", filter=Q(current_npl=True, npl_since__year=year)),
        )
    }
    villages = Division.objects.filter(level=Division.Level.VILLAGE)
    if village_ids is not None:
        villages = villages.filter(pk__in=village_ids)
    county_id = Division.objects.filter(level=Division.Level.COUNTY).values_list("pk", flat=True).first()
    out: dict[str, dict] = {"village": {}, "town": {}, "county": {}}
    sums: dict[tuple, dict] = {}
    for vid, tid, farm in villages.values_list("pk", "parent_id", "farm_households"):
        b = borrow.get(vid, {})
        raw = {
            "farm_households": farm or 0,
            "credit_households": credit_by_v.get(vid, 0),
            "borrowers": b.get("borrowers", 0),
            "clean": b.get("clean", 0),
            "npl": b.get("npl", 0),
            "npl_new": b.get("npl_new", 0),
        }
        out["village"][vid] = _shares(raw)
        for key in (("town", tid), ("county", county_id)):
            acc = sums.setdefault(key, dict.fromkeys(raw, 0))
            for k, v in raw.items():
                acc[k] += v
    for (level, did), raw in sums.items():
        out[level][did] = _shares(raw)
    return out


def _shares(raw: dict) -> dict:
    farm, borrowers = raw["farm_households"], raw["borrowers"]
    return {
        **raw,
        "credit_household_share": raw["credit_households"] / farm if farm else None,
        # No borrowers: nobody is in arrears.
        "no_arrears_share": raw["clean"] / borrowers if borrowers else 1.0,
        "npl_stock": raw["npl"] / borrowers if borrowers else 0.0,
        "npl_new": raw["npl_new"] / borrowers if borrowers else 0.0,
    }


def village_page(village: Division, *, year: int) -> dict:
    """Live figures against the active rule (what the village lacks) and the stored evaluations."""
    from puhui.credit.services import _check, designation_rule

    fig = village_credit_figures(year=year, village_ids=[village.pk])["village"].get(village.pk, {})
    rule = designation_rule("village")
    items = []
    for c in rule.spec["conditions"]:
        value = fig.get(c["key"])
        met = _check(c, value)
        gap = None
        if not met and value is not None and c["key"] == "credit_household_share":
            need = int(-(-float(c["threshold"]) * fig["farm_households"] // 1)) - fig["credit_households"]
            gap = f"还差 {max(need, 0)} 户信用户"
        items.append({**c, "value": value, "met": met, "gap": gap})
    return {
        "figures": fig,
        "conditions": items,
        "passed": all(i["met"] for i in items),
        "history": Designation.objects.filter(division=village).order_by("-year"),
        "archive": _one_village(village, archive_rates_queryset(), Count("pk"), "archived"),
        "precredit": _one_village(
            village,
            precredit_queryset(timezone.localdate()),
            Count("household_id", distinct=True),
            "with_line",
        ),
    }
