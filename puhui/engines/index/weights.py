"""Weights: equal, given, AHP, coefficient of variation, entropy, PCA, noisy; frozen at a base period.

A weight set maps every indicator and aggregate code to a relative weight (see the weights rule in
model.py). Data-driven methods work on one level (default 1, the indicators) group by group, on the
rows of the base period (`base_time`), so the weights stay fixed over time.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from .errors import AHPInconsistentError, MethodDomainError, SpecError, raise_problems
from .model import check_weights

# Saaty's random consistency index by matrix order (Saaty 1980; orders 11–15 from Saaty 2000).
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
METHODS = ("original", "equal", "given", "ahp", "cv", "entropy", "pca")


def _num(v) -> float:
    if isinstance(v, str):
        return float(Fraction(v.strip()))
    return float(v)


def ahp(matrix, *, labels: list[str] | None = None, group: str | None = None, max_cr: float = 0.1) -> dict:
    """Principal-eigenvector weights of a pairwise comparison matrix, with Saaty's consistency ratio.

    Refuses (AHPInconsistentError) when CR ≥ max_cr (0.1). Entries may be numbers or fractions "1/3".
    """
    A = np.array([[_num(v) for v in row] for row in matrix], dtype=float)
    n = A.shape[0]
    where = f"（{group}）" if group else ""
    if A.ndim != 2 or A.shape[1] != n:
        raise SpecError(f"AHP 判断矩阵{where}须为方阵")
    if labels is not None and len(labels) != n:
        raise SpecError(f"AHP 判断矩阵{where}的阶数 {n} 与比较对象个数 {len(labels)} 不符")
    if not (A > 0).all():
        raise SpecError(f"AHP 判断矩阵{where}的元素须全部为正数")
    if not np.allclose(np.diag(A), 1.0):
        raise SpecError(f"AHP 判断矩阵{where}的对角线须为 1")
    if not np.allclose(A * A.T, 1.0, rtol=0, atol=5e-3):
        raise SpecError(f"AHP 判断矩阵{where}须满足互反性 a_ji = 1/a_ij")
    vals, vecs = np.linalg.eig(A)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX.get(n)
    if ri is None:
        raise SpecError(f"AHP 判断矩阵{where}阶数 {n} 超出随机一致性指标表（最多 15 阶）")
    cr = ci / ri if ri > 0 else 0.0
    if cr >= max_cr:
        raise AHPInconsistentError(
            f"AHP 判断矩阵{where}一致性比率 CR = {cr:.4f}，不小于 {max_cr}，判断不一致，请调整两两比较的取值",
            cr=cr,
            group=group,
        )
    return {"weights": w, "lambda_max": lam, "CI": ci, "RI": ri, "CR": cr}


def _groups_at(fw, level: int) -> dict[str, list[str]]:
    if level < 1 or level >= fw.maxlev:
        raise SpecError(f"权重层级应在 1 到 {fw.maxlev - 1} 之间")
    return {p: fw.children[p] for p in fw.codes_at(level + 1)}


def _data_rows(df: pd.DataFrame, blocks, base_time):
    if base_time is None:
        if blocks.T > 1:
            raise SpecError("面板数据用数据驱动方法确定权重时须指定基期 base_time，使各期权重一致、结果可比")
        return df
    try:
        mask = blocks.time_mask(base_time)
    except KeyError:
        raise SpecError(f"基期 {base_time} 不在数据的期间中") from None
    return df[mask]


def _cv(X: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nanstd(X, axis=0, ddof=1) / np.abs(np.nanmean(X, axis=0))


def _entropy(X: np.ndarray, codes) -> np.ndarray:
    ok = ~np.isnan(X)
    if (X[ok] < 0).any():
        j = int(np.flatnonzero((np.where(ok, X, 0) < 0).any(axis=0))[0])
        raise MethodDomainError(f"熵权法要求数据非负（“{codes[j]}”有负值），请先标准化")
    Xz = np.where(ok, X, 0.0)
    tot = Xz.sum(axis=0)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        P = Xz / tot
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1)), 0.0)
        e = -plogp.sum(axis=0) / np.log(n)
    return 1 - e


def _pca(X: np.ndarray, codes, group) -> np.ndarray:
    X = X[~np.isnan(X).any(axis=1)]
    k = X.shape[1]
    if k == 1:
        return np.ones(1)
    if X.shape[0] < 3:
        raise MethodDomainError(f"主成分分析（{group}）需要至少 3 个无缺失的单位")
    sd = X.std(axis=0, ddof=1)
    if (sd == 0).any():
        raise MethodDomainError(
            f"主成分分析（{group}）中有指标没有变化：{codes[int(np.flatnonzero(sd == 0)[0])]}"
        )
    Z = (X - X.mean(axis=0)) / sd
    vals, vecs = np.linalg.eigh(np.corrcoef(Z, rowvar=False))
    v = vecs[:, int(np.argmax(vals))]
    # squared loadings of the first component: non-negative, sum to one (OECD/JRC handbook practice)
    return v * v


def compute_weights(spec: dict, fw, df: pd.DataFrame, blocks, current: dict[str, float]):
    """A new weight set from a `weights` step. Returns (weights dict, details table)."""
    method = spec.get("method", "original")
    if method not in METHODS:
        raise SpecError(f"未知的权重方法“{method}”，可选：{'、'.join(METHODS)}")
    w = dict(current)
    rows: list[dict] = []
    if method == "original":
        w = dict(fw.weight)
    elif method == "equal":
        levels = spec.get("levels")
        for c in fw.tree_codes:
            if levels is None or fw.level[c] in levels:
                w[c] = 1.0
    elif method == "given":
        _given_weights(spec, fw, w)
    elif method == "ahp":
        rows = _ahp_weights(spec, fw, w)
    else:
        rows = _data_weights(method, spec, fw, df, blocks, w)
    raise_problems(
        check_weights(
            {c: w[c] for c in fw.tree_codes},
            {c: fw.parent[c] for c in fw.tree_codes},
            label=spec.get("name", method),
        )
    )
    return w, pd.DataFrame(rows)


def _given_weights(spec: dict, fw, w: dict) -> None:
    """`values` into w; with `normalised`, every sibling group they touch must add up to one."""
    values = spec.get("values") or {}
    bad = set(values) - set(fw.tree_codes)
    if bad:
        raise SpecError(f"给定权重中有框架里不存在的代码：{'、'.join(sorted(bad))}")
    for c, v in values.items():
        w[c] = float(v)
    if spec.get("normalised"):
        touched = {fw.parent[c] for c in values}
        codes = [c for c in fw.tree_codes if fw.parent[c] in touched]
        raise_problems(
            check_weights(
                {c: w[c] for c in codes},
                {c: fw.parent[c] for c in codes},
                normalised=True,
                label=spec.get("name", "given"),
            )
        )


def _ahp_weights(spec: dict, fw, w: dict) -> list[dict]:
    """AHP per parent's pairwise-comparison matrix into w; the details rows (λmax, CI, RI, CR)."""
    groups = spec.get("groups") or {}
    if not groups:
        raise SpecError("AHP 权重需要 groups：每个上级代码一个两两比较矩阵")
    rows = []
    for parent, g in groups.items():
        if parent not in fw.children and parent != "__top__":
            raise SpecError(f"AHP 权重中的上级“{parent}”不是框架中的聚合项")
        kids = fw.children.get(parent, fw.top)
        order = list(g.get("order", kids))
        if sorted(order) != sorted(kids):
            raise SpecError(f"AHP 判断矩阵“{parent}”的比较对象应为其全部下级：{'、'.join(kids)}")
        res = ahp(g["matrix"], labels=order, group=parent, max_cr=float(spec.get("max_cr", 0.1)))
        for c, v in zip(order, res["weights"], strict=True):
            w[c] = float(v)
            rows.append(
                {
                    "group": parent,
                    "iCode": c,
                    "weight": float(v),
                    "lambda_max": res["lambda_max"],
                    "CI": res["CI"],
                    "RI": res["RI"],
                    "CR": res["CR"],
                }
            )
    return rows


