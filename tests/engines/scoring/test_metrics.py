"""Validation statistics against independent implementations."""

import numpy as np
import pytest
from scipy import stats

from puhui.engines.scoring import metrics


@pytest.fixture
def data():
    rng = np.random.default_rng(5)
    y = rng.random(2000) < 0.2
    risk = rng.normal(0, 1, 2000) + 0.8 * y
    return y.astype(int), np.round(risk, 1)  # rounding makes ties


def test_auc_matches_scikit_learn_with_ties(data):
    from sklearn.metrics import roc_auc_score

    y, risk = data
    assert metrics.auc(y, risk) == pytest.approx(roc_auc_score(y, risk), abs=1e-12)
    assert metrics.gini(y, risk) == pytest.approx(2 * roc_auc_score(y, risk) - 1, abs=1e-12)


def test_ks_matches_scipy_two_sample_statistic(data):
    y, risk = data
    expected = stats.ks_2samp(risk[y == 1], risk[y == 0]).statistic
    assert metrics.ks(y, risk) == pytest.approx(expected, abs=1e-12)


def test_degenerate_samples_give_nan():
    assert np.isnan(metrics.auc(np.zeros(5), np.arange(5)))
    assert np.isnan(metrics.ks(np.ones(5), np.arange(5)))


def test_psi():
    assert metrics.psi([10, 20, 30], [1, 2, 3]) == 0
    value = metrics.psi([50, 50], [25, 75])
    assert value == pytest.approx((0.25 - 0.5) * np.log(0.5) + (0.75 - 0.5) * np.log(1.5))
    assert np.isfinite(metrics.psi([10, 0], [5, 5]))  # an empty bin does not blow up
    assert metrics.psi_label(0.05) == "稳定" and metrics.psi_label(0.3).startswith("显著")


def test_jeffreys_test():
    # 10 defaults out of 100 with PD 5 %: clearly too low a PD
    assert metrics.jeffreys_pvalue(0.05, 100, 10) < 0.05
    assert metrics.jeffreys_pvalue(0.10, 100, 10) == pytest.approx(stats.beta.cdf(0.10, 10.5, 90.5))
    assert metrics.jeffreys_pvalue(0.20, 100, 10) > 0.95


def test_woe_and_iv():
    woe, iv = metrics.woe_iv(np.array([10, 30, 0]), np.array([90, 70, 5]))
    tb, tg = 40, 165
    assert woe[0] == pytest.approx(np.log((90 / tg) / (10 / tb)))
    assert woe[2] == 0 and iv[2] == 0  # no bad in the bin: no finite evidence
    assert iv[1] == pytest.approx((70 / tg - 30 / tb) * np.log((70 / tg) / (30 / tb)))
