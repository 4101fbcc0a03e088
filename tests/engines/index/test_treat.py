"""Outlier treatment: COINr's default rule, its edge cases, and overrides that really apply."""

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.engines.index.treat import treat_columns, treat_panel

from .conftest import one_indicator

DEFAULT = {
    "f1": "winsorise",
    "winmax": 5,
    "skew_thresh": 2.0,
    "kurt_thresh": 3.5,
    "f2": "log_CT",
    "combine_treat": False,
}


def e1071(x):
    """e1071 type-2 skewness and kurtosis of the non-missing values, written out plainly (NaN where R
    would get NaN: too few values, or a spread so small that the powers underflow)."""
    x = [v for v in x if not math.isnan(v)]
    n = len(x)
    if n < 4:
        return math.nan, math.nan
    m = sum(x) / n
    d = [v - m for v in x]
    m2 = sum(v * v for v in d)
    sk = kt = math.nan
    if m2**1.5 > 0:
        sk = math.sqrt(n) * sum(v**3 for v in d) / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    if m2**2 > 0:
        r = n * sum(v**4 for v in d) / m2**2
        kt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return sk, kt


def reference(x, winmax=5):
    """COINr's Treat.numeric with its defaults, one column at a time (the vectorised code's oracle)."""
    x = list(x)

    def passes(v):  # R's |skew| < 2 | kurt < 3.5 with NA: TRUE | NA is TRUE, FALSE | NA is NA
        sk, kt = e1071(v)
        a = None if math.isnan(sk) else abs(sk) < 2
        b = None if math.isnan(kt) else kt < 3.5
        if a or b:
            return True
        return None if a is None or b is None else False

    p = passes(x)
    if p is None or p:
        return x, "untouched"
    w = list(x)
    nwin, n_hi, n_lo = 0, 0, 0
    while nwin < winmax:
        sk, _ = e1071(w)
        if math.isnan(sk):  # R: `if (NA >= 0)` is an error, caught: the column stays untreated
            return x, "untouched"
        vals = [v for v in w if not math.isnan(v)]
        ext = max(vals) if sk >= 0 else min(vals)
        idx = [i for i, v in enumerate(w) if v == ext]
        rest = [v for v in vals if v != ext]
        new = max(rest) if sk >= 0 else min(rest)
        for i in idx:
            w[i] = new
        if sk >= 0:
            n_hi = len(idx)
        else:
            n_lo = len(idx)
        nwin = n_hi + n_lo
        p = passes(w)
        if p is None:
            return x, "untouched"
        if p:
            return w, "winsorised"
    vals = [v for v in x if not math.isnan(v)]
    lo, hi = min(vals), max(vals)
    return [math.log(v - lo + 0.01 * (hi - lo)) if not math.isnan(v) else math.nan for v in x], "log"


def run(x, **over):
    Y, det, marks = treat_columns(np.asarray(x, dtype=float)[:, None], [{**DEFAULT, **over}])
    return Y[:, 0], {k: v[0] for k, v in det.items()}, marks[:, 0]


def test_exponential_tail_goes_to_log_ct_on_the_original_values():
    x = np.concatenate([np.arange(1.0, 61.0), 2.0 ** np.arange(7, 16)])  # a long tail of 9 points
    y, det, _ = run(x)
    assert det["Treatment"] == "log_CT" and det["nwin"] >= 5 and det["Pass1"] == 0
    lo, hi = x.min(), x.max()
    assert np.allclose(y, np.log(x - lo + 0.01 * (hi - lo)))


def test_ties_at_the_extreme_are_replaced_together():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 200, 200])
    y, det, marks = run(x)
    assert det["Treatment"] == "winsorised 2" and det["nwin"] == 2
    assert list(y[-2:]) == [15, 15] and list(marks[-2:]) == [1, 1]


def test_negative_skew_winsorises_the_low_side():
    x = -np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 200])
    y, det, marks = run(x)
    assert y[-1] == -15 and marks[-1] == 2  # winlo


def test_checks_that_cannot_be_made_leave_the_column_alone():
    y, det, _ = run([1.0, np.nan, 100.0])  # fewer than 4 values
    assert det["Treatment"] == "untreated (check NA)" and list(y[[0, 2]]) == [1, 100]
    y, det, _ = run([5.0] * 10)
    assert det["Treatment"] == "untreated (check NA)"


def test_per_indicator_overrides_really_apply():
    x = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 200, 300]
    df, fw, blocks = one_indicator(x)
    out, table, _ = treat_panel(df, fw.indicators, blocks, {})
    assert table.set_index("iCode").loc["X", "Treatment"].startswith("winsorised")
    out, table, points = treat_panel(df, fw.indicators, blocks, {"indicators": {"X": "none"}})
    assert table.set_index("iCode").loc["X", "Treatment"] == "none" and (out["X"] == df["X"]).all()
    assert points.empty
    out, table, _ = treat_panel(df, fw.indicators, blocks, {"indicators": {"X": {"winmax": 1}}})
    assert table.set_index("iCode").loc["X", "Treatment"] == "log_CT"
    out, table, _ = treat_panel(df, fw.indicators, blocks, {"indicators": {"X": {"winmax": 1, "f2": "none"}}})
    assert table.set_index("iCode").loc["X", "Treatment"] == "winsorised 1 (still failing)"
    assert out["X"].max() == 200
    out, table, _ = treat_panel(
        df, fw.indicators, blocks, {"indicators": {"X": {"skew_thresh": 100, "kurt_thresh": 100}}}
    )
    assert table.set_index("iCode").loc["X", "Treatment"] == "passed"


def test_each_period_is_treated_on_its_own():
    calm = [float(v) for v in range(1, 18)]
    wild = calm[:-1] + [500.0]
    df, fw, blocks = one_indicator(calm + wild, times=[2019] * 17 + [2020] * 17)
    out, table, _ = treat_panel(df, fw.indicators, blocks, {})
    t = table.set_index(["iCode", "Time"])
    assert t.loc[("X", 2019), "Treatment"] == "passed"
    assert t.loc[("X", 2020), "Treatment"] == "winsorised 1"
    assert out.loc[out["Time"] == 2020, "X"].max() == 16


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-1e3, 1e3, allow_nan=False), st.just(math.nan), st.sampled_from([1e4, 5e4, -2e4])
        ),
        min_size=5,
        max_size=40,
    ),
    st.integers(1, 6),
)
def test_vectorised_treatment_equals_the_one_column_reference(values, winmax):
    x = np.array(values)
    if (~np.isnan(x)).sum() < 5 or np.nanstd(x) < 1e-6:
        return
    expected, _ = reference(values, winmax)
    y, _, _ = run(x, winmax=winmax)
    assert np.allclose(y, np.array(expected), equal_nan=True)


def test_several_columns_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(3)
    M = np.exp(rng.normal(size=(40, 12)) * rng.uniform(0.2, 3, 12))
    M[rng.random(M.shape) < 0.1] = np.nan
    Y, _, _ = treat_columns(M, [DEFAULT] * 12)
    for j in range(12):
        assert np.allclose(Y[:, j], np.array(reference(list(M[:, j]))[0]), equal_nan=True)
    assert isinstance(pd.DataFrame(Y), pd.DataFrame)
