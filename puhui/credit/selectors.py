"""Reads: rates by division for the data/target capability, village figures for designations.

Rates (the plan's 农户建档率 and 预授信率), by level "village" | "town" | "county":

    archive_rates(level)    → {division_id: {"farm_households", "archived", "rate"}}
    precredit_rates(level, on=date) → {division_id: {"farm_households", "with_line", "rate"}}

Denominator: the census farm households of the division (Division.farm_households); numerator:
archives complete AND verified / households with a pre-credit line valid on `on` (offered or accepted).
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from puhui.core.models import Division
from puhui.credit.models import Designation, HouseholdArchive, PreCreditLine, Rating
from puhui.registry.models import Household

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


# ---------------------------------------------------------------- the two counting rules, defined once
#
# 建档 (an archived household) and 预授信 (a live pre-credit line) are defined here and nowhere else: the
# pages, the designation figures, the county index sources (credit/index_sources.py), the derived
# indicators of the data capability (data/derived.py, through its hook on this module) and the model's
# `HouseholdArchive.counts_as_archived` all read these.

# 建档: the archive is complete AND verified (exact field values, so they work as a filter and on an
# instance alike).
ARCHIVED_WHERE: dict = {"is_complete": True, "status": HouseholdArchive.Status.VERIFIED}
# The moment an archive became 建档, for figures "as at" a past day (the index, the derived indicators).
ARCHIVED_SINCE = "verified_at"
# 预授信: a line offered or accepted (not declined or withdrawn), valid on the day in question.
LIVE_LINE_STATUSES: tuple = (PreCreditLine.Status.OFFERED, PreCreditLine.Status.ACCEPTED)
# A line is valid from its first to its last day, both included.
LINE_VALID_FROM, LINE_VALID_UNTIL = "valid_from", "valid_until"


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def archived_q(prefix: str = "", *, as_of: datetime.date | None = None) -> Q:
    """The 建档 rule as a Q on HouseholdArchive (`prefix`, e.g. "archive__", from a related model).
    With `as_of`: archived by the end of that day (verified then and still counted now)."""
    q = Q(**{f"{prefix}{k}": v for k, v in ARCHIVED_WHERE.items()})
    if as_of is not None:
        q &= Q(**{f"{prefix}{ARCHIVED_SINCE}__lte": _end_of(as_of)})
    return q


def archived_households(*, as_of: datetime.date | None = None) -> QuerySet[HouseholdArchive]:
    """The archives that count as 建档 (one per household)."""
    return HouseholdArchive.objects.filter(archived_q(as_of=as_of))


def is_archived(archive: HouseholdArchive) -> bool:
    """The 建档 rule on one (possibly unsaved) archive."""
    return all(getattr(archive, k) == v for k, v in ARCHIVED_WHERE.items())


def live_line_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    """The 预授信 rule as a Q on PreCreditLine: live status, and valid on `on` when given."""
    q = Q(**{f"{prefix}status__in": list(LIVE_LINE_STATUSES)})
    if on is not None:
        q &= Q(**{f"{prefix}{LINE_VALID_FROM}__lte": on, f"{prefix}{LINE_VALID_UNTIL}__gte": on})
    return q


def live_lines(on: datetime.date | None = None) -> QuerySet[PreCreditLine]:
    """Pre-credit lines live on `on` (default today); count households with Count("household_id",
    distinct=True)."""
    return PreCreditLine.objects.filter(live_line_q(on or timezone.localdate()))


def archive_rates(level: str) -> dict:
    """农户建档率 by village, town or county."""
    return _rates(level, archived_households(), Count("pk"), "archived")


def precredit_rates(level: str, *, on: datetime.date | None = None) -> dict:
    """预授信率 by village, town or county: households with a line valid on `on` (distinct)."""
    qs = live_lines(on)
    return _rates(level, qs, Count("household_id", distinct=True), "with_line")


def village_credit_figures(*, year: int, village_ids=None) -> dict:
    """Each designation condition's figure per village, town and county (shares as fractions).

    Borrowers are households whose archive records a loan (lender_count ≥ 1); shares count households."""
    from puhui.credit.services import designation_rule

    grades = designation_rule("household").spec["grades"]
    # The archive carries its current grade, so this is one index range per village, no join.
    credit = archived_households().filter(grade__in=grades)
    archives = HouseholdArchive.objects.filter(lender_count__gte=1)
    if village_ids is not None:
        credit = credit.filter(village_id__in=village_ids)
        archives = archives.filter(village_id__in=village_ids)
    credit_by_v = dict(credit.values("village_id").annotate(n=Count("pk")).values_list("village_id", "n"))
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
    archived_by_v, lines_by_v = village_counts([village.pk], year=year)
    archived, lines = archived_by_v.get(village.pk, 0), lines_by_v.get(village.pk, 0)
    farm = village.farm_households
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
        # The same counts as the village's row on the town page (`village_counts`), so both agree.
        "archive": {"farm_households": farm, "archived": archived, "rate": archived / farm if farm else None},
        "precredit": {"farm_households": farm, "with_line": lines, "rate": lines / farm if farm else None},
        "precredit_on": precredit_on(year),
    }


# ---------------------------------------------------------------- village and town credit pages with maps

# The figures a map can be coloured by: (key, label, is a share).
MAP_METRICS = [
    ("archive_rate", "建档率", True),
    ("precredit_rate", "预授信率", True),
    ("credit_household_share", "信用户占比", True),
    ("credit_households", "信用户数", False),
    ("no_arrears_share", "无拖欠借款户占比", True),
]


def precredit_on(year: int) -> datetime.date:
    """The day a year's 建档率 and 预授信率 are read on: the year's last day, or today within the
    current year — the day the data capability's derived indicators count the year's last period at."""
    return min(timezone.localdate(), datetime.date(year, 12, 31))


def village_counts(village_ids, *, year: int) -> tuple[dict[int, int], dict[int, int]]:
    """建档 households and households with a live 预授信 line per village, on `precredit_on(year)`.
    The one count behind the village page, the town page's rows and sums, and the county overview."""
    day = precredit_on(year)
    # Within the current year `day` is today and every verification is on or before it: the plain rule
    # counts from the index alone.
    as_of = day if day < timezone.localdate() else None
    archived = _count_by_village(archived_households(as_of=as_of), Count("pk"), village_ids)
    lines = _count_by_village(live_lines(day), Count("household_id", distinct=True), village_ids)
    return archived, lines


