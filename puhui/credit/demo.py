"""Demo data for the rural credit system: archives with realistic incompleteness by town, ratings,
pre-credit lines and the yearly designations, so that the plan's 2020 target (建档率 ≥ 80%) is met in
some towns and the 2021 one (≥ 90%) in few, and 预授信率 sits around the 60%/70% targets.

At scale 10 that is about 1.2 million archives and ratings: columns are drawn in numpy from the
households' own traits, scored in one vectorised call and written with executemany (no model
instances per row).
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
from django.db import connection, models
from django.db.models import Count
from django.utils import timezone

from puhui.core.models import Organisation, ServicePoint
from puhui.credit import scoring, services
from puhui.credit.models import HouseholdArchive, PreCreditLine
from puhui.engines.scoring import Scorecard

STREAM = 51  # this app's random streams: ctx.rng(STREAM, k)
BATCH = 20_000
EDUCATION = np.array(
    ["primary_or_below", "junior_secondary", "senior_secondary", "vocational", "college_or_above"],
    dtype=object,
)
HOUSEHOLD_LENDERS = {
    Organisation.Kind.COMMERCIAL_BANK,
    Organisation.Kind.RURAL_BANK,
    Organisation.Kind.VILLAGE_BANK,
}
HOUSING = np.array(["owned_brick", "owned_other", "rented"], dtype=object)


def _households():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, village_id, town_id, head_age, size, land_area_mu, annual_income, main_activity "
            "FROM registry_household WHERE is_farm ORDER BY id"
            if connection.vendor == "postgresql"
            else "SELECT id, village_id, town_id, head_age, size, land_area_mu, annual_income, main_activity "
            "FROM registry_household WHERE is_farm = 1 ORDER BY id"
        )
        rows = cur.fetchall()
    df = pd.DataFrame.from_records(
        rows, columns=["id", "village_id", "town_id", "head_age", "size", "land", "income", "activity"]
    )
    for c in ("land", "income"):
        df[c] = pd.to_numeric(df[c].map(float) if df[c].dtype == object else df[c]).astype(float)
    return df


def _columns(df: pd.DataFrame, rng) -> dict[str, np.ndarray]:
    """Archive columns consistent with the household's age, land and income. Money in whole yuan."""
    n = len(df)
    age = df["head_age"].to_numpy(dtype=float)
    income = df["income"].to_numpy()
    land = df["land"].to_numpy()
    edu_shift = np.clip((60 - age) / 15, -1, 2)
    edu = np.clip(np.rint(rng.normal(1 + edu_shift, 0.9)), 0, 4).astype(int)
    borrower = rng.random(n) < 0.45
    lenders = np.where(borrower, 1 + (rng.random(n) < 0.18) + (rng.random(n) < 0.05), 0)
    assets = np.rint(income * rng.uniform(2, 6, n) + land * rng.uniform(8000, 25000, n))
    liabilities = np.where(borrower, np.rint(assets * rng.beta(2, 6, n)), 0)
    # Risk grows with leverage and falls with income: outcomes consistent with traits.
    risk = 0.04 + 0.25 * (liabilities / np.maximum(assets, 1)) - 0.02 * np.log1p(income / 50000)
    overdue_now = borrower & (rng.random(n) < np.clip(risk, 0.005, 0.4))
    npl = overdue_now & (rng.random(n) < 0.35)
    npl_year = rng.choice([2019, 2020, 2021], n, p=[0.5, 0.3, 0.2])
    transferred = np.where(rng.random(n) < 0.15, np.rint(rng.uniform(3, 40, n)), 0)
    return {
        "head_education": EDUCATION[edu],
        "labour_count": np.clip(
            np.minimum(df["size"].to_numpy(), rng.integers(1, 4, n)) - (age >= 70), 0, None
        ),
        "residence_years": np.where(
            rng.random(n) < 0.9, np.clip(age - rng.integers(0, 20, n), 1, None), rng.integers(1, 10, n)
        ),
        "housing": HOUSING[rng.choice(3, n, p=[0.78, 0.18, 0.04])],
        "land_contracted_mu": land,
        "land_transferred_in_mu": transferred,
        "main_activities": df["activity"].to_numpy(dtype=object),
        "operating_years": rng.integers(1, 35, n),
        "new_agri_entity": rng.random(n) < 0.08 + 0.3 * (transferred > 0),
        "total_assets": assets,
        "total_liabilities": liabilities,
        "annual_net_income": np.rint(income * 0.7),
        "operating_income": np.rint(income * rng.uniform(0.5, 1.0, n)),
        "has_agri_insurance": rng.random(n) < 0.55,
        "insurance": np.where(rng.random(n) < 0.55, "政策性农业保险", "新农合"),
        "accounts": np.where(rng.random(n) < 0.5, "社保卡、农商行借记卡", "农商行借记卡"),
        "existing_loans": np.where(borrower, "有", "无"),
        "lender_count": lenders,
        "overdue_count_3y": np.where(borrower, rng.poisson(np.clip(risk * 4, 0.05, 3)), 0) + overdue_now,
        "repaid_loans_count": np.where(borrower, rng.integers(0, 6, n), rng.integers(0, 2, n)),
        "current_overdue": overdue_now,
        "current_npl": npl,
        "npl_since": np.where(npl, npl_year, 0),
        "guarantee_outstanding": np.where(rng.random(n) < 0.1, np.rint(rng.uniform(10000, 100000, n)), 0),
        "utility_arrears": rng.random(n) < 0.03,
        "litigation_pending": rng.random(n) < 0.01,
        "enforcement_pending": rng.random(n) < 0.004,
        "enforcement_closed": rng.random(n) < 0.02,
        "debt_evasion_record": rng.random(n) < 0.002,
    }


