"""Hand-computed values and COINr's own unit-test values for the methods."""

import math

import numpy as np
import pandas as pd
import pytest

from puhui.engines.index import AHPInconsistentError, MethodDomainError, ahp
from puhui.engines.index.aggregate import aggregate_block
from puhui.engines.index.normalise import normalise_panel
from puhui.engines.index.weights import RANDOM_INDEX

from .conftest import one_indicator


def norm(values, spec, direction=1, times=None, extra_meta=None):
    df, fw, blocks = one_indicator(values, direction, times, extra_meta)
    out, stats = normalise_panel(df, fw, blocks, spec)
    return out["X"].to_numpy(), stats


def agg(values, weights=None, method="amean", **params):
    x = np.asarray(values, dtype=float)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    from puhui.engines.index.aggregate import check_params

    y = aggregate_block(
        x[None, None, :], w[None, :], np.ones((len(x), 1)), method, check_params(method, params)
    )
    return float(y[0, 0, 0])


# ---- normalisation: COINr tests/testthat/test-normalise.R --------------------------------------
def test_minmax_to_any_range_and_zscore():
    x = np.arange(1, 11, dtype=float)
    y, _ = norm(x, {"method": "minmax", "l_u": [2, 7]})
    assert y.min() == 2 and y.max() == 7
    y, _ = norm(x, {"method": "zscore", "m_sd": [5, 2]})
    assert y.mean() == pytest.approx(5) and y.std(ddof=1) == pytest.approx(2)


def test_minmax_reverses_negative_indicators():
    x = np.array([3.0, 1.0, 2.0])
    y, _ = norm(x, {"method": "minmax", "l_u": [0, 100]}, direction=-1)
    assert list(y) == [0.0, 100.0, 50.0]


@pytest.mark.parametrize(
    ("x", "direction", "expected"),
    [(1, 1, 0.1), (11, 1, 1), (-1, 1, 0), (1, -1, 0.9), (-1, -1, 1), (11, -1, 0)],
)
def test_goalposts_coinr_cases(x, direction, expected):
    y, _ = norm([x, 5.0], {"method": "goalposts", "gposts": [0, 10, 1]}, direction=direction)
    assert y[0] == pytest.approx(expected)


def test_goalposts_scaled_and_from_imeta():
    rng = np.random.default_rng(1)
    x = rng.random(10)
    y, _ = norm(x, {"method": "goalposts", "gposts": [0.2, 0.8, 10]})
    assert np.allclose(y, np.clip((x - 0.2) / 0.6, 0, 1) * 10)
    meta = {
        "goalpost_lower": 0.0,
        "goalpost_upper": 10.0,
        "goalpost_scale": 100.0,
        "goalpost_trunc2posts": True,
    }
    y, stats = norm([1.0, 12.0], {"method": "goalposts"}, direction=-1, extra_meta=meta)
    assert list(y) == pytest.approx([90.0, 0.0])
    assert stats.loc[0, "lower"] == 0 and stats.loc[0, "upper"] == 10


def test_distance_to_target_coinr_cases():
    y, _ = norm([0.0, 5.0, 11.0], {"method": "dist2targ", "targ": 10})
    assert list(y) == pytest.approx([0, 0.5, 1.1])
    y, _ = norm([0.0, 5.0, 11.0], {"method": "dist2targ", "targ": 10, "cap_max": True})
    assert list(y) == pytest.approx([0, 0.5, 1])
    y, _ = norm([-1.0, 1.0, 10.0], {"method": "dist2targ", "targ": 0}, direction=-1)
    assert list(y) == pytest.approx([1.1, 0.9, 0])
    y, _ = norm([-1.0, 1.0, 10.0], {"method": "dist2targ", "targ": 0, "cap_max": True}, direction=-1)
    assert list(y) == pytest.approx([1, 0.9, 0])
    # the target from iMeta, as COINr's use_iMeta
    y, _ = norm(
        [0.0, 5.0, 11.0], {"method": "minmax", "indicators": {"X": "dist2targ"}}, extra_meta={"Target": 10.0}
    )
    assert list(y) == pytest.approx([0, 0.5, 1.1])