# ---------------------------------------------------------------- the years a credit page offers

YEARS_CACHE_ABOVE = 20_000  # archives; a smaller county (and every test) counts its years on each request
YEARS_CACHE_SECONDS = 600


def credit_years() -> list[int]:
    """The years with credit work in them, newest first: from the first to the last year in which an
    archive was verified, a pre-credit line offered or a designation made, never after this year.

    Two full-table aggregates: a large county keeps the answer for ten minutes (a new year shows up
    at most that late)."""
    last_pk = HouseholdArchive.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if last_pk <= YEARS_CACHE_ABOVE:
        return _credit_years()
    return cache.get_or_set("puhui.credit.years", _credit_years, YEARS_CACHE_SECONDS)


def _credit_years() -> list[int]:
    verified = archived_households().aggregate(first=Min(ARCHIVED_SINCE), last=Max(ARCHIVED_SINCE))
    offered = PreCreditLine.objects.aggregate(first=Min("valid_from"), last=Max("valid_from"))
    designated = Designation.objects.aggregate(first=Min("year"), last=Max("year"))
    years = [timezone.localtime(v).year for v in verified.values() if v]
    years += [v.year for v in offered.values() if v] + [v for v in designated.values() if v]
    if not years:
        return []
    last = min(max(years), timezone.localdate().year)
    return list(range(last, min(years) - 1, -1))