# How far each kind of town got (shares of its farm households; drawn uniformly in these ranges):
# "early" towns meet the 2020 and the 2021 targets, "steady" ones meet 2020 and fall short of 2021's
# 90% / 70%, "late" ones miss both. Shares of towns: 1/3 early, 1/4 late, the rest steady — so the
# county as a whole lands just above the 2020 建档率 target and just below the 2021 one.
PROFILES = {
    #        exists           建档率 end-2021   建档率 end-2020  offered (of households with a limit)
    "early": ((0.975, 0.995), (0.925, 0.960), (0.830, 0.870), (0.85, 0.91)),
    "steady": ((0.930, 0.970), (0.850, 0.880), (0.815, 0.845), (0.82, 0.87)),
    "late": ((0.880, 0.940), (0.760, 0.860), (0.620, 0.760), (0.74, 0.82)),
}
# Of the existing archives that do not count, this share is incomplete (the rest wait for verification).
INCOMPLETE_SHARE = 0.6


def town_profiles(towns: np.ndarray, rng) -> dict[str, np.ndarray]:
    """Per town (in the order of `towns`): the kind, the shares of households with an archive, of
    those complete and of complete ones verified, the share of counted archives verified by the end of
    2020, and the share of households with a limit that were offered a line."""
    m = len(towns)
    n_early = max(1, round(m / 3)) if m >= 3 else min(m, 1)
    n_late = max(1, round(m / 4)) if m >= 3 else max(0, m - 1)
    kinds = np.empty(m, dtype=object)
    kinds[rng.permutation(m)] = ["early"] * n_early + ["late"] * n_late + ["steady"] * (m - n_early - n_late)
    draws = {k: rng.random((4, m)) for k in PROFILES}  # the same draws whatever the kinds, per kind
    out = {name: np.zeros(m) for name in ("exists", "rate_2021", "rate_2020", "offer")}
    for kind, ranges in PROFILES.items():
        mine = kinds == kind
        for (name, (lo, hi)), d in zip(zip(out, ranges, strict=True), draws[kind], strict=True):
            out[name][mine] = lo + (hi - lo) * d[mine]
    counted = out["rate_2021"] / out["exists"]  # of existing archives
    complete = counted + (1 - counted) * (1 - INCOMPLETE_SHARE)
    return {
        "kind": kinds,
        "exists": out["exists"],
        "complete": complete,
        "verified": counted / complete,
        "by_2020": out["rate_2020"] / out["rate_2021"],
        "offer": out["offer"],
    }


