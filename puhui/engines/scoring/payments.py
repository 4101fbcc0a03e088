"""Payment-signal characteristics from monthly per-household aggregates (plan section 十: 资金流量稳定).

Input: one row per household and month (rows of several banks or payment channels for the same
household and month are added up) with inflow/outflow counts and amounts. Output: one row per
household with characteristics over the `window` months ending at `as_of`:

    pay_months_active         months with any transaction
    pay_regularity            pay_months_active / window
    pay_inflow_months         months with an inflow
    pay_avg_inflow            mean monthly inflow amount (zeros included), yuan
    pay_avg_outflow           mean monthly outflow amount, yuan
    pay_inflow_cv             coefficient of variation of monthly inflow (std / mean; empty if no inflow)
    pay_inflow_share          inflow / (inflow + outflow) over the window (empty if no flow)
    pay_txn_per_month         transactions (in + out) per month
    pay_longest_gap           longest run of consecutive months without a transaction
    pay_months_since_active   months from the last active month to `as_of` (window if none)

A pure function: the caller checks consent first (payment data is used for credit only under a
recorded consent) and passes only consenting households. Amounts may be Decimal; the features are
statistics (floats), not money.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError

VALUE_COLUMNS = ("inflow_count", "inflow_amount", "outflow_count", "outflow_amount")
FEATURES = (
    "pay_months_active",
    "pay_regularity",
    "pay_inflow_months",
    "pay_avg_inflow",
    "pay_avg_outflow",
    "pay_inflow_cv",
    "pay_inflow_share",
    "pay_txn_per_month",
    "pay_longest_gap",
    "pay_months_since_active",
)
# The features in words, for pages and reports that name the columns a scorecard reads.
FEATURE_LABELS = {
    "pay_months_active": "有资金往来的月数",
    "pay_regularity": "有资金往来的月份占比",
    "pay_inflow_months": "有资金流入的月数",
    "pay_avg_inflow": "月均流入金额（元）",
    "pay_avg_outflow": "月均流出金额（元）",
    "pay_inflow_cv": "月流入金额的变异系数",
    "pay_inflow_share": "流入占收支总额的比例",
    "pay_txn_per_month": "月均交易笔数",
    "pay_longest_gap": "最长连续无交易月数",
    "pay_months_since_active": "距最近一次交易的月数",
}


def _to_float(x) -> float:
    try:
        return float(x)  # Decimal, int, numeric text
    except (TypeError, ValueError):
        return np.nan


def _month_index(values: pd.Series, column: str) -> np.ndarray:
    """Months since year 0 (year·12 + month − 1) from 'YYYY-MM', dates, or Periods."""
    if isinstance(values.dtype, pd.PeriodDtype):
        p = values
    else:
        try:
            p = pd.to_datetime(values.astype(str).str.slice(0, 7), format="%Y-%m").dt.to_period("M")
        except (ValueError, TypeError) as exc:
            raise DataError(f"列“{column}”必须是“年-月”（如 2021-06）") from exc
    return (p.dt.year * 12 + p.dt.month - 1).to_numpy(dtype=np.int64)


def _as_of_index(as_of) -> int:
    p = pd.Period(str(as_of)[:7], freq="M")
    return p.year * 12 + p.month - 1


def payment_features(
    monthly: pd.DataFrame,
    *,
    as_of,
    window: int = 12,
    id_column: str = "household_id",
    month_column: str = "month",
    households=None,
) -> pd.DataFrame:
    """Characteristics per household (index = household id). See the module docstring.

    `households` (optional): every id to report, so that households without any payment row in the
    window get a row of zero activity instead of none.
    """
    if window < 2:
        raise DataError("统计窗口至少为2个月")
    values = _checked_values(monthly, id_column, month_column)
    grids, universe = _monthly_grids(monthly, values, as_of, window, id_column, month_column, households)
    out = _features(grids, window, universe)
    out.index.name = id_column
    return out


def _checked_values(monthly: pd.DataFrame, id_column: str, month_column: str) -> dict[str, np.ndarray]:
    """The value columns as floats; every missing column, bad value (first 20 each) or empty id raised."""
    need = [id_column, month_column, *VALUE_COLUMNS]
    missing = [c for c in need if c not in monthly.columns]
    if missing:
        raise DataError([f"支付月度数据缺少列“{c}”" for c in missing])
    values = {}
    problems = []
    for c in VALUE_COLUMNS:
        col = monthly[c]
        v = col if pd.api.types.is_numeric_dtype(col.dtype) else col.map(_to_float).astype(float)
        bad = v.isna() | (v < 0)
        for r in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(f"第 {r + 2} 行：列“{c}”必须是非负数字")
        values[c] = v.to_numpy(dtype=float)
    if monthly[id_column].isna().any():
        rows = np.flatnonzero(monthly[id_column].isna().to_numpy())[:20]
        problems += [f"第 {r + 2} 行：农户编号为空" for r in rows]
    if problems:
        raise DataError(problems)
    return values


def _monthly_grids(
    monthly: pd.DataFrame, values: dict, as_of, window: int, id_column: str, month_column: str, households
) -> tuple[dict[str, np.ndarray], pd.Index]:
    """Per value column a (households × window months) grid of sums; the households (rows) in order."""
    end = _as_of_index(as_of)
    pos = _month_index(monthly[month_column], month_column) - (end - window + 1)
    inside = (pos >= 0) & (pos < window)
    ids = monthly[id_column].to_numpy()
    universe = pd.Index(pd.unique(ids) if households is None else pd.unique(np.asarray(households)))
    h = universe.get_indexer(ids)
    keep = inside & (h >= 0)
    n = len(universe)
    grids = {}
    for c in VALUE_COLUMNS:
        g = np.zeros((n, window))
        np.add.at(g, (h[keep], pos[keep]), values[c][keep])
        grids[c] = g
    return grids, universe


def _features(grids: dict[str, np.ndarray], window: int, universe: pd.Index) -> pd.DataFrame:
    """The FEATURES of each household from its monthly grids."""
    n = len(universe)
    txn = grids["inflow_count"] + grids["outflow_count"]
    active = (txn > 0) | (grids["inflow_amount"] > 0) | (grids["outflow_amount"] > 0)
    inflow = grids["inflow_amount"]
    outflow = grids["outflow_amount"]
    months_active = active.sum(axis=1)
    mean_in = inflow.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(mean_in > 0, inflow.std(axis=1) / mean_in, np.nan)
        total = inflow.sum(axis=1) + outflow.sum(axis=1)
        share = np.where(total > 0, inflow.sum(axis=1) / total, np.nan)
    # longest run of inactive months: scan the (small) window axis, vectorised over households
    run = np.zeros(n, dtype=int)
    longest = np.zeros(n, dtype=int)
    for t in range(window):
        run = np.where(active[:, t], 0, run + 1)
        longest = np.maximum(longest, run)
    last = np.where(active.any(axis=1), window - 1 - np.argmax(active[:, ::-1], axis=1), -1)
    since = np.where(last >= 0, window - 1 - last, window)
    return pd.DataFrame(
        {
            "pay_months_active": months_active,
            "pay_regularity": months_active / window,
            "pay_inflow_months": (inflow > 0).sum(axis=1),
            "pay_avg_inflow": mean_in,
            "pay_avg_outflow": outflow.mean(axis=1),
            "pay_inflow_cv": cv,
            "pay_inflow_share": share,
            "pay_txn_per_month": txn.sum(axis=1) / window,
            "pay_longest_gap": longest,
            "pay_months_since_active": since,
        },
        index=universe,
    )