def _count_by_village(qs, count_expr, village_ids) -> dict[int, int]:
    return dict(
        qs.filter(village_id__in=village_ids)
        .values("village_id")
        .annotate(n=count_expr)
        .values_list("village_id", "n")
    )


def village_rows(villages, *, year: int) -> list[dict]:
    """One row per village (a Division queryset): census farm households, 建档 and 预授信 counts and
    rates, the designation figures, whether the live figures meet the village rule, and the stored
    designation of `year` (None when the year was not evaluated). A fixed number of queries."""
    from puhui.credit.services import _check, designation_rule

    villages = list(
        villages.order_by("code").values("pk", "name", "code", "parent_id", "longitude", "latitude")
    )
    ids = [v["pk"] for v in villages]
    if not ids:
        return []
    figures = village_credit_figures(year=year, village_ids=ids)["village"]
    archived, lines = village_counts(ids, year=year)
    stored = dict(
        Designation.objects.filter(year=year, division_id__in=ids).values_list("division_id", "passed")
    )
    conditions = designation_rule("village").spec["conditions"]
    rows = []
    for v in villages:
        fig = figures.get(v["pk"], {})
        farm = fig.get("farm_households", 0)
        a, w = archived.get(v["pk"], 0), lines.get(v["pk"], 0)
        rows.append(
            {
                **v,
                **fig,
                "archived": a,
                "archive_rate": a / farm if farm else None,
                "with_line": w,
                "precredit_rate": w / farm if farm else None,
                "live_passed": all(_check(c, fig.get(c["key"])) for c in conditions),
                "designated": stored.get(v["pk"]),
                "coord": [float(v["longitude"]), float(v["latitude"])]
                if v["longitude"] is not None and v["latitude"] is not None
                else None,
            }
        )
    return rows


SUMMED = (
    "farm_households",
    "archived",
    "with_line",
    "credit_households",
    "borrowers",
    "clean",
    "npl",
    "npl_new",
)


def _town_summary(rows: list[dict]) -> dict:
    s = {k: sum(r.get(k, 0) for r in rows) for k in SUMMED}
    farm, borrowers = s["farm_households"], s["borrowers"]
    designated = [r["designated"] for r in rows if r["designated"] is not None]
    return {
        **s,
        "villages": len(rows),
        "archive_rate": s["archived"] / farm if farm else None,
        "precredit_rate": s["with_line"] / farm if farm else None,
        "credit_household_share": s["credit_households"] / farm if farm else None,
        "no_arrears_share": s["clean"] / borrowers if borrowers else 1.0,
        "live_credit_villages": sum(r["live_passed"] for r in rows),
        "credit_villages": sum(designated) if designated else None,  # of the stored evaluation
        "credit_village_share": sum(r["live_passed"] for r in rows) / len(rows) if rows else None,
    }


def town_page(town: Division, *, year: int) -> dict:
    """A town's credit page: its figures (sums over its villages), the town rule's conditions on live
    figures, the stored designation of `year` and its history, and one row per village."""
    from puhui.credit.services import _check, designation_rule

    rows = village_rows(Division.objects.filter(level=Division.Level.VILLAGE, parent=town), year=year)
    summary = _town_summary(rows)
    conditions = [
        {**c, "value": summary.get(c["key"]), "met": _check(c, summary.get(c["key"]))}
        for c in designation_rule("town").spec["conditions"]
    ]
    return {
        "summary": summary,
        "conditions": conditions,
        "passed": all(c["met"] for c in conditions),
        "designation": Designation.objects.filter(division=town, year=year).first(),
        "history": Designation.objects.filter(division=town).order_by("-year"),
        "rows": rows,
        "precredit_on": precredit_on(year),
    }