def build(ctx) -> dict:
    df = _households()
    if df.empty:
        return {}
    rng = ctx.rng(STREAM, 1)
    n = len(df)
    cols = _columns(df, rng)
    town = df["town_id"].to_numpy()
    towns = np.unique(town)
    profile = town_profiles(towns, ctx.rng(STREAM, 2))
    at = np.searchsorted(towns, town)  # each household's row in the town profile
    exists, complete, verified, blank, completeness = _archive_states(rng, profile, at, n)
    banks, weight = _lending_banks(ctx)
    verifier_bank = rng.choice(len(weight), n, p=weight / weight.sum())
    by_bank = rng.random(n) < 0.7  # the rest were checked by the town
    verified_day = _verified_days(rng, profile["by_2020"][at], n)
    _insert_archives(
        df,
        cols,
        blank,
        completeness,
        exists=exists,
        complete=complete,
        verified=verified,
        verified_bank=np.array([b.pk for b in banks] or [0])[verifier_bank],
        has_bank=verified & by_bank & bool(banks),
        verified_day=verified_day,
    )
    sel, hid, limits = _rate(df, cols, verified)
    line_rows = _line_rows(
        rng,
        df,
        offer_share=profile["offer"][at[sel]],
        sel=sel,
        hid=hid,
        limits=limits,
        verified_day=verified_day,
        banks=banks,
        verifier_bank=verifier_bank,
    )
    with connection.cursor() as cur:
        for start in range(0, len(line_rows), BATCH):
            cur.executemany(_line_sql(), line_rows[start : start + BATCH])

    designations = services.designations_evaluate(actor=ctx.users.get("office"), year=2021)
    # Printed rather than returned: the demo's one-line audit summary is capped at 300 characters
    # and is already shared by every app's counts.
    ctx.progress(
        f"  信用档案 {int(exists.sum()):,} 份（已建档 {int(verified.sum()):,} 户），评级 {len(hid):,} 户，"
        f"预授信 {len(line_rows):,} 户，2021年信用村 {designations['village']} 个"
    )
    return {}


def _archive_states(rng, profile: dict, at: np.ndarray, n: int):
    """Which households have an archive, a complete one, a verified one (counted by end-2021), with the
    town's shares; the required fields each incomplete archive misses; each archive's completeness."""
    u = rng.random((3, n))
    exists = u[0] < profile["exists"][at]
    complete = exists & (u[1] < profile["complete"][at])
    verified = complete & (u[2] < profile["verified"][at])

    required = services.REQUIRED_FIELDS
    # Incomplete archives miss one to four required fields.
    blank: dict[str, np.ndarray] = {f: np.zeros(n, dtype=bool) for f in required}
    incomplete = np.flatnonzero(exists & ~complete)
    k = rng.integers(1, 5, len(incomplete))
    for idx, kk in zip(incomplete, k, strict=True):
        for f in rng.choice(len(required), kk, replace=False):
            blank[required[f]][idx] = True
    missing_count = sum(b.astype(int) for b in blank.values())
    completeness = np.rint(100 * (len(required) - missing_count) / len(required)).astype(int)
    return exists, complete, verified, blank, completeness


def _lending_banks(ctx) -> tuple[list[Organisation], np.ndarray]:
    """The banks that lend to households verify archives and offer lines, each in proportion to its
    rural presence (outlets and service points): the rural commercial bank most, as in the plan."""
    banks = [
        o
        for o in ctx.organisations.values()
        if o.level == Organisation.Level.BRANCH and o.kind in HOUSEHOLD_LENDERS
    ]
    presence = dict(
        Organisation.objects.filter(parent__in=banks)
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values_list("parent_id", "n")
    )
    for bank_id, k in (
        ServicePoint.objects.filter(bank__in=banks)
        .values("bank_id")
        .annotate(n=Count("pk"))
        .values_list("bank_id", "n")
    ):
        presence[bank_id] = presence.get(bank_id, 0) + k
    return banks, np.array([1.0 + presence.get(b.pk, 0) for b in banks] or [1.0])


