"""Outlier treatment: COINr's default rule reproduced exactly, vectorised over indicators and periods.

Per column (one indicator in one period):
1. pass when |skew| < skew_thresh OR kurtosis < kurt_thresh (e1071 type-2 sample statistics, excess
   kurtosis); a check that cannot be made (too few points, no spread) leaves the column untreated;
2. else winsorise on the skew side (skew ≥ 0: high), replacing every value tied at the extreme by the
   next value in, re-checking after each step, while the number of points counted by COINr
   (points at the latest high step + points at the latest low step) is below `winmax`;
3. if it still fails, discard the winsorisation and apply `f2` (default log_CT) to the original values
   (or to the winsorised ones with `combine_treat`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import SpecError
from .stats import skew_kurt_pass, skewness

DEFAULTS = {
    "f1": "winsorise",
    "winmax": 5,
    "skew_thresh": 2.0,
    "kurt_thresh": 3.5,
    "f2": "log_CT",
    "combine_treat": False,
}
F2 = ("log_CT", "log_CT_plus", "log_CT_orig", "log_GII", "none")
MARKS = ("", "winhi", "winlo") + F2


def _log_transform(name: str, X: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        mn = np.nanmin(X, axis=0)
        mx = np.nanmax(X, axis=0)
        if name == "log_CT":
            return np.log(X - mn + 0.01 * (mx - mn))
        if name == "log_CT_orig":
            return np.log(X - mn + 1)
        if name == "log_GII":
            return np.log((mx - 1) * (X - mn) / (mx - mn) + 1)
        if name == "log_CT_plus":
            a = 0.01 * (mx - mn)
            pos = skewness(X) > 0
            return np.where(pos, np.log(X - mn + a), -np.log(mx + a - X))
    raise SpecError(f"未知的第二步处理方法“{name}”")


def resolve_params(spec: dict, indicators: list[str]) -> dict[str, dict | None]:
    """Per-indicator treatment parameters: global defaults, then `indicators:` overrides (None = skip)."""
    base = dict(DEFAULTS)
    unknown = set(spec) - set(DEFAULTS) - {"indicators", "by_time"}
    if unknown:
        raise SpecError(f"异常值处理步骤不认识参数：{'、'.join(sorted(unknown))}")
    base.update({k: v for k, v in spec.items() if k in DEFAULTS})
    over = spec.get("indicators") or {}
    bad = set(over) - set(indicators)
    if bad:
        raise SpecError(f"异常值处理的单独设置指向不存在的指标：{'、'.join(sorted(bad))}")
    out: dict[str, dict | None] = {}
    for code in indicators:
        o = over.get(code)
        if isinstance(o, str) and o == "none":
            out[code] = None
            continue
        p = dict(base)
        if isinstance(o, dict):
            extra = set(o) - set(DEFAULTS)
            if extra:
                raise SpecError(f"指标“{code}”的异常值处理设置不认识参数：{'、'.join(sorted(extra))}")
            p.update(o)
        elif o is not None:
            raise SpecError(f"指标“{code}”的异常值处理设置应为 none 或参数表")
        if p["f2"] is None:
            p["f2"] = "none"
        if p["f2"] not in F2:
            raise SpecError(f"指标“{code}”的第二步处理方法“{p['f2']}”无效，可选：{'、'.join(F2)}")
        if p["f1"] not in ("winsorise", "none"):
            raise SpecError(f"指标“{code}”的第一步处理方法“{p['f1']}”无效，可选：winsorise、none")
        out[code] = p
    return out


def treat_columns(M: np.ndarray, params: list[dict | None]):
    """Treat every column of M (rows = units, NaN = missing). Returns (Y, details dict of arrays, marks)."""
    Y = M.copy()
    P = _column_params(params)
    # step 1: the check of the raw values
    det, fail = _initial_details(M, P)
    # step 2: winsorisation, all failing columns at once
    W = np.flatnonzero(fail & P["use_win"])
    X, nwin, error, last_pass, last_sk, last_kt = _winsorise(M[:, W].copy(), det["Skew0"][W], P, W)
    # columns failing without winsorisation: the check after "step 1" is the initial one
    NW = np.flatnonzero(fail & ~P["use_win"])

    det["nwin"][W] = nwin
    det["Pass1"][W] = np.where(error, np.nan, last_pass)
    det["Skew1"][W] = last_sk
    det["Kurt1"][W] = last_kt
    ok_win = ~error & (last_pass == 1)
    Y[:, W[ok_win]] = X[:, ok_win]
    det["Treatment"][W[ok_win]] = [f"winsorised {int(k)}" for k in nwin[ok_win]]
    det["Treatment"][W[error | np.isnan(last_pass)]] = "untreated (check NA)"
    still = np.concatenate([W[~error & (last_pass == 0)], NW]).astype(int)
    src = {int(j): X[:, k] for k, j in enumerate(W)}
    # step 3: the second treatment on columns still failing
    _second_treatment(M, Y, det, still, src, P)
    return Y, det, _marks(M, Y, det)


def _column_params(params: list[dict | None]) -> dict[str, np.ndarray]:
    """The per-column settings as arrays (a column with params None is not treated)."""

    def g(key, default):
        return np.array([p[key] if p is not None else default for p in params], dtype=float)

    return {
        "enabled": np.array([p is not None for p in params]),
        "winmax": g("winmax", 0),
        "st": g("skew_thresh", 2.0),
        "kt": g("kurt_thresh", 3.5),
        "use_win": np.array([p is not None and p["f1"] == "winsorise" for p in params]),
        "f2": np.array([p["f2"] if p is not None else "none" for p in params], dtype=object),
        "combine": np.array([bool(p["combine_treat"]) if p is not None else False for p in params]),
    }


def _initial_details(M: np.ndarray, P: dict) -> tuple[dict, np.ndarray]:
    """The details table after the first check, and which enabled columns fail it."""
    C = M.shape[1]
    enabled = P["enabled"]
    pass0, sk0, kt0 = skew_kurt_pass(M, P["st"], P["kt"])
    det = {
        "Pass0": pass0,
        "Skew0": sk0,
        "Kurt0": kt0,
        "nwin": np.full(C, np.nan),
        "Pass1": np.full(C, np.nan),
        "Skew1": np.full(C, np.nan),
        "Kurt1": np.full(C, np.nan),
        "f2": np.full(C, "", dtype=object),
        "Pass2": np.full(C, np.nan),
        "Skew2": np.full(C, np.nan),
        "Kurt2": np.full(C, np.nan),
        "Treatment": np.where(enabled, "", "none").astype(object),
    }
    det["Treatment"][enabled & np.isnan(pass0)] = "untreated (check NA)"
    det["Treatment"][enabled & (pass0 == 1)] = "passed"
    return det, enabled & (pass0 == 0)


def _winsorise(X: np.ndarray, sk0: np.ndarray, P: dict, W: np.ndarray):
    """COINr's winsorisation loop on the columns X (= M[:, W]) at once, in place: replace the most
    extreme value on the side of the skew by the next one until the column passes or winmax is reached.
    Returns (X, nwin, error, last_pass, last_skew, last_kurt) per column."""
    winmax, st, kt = P["winmax"][W], P["st"][W], P["kt"][W]
    nwin = np.zeros(len(W))
    len_hi = np.zeros(len(W))
    len_lo = np.zeros(len(W))
    error = np.zeros(len(W), dtype=bool)
    last_pass = np.zeros(len(W))
    last_sk = np.full(len(W), np.nan)
    last_kt = np.full(len(W), np.nan)
    cur_sk = sk0.copy()  # skew of the current values: the check after each step computes it anyway
    active = (nwin < winmax) if len(W) else np.zeros(0, dtype=bool)
    while active.any():
        A = np.flatnonzero(active)
        Xa = X[:, A]
        s = cur_sk[A]
        bad = np.isnan(s)
        hi = s >= 0
        with np.errstate(invalid="ignore"):
            ext = np.where(hi, np.nanmax(Xa, axis=0), np.nanmin(Xa, axis=0))
            at = Xa == ext
            rest = np.where(at, np.nan, Xa)
            nxt = np.where(hi, _nanmax0(rest), _nanmin0(rest))
        cnt = at.sum(axis=0)
        Xa = np.where(at & ~bad, nxt, Xa)
        X[:, A] = Xa
        len_hi[A] = np.where(hi & ~bad, cnt, len_hi[A])
        len_lo[A] = np.where(~hi & ~bad, cnt, len_lo[A])
        nwin[A] = len_hi[A] + len_lo[A]
        p, sk, kk = skew_kurt_pass(Xa, st[A], kt[A])
        last_pass[A], last_sk[A], last_kt[A] = p, sk, kk
        cur_sk[A] = sk
        below = nwin[A] < winmax[A]
        # R: while((!passing) & below_winmax) with passing NA and below TRUE is an error → untreated
        error[A] |= bad | (np.isnan(p) & below)
        active[A] = (p == 0) & below & ~error[A]
    return X, nwin, error, last_pass, last_sk, last_kt


def _second_treatment(M: np.ndarray, Y: np.ndarray, det: dict, still: np.ndarray, src: dict, P: dict) -> None:
    """Step 3 on the columns still failing: their f2 (a log transform) on the raw or, with
    combine_treat, the winsorised values; "none" keeps the winsorised values. Writes into Y and det."""
    f2, combine, st, kt = P["f2"], P["combine"], P["st"], P["kt"]
    for name in sorted(set(f2[still])) if len(still) else []:
        cols = still[f2[still] == name]
        if name == "none":
            for j in cols:
                if j in src:
                    Y[:, j] = src[j]
                    det["Treatment"][j] = f"winsorised {int(det['nwin'][j])} (still failing)"
                else:
                    det["Treatment"][j] = "failing, no treatment"
            continue
        base = np.column_stack([src[j] if (combine[j] and j in src) else M[:, j] for j in cols])
        T = _log_transform(name, base)
        p, sk, kk = skew_kurt_pass(T, st[cols], kt[cols])
        Y[:, cols] = T
        det["f2"][cols] = name
        det["Pass2"][cols], det["Skew2"][cols], det["Kurt2"][cols] = p, sk, kk
        det["Treatment"][cols] = name


def _marks(M: np.ndarray, Y: np.ndarray, det: dict) -> np.ndarray:
    """Per value, an index into MARKS: winsorised down/up, or the transform applied."""
    marks = np.zeros(M.shape, dtype=np.int8)
    for j in np.flatnonzero(~np.isin(det["Treatment"], ["passed", "none", ""])):
        t = det["Treatment"][j]
        if t.startswith("winsorised"):
            changed = (Y[:, j] != M[:, j]) & ~np.isnan(M[:, j])
            marks[changed, j] = np.where(Y[changed, j] < M[changed, j], 1, 2)
        elif t in F2:
            marks[~np.isnan(M[:, j]), j] = MARKS.index(t)
    return marks


def _nanmax0(A):
    with np.errstate(invalid="ignore"):
        allnan = np.isnan(A).all(axis=0)
        out = np.nanmax(np.where(np.isnan(A), -np.inf, A), axis=0)
        return np.where(allnan, -np.inf, out)


def _nanmin0(A):
    with np.errstate(invalid="ignore"):
        allnan = np.isnan(A).all(axis=0)
        out = np.nanmin(np.where(np.isnan(A), np.inf, A), axis=0)
        return np.where(allnan, np.inf, out)


def treat_panel(df: pd.DataFrame, indicators: list[str], blocks, spec: dict):
    """Treat every indicator within each period. Returns (data, details table, treated points table)."""
    params = resolve_params(spec or {}, indicators)
    K = len(indicators)
    X = df[indicators].to_numpy(dtype=float)
    M = blocks.to_cols(X)
    plist = [params[c] for c in indicators] * blocks.T
    Y, det, marks = treat_columns(M, plist)
    out = df.copy()
    out[indicators] = blocks.from_cols(Y, K)
    times = np.repeat(np.array(blocks.times, dtype=object), K)
    codes = np.tile(np.array(indicators, dtype=object), blocks.T)
    table = pd.DataFrame({"iCode": codes, "Time": times})
    for k, v in det.items():
        table[k] = v
    mk = blocks.from_cols(marks, K)
    keep = (mk != 0).any(axis=1)
    points = df.loc[keep, ["uCode", "Time"]].reset_index(drop=True)
    labels = np.array(MARKS, dtype=object)
    for i, c in enumerate(indicators):
        points[c] = labels[mk[keep, i].astype(int)]
    return out, table, points
