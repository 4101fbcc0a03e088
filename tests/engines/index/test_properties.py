"""Property tests of engine invariants (hypothesis)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import rankdata

from puhui.engines.index import Framework, Pipeline, ahp
from puhui.engines.index.aggregate import aggregate_block, check_params, rank_desc
from puhui.engines.index.normalise import normalise_panel
from puhui.engines.index.stats import nan_quantile_cols

from .conftest import one_indicator

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(0.01, 100, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(arrays(float, st.integers(2, 30), elements=finite), finite, st.floats(0.5, 1e3))
def test_minmax_stays_within_its_range(x, lo, width):
    assume(np.ptp(x) > 1e-6 * max(1, np.abs(x).max()))
    y = normalise_panel(*_df(x), {"method": "minmax", "l_u": [lo, lo + width]})[0]["X"].to_numpy()
    assert (y >= lo - 1e-6 * width).all() and (y <= lo + width + 1e-6 * width).all()
    assert y.min() == pytest.approx(lo, abs=1e-6 * width) and y.max() == pytest.approx(
        lo + width, abs=1e-6 * width
    )


def _df(x):
    df, fw, blocks = one_indicator(list(x))
    return df, fw, blocks


@settings(max_examples=80, deadline=None)
@given(
    arrays(float, (4, 5), elements=positive),
    arrays(float, 5, elements=st.floats(0.1, 5)),
    st.integers(0, 3),
    st.integers(0, 4),
    st.floats(0.1, 50),
    st.sampled_from(
        [
            ("amean", {}),
            ("gmean", {}),
            ("hmean", {}),
            ("genmean", {"p": 2}),
            ("genmean", {"p": -0.5}),
            ("sarma", {"scale": 100}),
        ]
    ),
)
def test_aggregation_is_monotone_in_each_child(V, w, unit, child, bump, method):
    name, params = method
    base = aggregate_block(V[None], w[None], np.ones((5, 1)), name, check_params(name, params))
    V2 = V.copy()
    V2[unit, child] = min(V2[unit, child] + bump, 100) if name == "sarma" else V2[unit, child] + bump
    after = aggregate_block(V2[None], w[None], np.ones((5, 1)), name, check_params(name, params))
    assert after[0, unit, 0] >= base[0, unit, 0] - 1e-9
    others = [u for u in range(4) if u != unit]
    assert np.allclose(after[0, others, 0], base[0, others, 0])


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, (12, 4), elements=st.floats(0, 1000, allow_nan=False)),
    st.integers(0, 11),
    st.integers(0, 3),
    st.floats(1, 500),
)
def test_a_unit_never_loses_score_by_improving_an_indicator(X, unit, j, bump):
    directions = [1, -1, 1, 1]
    assume(all(np.ptp(X[:, k]) > 1e-3 for k in range(4)))
    meta = pd.DataFrame(
        [
            {
                "iCode": f"X{k}",
                "Level": 1,
                "Parent": "P" if k < 2 else "Q",
                "Direction": directions[k],
                "Weight": 1 + k,
                "Type": "Indicator",
            }
            for k in range(4)
        ]
        + [
            {"iCode": p, "Level": 2, "Parent": "I", "Direction": 1, "Weight": 1, "Type": "Aggregate"}
            for p in "PQ"
        ]
        + [{"iCode": "I", "Level": 3, "Parent": None, "Direction": 1, "Weight": 1, "Type": "Aggregate"}]
    )
    data = pd.DataFrame(X, columns=[f"X{k}" for k in range(4)])
    data.insert(0, "uCode", [f"u{i:02d}" for i in range(12)])
    pipe = Pipeline({"steps": [{"normalise": {"method": "minmax"}}, {"aggregate": {}}]})
    before = pipe.run(data, meta).aggregated.set_index("uCode")["I"]
    better = data.copy()
    better.iloc[unit, j + 1] += (
        bump * directions[j]
    )  # improving: up for positive, down for negative indicators
    after = pipe.run(better, meta).aggregated.set_index("uCode")["I"]
    assert after.iloc[unit] >= before.iloc[unit] - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.01, 100), min_size=2, max_size=8),
    st.lists(st.floats(0.01, 100), min_size=2, max_size=8),
)
def test_weights_normalise(wp, wq):
    rows = [
        {"iCode": f"A{i}", "Level": 1, "Parent": "P", "Direction": 1, "Weight": w, "Type": "Indicator"}
        for i, w in enumerate(wp)
    ]
    rows += [
        {"iCode": f"B{i}", "Level": 1, "Parent": "Q", "Direction": 1, "Weight": w, "Type": "Indicator"}
        for i, w in enumerate(wq)
    ]
    rows += [
        {"iCode": "P", "Level": 2, "Parent": "I", "Direction": 1, "Weight": wp[0], "Type": "Aggregate"},
        {"iCode": "Q", "Level": 2, "Parent": "I", "Direction": 1, "Weight": wq[0], "Type": "Aggregate"},
        {"iCode": "I", "Level": 3, "Parent": None, "Direction": 1, "Weight": 1, "Type": "Aggregate"},
    ]
    eff = Framework.from_meta(pd.DataFrame(rows)).effective_weights()
    for lev in (1, 2, 3):
        assert eff.loc[eff["Level"] == lev, "EffWeight"].sum() == pytest.approx(1)
    # aggregating a constant gives that constant, whatever the weights
    y = aggregate_block(
        np.full((1, 3, len(wp)), 42.0), np.array(wp)[None], np.ones((len(wp), 1)), "amean", {}
    )
    assert np.allclose(y, 42)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.1, 10), min_size=3, max_size=9))
def test_consistent_ahp_matrices_return_their_weights(v):
    v = np.array(v)
    res = ahp((v[:, None] / v[None, :]).tolist())
    assert res["weights"] == pytest.approx(v / v.sum(), rel=1e-6)
    assert res["CR"] == pytest.approx(0, abs=1e-9)
    assert res["weights"].sum() == pytest.approx(1)


@settings(max_examples=60, deadline=None)
@given(arrays(float, (3, 20), elements=st.one_of(st.integers(0, 5).map(float), st.just(np.nan))))
def test_ranks_match_r_ties_min(S):
    R = rank_desc(S)
    for b in range(3):
        ok = ~np.isnan(S[b])
        if ok.any():
            assert np.array_equal(R[b][ok], rankdata(-S[b][ok], method="min"))
        assert np.isnan(R[b][~ok]).all()


@settings(max_examples=40, deadline=None)
@given(arrays(float, 30, elements=st.floats(0.5, 1000)))
def test_log_efficacy_is_monotone_and_bounded_in_the_base_year(x):
    assume(np.percentile(x, 95) > np.percentile(x, 5) * 1.001)
    y = normalise_panel(*_df(x), {"method": "log_efficacy"})[0]["X"].to_numpy()
    order = np.argsort(x)
    assert (np.diff(y[order]) >= -1e-9).all()
    assert y.min() >= 0 and y.max() <= 100


@settings(max_examples=150, deadline=None)
@given(
    arrays(
        float,
        st.tuples(st.integers(1, 25), st.integers(1, 6)),
        elements=st.one_of(st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False), st.just(np.nan)),
    ),
    st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.05, 0.5, 0.95, 1.0])),
)
def test_column_quantiles_are_numpys_nan_quantiles_exactly(m, q):
    """The fast path (columns without a NaN at once) gives numpy's nanquantile to the last bit."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(m, q, axis=0)
    assert np.array_equal(nan_quantile_cols(m, q), expected, equal_nan=True)