def _data_weights(method: str, spec: dict, fw, df: pd.DataFrame, blocks, w: dict) -> list[dict]:
    """cv / entropy / pca weights of each sibling group at `level` from the data, into w; the details rows."""
    level = int(spec.get("level", 1))
    data = _data_rows(df, blocks, spec.get("base_time"))
    rows = []
    for parent, kids in _groups_at(fw, level).items():
        missing = [c for c in kids if c not in data.columns]
        if missing:
            raise SpecError(f"权重方法“{method}”需要的数据列不在数据集中：{'、'.join(missing)}")
        X = data[kids].to_numpy(dtype=float)
        if method == "cv":
            v = _cv(X)
        elif method == "entropy":
            v = _entropy(X, kids)
        else:
            v = _pca(X, kids, parent)
        v = np.where(np.isfinite(v) & (v >= 0), v, 0.0)
        s = v.sum()
        if s <= 0:
            raise MethodDomainError(f"权重方法“{method}”在“{parent}”组得不到正的权重（数据没有差异？）")
        for c, x in zip(kids, v / s, strict=True):
            w[c] = float(x)
            rows.append(
                {
                    "group": parent,
                    "iCode": c,
                    "weight": float(x),
                    "method": method,
                    "base_time": spec.get("base_time"),
                }
            )
    return rows


def noisy_weights(w0: np.ndarray, noise: np.ndarray, n_sets: int, rng: np.random.Generator) -> np.ndarray:
    """COINr get_noisy_weights: w + U(−1, 1)·f·w, f the noise factor of each code's level. (n_sets, n_codes)."""
    U = rng.random((n_sets, len(w0)))
    return w0[None, :] * (1.0 + (2.0 * U - 1.0) * noise[None, :])