def towns_overview(towns, *, year: int) -> list[dict]:
    """One row per town (a Division queryset): the sums of `village_rows` and the stored designation."""
    towns = list(towns.order_by("code").values("pk", "name", "code", "boundary"))
    ids = [t["pk"] for t in towns]
    rows = village_rows(Division.objects.filter(level=Division.Level.VILLAGE, parent_id__in=ids), year=year)
    by_town: dict[int, list[dict]] = {}
    for r in rows:
        by_town.setdefault(r["parent_id"], []).append(r)
    stored = dict(
        Designation.objects.filter(year=year, division_id__in=ids).values_list("division_id", "passed")
    )
    return [
        {**t, **_town_summary(by_town.get(t["pk"], [])), "designated": stored.get(t["pk"])} for t in towns
    ]


def towns_total(rows: list[dict]) -> dict:
    """The sums of the overview's town rows and their rates (the county, for those who see every town)."""
    keys = ("villages", "farm_households", "archived", "with_line", "credit_households")
    s = {k: sum(r.get(k) or 0 for r in rows) for k in keys}
    farm = s["farm_households"]
    return {
        **s,
        "archive_rate": s["archived"] / farm if farm else None,
        "precredit_rate": s["with_line"] / farm if farm else None,
        "credit_household_share": s["credit_households"] / farm if farm else None,
    }