def test_rank_borda_percentile():
    x = [3.0, 1.0, np.nan, 3.0, 2.0]
    assert list(norm(x, {"method": "rank"})[0][[0, 1, 3, 4]]) == [3, 1, 3, 2]
    assert list(norm(x, {"method": "borda"})[0][[0, 1, 3, 4]]) == [2, 0, 2, 1]
    y = norm(x, {"method": "prank", "scale": 100})[0]
    assert np.isnan(y[2]) and list(y[[0, 1, 3, 4]]) == pytest.approx([200 / 3, 0, 200 / 3, 100 / 3])


# ---- log efficacy function (Peking University digital financial inclusion index) --------------
def test_log_efficacy_hand_computed():
    base = np.arange(1.0, 22.0)  # 5th percentile 2, 95th percentile 20 (R type 7)
    later = np.array([10.0, 40.0, 1.0] + [5.0] * 18)
    times = [2019] * 21 + [2020] * 21
    y, stats = norm(np.concatenate([base, later]), {"method": "log_efficacy", "base_time": 2019}, times=times)
    assert stats.loc[0, "x_l"] == pytest.approx(2) and stats.loc[0, "x_h"] == pytest.approx(20)
    assert y[9] == pytest.approx(100 * math.log(5) / math.log(10))  # x = 10 in the base year: 69.897
    assert y[1] == 0 and y[19] == pytest.approx(100)  # the percentiles themselves
    assert y[0] == 0 and y[20] == 100  # base year clipped to [0, 100]
    assert y[21] == pytest.approx(69.89700043360188)
    assert y[22] == pytest.approx(100 * math.log(20) / math.log(10))  # 130.103: later years not capped above
    assert y[23] == 0  # but floored at 0


def test_log_efficacy_negative_indicator_and_frozen_bounds():
    base = np.arange(1.0, 22.0)
    times = [2019] * 21 + [2020] * 21
    later = np.array([1.0] + [10.0] * 20)
    y, _ = norm(np.concatenate([base, later]), {"method": "log_efficacy"}, direction=-1, times=times)
    assert y[9] == pytest.approx(100 * (math.log(20) - math.log(10)) / math.log(10))  # 30.103
    assert y[21] == pytest.approx(130.10299956639813)  # improvement beyond the base is visible
    # bounds frozen in iMeta are used as given
    y, stats = norm(
        [4.0, 8.0], {"method": "log_efficacy"}, extra_meta={"logeff_lower": 2.0, "logeff_upper": 32.0}
    )
    assert list(y) == pytest.approx([25.0, 50.0])
    with pytest.raises(MethodDomainError):
        norm([-1.0, 0.0, 3.0], {"method": "log_efficacy"}, direction=-1)


# ---- aggregation: COINr tests/testthat/test-aggregate.R --------------------------------------
def test_geometric_harmonic_generalised_means():
    assert agg([1, 2, 3], method="gmean") == pytest.approx((1 * 2 * 3) ** (1 / 3))
    assert agg([1, 2, 3], [1, 1, 2], method="gmean") == pytest.approx((1 * 2 * 3**2) ** (1 / 4))
    assert agg([1, 2, 3], [2, 1, 1], method="hmean") == pytest.approx(4 / (2 / 1 + 1 / 2 + 1 / 3))
    assert agg([1, 2, 3], [2, 1, 1], method="genmean", p=-1) == pytest.approx(4 / (2 / 1 + 1 / 2 + 1 / 3))
    assert agg([1, 2, 3], method="genmean", p=1) == pytest.approx(2)
    with pytest.raises(MethodDomainError):
        agg([1, 2, -1], method="gmean")
    with pytest.raises(MethodDomainError):
        agg([1, 2, 0], method="gmean")
    with pytest.raises(MethodDomainError):
        agg([1, 2, 0], method="hmean")