def _verified_days(rng, by_2020: np.ndarray, n: int) -> np.ndarray:
    """Verified on a day of its own: some in 2019, the drive after the plan (from 2020-08), the rest in
    2021 — the town's share verified by the end of 2020 sets its 2020 rate, so 建档率 and 预授信率 rise
    over the years and towns differ in when they got there. Day ordinals."""
    u = rng.random(n)
    phase = (u >= 0.2 * by_2020).astype(int) + (u >= by_2020)
    first_day = np.array([datetime.date(2019, 7, 1), datetime.date(2020, 8, 1), datetime.date(2021, 1, 4)])
    span_days = np.array([180, 150, 330])
    start = np.array([d.toordinal() for d in first_day])[phase]
    return start + (rng.random(n) * span_days[phase]).astype(int)


def _insert_archives(
    df: pd.DataFrame,
    cols: dict,
    blank: dict[str, np.ndarray],
    completeness: np.ndarray,
    *,
    exists: np.ndarray,
    complete: np.ndarray,
    verified: np.ndarray,
    verified_bank: np.ndarray,
    has_bank: np.ndarray,
    verified_day: np.ndarray,
) -> None:
    """The archives, written with executemany in chunks (blank fields blank, verified by the bank where
    `has_bank`, else by the town)."""
    town = df["town_id"].to_numpy()
    updated_at = _stamp(datetime.date(2021, 12, 31).toordinal())
    fields = [f for f in cols if f != "npl_since"]
    npl_since = [datetime.date(int(y), 6, 30) if y else None for y in cols["npl_since"].tolist()]
    sql = _archive_sql(fields)
    # Text columns are blank, not NULL, when missing (Django's convention for CharField).
    empty = {
        f: "" if isinstance(HouseholdArchive._meta.get_field(f), models.CharField) else None for f in fields
    }
    status_of = np.where(verified, "verified", np.where(complete, "submitted", "draft"))
    with connection.cursor() as cur:
        # In chunks: plain Python values (drivers refuse numpy scalars) for one chunk at a time.
        for chunk in np.array_split(np.flatnonzero(exists), max(1, int(exists.sum()) // BATCH + 1)):
            values = []
            for f in fields:
                col = cols[f][chunk].tolist()
                if f in blank:
                    for j in np.flatnonzero(blank[f][chunk]).tolist():
                        col[j] = empty[f]
                values.append(col)
            rows = zip(
                df["id"].to_numpy()[chunk].tolist(),
                df["village_id"].to_numpy()[chunk].tolist(),
                town[chunk].tolist(),
                *values,
                [npl_since[i] for i in chunk.tolist()],
                [""] * len(chunk),
                completeness[chunk].tolist(),
                complete[chunk].tolist(),
                status_of[chunk].tolist(),
                np.where(has_bank[chunk], verified_bank[chunk], -1).tolist(),
                np.where(verified[chunk] & ~has_bank[chunk], town[chunk], -1).tolist(),
                np.where(verified[chunk], 1, 0).tolist(),
                verified_day[chunk].tolist(),
                strict=True,
            )
            cur.executemany(
                sql,
                [
                    (
                        *r[:-4],
                        None if r[-4] < 0 else r[-4],
                        None if r[-3] < 0 else r[-3],
                        _stamp(r[-1]) if r[-2] else None,
                        updated_at,
                    )
                    for r in rows
                ],
            )


def _archive_sql(fields: list[str]) -> str:
    db_cols = [
        "household_id",
        "village_id",
        "town_id",
        *fields,
        "npl_since",
        "village_assessment",
        "completeness",
        "is_complete",
        "status",
        "verified_bank_id",
        "verified_town_id",
        "verified_at",
        "updated_at",
    ]
    return (
        f"INSERT INTO {HouseholdArchive._meta.db_table} ({', '.join(db_cols)}) "
        f"VALUES ({', '.join(['%s'] * len(db_cols))})"
    )


def _rate(df: pd.DataFrame, cols: dict, verified: np.ndarray) -> tuple[np.ndarray, list, np.ndarray]:
    """Ratings of every counted archive, scored in one vectorised call: (the rated rows of `df`, their
    household ids, their rule limits in yuan)."""
    version = services.scorecard_active()
    card = Scorecard.from_dict(version.spec)
    sel = np.flatnonzero(verified)
    frame = pd.DataFrame(
        {f: cols[f][sel] for f in scoring.NUMERIC + scoring.CATEGORICAL}, index=df["id"].to_numpy()[sel]
    )
    frame["head_age"] = df["head_age"].to_numpy(dtype=float)[sel]
    for f in scoring.BOOLEAN:
        frame[f] = pd.array(cols[f][sel], dtype="boolean")
    for f in scoring.PAYMENT_COLUMNS:
        frame[f] = np.nan
    out = scoring.rate_frame(card, frame)
    limits = scoring.limits_for(frame, out["grade"].to_numpy(), services.limit_rule_active().spec)
    hid = out.index.tolist()
    scoring.insert_ratings(
        household_ids=hid,
        scorecard_id=version.pk,
        scores=out["score"].tolist(),
        grades=out["grade"].tolist(),
        excluded=out["excluded"].tolist(),
        reasons=out["reasons"].tolist(),
        used_payment=[False] * len(hid),
        limits=limits.tolist(),
        rated_at=timezone.make_aware(datetime.datetime(2021, 6, 30, 10)),
    )
    return sel, hid, limits


def _line_sql() -> str:
    lsql = (
        f"INSERT INTO {PreCreditLine._meta.db_table} (household_id, village_id, town_id, bank_id, limit, outstanding, "
        "status, valid_from, valid_until, offered_at, accepted_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    return lsql.replace(" limit,", f" {connection.ops.quote_name('limit')},")


def _line_rows(
    rng,
    df: pd.DataFrame,
    *,
    offer_share: np.ndarray,
    sel: np.ndarray,
    hid: list,
    limits: np.ndarray,
    verified_day: np.ndarray,
    banks: list[Organisation],
    verifier_bank: np.ndarray,
) -> list[tuple]:
    """Pre-credit lines for most households with a limit (the town's offer share), by the bank that
    verified or a random one, offered within a month of verification and valid three years."""
    offered = (limits > 0) & (rng.random(len(limits)) < offer_share)
    accepted = offered & (rng.random(len(limits)) < 0.7)
    offer_day = np.asarray(verified_day[sel] + rng.integers(0, 31, len(sel)))
    lim = limits.tolist()
    day_sel = offer_day.tolist()
    vil_sel = df["village_id"].to_numpy()[sel].tolist()
    town_sel = df["town_id"].to_numpy()[sel].tolist()
    drawn = np.rint(limits * rng.beta(1.2, 3, len(limits)) * (rng.random(len(limits)) < 0.5)).tolist()
    return (
        [
            (
                hid[i],
                vil_sel[i],
                int(town_sel[i]),
                banks[verifier_bank[sel[i]]].pk,
                lim[i],
                drawn[i] if accepted[i] else 0,
                "accepted" if accepted[i] else "offered",
                datetime.date.fromordinal(day_sel[i]),
                datetime.date.fromordinal(day_sel[i] + 3 * 365),
                _stamp(day_sel[i]),
                _stamp(day_sel[i] + 7) if accepted[i] else None,
            )
            for i in np.flatnonzero(offered).tolist()
        ]
        if banks
        else []
    )


def _stamp(ordinal: int):
    """10 a.m. local time on a day, as the database driver takes it."""
    moment = timezone.make_aware(datetime.datetime.fromordinal(ordinal).replace(hour=10))
    return connection.ops.adapt_datetimefield_value(moment)