def _feature(name: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def area_map(*, items: list[dict], outline: dict | None = None, regions: list[dict] | None = None) -> dict:
    """Data for `credit/area-map.js`.

    `regions`: Division-like dicts with a GeoJSON `boundary`, drawn as coloured areas (towns of the
    county; villages, if a county loads village boundaries). Otherwise items are points at their seat
    coordinates on the `outline` (the town's boundary). Items without either are left off the map and
    stay in the table."""
    map_items = [
        {
            "name": i["name"],
            "url": i.get("url"),
            "coord": i.get("coord"),
            "highlight": bool(i.get("highlight")),
            "values": {k: i.get(k) for k, _label, _share in MAP_METRICS},
        }
        for i in items
    ]
    metrics = [{"key": k, "label": label, "share": share} for k, label, share in MAP_METRICS]
    if regions and all(r.get("boundary") for r in regions):
        geo = {"type": "FeatureCollection", "features": [_feature(r["name"], r["boundary"]) for r in regions]}
        return {"mode": "regions", "geo": geo, "items": map_items, "metrics": metrics}
    located = [i for i in map_items if i["coord"]]
    if not located:
        return {"mode": "none", "items": [], "metrics": metrics}
    geo = {"type": "FeatureCollection", "features": [_feature("outline", outline)]} if outline else None
    return {"mode": "points", "geo": geo, "items": located, "metrics": metrics}


# ---------------------------------------------------------------- model report page


def scorecard_points(spec: dict) -> dict:
    """A version's points table as the engine compiles it: per characteristic every bin (with the
    missing and unseen states), the bonus/penalty items, exclusion rules and grade cut-offs."""
    from puhui.engines.scoring import Scorecard

    card = Scorecard.from_dict(spec)
    groups = {g["key"]: g.get("label", g["key"]) for g in spec.get("groups") or []}
    characteristics = [
        {
            "key": it.key,
            "label": it.label,
            "group": groups.get(it.group, it.group or ""),
            "fields": it.fields,
            "bins": [
                {"label": label, "points": float(p), "text": text}
                for label, p, text in zip(it.labels, it.points, it.texts, strict=True)
            ],
            "max": float(it.points.max()),
        }
        for it in card.characteristics
    ]
    adjustments = [
        {"key": a["key"], "label": a.get("label", a["key"]), "points": a["points"], "text": a.get("text", "")}
        for a in spec.get("adjustments") or []
    ]
    exclusions = [
        {"code": e["code"], "label": e.get("label", e["code"]), "text": e.get("text", "")}
        for e in spec.get("exclusions") or []
    ]
    return {
        "characteristics": characteristics,
        "adjustments": adjustments,
        "exclusions": exclusions,
        "grades": spec.get("grades", []),
        "has_groups": any(c["group"] for c in characteristics),
        "min_score": card.min_score,
        "max_score": card.max_score,
        "required_columns": [_column_label(c, characteristics) for c in card.required_columns()],
    }


def _column_label(column: str, characteristics: list[dict]) -> str:
    """A data column in words: the archive's field name, else the label of the one characteristic
    reading it, else the payment signal's name, else the column itself."""
    from django.core.exceptions import FieldDoesNotExist

    for model in (HouseholdArchive, Household):
        try:
            return str(model._meta.get_field(column).verbose_name)
        except FieldDoesNotExist:
            continue
    from puhui.engines.scoring.payments import FEATURE_LABELS

    for c in characteristics:
        if list(c["fields"]) == [column]:
            return c["label"]
    return FEATURE_LABELS.get(column, column)


def model_report(report: dict) -> dict:
    """A stored validation report (MODEL.report.json) rearranged for tables and charts."""
    samples = [
        {"key": k, **s, **(report.get("discrimination") or {}).get(k, {}), **_psi(report, k)}
        for k, s in _in_sample_order(report.get("samples"))
    ]
    labels = {s["key"]: s.get("label", s["key"]) for s in samples}
    stability = dict(_in_sample_order(report.get("stability")))
    csi_by_name: dict[str, dict] = {}
    for k, st in stability.items():
        for row in st.get("csi", []):
            csi_by_name.setdefault(row["name"], {})[k] = row
    names = {c["name"]: c.get("label", c["name"]) for c in report.get("characteristics", [])}
    csi = [
        {"name": n, "label": names.get(n, n), "values": [by.get(k, {}) for k in stability]}
        for n, by in csi_by_name.items()
    ]
    calibration = [
        {"key": k, "label": labels.get(k, k), "rows": rows}
        for k, rows in _in_sample_order(report.get("calibration"))
    ]
    fairness = [
        {
            "column": col,
            "samples": [
                {"key": k, "label": labels.get(k, k), "rows": rows} for k, rows in _in_sample_order(by_sample)
            ],
        }
        for col, by_sample in ((report.get("fairness") or {}).get("groups") or {}).items()
    ]
    charts = _model_report_charts(report, samples, labels, stability, csi, calibration, fairness)
    model = dict(report.get("model") or {})
    target = model.get("target")
    if isinstance(target, dict):
        model["target"] = f"{target.get('column', '')}（违约 = {target.get('bad_value', '')}）"
    return {
        "model": model,
        "warnings": report.get("warnings") or [],
        "samples": samples,
        "cross_validation": report.get("cross_validation"),
        "iv": report.get("iv") or [],
        "characteristics": report.get("characteristics") or [],
        "calibration": calibration,
        "stability_samples": [labels.get(k, k) for k in stability],
        "csi": csi,
        "fairness": fairness,
        "approve_grades": (report.get("fairness") or {}).get("approve_grades") or [],
        "charts": charts,
    }


def _model_report_charts(
    report: dict,
    samples: list[dict],
    labels: dict,
    stability: dict,
    csi: list[dict],
    calibration: list[dict],
    fairness: list[dict],
) -> dict:
    """The report's charts (discrimination, IV, calibration by grade, stability, fairness) as series."""
    grades = [g["grade"] for g in report.get("grades", [])]
    iv = [r for r in report.get("iv", []) if r.get("iv") is not None]
    return {
        "discrimination": {
            "samples": [s.get("label", s["key"]) for s in samples],
            "auc": [s.get("auc") for s in samples],
            "gini": [s.get("gini") for s in samples],
            "ks": [s.get("ks") for s in samples],
        },
        "iv": {
            "names": [r.get("label", r["name"]) for r in iv],
            "values": [r["iv"] for r in iv],
            "selected": [bool(r.get("selected")) for r in iv],
        },
        "calibration": {
            "grades": grades,
            "series": [
                {
                    "label": c["label"],
                    "default_rate": [_by_grade(c["rows"], g, "default_rate") for g in grades],
                    "pd": [_by_grade(c["rows"], g, "pd") for g in grades],
                }
                for c in calibration
            ],
        },
        "stability": {
            "samples": [labels.get(k, k) for k in stability],
            "psi": [st.get("psi") for st in stability.values()],
            "names": [row["label"] for row in csi],
            "csi": [[(v or {}).get("csi") for v in row["values"]] for row in csi],
        },
        "fairness": [
            {
                "column": f["column"],
                "samples": [s["label"] for s in f["samples"]],
                "groups": sorted({r["group"] for s in f["samples"] for r in s["rows"]}),
                "approval": {
                    s["label"]: {r["group"]: r.get("approval_rate") for r in s["rows"]} for s in f["samples"]
                },
            }
            for f in fairness
        ],
    }


SAMPLE_ORDER = ("train", "test", "oot")


def _in_sample_order(by_sample: dict | None) -> list[tuple]:
    """Training, test, out-of-time first (PostgreSQL's jsonb does not keep key order)."""
    rank = {k: i for i, k in enumerate(SAMPLE_ORDER)}
    return sorted((by_sample or {}).items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def _psi(report: dict, sample: str) -> dict:
    st = (report.get("stability") or {}).get(sample) or {}
    return {"psi": st.get("psi"), "psi_label": st.get("psi_label")}


def _by_grade(rows: list[dict], grade: str, key: str):
    return next((r.get(key) for r in rows if r.get("grade") == grade), None)


def archive_id_numbers(
    household: Household, archive: HouseholdArchive | None = None
) -> dict[str, tuple[str, str]]:
    """The clear ID numbers behind the archive form's masked fields, by reference → (what, number).

    "head": the registry's head of household (offered as the first member of a new archive);
    "m<id>": a stored member of the archive. The form shows these masked only; a masked value posted
    back with its reference keeps the stored number, and 显示明文 reveals one of them (logged)."""
    numbers: dict[str, tuple[str, str]] = {}
    if household.head_id_number:
        numbers["head"] = ("户主身份证号", household.head_id_number)
    if archive is not None:
        for member in archive.members.all():
            if member.id_number:
                numbers[f"m{member.pk}"] = ("家庭成员身份证号", member.id_number)
    return numbers


# ---------------------------------------------------------------- one household's page (already access-checked)


def archive_of(household: Household) -> HouseholdArchive | None:
    """The household's archive, if any. The caller has loaded the household through `access`."""
    return HouseholdArchive.objects.filter(household=household).first()


def current_rating(household: Household) -> Rating | None:
    return Rating.objects.filter(household=household, is_current=True).select_related("scorecard").first()


def village_regions(town: Division) -> list[dict]:
    """The town's villages that have a boundary (name, boundary): the map draws areas when all have one."""
    return list(
        Division.objects.filter(level=Division.Level.VILLAGE, parent_id=town.pk)
        .exclude(boundary=None)
        .values("name", "boundary")
    )


def the_county() -> Division | None:
    return Division.objects.filter(level=Division.Level.COUNTY).first()


def next_household_to_collect(households: QuerySet[Household], after: Household) -> Household | None:
    """The archive form's 保存并下一户: in `households` (the user's scope), the first household after `after`
    by code — so the same village first — whose archive is missing or incomplete; from the start of the
    list when none is left after it; None when every one is complete."""
    todo = households.exclude(archive__is_complete=True).exclude(pk=after.pk).order_by("code")
    return todo.filter(code__gt=after.code).first() or todo.first()


def payment_months_list(
    months: QuerySet,
    *,
    household: str | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    bank_id: int | None = None,
) -> QuerySet:
    """Payment aggregates in scope (`access.payment_months_for`) by household code, month range (YYYY-MM) and
    reporting institution; newest month first, a stable order for paging."""
    if household:
        months = months.filter(household__code=household)
    if month_from:
        months = months.filter(month__gte=month_from)
    if month_to:
        months = months.filter(month__lte=month_to)
    if bank_id is not None:
        months = months.filter(bank_id=bank_id)
    return months.select_related("household", "bank").order_by("-month", "household__code", "bank_id", "pk")
