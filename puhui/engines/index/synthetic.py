"""Deterministic synthetic data for examples, tests and benchmarks (no real data involved).

`example()` mimics the shape of COINr's ASEM example (51 units in two groups, 49 indicators in
8 pillars and 2 sub-indices, three denominators, some missing values and skewed indicators), which
is not shipped here. `panel()` makes a large balanced panel for the benchmark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PILLARS = {
    "Conn": ["Physical", "ConEcFin", "Political", "Instit", "P2P"],
    "Sust": ["Environ", "Social", "SusEcFin"],
}
PILLAR_SIZES = [6, 7, 5, 6, 7, 6, 6, 6]
DENOMS = ["GDP", "Population", "Area"]


def example(n_units: int = 51, seed: int = 2024) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    pillars = [p for ps in PILLARS.values() for p in ps]
    meta_rows = []
    k = 0
    for p, size in zip(pillars, PILLAR_SIZES, strict=True):
        for _ in range(size):
            k += 1
            code = f"I{k:02d}"
            direction = -1 if k % 7 == 3 else 1
            denom = DENOMS[k % 3] if k % 5 == 0 else None
            meta_rows.append(
                {
                    "iCode": code,
                    "iName": f"指标 {k:02d}",
                    "Level": 1,
                    "Parent": p,
                    "Direction": direction,
                    "Weight": 1.0,
                    "Type": "Indicator",
                    "Denominator": denom,
                }
            )
    for si, ps in PILLARS.items():
        for p in ps:
            meta_rows.append(
                {
                    "iCode": p,
                    "iName": p,
                    "Level": 2,
                    "Parent": si,
                    "Direction": 1,
                    "Weight": 1.0,
                    "Type": "Aggregate",
                    "Denominator": None,
                }
            )
        meta_rows.append(
            {
                "iCode": si,
                "iName": si,
                "Level": 3,
                "Parent": "Index",
                "Direction": 1,
                "Weight": 1.0,
                "Type": "Aggregate",
                "Denominator": None,
            }
        )
    meta_rows.append(
        {
            "iCode": "Index",
            "iName": "Index",
            "Level": 4,
            "Parent": None,
            "Direction": 1,
            "Weight": 1.0,
            "Type": "Aggregate",
            "Denominator": None,
        }
    )
    for d in DENOMS:
        meta_rows.append(
            {
                "iCode": d,
                "iName": d,
                "Level": None,
                "Parent": None,
                "Direction": None,
                "Weight": None,
                "Type": "Denominator",
                "Denominator": None,
            }
        )
    meta_rows.append(
        {
            "iCode": "EurAsia_group",
            "iName": "Europe or Asia",
            "Level": None,
            "Parent": None,
            "Direction": None,
            "Weight": None,
            "Type": "Group",
            "Denominator": None,
        }
    )
    imeta = pd.DataFrame(meta_rows)

    n_ind = k
    latent = rng.normal(size=n_units)
    group = np.where(np.arange(n_units) < n_units * 0.6, "Europe", "Asia")
    data = {
        "uCode": [f"U{i:02d}" for i in range(1, n_units + 1)],
        "uName": [f"单位 {i:02d}" for i in range(1, n_units + 1)],
        "EurAsia_group": group,
    }
    den = {
        "GDP": np.round(np.exp(rng.normal(5, 1.2, n_units)), 1),
        "Population": np.round(np.exp(rng.normal(3, 1.0, n_units)), 2),
        "Area": np.round(np.exp(rng.normal(12, 1.0, n_units)), 0),
    }
    data.update(den)
    for j in range(n_ind):
        row = meta_rows[j]
        signal = row["Direction"] * (0.6 * latent + rng.normal(size=n_units))
        # every fourth indicator is skewed: some need winsorising, some a log transform
        x = np.exp(1.2 * signal) * 10 if j % 4 == 1 else 50 + 12 * signal
        x = np.round(x, 3)
        if row["Denominator"]:
            x = np.round(np.abs(x) * den[row["Denominator"]], 3)
        miss = rng.random(n_units) < 0.04
        x = np.where(miss, np.nan, x)
        data[row["iCode"]] = x
    idata = pd.DataFrame(data)
    # two units with little data, so that screening has something to do
    ind_codes = [r["iCode"] for r in meta_rows[:n_ind]]
    idata.loc[n_units - 1, ind_codes[5:]] = np.nan
    idata.loc[n_units - 2, ind_codes[::2]] = np.nan
    return idata, imeta


def panel(
    n_units: int = 2850,
    n_ind: int = 40,
    n_years: int = 10,
    seed: int = 7,
    n_pillars: int = 8,
    n_subindices: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A balanced panel: units × years rows, indicators in pillars in sub-indices under one index."""
    rng = np.random.default_rng(seed)
    per = n_ind // n_pillars
    rows = []
    for j in range(n_ind):
        rows.append(
            {
                "iCode": f"X{j + 1:03d}",
                "iName": f"X{j + 1:03d}",
                "Level": 1,
                "Parent": f"P{min(j // per, n_pillars - 1) + 1}",
                "Direction": -1 if j % 6 == 5 else 1,
                "Weight": 1.0,
                "Type": "Indicator",
            }
        )
    for p in range(n_pillars):
        rows.append(
            {
                "iCode": f"P{p + 1}",
                "iName": f"P{p + 1}",
                "Level": 2,
                "Parent": f"S{p * n_subindices // n_pillars + 1}",
                "Direction": 1,
                "Weight": 1.0,
                "Type": "Aggregate",
            }
        )
    for s in range(n_subindices):
        rows.append(
            {
                "iCode": f"S{s + 1}",
                "iName": f"S{s + 1}",
                "Level": 3,
                "Parent": "Index",
                "Direction": 1,
                "Weight": 1.0,
                "Type": "Aggregate",
            }
        )
    rows.append(
        {
            "iCode": "Index",
            "iName": "Index",
            "Level": 4,
            "Parent": None,
            "Direction": 1,
            "Weight": 1.0,
            "Type": "Aggregate",
        }
    )
    imeta = pd.DataFrame(rows)
    years = np.arange(2012, 2012 + n_years)
    n = n_units * n_years
    base = rng.normal(size=(n_units, n_ind))
    X = (
        np.repeat(base[None], n_years, axis=0)
        + 0.1 * np.arange(n_years)[:, None, None]
        + 0.3 * rng.normal(size=(n_years, n_units, n_ind))
    )
    X = X.reshape(n, n_ind)
    skewed = np.arange(n_ind) % 5 == 0
    X[:, skewed] = np.exp(1.5 * X[:, skewed])
    X[rng.random(X.shape) < 0.01] = np.nan
    idata = pd.DataFrame(X, columns=[r["iCode"] for r in rows[:n_ind]])
    idata.insert(0, "Time", np.repeat(years, n_units))
    idata.insert(0, "uName", np.tile([f"county {i}" for i in range(n_units)], n_years))
    idata.insert(0, "uCode", np.tile([f"C{i:05d}" for i in range(n_units)], n_years))
    return idata, imeta
