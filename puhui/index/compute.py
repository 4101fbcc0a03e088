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
    if uses_fixed_goalposts(spec):
        for i in spec["indicators"]:
            _check_goalposts(i)
    return spec


# The kinds of goalpost a framework may write (docs/county-index.md).
GOAL_KINDS = {"target": "方案目标", "natural": "自然界限", "policy": "政策取值"}


def uses_fixed_goalposts(spec: dict) -> bool:
    """A framework scored against goalposts written per indicator (v2), not fitted on the data."""
    for st in spec.get("steps") or []:
        params = st.get("normalise") if isinstance(st, dict) else None
        if params is not None:
            return (params or {}).get("method") in ("goalposts", "n_goalposts") and not params.get("gposts")
    return False


def _check_goalposts(i: dict) -> None:
    gp = i.get("goalposts")
    name = f"指标“{i.get('name', i.get('code'))}”"
    if not isinstance(gp, dict):
        raise ValueError(f"{name}缺少阈值（goalposts: floor、goal、kind、basis）")
    try:
        floor, goal = float(gp["floor"]), float(gp["goal"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{name}的阈值须有数值型的起点 floor 和目标 goal") from None
    if floor == goal:
        raise ValueError(f"{name}的起点和目标不能相同")
    if (goal > floor) != (int(i.get("direction", 1)) > 0):
        raise ValueError(f"{name}的目标与方向不符：正向指标目标应高于起点，负向指标目标应低于起点")
    if gp.get("kind") not in GOAL_KINDS:
        raise ValueError(f"{name}的阈值类型 kind 应为 {'、'.join(GOAL_KINDS)} 之一")
    if gp["kind"] == "target" and not gp.get("target"):
        raise ValueError(f"{name}的目标取自方案，须写明目标代码 target")
    if not str(gp.get("basis") or "").strip():
        raise ValueError(f"{name}的阈值须写明依据 basis")


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
            **_goalpost_columns(i),
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


def _goalpost_columns(i: dict) -> dict:
    """The engine's goalposts in the indicator's own units, low and high (it flips them with the
    direction itself), scaled to 0–100."""
    gp = i.get("goalposts")
    if not gp:
        return {}
    floor, goal = float(gp["floor"]), float(gp["goal"])
    return {"goalpost_lower": min(floor, goal), "goalpost_upper": max(floor, goal), "goalpost_scale": 100.0}


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


def last_measured(spec: dict, frame: pd.DataFrame, missing: list[str]) -> str | None:
    """The last period in which every indicator that has any figure at all has one for at least one
    town: the periods after it were not reported (or not approved) yet and are not built."""
    keys = [
        i["source"]
        for i in spec["indicators"]
        if i["source"] not in missing and frame[i["source"]].notna().any()
    ]
    if not keys:
        return None
    complete = frame.groupby("Time")[keys].count().gt(0).all(axis=1)
    measured = [t for t, ok in complete.items() if ok]
    return max(measured, key=time_code) if measured else None


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
    long = _with_estimates(long, estimates(frame, used), used)
    disp = tables["Results.Dispersion"]
    goalposts = _goalposts(res, used)
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


# How a stored figure was obtained (IndexScore.estimate): measured in the period, the nearest measured
# period's figure carried over, interpolated between two measured periods, or (pillars, the index, the
# county) made from at least one such figure.
MEASURED, CARRIED, INTERPOLATED, PARTLY = "", "carry", "interp", "partial"


def estimates(frame: pd.DataFrame, used: list[dict]) -> pd.DataFrame:
    """uCode, Time, code, estimate, as_of for every indicator figure not measured in its own period:
    missing from the source and filled by the engine (carried from the nearest measured period at the
    ends of a town's series, interpolated between two), or carried by the source itself (a source may
    return a column `<key>.as_of` naming the period its figure was measured in, e.g. a yearly figure in
    a quarter)."""
    base = frame[["uCode", "Time"]].copy()
    base["_t"] = base["Time"].map(time_code)
    base = base.sort_values(["uCode", "_t"])
    out = []
    for i in used:
        key = i["source"]
        df = base.copy()
        df["m"] = frame.loc[df.index, "Time"].where(frame.loc[df.index, key].notna())
        prev = df.groupby("uCode")["m"].ffill()
        nxt = df.groupby("uCode")["m"].bfill()
        gap = df["m"].isna()
        df["estimate"] = np.where(
            gap & prev.notna() & nxt.notna(),
            INTERPOLATED,
            np.where(gap & (prev.notna() | nxt.notna()), CARRIED, MEASURED),
        )
        df["as_of"] = np.where(df["estimate"] == CARRIED, prev.fillna(nxt).fillna(""), "")
        if f"{key}.as_of" in frame.columns:
            src = frame.loc[df.index, f"{key}.as_of"].fillna("").astype(str)
            by_source = ~gap & (src != "") & (src != df["Time"])
            df.loc[by_source, "estimate"] = CARRIED
            df.loc[by_source, "as_of"] = src[by_source]
        df["code"] = i["code"]
        out.append(df.loc[df["estimate"] != MEASURED, ["uCode", "Time", "code", "estimate", "as_of"]])
    cols = ["uCode", "Time", "code", "estimate", "as_of"]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols)


def _with_estimates(long: pd.DataFrame, est: pd.DataFrame, used: list[dict]) -> pd.DataFrame:
    """Each row's estimate mark; a pillar and the index are PARTLY estimated where one of their
    indicators is."""
    long = long.merge(est, on=["uCode", "Time", "code"], how="left")
    pillar_of = {i["code"]: i["pillar"] for i in used}
    marked = est.assign(pillar=est["code"].map(pillar_of))
    partly = pd.concat(
        [
            marked[["uCode", "Time", "pillar"]].rename(columns={"pillar": "code"}),
            marked[["uCode", "Time"]].assign(code="Index"),
        ]
    ).drop_duplicates()
    partly["partly"] = True
    long = long.merge(partly, on=["uCode", "Time", "code"], how="left")
    long["estimate"] = long["estimate"].where(
        long["estimate"].notna(), np.where(long["partly"].eq(True), PARTLY, "")
    )
    long["as_of"] = long["as_of"].fillna("")
    return long.drop(columns=["partly"])


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
    # The figure used: the imputed one where the source had none (marked by `estimates`).
    imputed = tables.get("Data.Imputed")
    values = imputed if imputed is not None else idata.assign(Time=idata["Time"].map(labels))
    raw = values.melt(
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


def _goalposts(res, used: list[dict]) -> dict:
    """The goalposts in raw units as (worst, best). Written in the framework (v2): its floor and goal
    with their kind and basis. Fitted (v1): the base period's min and max (the engine reports them in
    the indicator's own units), swapped for an indicator where lower is better."""
    out = {}
    for i in used:
        gp = i.get("goalposts")
        if gp:
            out[i["code"]] = {
                "worst": float(gp["floor"]),
                "best": float(gp["goal"]),
                "kind": gp["kind"],
                "target": gp.get("target", ""),
                "clause": str(gp.get("clause", "")),
                "basis": str(gp["basis"]),
            }
    directions = {i["code"]: int(i.get("direction", 1)) for i in used}
    df = res.analysis.get("Normalised.Params")
    if df is None or not {"min", "max"} <= set(df.columns):
        return out
    for r in df.itertuples(index=False):
        if r.iCode in out:
            continue
        low, high = _f(r.min), _f(r.max)
        out[r.iCode] = (
            {"worst": low, "best": high} if directions.get(r.iCode, 1) > 0 else {"worst": high, "best": low}
        )
    return out


def _f(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)
