"""Deterministic synthetic farm households for tests, examples and the benchmark (not real people).

`households(n, seed)` gives every column the default expert scorecard reads, plus `main_activity`,
`town`, `period` (2019-01 … 2021-12) and a `default` outcome (1 = the loan went bad) drawn from a
logistic model of a hidden household "strength", so that characteristics carry real but noisy
information. Payment signals are missing for about 30 % (no consent), other fields for 1–5 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ACTIVITIES = np.array(
    ["apple", "peach", "cherry", "livestock", "greenhouse", "grain", "migrant_work", "business"]
)
EDUCATION = np.array(["primary_or_below", "junior_secondary", "senior_secondary", "college_or_above"])
HOUSING = np.array(["owned_brick", "owned_other", "rented"])
TOWNS = np.array([f"3703231{i:02d}" for i in range(2, 12)] + ["370323001", "370323002"])

STAT_FEATURES = [
    "head_age",
    "labour_count",
    "residence_years",
    "annual_net_income",
    "total_assets",
    "total_liabilities",
    "land_contracted_mu",
    "operating_years",
    "overdue_count_3y",
    "repaid_loans_count",
    "pay_months_active",
    "pay_inflow_cv",
    "head_education",
    "housing",
    "main_activity",
    "current_overdue",
    "has_agri_insurance",
    "new_agri_entity",
    "utility_arrears",
    "lender_count",
]  # 20 characteristics for the statistical benchmark


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _blank(rng, a: np.ndarray, share: float) -> np.ndarray:
    a = a.astype(float) if a.dtype.kind in "iub" else a.copy()
    mask = rng.random(len(a)) < share
    a[mask] = np.nan if a.dtype.kind == "f" else None
    return a


def households(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)  # hidden strength
    age = np.clip(rng.normal(48, 11, n), 19, 85).round()
    edu = EDUCATION[np.clip((rng.normal(1.1, 0.8, n) + 0.3 * z).round(), 0, 3).astype(int)]
    labour = np.clip(rng.poisson(2.0, n) + (z > 1), 0, 6)
    residence = np.clip(rng.gamma(4.0, 6.0, n), 0, 70).round()
    activity = ACTIVITIES[rng.integers(0, len(ACTIVITIES), n)]
    act_boost = np.select(
        [activity == "greenhouse", activity == "cherry", activity == "migrant_work"], [0.3, 0.2, -0.1], 0.0
    )
    income = np.round(np.exp(10.9 + 0.55 * z + act_boost + rng.normal(0, 0.45, n)), -2)
    assets = np.round(income * np.exp(rng.normal(1.3, 0.6, n) + 0.3 * z), -2)
    liab_share = np.clip(rng.beta(1.2, 4.0, n) - 0.12 * z, 0, 1.5)
    liabilities = np.round(assets * liab_share * (rng.random(n) < 0.65), -2)
    land = np.round(np.clip(rng.gamma(2.0, 2.2, n), 0, 60), 1)
    transferred = np.round(np.where(rng.random(n) < 0.2, rng.gamma(2.0, 6.0, n), 0.0), 1)
    operating = np.clip(np.minimum(age - 18, rng.gamma(3.0, 4.0, n)), 0, 50).round()
    housing = HOUSING[np.select([z + rng.normal(0, 1, n) > -0.5, rng.random(n) < 0.7], [0, 1], 2)]
    overdue = rng.poisson(np.exp(-1.2 - 0.8 * z))
    repaid = rng.poisson(np.exp(0.6 + 0.25 * z))
    current_overdue = rng.random(n) < _sigmoid(-3.2 - 1.2 * z)
    guarantee = np.round(np.where(rng.random(n) < 0.12, income * rng.gamma(1.5, 0.4, n), 0.0), -2)
    utility = rng.random(n) < _sigmoid(-3.0 - 0.6 * z)
    enf_closed = rng.random(n) < _sigmoid(-4.0 - 0.5 * z)
    insurance = rng.random(n) < _sigmoid(0.2 + 0.4 * z)
    entity = rng.random(n) < _sigmoid(-2.0 + 0.5 * z)
    pay_active = np.clip(rng.binomial(12, _sigmoid(1.0 + 0.7 * z)), 0, 12).astype(float)
    pay_cv = np.round(np.exp(rng.normal(-0.3 - 0.35 * z, 0.5)), 3)
    lenders = rng.poisson(np.exp(-0.2 - 0.2 * z))
    litigation = rng.random(n) < _sigmoid(-5.0 - 0.6 * z)
    enforcement = rng.random(n) < _sigmoid(-5.5 - 0.6 * z)
    npl = rng.random(n) < _sigmoid(-4.8 - 1.0 * z)
    evasion = rng.random(n) < 0.002
    month = rng.integers(0, 36, n)
    period = np.array([f"{2019 + m // 12}-{m % 12 + 1:02d}" for m in range(36)])[month]
    drift = 0.25 * (month >= 30)  # the last half-year is a little riskier (out-of-time drift)
    logit = (
        -3.0 - 1.1 * z + 0.5 * current_overdue + 0.25 * np.minimum(overdue, 3) + 0.3 * (lenders >= 3) + drift
    )
    logit += 0.35 * (age >= 68) - 0.15 * insurance
    default = (rng.random(n) < _sigmoid(logit)).astype(np.int8)
    yes_no = np.array(["否", "是"], dtype=object)
    df = pd.DataFrame(
        {
            "household_id": np.char.add("H", np.char.zfill(np.arange(1, n + 1).astype(str), 8)),
            "town": TOWNS[rng.integers(0, len(TOWNS), n)],
            "period": period,
            "head_age": _blank(rng, age, 0.01),
            "head_education": _blank(rng, edu.astype(object), 0.02),
            "labour_count": labour.astype(float),
            "residence_years": _blank(rng, residence, 0.02),
            "annual_net_income": _blank(rng, income, 0.03),
            "total_assets": _blank(rng, assets, 0.04),
            "total_liabilities": _blank(rng, liabilities, 0.03),
            "land_contracted_mu": _blank(rng, land, 0.02),
            "land_transferred_in_mu": _blank(rng, transferred, 0.05),
            "operating_years": operating,
            "housing": housing.astype(object),
            "main_activity": activity.astype(object),
            "overdue_count_3y": _blank(rng, overdue, 0.05),
            "repaid_loans_count": repaid.astype(float),
            "current_overdue": yes_no[current_overdue.astype(int)],
            "guarantee_outstanding": guarantee,
            "utility_arrears": utility,
            "enforcement_closed": enf_closed,
            "has_agri_insurance": yes_no[insurance.astype(int)],
            "new_agri_entity": entity,
            "pay_months_active": _blank(rng, pay_active, 0.3),
            "pay_inflow_cv": _blank(rng, pay_cv, 0.3),
            "lender_count": lenders.astype(float),
            "litigation_pending": litigation,
            "enforcement_pending": enforcement,
            "current_npl": npl,
            "debt_evasion_record": evasion,
            "default": default,
        }
    )
    # payment signals are missing together (no consent)
    df.loc[df["pay_months_active"].isna(), "pay_inflow_cv"] = np.nan
    return df


def credit_sample(n: int, seed: int = 0) -> pd.DataFrame:
    """Id, town, period, the 20 characteristics of `STAT_FEATURES` and `default`."""
    df = households(n, seed)
    return df[["household_id", "town", "period", *STAT_FEATURES, "default"]]
