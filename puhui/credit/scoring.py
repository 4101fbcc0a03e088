"""Archives → the expert card's columns → the pure engine, vectorised over many households.

Reads raw rows through one SQL statement (no per-row model instances, no Decimal converters) so that
rating the whole county stays a few seconds of work in numpy.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from puhui.core import plugins
from puhui.credit.models import Consent, HouseholdArchive, PaymentMonth, Rating
from puhui.engines.scoring import Scorecard, payment_features

# archive field → scorecard column (the field contract in docs/scoring.md)
NUMERIC = [
    "labour_count",
    "residence_years",
    "annual_net_income",
    "total_assets",
    "total_liabilities",
    "operating_income",
    "land_contracted_mu",
    "land_transferred_in_mu",
    "operating_years",
    "overdue_count_3y",
    "repaid_loans_count",
    "guarantee_outstanding",
    "lender_count",
]
CATEGORICAL = ["head_education", "housing"]
BOOLEAN = [
    "current_overdue",
    "utility_arrears",
    "enforcement_closed",
    "has_agri_insurance",
    "new_agri_entity",
    "litigation_pending",
    "enforcement_pending",
    "current_npl",
    "debt_evasion_record",
]
PAYMENT_COLUMNS = ["pay_months_active", "pay_inflow_cv"]
# The aggregates the characteristics are computed from (engines/scoring/payments.py VALUE_COLUMNS).
PAYMENT_VALUES = ["inflow_count", "inflow_amount", "outflow_count", "outflow_amount"]


def archive_frame(archives: QuerySet[HouseholdArchive]) -> pd.DataFrame:
    """One row per archive, indexed by household id, with the card's columns (payment ones empty)."""
    fields = ["household_id", "household__head_age", *NUMERIC, *CATEGORICAL, *BOOLEAN]
    sql, params = archives.order_by().values_list(*fields).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    df = pd.DataFrame.from_records(
        rows, columns=["household_id", "head_age", *NUMERIC, *CATEGORICAL, *BOOLEAN]
    )
    for c in ["head_age", *NUMERIC]:
        df[c] = pd.to_numeric(df[c].map(_num) if df[c].dtype == object else df[c], errors="coerce").astype(
            float
        )
    for c in BOOLEAN:
        df[c] = df[c].astype("boolean") if len(df) else df[c].astype("boolean")
    for c in PAYMENT_COLUMNS:
        df[c] = np.nan
    # A debtor on the dishonest-debtor list is a record of debt evasion whatever the archive says: the card's
    # evasion exclusion applies, and `limits_for` gives no line.
    listed = df["household_id"].isin(listed_households()).to_numpy(dtype=bool)
    df[LISTED] = listed
    df.loc[listed, "debt_evasion_record"] = True
    return df.set_index("household_id")


# The column of households another app lists as dishonest debtors (逃废债黑名单), and the service it offers
# under this name (`plugins.SERVICES`): `fn() -> set of household ids`. No app installed: nobody is listed.
LISTED = "dishonest_debtor"
LISTED_SERVICE = "dishonest_debtor_households"


def listed_households() -> set[int]:
    try:
        listed = plugins.service(LISTED_SERVICE)
    except LookupError:
        return set()
    return listed()


def _num(v):
    # PostgreSQL hands back Decimal; SQLite numbers already
    return float(v) if isinstance(v, Decimal) else v


def consented_ids(household_ids, scope: str, *, on: datetime.date) -> set[int]:
    """Households with a valid (granted, not revoked, not expired) consent for `scope` on `on`."""
    qs = Consent.objects.filter(scope=scope, revoked_at__isnull=True, expires_on__gte=on)
    if household_ids is not None:
        qs = qs.filter(household_id__in=list(household_ids))
    return set(qs.values_list("household_id", flat=True))


def add_payment_signals(df: pd.DataFrame, *, as_of: datetime.date) -> np.ndarray:
    """Fill the payment columns only for households with a valid payment-data consent.

    Returns the boolean mask of rows that used payment signals; all others stay empty (scored as the
    bonus not received), so a revoked consent is honoured at the next rating."""
    used = np.zeros(len(df), dtype=bool)
    if not len(df):
        return used
    ids = consented_ids(df.index if len(df) < 50_000 else None, Consent.Scope.PAYMENT_DATA, on=as_of)
    ids &= set(df.index)
    if not ids:
        return used
    monthly = payment_months(ids, as_of=as_of)
    if monthly.empty:
        return used
    feats = payment_features(monthly, as_of=as_of.strftime("%Y-%m"), households=sorted(ids))
    for c in PAYMENT_COLUMNS:
        df.loc[feats.index, c] = feats[c].to_numpy(dtype=float)
    used = df.index.isin(list(ids))
    return used


PAYMENT_WINDOW = 12  # months ending at the rating date: the window `payment_features` reads
_ID_CHUNK = 5000


