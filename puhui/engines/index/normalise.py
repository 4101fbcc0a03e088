"""Normalisation, column-wise and vectorised over periods.

COINr semantics: the indicator is multiplied by its Direction first, then normalised (goalposts and
targets are flipped with it), so a higher normalised value is always better. The log efficacy function
works on the raw positive values and reverses the formula for negative indicators instead.

Where the statistics come from (`fit`):
- `per_time` (default): each period on its own (COINr normalises each coin of a purse separately);
- `global`: all periods pooled (COINr's `global = TRUE`);
- `base`: the base period (`base_time`) only, frozen and applied to every period — comparable over time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import MethodDomainError, SpecError
from .stats import nan_quantile_cols

FITS = ("per_time", "global", "base")


def _nanmin(X):
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(X).all(axis=0), np.nan, np.nanmin(np.where(np.isnan(X), np.inf, X), axis=0))


def _nanmax(X):
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(X).all(axis=0), np.nan, np.nanmax(np.where(np.isnan(X), -np.inf, X), axis=0))


def _safe_div(a, b):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b == 0, np.nan, a / np.where(b == 0, 1, b))


def col_ranks(X: np.ndarray) -> np.ndarray:
    """Ascending ranks per column, ties get the minimum rank, NaN stays NaN (R rank, ties 'min')."""
    if X.size == 0:
        return X.astype(float)
    XT = np.ascontiguousarray(X.T, dtype=float)
    n = XT.shape[1]
    order = np.argsort(XT, axis=1)  # NaN sorts last; ties need no stable sort for 'min' ranks
    S = np.take_along_axis(XT, order, axis=1)
    new = np.ones(S.shape, dtype=bool)
    new[:, 1:] = S[:, 1:] != S[:, :-1]
    first = np.where(new, np.arange(n)[None, :], 0)
    np.maximum.accumulate(first, axis=1, out=first)
    R = np.empty(XT.shape)
    np.put_along_axis(R, order, first + 1.0, axis=1)
    R[np.isnan(XT)] = np.nan
    return R.T


class Method:
    name = ""
    flip = True  # multiply by Direction before normalising (COINr)
    fits = True  # has statistics that can be pooled or frozen
    params: dict = {}

    def fit(self, X, P, ctx) -> dict:
        return {}

    def apply(self, X, S, P, ctx) -> np.ndarray:
        raise NotImplementedError


class MinMax(Method):
    name = "minmax"
    params = {"l_u": (0.0, 100.0)}

    def fit(self, X, P, ctx):
        return {"min": _nanmin(X), "max": _nanmax(X)}

    def apply(self, X, S, P, ctx):
        lo, hi = P["l_u"][:, 0], P["l_u"][:, 1]
        return _safe_div(X - S["min"], S["max"] - S["min"]) * (hi - lo) + lo


class ZScore(Method):
    name = "zscore"
    params = {"m_sd": (0.0, 1.0)}

    def fit(self, X, P, ctx):
        with np.errstate(invalid="ignore", divide="ignore"), _quiet():
            return {"mean": np.nanmean(X, axis=0), "sd": np.nanstd(X, axis=0, ddof=1)}

    def apply(self, X, S, P, ctx):
        return _safe_div(X - S["mean"], S["sd"]) * P["m_sd"][:, 1] + P["m_sd"][:, 0]


class Scaled(Method):
    name = "scaled"
    fits = False
    params = {"npara": None, "scale_factor": 100.0}

    def apply(self, X, S, P, ctx):
        lo, hi = P["npara_flipped"][:, 0], P["npara_flipped"][:, 1]
        return _safe_div(X - lo, hi - lo) * P["scale_factor"]


class Goalposts(Method):
    """(x − lower)/(upper − lower), truncated to [0, 1] by default, times `scale` (COINr n_goalposts).

    Goalposts come from the spec (`gposts: [lower, upper, scale]`), else from iMeta columns
    goalpost_lower/upper/scale/trunc2posts, else they are fitted as quantiles `q: [0, 1]` of the data
    (with fit: base, frozen at the base period)."""

    name = "goalposts"
    params = {"gposts": None, "trunc2posts": True, "q": (0.0, 1.0)}

    def fit(self, X, P, ctx):
        lo = nan_quantile_cols(X, float(P["q"][0, 0])) if X.shape[1] else np.zeros(0)
        hi = nan_quantile_cols(X, float(P["q"][0, 1])) if X.shape[1] else np.zeros(0)
        given = ~np.isnan(P["gp_lo"])
        return {"lower": np.where(given, P["gp_lo"], lo), "upper": np.where(given, P["gp_hi"], hi)}

    def apply(self, X, S, P, ctx):
        y = _safe_div(X - S["lower"], S["upper"] - S["lower"])
        trunc = P["trunc2posts"].astype(bool)
        y = np.where(trunc, np.clip(y, 0, 1), y)
        return y * P["gp_scale"]


class Dist2Targ(Method):
    name = "dist2targ"
    params = {"targ": None, "cap_max": False, "scale": 1.0}

    def fit(self, X, P, ctx):
        return {"min": _nanmin(X)}

    def apply(self, X, S, P, ctx):
        y = _safe_div(X - S["min"], P["targ_flipped"] - S["min"])
        y = np.where(P["cap_max"].astype(bool), np.minimum(y, 1), y)
        return y * P["scale"]


class FracMax(Method):
    name = "fracmax"
    params = {}

    def fit(self, X, P, ctx):
        return {"max": _nanmax(X)}

    def apply(self, X, S, P, ctx):
        return _safe_div(X, S["max"])


class Dist2Max(Method):
    name = "dist2max"
    params = {}

    def fit(self, X, P, ctx):
        return {"min": _nanmin(X), "max": _nanmax(X)}

    def apply(self, X, S, P, ctx):
        return 1 - _safe_div(S["max"] - X, S["max"] - S["min"])


class Rank(Method):
    name = "rank"
    fits = False
    params = {}
    offset = 0.0

    def apply(self, X, S, P, ctx):
        return col_ranks(X) - self.offset


class Borda(Rank):
    name = "borda"
    offset = 1.0


class PRank(Method):
    name = "prank"
    fits = False
    params = {"scale": 1.0}

    def apply(self, X, S, P, ctx):
        r = col_ranks(X)
        n = (~np.isnan(X)).sum(axis=0)
        return _safe_div(r - 1, n - 1) * P["scale"]


class NoNorm(Method):
    name = "none"
    fits = False
    params = {}

    def apply(self, X, S, P, ctx):
        return X.copy()


class LogEfficacy(Method):
    """d = (ln x − ln x_l)/(ln x_h − ln x_l)·scale, x_l and x_h the base period's 5th and 95th percentiles
    (Peking University digital financial inclusion index). Negative indicators: (ln x_h − ln x)/(…).
    The base period is clipped to [0, scale]; later periods are floored at 0 but not capped above,
    so growth beyond the base stays visible. Frozen bounds can be given in iMeta (logeff_lower/upper)."""

    name = "log_efficacy"
    flip = False
    params = {"q": (0.05, 0.95), "scale": 100.0, "cap_base": True, "floor": True, "cap_later": False}

    def fit(self, X, P, ctx):
        lo = nan_quantile_cols(X, float(P["q"][0, 0])) if X.shape[1] else np.zeros(0)
        hi = nan_quantile_cols(X, float(P["q"][0, 1])) if X.shape[1] else np.zeros(0)
        given = ~np.isnan(P["le_lo"])
        return {"x_l": np.where(given, P["le_lo"], lo), "x_h": np.where(given, P["le_hi"], hi)}

    def apply(self, X, S, P, ctx):
        x_l, x_h = S["x_l"], S["x_h"]
        bad = ~(x_l > 0) | ~(x_h > x_l)
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise MethodDomainError(
                f"对数功效函数要求基期下限与上限为正且上限大于下限（指标“{ctx['codes'][j]}”：x_l={x_l[j]:g}，x_h={x_h[j]:g}）"
            )
        d = P["direction"]
        neg = d < 0
        if (neg & np.nanmin(np.where(np.isnan(X), 1, X), axis=0).__le__(0)).any():
            j = int(np.flatnonzero(neg & (np.nanmin(np.where(np.isnan(X), 1, X), axis=0) <= 0))[0])
            raise MethodDomainError(f"对数功效函数要求负向指标“{ctx['codes'][j]}”的值全部为正")
        floor = P["floor"].astype(bool)
        if ((~neg) & ~floor & (np.nanmin(np.where(np.isnan(X), 1, X), axis=0) <= 0)).any():
            j = int(
                np.flatnonzero((~neg) & ~floor & (np.nanmin(np.where(np.isnan(X), 1, X), axis=0) <= 0))[0]
            )
            raise MethodDomainError(
                f"对数功效函数要求指标“{ctx['codes'][j]}”的值全部为正（或开启 floor 下限截断）"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            lx = np.log(np.where(X > 0, X, np.nan))
            lx = np.where((X <= 0) & ~neg, -np.inf, lx)
            span = np.log(x_h) - np.log(x_l)
            y = np.where(neg, np.log(x_h) - lx, lx - np.log(x_l)) / span * P["scale"]
        y = np.where(floor & ~np.isnan(y), np.maximum(y, 0), y)
        base = ctx["base_rows"][:, None]
        cap = np.where(base, P["cap_base"].astype(bool), P["cap_later"].astype(bool))
        y = np.where(cap & ~np.isnan(y), np.minimum(y, P["scale"]), y)
        return y


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        MinMax(),
        ZScore(),
        Scaled(),
        Goalposts(),
        Dist2Targ(),
        FracMax(),
        Dist2Max(),
        Rank(),
        Borda(),
        PRank(),
        NoNorm(),
        LogEfficacy(),
    )
}
ALIASES = {
    "n_minmax": "minmax",
    "n_zscore": "zscore",
    "n_scaled": "scaled",
    "n_goalposts": "goalposts",
    "n_dist2targ": "dist2targ",
    "n_fracmax": "fracmax",
    "n_dist2max": "dist2max",
    "n_rank": "rank",
    "n_borda": "borda",
    "n_prank": "prank",
    "logeff": "log_efficacy",
}


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *a):
        return self._w.__exit__(*a)


def _spec_for(spec: dict, code: str) -> dict:
    base = {k: v for k, v in spec.items() if k != "indicators"}
    over = (spec.get("indicators") or {}).get(code)
    if over is None:
        return base
    if isinstance(over, str):
        over = {"method": over}
    if "method" in over and over["method"] != base.get("method"):
        # a different method starts from its own defaults, keeping only where the statistics come from
        base = {k: base[k] for k in ("fit", "base_time") if k in base}
    return {**base, **over}


def _method(name) -> Method:
    name = ALIASES.get(name, name)
    if name not in METHODS:
        raise SpecError(f"未知的标准化方法“{name}”，可选：{'、'.join(METHODS)}")
    return METHODS[name]


def _param_arrays(m: Method, s: dict, codes: list[str], fw) -> dict[str, np.ndarray]:
    """Per-column parameter arrays (len(codes) rows) from the step spec and iMeta."""
    known = set(m.params) | {"method", "fit", "base_time"}
    extra = set(s) - known
    if extra:
        raise SpecError(f"标准化方法“{m.name}”不认识参数：{'、'.join(sorted(extra))}")
    K = len(codes)
    dirs = np.array([fw.direction[c] for c in codes], dtype=float)
    P: dict[str, np.ndarray] = {"direction": dirs}
    for key, default in m.params.items():
        v = s.get(key, default)
        if key in ("gposts", "targ", "npara"):
            continue
        arr = np.asarray(v, dtype=float)
        P[key] = np.tile(arr, (K, 1)) if arr.ndim == 1 else np.full(K, float(arr))
    if m.name == "minmax" and "l_u" not in s and "minmax_lower" in fw.meta.columns:
        P["l_u"] = np.array(
            [
                [float(fw.meta_value(c, "minmax_lower", 0)), float(fw.meta_value(c, "minmax_upper", 100))]
                for c in codes
            ]
        )
    if m.name == "zscore" and "m_sd" not in s and "zscore_mean" in fw.meta.columns:
        P["m_sd"] = np.array(
            [
                [float(fw.meta_value(c, "zscore_mean", 0)), float(fw.meta_value(c, "zscore_sd", 1))]
                for c in codes
            ]
        )
    if m.name == "goalposts":
        gp = s.get("gposts")
        lo = np.full(K, np.nan)
        hi = np.full(K, np.nan)
        sc = np.ones(K)
        tr = np.array([bool(s.get("trunc2posts", True))] * K)
        for i, c in enumerate(codes):
            if gp is not None:
                g = gp.get(c) if isinstance(gp, dict) else gp
                if g is not None:
                    lo[i], hi[i] = float(g[0]), float(g[1])
                    sc[i] = float(g[2]) if len(g) > 2 else 1.0
            elif "goalpost_lower" in fw.meta.columns and not pd.isna(fw.meta_value(c, "goalpost_lower")):
                lo[i] = float(fw.meta_value(c, "goalpost_lower"))
                hi[i] = float(fw.meta_value(c, "goalpost_upper"))
                sc[i] = float(fw.meta_value(c, "goalpost_scale", 1.0))
                if "trunc2posts" not in s:
                    tr[i] = bool(fw.meta_value(c, "goalpost_trunc2posts", True))
        # goalposts given in original units are flipped with the indicator
        P["gp_lo"] = np.where(dirs < 0, -hi, lo)
        P["gp_hi"] = np.where(dirs < 0, -lo, hi)
        P["gp_scale"] = sc
        P["trunc2posts"] = tr
    if m.name == "dist2targ":
        t = s.get("targ")
        targ = np.array(
            [
                float(t.get(c, np.nan) if isinstance(t, dict) else t)
                if t is not None
                else float(fw.meta_value(c, "Target", np.nan))
                for c in codes
            ]
        )
        if np.isnan(targ).any():
            miss = [c for c, v in zip(codes, targ, strict=True) if np.isnan(v)]
            raise SpecError(f"距目标值标准化缺少目标值（iMeta 的 Target 列或参数 targ）：{'、'.join(miss)}")
        P["targ_flipped"] = targ * dirs
        P["targ"] = targ
    if m.name == "scaled":
        npara = s.get("npara")
        if npara is None:
            raise SpecError("scaled 标准化需要参数 npara: [下限, 上限]")
        lo, hi = float(npara[0]), float(npara[1])
        P["npara_flipped"] = np.array([[-hi, -lo] if d < 0 else [lo, hi] for d in dirs])
    if m.name == "log_efficacy":
        P["le_lo"] = np.array([float(fw.meta_value(c, "logeff_lower", np.nan)) for c in codes])
        P["le_hi"] = np.array([float(fw.meta_value(c, "logeff_upper", np.nan)) for c in codes])
    return P


def _tile(P: dict[str, np.ndarray], T: int) -> dict[str, np.ndarray]:
    return {k: (np.tile(v, (T, 1)) if v.ndim == 2 else np.tile(v, T)) for k, v in P.items()}


def normalise_panel(df: pd.DataFrame, fw, blocks, spec: dict, codes: list[str] | None = None):
    """Normalise the indicator columns. Returns (data, statistics table)."""
    spec = dict(spec or {})
    spec.setdefault("method", "minmax")
    codes = list(fw.indicators if codes is None else codes)
    bad = set(spec.get("indicators") or {}) - set(codes)
    if bad:
        raise SpecError(f"标准化的单独设置指向不存在的指标：{'、'.join(sorted(bad))}")
    groups: dict[str, list[str]] = {}
    specs: dict[str, dict] = {}
    for c in codes:
        s = _spec_for(spec, c)
        s["method"] = ALIASES.get(s.get("method", "minmax"), s.get("method", "minmax"))
        key = repr(sorted(s.items(), key=lambda kv: kv[0]))
        groups.setdefault(key, []).append(c)
        specs[key] = s
    out = df.copy()
    stat_rows = []
    for key, G in groups.items():
        s = specs[key]
        m = _method(s["method"])
        fit = s.get("fit", "base" if m.name == "log_efficacy" else "per_time")
        if fit not in FITS:
            raise SpecError(f"标准化参数 fit 应为 {'、'.join(FITS)} 之一")
        if fit == "base" and not m.fits:
            raise SpecError(f"标准化方法“{m.name}”没有可冻结的统计量，不能使用 fit: base")
        P = _param_arrays(m, s, G, fw)
        X = df[G].to_numpy(dtype=float)
        Xf = X * P["direction"] if m.flip else X
        if fit == "per_time":
            M = blocks.to_cols(Xf)
            Pt = _tile(P, blocks.T)
            ctx = {"codes": G * blocks.T, "base_rows": np.ones(M.shape[0], dtype=bool)}
            S = m.fit(M, Pt, ctx) if m.fits else {}
            Y = blocks.from_cols(m.apply(M, S, Pt, ctx), len(G))
            for j in range(len(G) * blocks.T):
                t, k = divmod(j, len(G))
                stat_rows.append(
                    {
                        "iCode": G[k],
                        "Time": blocks.times[t],
                        "method": m.name,
                        "fit": fit,
                        **_report(m, S, j, P["direction"][k]),
                    }
                )
        else:
            if fit == "global":
                rows = np.ones(len(df), dtype=bool)
                bt = None
            else:
                bt = s.get("base_time", blocks.times[0])
                try:
                    rows = blocks.time_mask(bt)
                except KeyError:
                    raise SpecError(f"基期 {bt} 不在数据的期间中") from None
            ctx = {"codes": G, "base_rows": rows}
            S = m.fit(Xf[rows], P, ctx) if m.fits else {}
            Y = m.apply(Xf, S, P, ctx)
            for k, c in enumerate(G):
                stat_rows.append(
                    {
                        "iCode": c,
                        "Time": bt if fit == "base" else "all",
                        "method": m.name,
                        "fit": fit,
                        **_report(m, S, k, P["direction"][k]),
                    }
                )
        out[G] = Y
    stats = pd.DataFrame(stat_rows)
    return out, stats


def _report(m: Method, S: dict, j: int, d: float) -> dict:
    """Statistics of column j in the indicator's own units (flipped data flipped back)."""
    vals = {n: float(v[j]) for n, v in S.items()}
    if not m.flip or d > 0:
        return vals
    swap = {"min": "max", "max": "min", "lower": "upper", "upper": "lower"}
    out = {}
    for n, v in vals.items():
        if n in swap:
            out[swap[n]] = -v
        elif n == "mean":
            out[n] = -v
        else:
            out[n] = v
    return out
