"""Validation statistics in numpy/scipy: AUC, Gini, KS, PSI, Jeffreys test, information value.

Conventions: `y` is 1 for a default (bad), 0 for good; `risk` is any number that grows with the
risk of default (a PD, or minus a score).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

PSI_FLOOR = 1e-4  # share used for an empty bin, so that PSI stays finite


def auc(y: np.ndarray, risk: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney, ties counted half)."""
    y = np.asarray(y, dtype=bool)
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = stats.rankdata(risk)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def gini(y: np.ndarray, risk: np.ndarray) -> float:
    return 2 * auc(y, risk) - 1


def ks(y: np.ndarray, risk: np.ndarray) -> float:
    """Kolmogorov–Smirnov: the largest gap between the bad and good cumulative distributions."""
    y = np.asarray(y, dtype=bool)
    risk = np.asarray(risk, dtype=float)
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    values, inverse = np.unique(risk, return_inverse=True)
    bad = np.bincount(inverse, weights=y, minlength=len(values))
    good = np.bincount(inverse, weights=~y, minlength=len(values))
    return float(np.max(np.abs(np.cumsum(bad) / n1 - np.cumsum(good) / n0)))


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index of two distributions over the same bins (counts or shares)."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if e.sum() <= 0 or a.sum() <= 0:
        return float("nan")
    e = np.maximum(e / e.sum(), PSI_FLOOR)
    a = np.maximum(a / a.sum(), PSI_FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_label(value: float) -> str:
    if not np.isfinite(value):
        return "无法计算"
    if value < 0.1:
        return "稳定"
    if value < 0.25:
        return "轻微变化，需关注"
    return "显著变化，需复核模型"


def jeffreys_pvalue(pd_: float, n: int, defaults: int) -> float:
    """One-sided Jeffreys test (ECB/EBA PD back-testing): p-value of H0 "the PD is not too low".

    The posterior of the default rate under the Jeffreys prior is Beta(D + ½, N − D + ½); the p-value
    is its CDF at the grade's PD. A small p-value means more defaults than the PD allows.
    """
    if n <= 0:
        return float("nan")
    return float(stats.beta.cdf(pd_, defaults + 0.5, n - defaults + 0.5))


def woe_iv(bad: np.ndarray, good: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WoE (log of %good / %bad, optbinning's sign: higher is better) and IV per bin.

    A bin without goods or without bads gets WoE 0 and IV 0 (it carries no finite evidence).
    """
    bad = np.asarray(bad, dtype=float)
    good = np.asarray(good, dtype=float)
    tb, tg = bad.sum(), good.sum()
    woe = np.zeros(len(bad))
    iv = np.zeros(len(bad))
    ok = (bad > 0) & (good > 0) & (tb > 0) & (tg > 0)
    pg = good[ok] / tg
    pb = bad[ok] / tb
    woe[ok] = np.log(pg / pb)
    iv[ok] = (pg - pb) * woe[ok]
    return woe, iv