def test_missing_values_as_coinr():
    # arithmetic, geometric, harmonic: skip the missing child and rescale the other weights
    assert agg([np.nan, 2, 4], [5, 1, 3], method="amean") == pytest.approx((2 + 12) / 4)
    assert agg([np.nan, 2, 8], method="gmean") == pytest.approx(4)
    assert agg([np.nan, 2, 2], method="hmean") == pytest.approx(2)
    # generalised mean: NaN when any child is missing (COINr a_genmean sums without na.rm)
    assert np.isnan(agg([np.nan, 2, 8], method="genmean", p=2))
    assert np.isnan(agg([np.nan, np.nan], method="amean"))
    # data threshold: fewer than dat_thresh of the children available gives NaN
    V = np.array([[[np.nan, np.nan, np.nan, np.nan, 1.0], [1, 2, 3, 4, 5]]])
    y = aggregate_block(V, np.ones((1, 5)), np.ones((5, 1)), "amean", {}, dat_thresh=0.5)
    assert np.isnan(y[0, 0, 0]) and y[0, 1, 0] == 3


def test_sarma_index_hand_computed():
    # d = (0.5, 0.8), equal weights: X1 = sqrt(0.89/2) = 0.667083, X2 = 1 - sqrt(0.29/2) = 0.619211
    assert agg([50, 80], method="sarma") == pytest.approx(64.31472, abs=1e-5)
    assert agg([50, 80], method="sarma", variant=2008) == pytest.approx(61.92113, abs=1e-5)
    assert agg([0.5, 0.8], method="sarma", scale=1) == pytest.approx(0.6431472, abs=1e-7)
    # the ideal point and the worst point
    assert agg([100, 100], method="sarma") == pytest.approx(100)
    assert agg([0, 0], method="sarma") == pytest.approx(0)
    # weights (1, 0.5): d = (0.5, 0.4); X1 = sqrt(0.41/1.25), X2 = 1 - sqrt(0.26/1.25)
    assert agg([50, 80], [1, 0.5], method="sarma") == pytest.approx(
        50 * (math.sqrt(0.41 / 1.25) + 1 - math.sqrt(0.26 / 1.25))
    )


def test_mazziotta_pareto_hand_computed():
    # M = 100, population sd = sqrt(200/3), cv = sd/M: MPI- = M - sd*cv = 100 - 0.6667
    assert agg([100, 110, 90], method="mpi") == pytest.approx(100 - 200 / 3 / 100)
    assert agg([100, 110, 90], method="mpi", penalty=-1) == pytest.approx(100 + 200 / 3 / 100)
    assert agg([100, 100, 100], method="mpi") == pytest.approx(100)


# ---- weights -----------------------------------------------------------------------------------
def test_ahp_saaty_example():
    res = ahp([[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]])
    assert res["weights"] == pytest.approx([0.6370, 0.2583, 0.1047], abs=1e-4)
    assert res["lambda_max"] == pytest.approx(3.0385, abs=1e-4)
    assert res["CI"] == pytest.approx(0.0193, abs=1e-4)
    assert res["CR"] == pytest.approx(0.0332, abs=1e-4)
    assert res["RI"] == 0.58


