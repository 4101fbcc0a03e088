"""Column-wise statistics that ignore NaN, vectorised over columns."""

from __future__ import annotations

import numpy as np


def _moments(M: np.ndarray):
    ok = ~np.isnan(M)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, M, 0.0).sum(axis=0) / n
        d = np.where(ok, M - mean, 0.0)
    d2 = d * d
    return n, d, d2


def skew_kurt(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """e1071 type-2 sample skewness and excess kurtosis of each column (NaN ignored).

    Skewness needs 3 points, kurtosis 4; fewer gives NaN, as does a column without spread.
    """
    n, d, d2 = _moments(M)
    m2 = d2.sum(axis=0)
    m3 = (d2 * d).sum(axis=0)
    m4 = (d2 * d2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sk = np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / (m2 * m2)
        kt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    sk = np.where(n >= 3, sk, np.nan)
    kt = np.where(n >= 4, kt, np.nan)
    return sk, kt


def skewness(M: np.ndarray) -> np.ndarray:
    return skew_kurt(M)[0]


def r_or(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """R's three-valued `|` on boolean arrays where NaN means NA: returns float (1, 0 or NaN)."""
    a_true = a == 1
    b_true = b == 1
    a_na = np.isnan(a)
    b_na = np.isnan(b)
    out = np.where(a_true | b_true, 1.0, np.where(a_na | b_na, np.nan, 0.0))
    return out


def skew_kurt_pass(M: np.ndarray, skew_thresh, kurt_thresh):
    """COINr check_SkewKurt: pass when |skew| < skew_thresh OR kurt < kurt_thresh (NA-aware)."""
    sk, kt = skew_kurt(M)
    with np.errstate(invalid="ignore"):
        a = np.where(np.isnan(sk), np.nan, (np.abs(sk) < skew_thresh).astype(float))
        b = np.where(np.isnan(kt), np.nan, (kt < kurt_thresh).astype(float))
    return r_or(a, b), sk, kt


def nan_quantile_cols(M: np.ndarray, q: float) -> np.ndarray:
    """R type-7 quantile (numpy 'linear') of each column, NaN ignored. The columns without a NaN go through
    np.quantile at once (np.nanquantile handles a 2-D array column by column in Python: most of the cost of
    a 1,000-run uncertainty analysis); the same values either way."""
    with np.errstate(invalid="ignore"), _quiet():
        if M.ndim != 2 or M.shape[0] == 0:
            return np.nanquantile(M, q, axis=0)
        full = ~np.isnan(M).any(axis=0)
        out = np.empty(M.shape[1], dtype=float)
        if full.any():
            out[full] = np.quantile(M[:, full], q, axis=0)
        if not full.all():
            out[~full] = np.nanquantile(M[:, ~full], q, axis=0)
        return out


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *a):
        return self._w.__exit__(*a)
