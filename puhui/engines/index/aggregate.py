"""Aggregation up the tree, batched: values (B, n, k) with weights (B, k) for B runs at once.

Missing values as COINr: arithmetic, geometric and harmonic means skip a missing child and rescale
the weights of the others; the generalised mean gives NaN when any child is missing (COINr's
`a_genmean` sums without na.rm); a unit whose share of available children is below `dat_thresh`
gets NaN. Sarma's index and Mazziotta–Pareto skip missing children like the arithmetic mean.
"""

from __future__ import annotations

import numpy as np

from .errors import MethodDomainError, SpecError

AGGREGATORS = ("amean", "gmean", "hmean", "genmean", "sarma", "mpi")
ALIASES = {
    "a_amean": "amean",
    "a_gmean": "gmean",
    "a_hmean": "hmean",
    "a_genmean": "genmean",
    "arithmetic": "amean",
    "geometric": "gmean",
    "harmonic": "hmean",
    "mazziotta_pareto": "mpi",
    "sarma_ifi": "sarma",
}
PARAMS = {
    "amean": {},
    "gmean": {},
    "hmean": {},
    "genmean": {"p": None},
    "sarma": {"scale": 100.0, "variant": 2012},
    "mpi": {"penalty": 1},
}


def canonical(method: str) -> str:
    m = ALIASES.get(method, method)
    if m not in AGGREGATORS:
        raise SpecError(f"未知的聚合方法“{method}”，可选：{'、'.join(AGGREGATORS)}")
    return m


def check_params(method: str, params: dict | None) -> dict:
    m = canonical(method)
    params = dict(params or {})
    extra = set(params) - set(PARAMS[m])
    if extra:
        raise SpecError(f"聚合方法“{m}”不认识参数：{'、'.join(sorted(extra))}")
    out = {**PARAMS[m], **params}
    if m == "genmean":
        if out["p"] is None:
            raise SpecError("广义均值（genmean）需要参数 p")
        if float(out["p"]) == 0:
            raise SpecError("广义均值的 p 不能为 0（p → 0 的极限即几何均值，请用 gmean）")
    if m == "sarma" and int(out["variant"]) not in (2008, 2012):
        raise SpecError("Sarma 指数的 variant 应为 2008 或 2012")
    if m == "mpi" and out["penalty"] not in (1, -1):
        raise SpecError("Mazziotta–Pareto 的 penalty 应为 1（正向指数，惩罚不均衡）或 -1")
    return out


def aggregate_block(
    V: np.ndarray,
    W: np.ndarray,
    G: np.ndarray,
    method: str,
    params: dict,
    dat_thresh: float | None = None,
    labels=None,
) -> np.ndarray:
    """Aggregate children V (B, n, k) into parents (B, n, p); W (B, k) relative weights, G (k, p) 0/1."""
    m = canonical(method)
    ok = ~np.isnan(V)
    okf = ok.astype(float)
    WG = W[:, :, None] * G[None, :, :]
    den = okf @ WG
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if m == "amean":
            y = (np.where(ok, V, 0.0) @ WG) / den
        elif m == "gmean":
            if (ok & (V <= 0)).any():
                raise MethodDomainError(
                    "几何均值遇到零或负值：几何均值使用对数，请先把数据标准化到正值区间（如 min-max 的 [1, 100]）或改用其他聚合方法"
                    + _where(V <= 0, ok, labels)
                )
            y = np.exp((np.where(ok, np.log(np.where(ok, V, 1.0)), 0.0) @ WG) / den)
        elif m == "hmean":
            if (ok & (V == 0)).any():
                raise MethodDomainError(
                    "调和均值遇到零值：调和均值使用 1/x，请先把数据标准化到正值区间或改用其他聚合方法"
                    + _where(V == 0, ok, labels)
                )
            y = den / (np.where(ok, 1.0 / np.where(ok, V, 1.0), 0.0) @ WG)
        elif m == "genmean":
            p = float(params["p"])
            if p < 0 and (ok & (V <= 0)).any():
                raise MethodDomainError("p 为负的广义均值遇到零或负值，无法计算" + _where(V <= 0, ok, labels))
            y = ((np.where(ok, np.where(ok, V, 1.0) ** p, 0.0) @ WG) / den) ** (1 / p)
            missing = (1.0 - okf) @ G[None]
            y = np.where(missing > 0, np.nan, y)
        elif m == "sarma":
            s = float(params["scale"])
            R = np.where(ok, V / s, 0.0)
            W2G = (W * W)[:, :, None] * G[None]
            den2 = okf @ W2G
            x1 = np.sqrt((R * R) @ W2G / den2)
            x2 = 1 - np.sqrt((np.where(ok, (1 - R) ** 2, 0.0) @ W2G) / den2)
            y = (x2 if int(params["variant"]) == 2008 else (x1 + x2) / 2) * s
        elif m == "mpi":
            mean = (np.where(ok, V, 0.0) @ WG) / den
            sq = (np.where(ok, V * V, 0.0) @ WG) / den
            var = np.maximum(sq - mean * mean, 0.0)
            y = mean - float(params["penalty"]) * var / mean
    y = np.where(den > 0, y, np.nan)
    if dat_thresh is not None:
        frac = (okf @ G[None]) / G.sum(axis=0)
        y = np.where(frac < dat_thresh, np.nan, y)
    return y