def test_ahp_consistent_matrix_and_random_index_table():
    res = ahp([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    assert res["weights"] == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert res["CR"] == pytest.approx(0, abs=1e-12)
    assert [RANDOM_INDEX[n] for n in range(1, 11)] == [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]
    assert ahp([[1, 3], ["1/3", 1]])["CR"] == 0


def test_ahp_refuses_inconsistent_judgements():
    with pytest.raises(AHPInconsistentError) as e:
        ahp([[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]], group="可得性")
    assert e.value.cr >= 0.1
    assert "一致性比率" in str(e.value) and "可得性" in str(e.value)


def test_data_driven_weights():
    from puhui.engines.index.weights import compute_weights

    df, fw, blocks = one_indicator([1.0, 2.0, 3.0, 4.0, 10.0])
    w, table = compute_weights({"method": "cv"}, fw, df, blocks, fw.weight)
    x, y = df["X"], df["Y"]
    cx, cy = x.std() / x.mean(), y.std() / y.mean()
    assert w["X"] == pytest.approx(cx / (cx + cy)) and w["X"] + w["Y"] == pytest.approx(1)
    w, _ = compute_weights({"method": "entropy"}, fw, df, blocks, fw.weight)
    assert w["X"] + w["Y"] == pytest.approx(1) and w["X"] > w["Y"]  # X is more dispersed
    w, _ = compute_weights({"method": "pca"}, fw, df, blocks, fw.weight)
    assert w["X"] == pytest.approx(0.5) and w["Y"] == pytest.approx(0.5)  # two indicators: equal loadings


def test_base_year_weights_are_frozen():
    from puhui.engines.index import SpecError
    from puhui.engines.index.weights import compute_weights

    df, fw, blocks = one_indicator([1.0, 2.0, 3.0, 1.0, 5.0, 9.0], times=[2019] * 3 + [2020] * 3)
    with pytest.raises(SpecError):
        compute_weights({"method": "cv"}, fw, df, blocks, fw.weight)
    w19, _ = compute_weights({"method": "cv", "base_time": 2019}, fw, df, blocks, fw.weight)
    base = df[df["Time"] == 2019]
    cx, cy = base["X"].std() / base["X"].mean(), base["Y"].std() / base["Y"].mean()
    assert w19["X"] == pytest.approx(cx / (cx + cy))


def test_noisy_weights_stay_within_the_noise_band():
    from puhui.engines.index.weights import noisy_weights

    W = noisy_weights(np.array([1.0, 2.0, 4.0]), np.array([0.25, 0.25, 0.0]), 500, np.random.default_rng(0))
    assert W.shape == (500, 3)
    assert (W[:, 0] >= 0.75).all() and (W[:, 0] <= 1.25).all() and (W[:, 2] == 4).all()
    assert W[:, 1].std() > 0


def test_effective_weights_sum_to_one(esi_result):
    eff = esi_result.framework.effective_weights()
    fw = esi_result.framework
    for lev in range(1, fw.maxlev + 1):
        assert eff.loc[eff["Level"] == lev, "EffWeight"].sum() == pytest.approx(1)
    assert eff.set_index("iCode").loc["PTRatio", "EffWeight"] == pytest.approx(1 / 3 / 2 / 2)


def test_stats_table_reports_original_units():
    _, stats = norm([3.0, 1.0, 2.0], {"method": "minmax"}, direction=-1)
    assert stats.loc[0, "min"] == 1 and stats.loc[0, "max"] == 3
    assert isinstance(stats, pd.DataFrame)


def test_ahp_weights_in_a_pipeline():
    from puhui.engines.index import Pipeline

    df, fw, _ = one_indicator([1.0, 5.0, 3.0, 8.0])
    data = df.drop(columns=["uName", "Time"])
    spec = {
        "steps": [
            {"normalise": {}},
            {
                "weights": {
                    "method": "ahp",
                    "groups": {"I": {"order": ["X", "Y"], "matrix": [[1, 3], ["1/3", 1]]}},
                }
            },
            {"aggregate": {}},
        ]
    }
    res = Pipeline(spec).run(data, fw.meta)
    a = res.aggregated
    assert np.allclose(a["I"], 0.75 * a["X"] + 0.25 * a["Y"])
    assert res.analysis["Weights.ahp"]["CR"].eq(0).all()
    spec["steps"][1]["weights"]["groups"]["I"]["matrix"] = [[1, 3], [3, 1]]
    from puhui.engines.index import SpecError

    with pytest.raises(SpecError, match="互反"):
        Pipeline(spec).run(data, fw.meta)
