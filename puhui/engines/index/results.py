"""Results: scores and ranks at every level, contributions, strengths and weaknesses, changes over time,
balance across units, and writing everything out (csv each, one xlsx with a sheet each)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .aggregate import Tree

ID = ["uCode", "uName", "Time"]


def _ranks(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Rank within each period, highest first, ties take the best rank (COINr rank_df)."""
    from .model import TimeBlocks
    from .normalise import col_ranks

    blocks = TimeBlocks(df["Time"])
    X = df[cols].to_numpy(dtype=float)
    R = blocks.from_cols(col_ranks(-blocks.to_cols(X)), len(cols))
    return pd.DataFrame(R, columns=cols, index=df.index)


def results_table(res) -> pd.DataFrame:
    fw = res.framework
    agg = res.aggregated
    codes = res.score_codes()
    out = agg[ID + fw.groups + codes].copy()
    R = _ranks(agg, codes)
    R.columns = [f"Rank.{c}" for c in codes]
    out = pd.concat([out, R], axis=1)
    top = fw.top[0]
    out = out.sort_values(["Time", f"Rank.{top}", "uCode"], kind="stable", na_position="last").reset_index(
        drop=True
    )
    if not res.has_time:
        out["Time"] = ""
    return out


def contributions(res) -> pd.DataFrame:
    """Points of the top score contributed by every indicator and aggregate.

    The share of child c in its parent p is w_c·x_c / Σ w·x over the available children, times the
    parent's own contribution; with the arithmetic mean this is the exact additive decomposition (the
    indicator contributions add up to the index score), for other means it allocates the score in
    proportion to the weighted values."""
    fw = res.framework
    agg = res.aggregated
    w = res.agg_weights or fw.weight
    n = len(agg)
    contrib: dict[str, np.ndarray] = {c: agg[c].to_numpy(dtype=float).copy() for c in fw.top}
    for lev in range(fw.maxlev, 1, -1):
        for p in fw.codes_at(lev):
            kids = fw.children[p]
            V = agg[kids].to_numpy(dtype=float)
            wk = np.array([w[c] for c in kids])
            WV = np.where(np.isnan(V), 0.0, V * wk)
            tot = WV.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                share = WV / tot[:, None]
            base = contrib.get(p, np.full(n, np.nan))
            for j, c in enumerate(kids):
                contrib[c] = np.where(np.isnan(V[:, j]), np.nan, base * share[:, j])
    out = agg[ID].copy()
    for c in res.score_codes():
        out[c] = contrib[c]
    if not res.has_time:
        out["Time"] = ""
    return out


