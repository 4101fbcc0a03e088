"""Adapter between the framework spec (YAML stored on IndexFramework) and the index engine.

Pure pandas + engine: takes the town data frame from `sources.collect` and returns plain tables the
services store. No database access here, so the bench and the tests can drive it directly.
"""

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import yaml

from puhui.engines.index import Pipeline, uncertainty
from puhui.index.periods import base_label


def load(spec_yaml: str) -> dict:
    spec = yaml.safe_load(spec_yaml)
    if not isinstance(spec, dict) or not spec.get("indicators") or not spec.get("pillars"):
        raise ValueError("指标框架须包含 pillars 和 indicators")
    return spec


def source_keys(spec: dict) -> list[str]:
    return [i["source"] for i in spec["indicators"]] + [c["source"] for c in spec.get("context", [])]


@dataclass
class Built:
    scores: pd.DataFrame  # uCode, Time, code → score, rank, contribution, raw
    rank_stats: pd.DataFrame  # uCode, Time, Nominal, Mean, Median, Q5, Q95
    dispersion: pd.DataFrame  # Time, code, mean, sd, cv, theil
    goalposts: dict  # code → {worst, best, base} in raw units
    weights: dict  # code → effective weight within its pillar / of the pillar in the index
    used: list[str]
    skipped: list[dict]
    notes: list[str] = field(default_factory=list)
    runs: int = 0  # Monte-Carlo runs per period actually made


def _meta(spec: dict, used: list[dict], pillars: list[dict]) -> pd.DataFrame:
    top = spec.get("index", {"code": "Index", "name": "指数"})
    rows = [
        {
            "iCode": i["code"],
            "iName": i["name"],
            "Level": 1,
            "Parent": i["pillar"],
            "Direction": int(i.get("direction", 1)),
            "Weight": float(i.get("weight", 1)),
            "Type": "Indicator",
        }
        for i in used
    ]
    rows += [
        {
            "iCode": p["code"],
            "iName": p["name"],
            "Level": 2,
            "Parent": top["code"],
            "Direction": 1,
            "Weight": float(p.get("weight", 1)),
            "Type": "Aggregate",
        }
        for p in pillars
    ]
    rows.append(
        {
            "iCode": top["code"],
            "iName": top["name"],
            "Level": 3,
            "Parent": None,
            "Direction": 1,
            "Weight": 1.0,
            "Type": "Aggregate",
        }
    )
    return pd.DataFrame(rows)


def time_code(label: str) -> int:
    """The engine's panel steps (linear imputation) need numeric, evenly spaced periods:
    a year is its number, a quarter counts quarters (year·4 + q − 1)."""
    if "Q" in label:
        y, q = label.split("Q")
        return int(y) * 4 + int(q) - 1
    return int(label)


def _with_base(step: dict, base) -> dict:
    step = copy.deepcopy(step)
    if step.get("fit") == "base":
        step["base_time"] = base
    return step


def pipeline_spec(spec: dict, frequency: str) -> dict:
    base = time_code(base_label(frequency, int(spec.get("base_year", 2019))))
    steps = []
    for st in spec["steps"]:
        ((kind, params),) = st.items()
        steps.append({kind: _with_base(params or {}, base) if kind == "normalise" else params})
    unc = copy.deepcopy(spec.get("uncertainty") or {})
    for f in unc.get("factors", []):
        if f.get("address") == "normalise":
            f["values"] = [_with_base(v, base) for v in f["values"]]
    return {"name": spec.get("name", "指数"), "steps": steps, "uncertainty": unc}


def build(
    spec: dict,
    frame: pd.DataFrame,
    missing: list[str],
    frequency: str,
    *,
    progress=None,
    uncertainty_runs: int | None = None,
) -> Built:
    """Run the pipeline on the towns' data and the uncertainty analysis for every period."""
    report = progress or (lambda done, total, msg: None)
    used, skipped, pillars, notes = _indicators_used(spec, frame, missing)
    labels = {time_code(t): t for t in frame["Time"].unique()}
    idata = frame[["uCode", "uName", "Time"]].copy()
    idata["Time"] = idata["Time"].map(time_code)
    for i in used:
        idata[i["code"]] = frame[i["source"]].astype(float)
    imeta = _meta(spec, used, pillars)
    pipe = Pipeline(pipeline_spec(spec, frequency))
    res = pipe.run(idata, imeta)
    report(1, 3, "指数计算完成")

    tables = {
        k: (v.assign(Time=v["Time"].map(labels)) if "Time" in getattr(v, "columns", []) else v)
        for k, v in res.tables().items()
    }
    long = _long_scores(spec, frame, tables, res.score_codes(), idata, labels, used)
    disp = tables["Results.Dispersion"]
    goalposts = _goalposts(res, {i["code"]: int(i.get("direction", 1)) for i in used})
    weights = {k: float(v) for k, v in (res.agg_weights or res.weights).items()}

    unc = pipe.spec.get("uncertainty") or {}
    runs = uncertainty_runs if uncertainty_runs is not None else int(unc.get("runs", 500))
    stats = _rank_stats(pipe, idata, imeta, labels, runs, report) if runs and unc.get("factors") else []
    rank_stats = (
        pd.concat(stats, ignore_index=True)
        if stats
        else pd.DataFrame(columns=["uCode", "Time", "Nominal", "Mean", "Median", "Q5", "Q95"])
    )
    return Built(
        long,
        rank_stats,
        disp,
        goalposts,
        weights,
        [i["code"] for i in used],
        skipped,
        notes,
        runs if stats else 0,
    )