def payment_months(household_ids, *, as_of: datetime.date) -> pd.DataFrame:
    """The imported monthly aggregates (`PaymentMonth`, credit/payment_import.py) of these households in the
    window ending at `as_of`, one row per household, month and reporting institution (`payment_features`
    adds a month's institutions up). Read in chunks of ids, on the (household, month) index."""
    last = as_of.year * 12 + as_of.month - 1
    first = last - PAYMENT_WINDOW + 1
    start, end = f"{first // 12}-{first % 12 + 1:02d}", f"{as_of:%Y-%m}"
    ids = sorted(household_ids)
    records = []
    for i in range(0, len(ids), _ID_CHUNK):
        records.extend(
            PaymentMonth.objects.filter(
                household_id__in=ids[i : i + _ID_CHUNK], month__gte=start, month__lte=end
            ).values("household_id", "month", *PAYMENT_VALUES)
        )
    return pd.DataFrame.from_records(records)


def rate_frame(card: Scorecard, df: pd.DataFrame) -> pd.DataFrame:
    """Score every row: score, grade, excluded, reasons (list of dicts) — aligned with df.index."""
    result = card.score(df)
    out = result.to_frame(index=df.index)
    k = result.reason_state.shape[1]
    codes = [out[f"reason_{t + 1}_code"].to_numpy() for t in range(k)]
    texts = [out[f"reason_{t + 1}_text"].to_numpy() for t in range(k)]
    losts = [out[f"reason_{t + 1}_lost"].to_numpy() for t in range(k)]
    exc_codes = out["exclusion_codes"].to_numpy()
    exc_texts = out["exclusion_texts"].to_numpy()
    reasons = []
    for i in range(len(out)):
        if exc_codes[i]:
            items = [
                {"code": c, "text": t, "lost": None}
                for c, t in zip(exc_codes[i].split(";"), exc_texts[i].split("；"), strict=False)
            ]
        else:
            items = [
                {"code": codes[t][i], "text": texts[t][i], "lost": float(losts[t][i])}
                for t in range(k)
                if codes[t][i]
            ]
        reasons.append(items)
    out["reasons"] = reasons
    return out


# ---------------------------------------------------------------- pre-credit limits

DEFAULT_LIMIT_RULE = {
    "base": {"AAA": 100000, "AA": 80000, "A": 50000},
    "asset_rate": "0.10",
    "income_rate": "0.30",
    "cap": 200000,
    "round_down_to": 100,
    "exclusions": ["litigation_pending", "enforcement_pending", "current_npl"],
}


def limits_for(df: pd.DataFrame, grades: np.ndarray, rule: dict) -> np.ndarray:
    """Limit per row in whole yuan (int64; 0 = no line). Integer arithmetic on cents: exact like Decimal.

    base(grade) + asset_rate × total assets + income_rate × operating income, capped, rounded down."""
    base_by_grade = {g: int(v) * 100 for g, v in rule["base"].items()}
    base = (
        np.array([base_by_grade.get(g, 0) for g in grades], dtype=np.int64)
        if len(grades)
        else np.zeros(0, np.int64)
    )

    def cents(col):
        v = df[col].to_numpy(dtype=float, na_value=0.0) if col in df else np.zeros(len(df))
        return np.rint(np.nan_to_num(np.maximum(v, 0.0)) * 100).astype(np.int64)

    def rate(x):  # rate as a fraction of 10_000 (basis points), exact from its decimal text
        return int((Decimal(str(x)) * 10000).to_integral_value())

    total = base + cents("total_assets") * rate(rule["asset_rate"]) // 10000
    total += cents("operating_income") * rate(rule["income_rate"]) // 10000
    total = np.minimum(total, int(rule["cap"]) * 100)
    step = int(rule.get("round_down_to", 1)) * 100
    total = total // step * step
    total[base == 0] = 0
    # A listed debtor gets no line under any rule (the plan's 惩戒, not a setting of the rule).
    for col in dict.fromkeys([*rule.get("exclusions", []), LISTED]):
        if col in df:
            total[df[col].fillna(False).to_numpy(dtype=bool)] = 0
    return total // 100


def insert_ratings(
    *,
    household_ids,
    scorecard_id,
    scores,
    grades,
    excluded,
    reasons,
    used_payment,
    limits,
    rated_at,
    chunk=20_000,
) -> None:
    """Write current ratings with executemany: a million Rating instances would cost more than scoring."""
    from django.db import connection

    when = connection.ops.adapt_datetimefield_value(rated_at)
    sql = (
        f"INSERT INTO {Rating._meta.db_table} (household_id, scorecard_id, score, grade, excluded, reasons, "
        "used_payment_signals, rule_limit, is_current, rated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    n = len(household_ids)
    with connection.cursor() as cur:
        for start in range(0, n, chunk):
            end = min(start + chunk, n)
            cur.executemany(
                sql,
                [
                    (
                        int(household_ids[i]),
                        scorecard_id,
                        round(float(scores[i]), 2),
                        grades[i],
                        bool(excluded[i]),
                        json.dumps(reasons[i], ensure_ascii=False),
                        bool(used_payment[i]),
                        int(limits[i]),
                        True,
                        when,
                    )
                    for i in range(start, end)
                ],
            )
    if n:
        sync_archive_grades(min(map(int, household_ids)), max(map(int, household_ids)))


def sync_archive_grades(lo: int, hi: int) -> None:
    """Copy the current rating's grade onto the archives of households lo..hi (one set-based UPDATE)."""
    current = Rating.objects.filter(household_id=OuterRef("pk"), is_current=True).values("grade")[:1]
    HouseholdArchive.objects.filter(household_id__gte=lo, household_id__lte=hi).update(
        grade=Coalesce(Subquery(current), Value(""))
    )