def strengths_weaknesses(res, top: int = 5, bottom: int = 5, dset: str | None = None) -> pd.DataFrame:
    """For every unit and period: the indicators where it ranks best (strengths) and worst (weaknesses),
    ranked within the period on the normalised (direction-adjusted) values; missing values are skipped."""
    fw = res.framework
    name = dset or ("Normalised" if "Normalised" in res.datasets else res.current)
    df = res.datasets[name]
    inds = fw.indicators
    R = _ranks(df, inds).to_numpy(dtype=float)
    raw = res.datasets["Raw"].set_index(["uCode", "Time"])[inds]
    rawv = raw.reindex(pd.MultiIndex.from_frame(df[["uCode", "Time"]])).to_numpy(dtype=float)
    n, K = R.shape
    top = min(top, K)
    bottom = min(bottom, K)
    key = np.where(np.isnan(R), np.inf, R)
    order_best = np.argsort(key, axis=1, kind="stable")[:, :top]
    order_worst = np.argsort(np.where(np.isnan(R), -np.inf, -R), axis=1, kind="stable")[:, :bottom]
    dim = [fw.ancestor_at(c, 2) if fw.maxlev >= 2 else None for c in inds]
    frames = []
    for kind, order in (("strength", order_best), ("weakness", order_worst)):
        rows = np.repeat(np.arange(n), order.shape[1])
        cols = order.ravel()
        ranks = R[rows, cols]
        keep = ~np.isnan(ranks)
        rows, cols, ranks = rows[keep], cols[keep], ranks[keep]
        frames.append(
            pd.DataFrame(
                {
                    "uCode": df["uCode"].to_numpy()[rows],
                    "Time": df["Time"].to_numpy()[rows],
                    "Kind": kind,
                    "Order": np.tile(np.arange(1, order.shape[1] + 1), n)[keep],
                    "iCode": np.array(inds, dtype=object)[cols],
                    "iName": [fw.name[inds[c]] for c in cols],
                    "Dimension": np.array(dim, dtype=object)[cols],
                    "Rank": ranks,
                    "Score": df[inds].to_numpy(dtype=float)[rows, cols],
                    "Value": rawv[rows, cols],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True).sort_values(["Time", "uCode", "Kind", "Order"], kind="stable")
    if not res.has_time:
        out["Time"] = ""
    return out.reset_index(drop=True)


def changes(res) -> pd.DataFrame:
    """Scores and ranks of every aggregate per unit and period, with the change since the previous
    period and since the first (base) period. Rank changes are positive when the unit moved up."""
    fw = res.framework
    agg = res.aggregated
    cols = [
        "uCode",
        "uName",
        "Time",
        "iCode",
        "Score",
        "Rank",
        "dScore_prev",
        "dRank_prev",
        "dScore_base",
        "dRank_base",
    ]
    if not res.has_time or agg["Time"].nunique() < 2:
        return pd.DataFrame(columns=cols)
    codes = [c for c in res.score_codes() if c in fw.aggregates]
    R = _ranks(agg, codes)
    long_s = agg[["uCode", "uName", "Time"] + codes].melt(
        id_vars=["uCode", "uName", "Time"], var_name="iCode", value_name="Score"
    )
    long_r = pd.concat([agg[["uCode", "Time"]], R], axis=1).melt(
        id_vars=["uCode", "Time"], var_name="iCode", value_name="Rank"
    )
    m = long_s.merge(long_r, on=["uCode", "Time", "iCode"]).sort_values(
        ["iCode", "uCode", "Time"], kind="stable"
    )
    g = m.groupby(["iCode", "uCode"], sort=False)
    m["dScore_prev"] = g["Score"].diff()
    m["dRank_prev"] = -g["Rank"].diff()
    m["dScore_base"] = m["Score"] - g["Score"].transform("first")
    m["dRank_base"] = g["Rank"].transform("first") - m["Rank"]
    return m[cols].reset_index(drop=True)


def dispersion(res) -> pd.DataFrame:
    """Balance across units: mean, standard deviation, coefficient of variation and Theil index of each
    aggregate's scores in each period (lower = more balanced)."""
    agg = res.aggregated
    rows = []
    for t, g in agg.groupby("Time", dropna=False, sort=True):
        for c in [c for c in res.score_codes() if c in res.framework.aggregates]:
            x = g[c].to_numpy(dtype=float)
            x = x[~np.isnan(x)]
            mu = x.mean() if len(x) else np.nan
            sd = x.std(ddof=0) if len(x) else np.nan
            if len(x) and (x > 0).all():
                r = x / mu
                theil = float(np.mean(r * np.log(r)))
            else:
                theil = np.nan
            rows.append(
                {
                    "Time": t if res.has_time else "",
                    "iCode": c,
                    "n": len(x),
                    "mean": mu,
                    "sd": sd,
                    "cv": sd / mu if mu else np.nan,
                    "theil": theil,
                }
            )
    return pd.DataFrame(rows)


def all_tables(res) -> dict[str, pd.DataFrame]:
    fw = res.framework
    out: dict[str, pd.DataFrame] = {}
    for name, df in res.datasets.items():
        d = df.copy()
        if not res.has_time:
            d["Time"] = ""
        out[f"Data.{name}"] = d
    for name, df in res.analysis.items():
        out[f"Analysis.{name}"] = df
    out["Meta.Ind"] = fw.meta
    out["Meta.Lineage"] = fw.lineage()
    out["Meta.Weights"] = fw.effective_weights(res.agg_weights or res.weights)
    for name, w in res.weight_sets.items():
        out[f"Weights.{name}"] = fw.effective_weights(w)
    if res.plan is not None:
        out["Results.Scores"] = results_table(res)
        out["Results.Contributions"] = contributions(res)
        out["Results.StrengthsWeaknesses"] = strengths_weaknesses(res)
        out["Results.Changes"] = changes(res)
        out["Results.Dispersion"] = dispersion(res)
    return out


def _sheet(name: str, used: set[str]) -> str:
    s = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
    base, i = s, 1
    while s in used:
        i += 1
        s = f"{base[:28]}~{i}"
    used.add(s)
    return s


def write_outputs(res, out: Path) -> list[Path]:
    from .pipeline import jsonable

    out.mkdir(parents=True, exist_ok=True)
    (out / "datasets").mkdir(exist_ok=True)
    (out / "analysis").mkdir(exist_ok=True)
    tables = all_tables(res)
    written = []
    if "Results.Scores" in tables:
        p = out / "results.csv"
        tables["Results.Scores"].to_csv(p, index=False, encoding="utf-8-sig")
        written.append(p)
    for name, df in tables.items():
        folder = "datasets" if name.startswith("Data.") else "analysis"
        fname = name.split(".", 1)[1] if folder == "datasets" else name
        p = out / folder / f"{fname}.csv"
        df.to_csv(p, index=False, encoding="utf-8-sig")
        written.append(p)
    xlsx = out / "pipeline.xlsx"
    used: set[str] = set()
    with pd.ExcelWriter(xlsx, engine="openpyxl") as xw:
        for name, df in tables.items():
            df.to_excel(xw, sheet_name=_sheet(name, used), index=False)
    written.append(xlsx)
    (out / "log.json").write_text(
        json.dumps(jsonable(res.log), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    (out / "spec.json").write_text(
        json.dumps(jsonable(res.pipeline.to_spec()), ensure_ascii=False, indent=2, default=str),
        encoding="utf-8",
    )
    written += [out / "log.json", out / "spec.json"]
    return written


__all__ = [
    "Tree",
    "results_table",
    "contributions",
    "strengths_weaknesses",
    "changes",
    "dispersion",
    "all_tables",
]
