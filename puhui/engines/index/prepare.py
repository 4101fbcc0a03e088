"""Data preparation steps: denominate, impute, screen units (COINr semantics, per period)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import SpecError


def denominate(df: pd.DataFrame, fw, spec: dict):
    """x / (denominator / scale) for every indicator with a denominator (COINr Denominate).

    Denominators come from iMeta's Denominator column, or `denomby: {iCode: Denom | {denominator,
    scale}}` in the spec; `scale` 10000 turns "per person" into "per 10,000 people"."""
    pairs: dict[str, tuple[str, float]] = {}
    if "Denominator" in fw.meta.columns:
        for c in fw.indicators:
            d = fw.meta_value(c, "Denominator", None)
            if d is not None and str(d).strip():
                sc = fw.meta_value(c, "ScaleFactor", 1.0)
                pairs[c] = (str(d).strip(), float(sc))
    for c, v in (spec.get("denomby") or {}).items():
        if c not in fw.indicators:
            raise SpecError(f"分母设置中的指标“{c}”不在框架中")
        if v is None or v == "none":
            pairs.pop(c, None)
        elif isinstance(v, str):
            pairs[c] = (v, 1.0)
        else:
            pairs[c] = (v["denominator"], float(v.get("scale", 1.0)))
    if not pairs and not spec.get("allow_none"):
        raise SpecError("没有任何指标设置了分母（iMeta 的 Denominator 列或步骤参数 denomby）")
    out = df.copy()
    rows = []
    for c, (d, sc) in pairs.items():
        if d not in df.columns:
            raise SpecError(f"指标“{c}”的分母“{d}”不在单位数据中")
        with np.errstate(divide="ignore", invalid="ignore"):
            den = df[d].to_numpy(dtype=float) / sc
            out[c] = np.where(den == 0, np.nan, df[c].to_numpy(dtype=float) / np.where(den == 0, 1, den))
        rows.append({"iCode": c, "Denominator": d, "ScaleFactor": sc})
    return out, pd.DataFrame(rows)


PANEL = ("latest", "constant", "linear", "linear-constant")
SIMPLE = ("mean", "median", "mean_grp", "median_grp")


def impute(df: pd.DataFrame, fw, spec: dict):
    """Fill missing indicator values.

    mean / median: the indicator's mean or median in the same period (COINr i_mean, i_median);
    mean_grp / median_grp with `group`: within the same period and group (units without a group stay
    missing, COINr's skip_f_na); latest / constant / linear / linear-constant: along each unit's own
    time series (COINr impute_panel; `max_time` limits how far back `latest` looks)."""
    method = spec.get("method", "mean")
    codes = list(spec.get("indicators") or fw.indicators)
    out = df.copy()
    before = df[codes].isna()
    if method in SIMPLE:
        keys = ["Time"]
        if method.endswith("_grp"):
            g = spec.get("group")
            if not g:
                raise SpecError(f"分组插补（{method}）需要参数 group（分组列）")
            if g not in df.columns:
                raise SpecError(f"分组列“{g}”不在单位数据中")
            keys.append(g)
        how = "mean" if method.startswith("mean") else "median"
        filled = df.groupby(keys, dropna=False, sort=False)[codes].transform(how)
        if method.endswith("_grp"):
            filled[df[spec["group"]].isna()] = np.nan
        out[codes] = df[codes].where(df[codes].notna(), filled)
    elif method in PANEL:
        if df["Time"].isna().all() or df["Time"].nunique() < 2:
            raise SpecError("面板插补需要至少两个期间的数据（Time 列）")
        srt = df.sort_values(["uCode", "Time"], kind="stable")
        gb = srt.groupby("uCode", sort=False)[codes]
        if method == "latest":
            max_time = spec.get("max_time")
            filled = gb.ffill(limit=int(max_time) if max_time else None)
        else:
            filled = _interp(srt, codes, method)
        out.loc[srt.index, codes] = filled.to_numpy()
    else:
        raise SpecError(f"未知的插补方法“{method}”，可选：{'、'.join(SIMPLE + PANEL)}")
    after = out[codes].isna()
    summary = pd.DataFrame(
        {
            "iCode": codes,
            "missing_before": before.sum().to_numpy(),
            "imputed": (before & ~after).sum().to_numpy(),
            "missing_after": after.sum().to_numpy(),
        }
    )
    return out, summary


def _interp(srt: pd.DataFrame, codes: list[str], method: str) -> pd.DataFrame:
    """R approx(rule = 2) along time per unit: linear or constant (carry the previous value), ends held."""
    t = pd.to_numeric(srt["Time"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(t).any():
        raise SpecError("线性或常数插补需要数值型的期间（Time）")
    res = srt[codes].copy()
    columns = {c: srt[c].to_numpy(dtype=float) for c in codes}  # once, not once per unit
    for _, idx in srt.groupby("uCode", sort=False).indices.items():
        tt = t[idx]
        for c in codes:
            y = columns[c][idx]
            ok = ~np.isnan(y)
            if ok.all() or not ok.any():
                continue
            m = method
            if m == "linear-constant":
                m = "constant" if ok.sum() == 1 else "linear"
            if m == "linear":
                v = np.interp(tt, tt[ok], y[ok])
            else:
                pos = np.searchsorted(tt[ok], tt, side="right") - 1
                v = y[ok][np.clip(pos, 0, ok.sum() - 1)]
            y = np.where(ok, y, v)
            res.iloc[idx, res.columns.get_loc(c)] = y
    return res


def screen(df: pd.DataFrame, fw, spec: dict):
    """Drop units (rows) with too little data (COINr Screen): byNA, byzeros or byNAandzeros."""
    how = spec.get("unit_screen", "byNA")
    if how not in ("byNA", "byzeros", "byNAandzeros"):
        raise SpecError("unit_screen 应为 byNA、byzeros 或 byNAandzeros")
    dat_thresh = float(spec.get("dat_thresh", 2 / 3))
    nonzero_thresh = float(spec.get("nonzero_thresh", 0.05))
    X = df[fw.indicators].to_numpy(dtype=float)
    na = np.isnan(X).sum(axis=1)
    zero = (X == 0).sum(axis=1)
    K = X.shape[1]
    avail = 1 - na / K
    with np.errstate(invalid="ignore", divide="ignore"):
        nonzero = 1 - zero / (K - na)
    low_data = avail < dat_thresh
    low_nz = nonzero < nonzero_thresh
    keep = {"byNA": ~low_data, "byzeros": ~low_nz, "byNAandzeros": ~(low_data | low_nz)}[how]
    force = spec.get("force") or {}
    unknown = set(force) - set(df["uCode"])
    if unknown:
        raise SpecError(f"强制纳入/排除的单位不存在：{'、'.join(sorted(unknown))}")
    for u, inc in force.items():
        keep[(df["uCode"] == u).to_numpy()] = bool(inc)
    summary = df[["uCode", "Time"]].copy()
    summary["N_missing"] = na
    summary["N_zero"] = zero
    summary["Dat_Avail"] = avail
    summary["Non_Zero"] = nonzero
    summary["Included"] = keep
    return df[keep].reset_index(drop=True), summary
