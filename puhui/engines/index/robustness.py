"""Robustness: Monte-Carlo uncertainty analysis, Sobol sensitivity indices (SALib), drop-one-element.

An uncertainty spec declares the uncertain choices (factors):

    uncertainty:
      target: ESI            # whose ranks are analysed (default: the index)
      time: 2021             # which period (default: the latest)
      noisy_weight_sets: 100 # pre-drawn noisy weight sets for a weights_noise factor
      factors:
        - {name: weights, kind: weights_noise, noise: {1: 0.25, 2: 0.25}}   # ±25 % at levels 1 and 2
        - {name: normalisation, address: normalise, values: [{method: minmax}, {method: zscore}]}
        - {name: aggregation, address: aggregate.method, values: [amean, gmean]}
        - {name: winmax, address: treat.winmax, values: [3, 4, 5]}
        - {name: p, address: aggregate.params.p, distribution: [0.5, 2]}     # continuous uniform

Each run draws one uniform number per factor (as COINr: discrete choices by equal-width bins,
continuous ones scaled to their interval). Runs are batched: the pipeline up to the aggregation is run
once per distinct upstream choice, then all runs sharing it are aggregated at once as 3-D arrays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import aggregate as agg
from .errors import IndexEngineError, SpecError
from .pipeline import Pipeline, resolve_weights
from .weights import noisy_weights


@dataclass
class Factor:
    name: str
    kind: str  # discrete | continuous | weights_noise
    address: str | None = None
    values: list = field(default_factory=list)
    bounds: tuple[float, float] | None = None
    integer: bool = False
    noise: dict[int, float] = field(default_factory=dict)

    def pick(self, u: np.ndarray, n_sets: int = 0) -> np.ndarray:
        """Map uniform draws to choice indices (discrete, noise sets) or values (continuous)."""
        u = np.clip(u, 0.0, 1.0)
        if self.kind == "continuous":
            lo, hi = self.bounds
            v = lo + u * (hi - lo)
            return np.round(v) if self.integer else v
        n = n_sets if self.kind == "weights_noise" else len(self.values)
        return np.minimum((u * n).astype(int), n - 1)

    def value(self, choice):
        if self.kind == "continuous":
            return int(choice) if self.integer else float(choice)
        return self.values[int(choice)]


def parse_factors(spec: dict, pipe: Pipeline) -> list[Factor]:
    raw = spec.get("factors") or []
    if not raw:
        raise SpecError("不确定性分析没有声明任何因素（uncertainty.factors）")
    out = []
    for i, f in enumerate(raw, 1):
        name = f.get("name") or f.get("address") or f"factor{i}"
        kind = f.get("kind")
        if kind == "weights_noise":
            noise = {int(k): float(v) for k, v in (f.get("noise") or {}).items()}
            if not noise:
                raise SpecError(f"因素“{name}”（权重扰动）需要 noise：每层的扰动幅度，如 {{1: 0.25}}")
            out.append(Factor(name, "weights_noise", address=f.get("address"), noise=noise))
            continue
        address = f.get("address")
        if not address:
            raise SpecError(f"因素“{name}”缺少 address（要改变的步骤参数，如 normalise.method）")
        pipe.step(address.partition(".")[0])  # raises if the step does not exist
        if "values" in f:
            if not f["values"]:
                raise SpecError(f"因素“{name}”的 values 为空")
            out.append(Factor(name, "discrete", address, values=list(f["values"])))
        elif "distribution" in f:
            lo, hi = (float(x) for x in f["distribution"])
            if not hi > lo:
                raise SpecError(f"因素“{name}”的 distribution 应为 [下限, 上限] 且上限大于下限")
            out.append(
                Factor(name, "continuous", address, bounds=(lo, hi), integer=bool(f.get("integer", False)))
            )
        else:
            raise SpecError(f"因素“{name}”需要 values（离散取值）或 distribution（连续区间）")
    names = [f.name for f in out]
    if len(set(names)) != len(names):
        raise SpecError("不确定性因素的 name 重复")
    return out


class Analysis:
    """Holds the nominal run and evaluates sampled runs in batches."""

    def __init__(
        self,
        pipe: Pipeline,
        idata: pd.DataFrame,
        imeta: pd.DataFrame,
        spec: dict | None = None,
        seed: int | None = None,
    ):
        self.pipe = pipe
        self.idata, self.imeta = idata, imeta
        self.spec = dict(spec if spec is not None else (pipe.spec.get("uncertainty") or {}))
        self.nominal = pipe.run(idata, imeta)
        self.fw = self.nominal.framework
        aggs = [s for s in pipe.steps if s.kind == "aggregate"]
        if not aggs:
            raise SpecError("不确定性分析需要流程中有聚合（aggregate）步骤")
        self.agg_step = aggs[-1]
        if pipe.steps[-1].id != self.agg_step.id:
            raise SpecError("不确定性分析要求聚合（aggregate）是流程的最后一步")
        self.target = self.spec.get("target") or self.fw.top[0]
        if self.target not in self.fw.tree_codes:
            raise SpecError(f"分析对象“{self.target}”不在指标框架中")
        aggd = self.nominal.aggregated
        times = list(pd.unique(aggd["Time"]))
        self.time = self.spec.get("time", times[-1] if self.nominal.has_time else times[0])
        self.units = self._units(aggd)
        self.nominal_scores = self._target_rows(aggd)[self.target].to_numpy(dtype=float)
        self.nominal_ranks = agg.rank_desc(self.nominal_scores[None])[0]
        self.factors = parse_factors(self.spec, pipe) if self.spec.get("factors") else []
        self.rng = np.random.default_rng(seed)
        self.n_sets = int(self.spec.get("noisy_weight_sets", 100))
        self.tree = agg.Tree(self.fw)
        self._noise_mult = None
        self._upstream_cache: dict = {}
        self.failures: list[str] = []

    # ---- helpers -------------------------------------------------------------------------
    def _target_rows(self, df: pd.DataFrame) -> pd.DataFrame:
        if not self.nominal.has_time:
            return df
        t = df["Time"]
        mask = (t == self.time) | (t.astype(str) == str(self.time))
        if not mask.any():
            raise SpecError(f"期间 {self.time} 不在结果中")
        return df[mask.to_numpy()]

    def _units(self, df):
        rows = self._target_rows(df)
        return list(rows["uCode"])

    def _noise(self) -> np.ndarray:
        if self._noise_mult is None:
            f = next((x for x in self.factors if x.kind == "weights_noise"), None)
            noise = np.array([f.noise.get(self.fw.level[c], 0.0) if f else 0.0 for c in self.tree.codes])
            self._noise_mult = noisy_weights(np.ones(len(noise)), noise, self.n_sets, self.rng)
        return self._noise_mult

    def _upstream(self, values: dict):
        key = repr(sorted(values.items()))
        if key not in self._upstream_cache:
            try:
                pipe = self.pipe.with_values(values)
                res = pipe.run(self.idata, self.imeta, until=self.agg_step.id, framework=self.fw)
                src = self.agg_step.dset or res.current
                rows = self._target_rows(res.datasets[src])
                X = rows[self.fw.indicators].to_numpy(dtype=float)
                w = resolve_weights(self.agg_step.params, res)
                self._upstream_cache[key] = (X, self.tree.weight_vector(w), list(rows["uCode"]), None)
            except IndexEngineError as e:
                self._upstream_cache[key] = (None, None, None, str(e))
        return self._upstream_cache[key]

    # ---- evaluation ----------------------------------------------------------------------
    def evaluate(self, U: np.ndarray) -> np.ndarray:
        """Ranks of the target for each row of U (runs × factors, values in [0, 1]); NaN for a failed run."""
        N = U.shape[0]
        picks = [f.pick(U[:, j], self.n_sets) for j, f in enumerate(self.factors)]
        agg_id = self.agg_step.id
        up_idx = [
            j
            for j, f in enumerate(self.factors)
            if f.kind != "weights_noise" and f.address.partition(".")[0] != agg_id
        ]
        ag_idx = [
            j
            for j, f in enumerate(self.factors)
            if f.kind != "weights_noise" and f.address.partition(".")[0] == agg_id
        ]
        nz_idx = [j for j, f in enumerate(self.factors) if f.kind == "weights_noise"]
        ranks = np.full((N, len(self.units)), np.nan)
        pos = {u: i for i, u in enumerate(self.units)}
        keys = np.column_stack([picks[j] for j in up_idx + ag_idx]) if up_idx + ag_idx else np.zeros((N, 0))
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        groups: dict[tuple, np.ndarray] = {}
        for g, row in enumerate(uniq):
            k = (tuple(row[: len(up_idx)].tolist()), tuple(row[len(up_idx) :].tolist()))
            groups[k] = np.flatnonzero(inverse.ravel() == g)
        mult = self._noise() if nz_idx else None
        for (uk, ak), runs in groups.items():
            upvals = {
                self.factors[j].address: self.factors[j].value(c) for j, c in zip(up_idx, uk, strict=True)
            }
            X, w0, units, err = self._upstream(upvals)
            if err is not None:
                self.failures.append(f"{len(runs)} 次运行失败：{err}")
                continue
            agvals = {
                self.factors[j].address: self.factors[j].value(c) for j, c in zip(ag_idx, ak, strict=True)
            }
            try:
                params = Pipeline({"steps": [self.agg_step.to_dict()]}).with_values(agvals).steps[0].params
                plan = agg.level_plan(self.fw, params)
                W = w0[None, :] * (mult[picks[nz_idx[0]][runs]] if nz_idx else 1.0)
                vals = self.tree.run(X[None], W, plan)
            except IndexEngineError as e:
                self.failures.append(f"{len(runs)} 次运行失败：{e}")
                continue
            S = np.broadcast_to(vals[self.target], (len(runs), X.shape[0]))
            R = agg.rank_desc(S)
            cols = np.array([pos.get(u, -1) for u in units])
            keep = cols >= 0
            ranks[np.ix_(runs, cols[keep])] = R[:, keep]
        return ranks

    def sample(self, n: int) -> np.ndarray:
        return self.rng.random((n, len(self.factors)))


def rank_stats(an: Analysis, ranks: np.ndarray) -> pd.DataFrame:
    names = dict(zip(an.nominal.aggregated["uCode"], an.nominal.aggregated["uName"], strict=False))
    with np.errstate(invalid="ignore"), _quiet():
        out = pd.DataFrame(
            {
                "uCode": an.units,
                "uName": [names.get(u, u) for u in an.units],
                "Nominal": an.nominal_ranks,
                "Mean": np.nanmean(ranks, axis=0),
                "Median": np.nanmedian(ranks, axis=0),
                "Q5": np.nanquantile(ranks, 0.05, axis=0),
                "Q95": np.nanquantile(ranks, 0.95, axis=0),
            }
        )
    return out.sort_values(["Nominal", "uCode"], kind="stable").reset_index(drop=True)


def uncertainty(
    pipe: Pipeline, idata, imeta, *, runs: int = 1000, seed: int | None = None, spec: dict | None = None
) -> dict:
    """Monte-Carlo uncertainty analysis: rank statistics per unit (nominal, mean, median, 5th/95th pct)."""
    t0 = time.perf_counter()
    an = Analysis(pipe, idata, imeta, spec, seed)
    if not an.factors:
        raise SpecError("不确定性分析没有声明任何因素（uncertainty.factors）")
    U = an.sample(int(runs))
    ranks = an.evaluate(U)
    stats = rank_stats(an, ranks)
    choices = pd.DataFrame(
        {f.name: [_label(f, c) for c in f.pick(U[:, j], an.n_sets)] for j, f in enumerate(an.factors)}
    )
    return {
        "rank_stats": stats,
        "ranks": pd.DataFrame(ranks, columns=an.units),
        "choices": choices,
        "failures": an.failures,
        "seconds": time.perf_counter() - t0,
        "analysis": an,
    }


def _label(f: Factor, c):
    if f.kind == "weights_noise":
        return int(c)
    v = f.value(c)
    return v if isinstance(v, int | float | str) else repr(v)


def sensitivity(
    pipe: Pipeline,
    idata,
    imeta,
    *,
    n: int = 256,
    seed: int | None = None,
    spec: dict | None = None,
    num_resamples: int = 100,
) -> dict:
    """Sobol first-order and total indices (SALib, Saltelli sampling) of the mean absolute rank shift
    from the nominal ranks (COINr's output for its sensitivity analysis)."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    t0 = time.perf_counter()
    an = Analysis(pipe, idata, imeta, spec, seed)
    d = len(an.factors)
    if d < 2:
        raise SpecError("敏感性分析至少需要两个不确定性因素")
    problem = {"num_vars": d, "names": [f.name for f in an.factors], "bounds": [[0.0, 1.0]] * d}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        U = sobol_sample.sample(problem, int(n), calc_second_order=False, seed=seed)
    ranks = an.evaluate(U)
    Y = np.nanmean(np.abs(ranks - an.nominal_ranks[None, :]), axis=1)
    if np.isnan(Y).any():
        raise SpecError("敏感性分析中有运行失败，无法计算 Sobol 指数：" + "；".join(an.failures[:3]))
    Si = sobol_analyze.analyze(problem, Y, calc_second_order=False, num_resamples=num_resamples, seed=seed)
    table = pd.DataFrame(
        {
            "Variable": problem["names"],
            "S1": Si["S1"],
            "S1_conf": Si["S1_conf"],
            "ST": Si["ST"],
            "ST_conf": Si["ST_conf"],
        }
    )
    return {
        "indices": table,
        "runs": len(U),
        "rank_stats": rank_stats(an, ranks),
        "seconds": time.perf_counter() - t0,
    }


def drop_one(result, *, level: int | None = None, target: str | None = None, time=None) -> dict:
    """Rank shifts when each element of a level is left out (its weight set to zero), all at once."""
    fw = result.framework
    if result.plan is None:
        raise SpecError("需要先完成聚合才能做剔除分析")
    level = level if level is not None else max(fw.maxlev - 1, 1)
    if not 1 <= level < fw.maxlev:
        raise SpecError(f"剔除分析的层级应在 1 到 {fw.maxlev - 1} 之间")
    target = target or fw.top[0]
    aggd = result.aggregated
    if result.has_time:
        t = time if time is not None else list(pd.unique(aggd["Time"]))[-1]
        rows = aggd[(aggd["Time"] == t) | (aggd["Time"].astype(str) == str(t))]
    else:
        rows = aggd
    tree = agg.Tree(fw)
    elems = fw.codes_at(level)
    w0 = tree.weight_vector(result.agg_weights or result.weights)
    W = np.tile(w0, (len(elems), 1))
    for i, c in enumerate(elems):
        W[i, tree.pos[c]] = 0.0
    X = rows[fw.indicators].to_numpy(dtype=float)[None]
    vals = tree.run(X, W, result.plan)
    nominal = agg.rank_desc(rows[target].to_numpy(dtype=float)[None])[0]
    R = agg.rank_desc(vals[target])
    shift = R - nominal[None, :]
    with np.errstate(invalid="ignore"), _quiet():
        summary = pd.DataFrame(
            {
                "iCode": elems,
                "iName": [fw.name[c] for c in elems],
                "MeanAbsShift": np.nanmean(np.abs(shift), axis=1),
                "MaxAbsShift": np.nanmax(np.abs(shift), axis=1),
            }
        )
    shifts = pd.DataFrame(shift.T, columns=elems)
    shifts.insert(0, "Nominal", nominal)
    shifts.insert(0, "uCode", list(rows["uCode"]))
    return {"summary": summary, "shifts": shifts}


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *a):
        return self._w.__exit__(*a)