def _where(bad, ok, labels) -> str:
    if labels is None:
        return ""
    idx = np.argwhere(bad & ok)
    if not len(idx):
        return ""
    _, i, k = idx[0]
    units, codes = labels
    return f"（例如单位“{units[i]}”的“{codes[k]}”）"


def level_plan(fw, spec: dict) -> list[dict]:
    """Method, parameters and data threshold for each aggregation level 2..maxlev."""
    nl = fw.maxlev - 1

    def per_level(v, name):
        if isinstance(v, list):
            if len(v) != nl:
                raise SpecError(
                    f"聚合参数 {name} 若按层给出，须有 {nl} 项（第 2 层到第 {fw.maxlev} 层各一项）"
                )
            return v
        return [v] * nl

    methods = per_level(spec.get("method", "amean"), "method")
    params = per_level(spec.get("params"), "params")
    thresh = per_level(spec.get("dat_thresh"), "dat_thresh")
    plan = []
    for i in range(nl):
        m = canonical(methods[i])
        plan.append(
            {"level": i + 2, "method": m, "params": check_params(m, params[i]), "dat_thresh": thresh[i]}
        )
    return plan


class Tree:
    """Index arrays of the framework, prepared once and reused for every run."""

    def __init__(self, fw):
        self.fw = fw
        self.codes = fw.tree_codes
        self.pos = {c: i for i, c in enumerate(self.codes)}
        self.levels = []
        for lev in range(2, fw.maxlev + 1):
            C = fw.codes_at(lev - 1)
            P = fw.codes_at(lev)
            G = np.zeros((len(C), len(P)))
            for j, p in enumerate(P):
                for c in fw.children[p]:
                    G[C.index(c), j] = 1.0
            self.levels.append((C, P, G, np.array([self.pos[c] for c in C])))

    def weight_vector(self, weights: dict[str, float]) -> np.ndarray:
        return np.array([float(weights[c]) for c in self.codes])

    def run(self, Xind: np.ndarray, W: np.ndarray, plan: list[dict], units=None) -> dict[str, np.ndarray]:
        """Xind (B|1, n, K_ind) in fw.indicators order; W (B|1, n_codes). Returns code → (B, n)."""
        vals = {c: Xind[..., i] for i, c in enumerate(self.fw.indicators)}
        B = max(Xind.shape[0], W.shape[0])
        for (C, P, G, idx), lp in zip(self.levels, plan, strict=True):
            V = np.stack([np.broadcast_to(vals[c], (B,) + vals[c].shape[1:]) for c in C], axis=-1)
            Wl = np.broadcast_to(W[:, idx], (B, len(C)))
            Y = aggregate_block(
                V,
                Wl,
                G,
                lp["method"],
                lp["params"],
                lp["dat_thresh"],
                labels=(units, C) if units is not None else None,
            )
            for j, p in enumerate(P):
                vals[p] = Y[..., j]
        return vals


def rank_desc(S: np.ndarray) -> np.ndarray:
    """Ranks along the last axis, highest score first, ties take the best (minimum) rank, NaN stays NaN."""
    ok = ~np.isnan(S)
    if S.size * S.shape[-1] <= 4_000_000:  # pairwise comparison is fastest while it stays small
        A = np.where(ok, S, -np.inf)
        greater = (A[..., None, :] > A[..., :, None]) & ok[..., None, :]
        r = greater.sum(axis=-1) + 1.0
        return np.where(ok, r, np.nan)
    from .normalise import col_ranks

    flat = S.reshape(-1, S.shape[-1])
    return col_ranks(-flat.T).T.reshape(S.shape)