def _indicators_used(spec: dict, frame: pd.DataFrame, missing: list[str]):
    """(indicators used, indicators skipped with why, pillars with an indicator, notes on the pillars
    left out). Skipped: a source not connected yet, or one with no value at all."""
    skipped = [
        {"code": i["code"], "name": i["name"], "source": i["source"], "why": "数据来源尚未接入"}
        for i in spec["indicators"]
        if i["source"] in missing
    ]
    used = [i for i in spec["indicators"] if i["source"] not in missing]
    # An indicator with no value at all (e.g. a source that exists but has no rows yet) is skipped too.
    for i in list(used):
        if frame[i["source"]].isna().all():
            used.remove(i)
            skipped.append(
                {"code": i["code"], "name": i["name"], "source": i["source"], "why": "没有任何数据"}
            )
    pillars = [p for p in spec["pillars"] if any(i["pillar"] == p["code"] for i in used)]
    notes = [
        f"“{p['name']}”维度暂无可用指标，未计入本期指数，其权重按比例分给其他维度。"
        for p in spec["pillars"]
        if p not in pillars
    ]
    if not used:
        raise ValueError("没有任何可用指标，无法计算指数")
    return used, skipped, pillars, notes


def _long_scores(
    spec: dict,
    frame: pd.DataFrame,
    tables: dict,
    codes: list[str],
    idata: pd.DataFrame,
    labels: dict,
    used: list[dict],
) -> pd.DataFrame:
    """One row per (town, period, code): score, rank, contribution and raw value; context figures too."""
    table = tables["Results.Scores"]
    contrib = tables["Results.Contributions"]
    long = table.melt(id_vars=["uCode", "Time"], value_vars=codes, var_name="code", value_name="score")
    ranks = table.melt(
        id_vars=["uCode", "Time"], value_vars=[f"Rank.{c}" for c in codes], var_name="code", value_name="rank"
    )
    ranks["code"] = ranks["code"].str.removeprefix("Rank.")
    long = long.merge(ranks, on=["uCode", "Time", "code"])
    ccols = [c for c in codes if c in contrib.columns]
    cl = contrib.melt(id_vars=["uCode", "Time"], value_vars=ccols, var_name="code", value_name="contribution")
    long = long.merge(cl, on=["uCode", "Time", "code"], how="left")
    raw = idata.assign(Time=idata["Time"].map(labels)).melt(
        id_vars=["uCode", "Time"], value_vars=[i["code"] for i in used], var_name="code", value_name="raw"
    )
    long = long.merge(raw, on=["uCode", "Time", "code"], how="left")
    # Context figures are shown beside the index, never in it.
    for c in spec.get("context", []):
        if c["source"] in frame.columns:
            extra = frame[["uCode", "Time", c["source"]]].rename(columns={c["source"]: "raw"})
            extra["code"] = c["code"]
            long = pd.concat([long, extra], ignore_index=True)
    return long


def _rank_stats(pipe, idata: pd.DataFrame, imeta, labels: dict, runs: int, report) -> list[pd.DataFrame]:
    """The uncertainty analysis, period by period: each town's rank statistics."""
    unc = pipe.spec.get("uncertainty") or {}
    stats = []
    times = sorted(labels)
    for n, t in enumerate(times, start=1):
        out = uncertainty(
            pipe, idata, imeta, runs=runs, seed=int(unc.get("seed", 1)), spec={**unc, "time": t}
        )
        rs = out["rank_stats"].drop(columns=["uName"])
        rs["Time"] = labels[t]
        stats.append(rs)
        report(1 + n, len(times) + 2, f"不确定性分析：{labels[t]}")
    return stats


def _goalposts(res, directions: dict) -> dict:
    """The frozen goalposts in raw units, as (worst, best): the base period's min and max (the engine
    reports them in the indicator's own units), swapped for an indicator where lower is better."""
    out = {}
    df = res.analysis.get("Normalised.Params")
    if df is None or not {"min", "max"} <= set(df.columns):
        return out
    for r in df.itertuples(index=False):
        low, high = _f(r.min), _f(r.max)
        out[r.iCode] = (
            {"worst": low, "best": high} if directions.get(r.iCode, 1) > 0 else {"worst": high, "best": low}
        )
    return out


def _f(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)
