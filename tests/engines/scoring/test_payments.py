"""Payment-signal characteristics from monthly aggregates."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from puhui.engines.scoring import DataError, payment_features


def _monthly():
    return pd.DataFrame(
        {
            "household_id": ["a", "a", "a", "a", "b", "b"],
            "month": ["2021-01", "2021-03", "2021-12", "2021-12", "2021-06", "2020-01"],
            "inflow_count": [1, 2, 1, 1, 0, 5],
            "inflow_amount": [Decimal("100.50"), Decimal("200"), Decimal("60"), Decimal("40"), 0, 10],
            "outflow_count": [0, 1, 1, 0, 3, 1],
            "outflow_amount": [0, 50, 20, 0, 30, 5],
        }
    )


def test_features_by_hand():
    f = payment_features(_monthly(), as_of="2021-12", households=["a", "b", "c"])
    assert list(f.index) == ["a", "b", "c"]
    a, b, c = f.loc["a"], f.loc["b"], f.loc["c"]
    # two rows for a in 2021-12 (two banks) are added up
    assert a["pay_months_active"] == 3 and a["pay_inflow_months"] == 3
    assert a["pay_avg_inflow"] == pytest.approx(400.5 / 12)
    inflow = np.zeros(12)
    inflow[[0, 2, 11]] = [100.5, 200, 100]
    assert a["pay_inflow_cv"] == pytest.approx(inflow.std() / inflow.mean())
    assert a["pay_inflow_share"] == pytest.approx(400.5 / (400.5 + 70))
    assert a["pay_longest_gap"] == 8 and a["pay_months_since_active"] == 0
    assert a["pay_txn_per_month"] == pytest.approx(7 / 12)
    # b: 2020-01 lies outside the window; only an outflow in June
    assert b["pay_months_active"] == 1 and b["pay_inflow_months"] == 0
    assert np.isnan(b["pay_inflow_cv"]) and b["pay_inflow_share"] == 0
    assert b["pay_longest_gap"] == 6 and b["pay_months_since_active"] == 6
    # c has no rows: zero activity rather than no row
    assert c["pay_months_active"] == 0 and c["pay_longest_gap"] == 12 and c["pay_months_since_active"] == 12
    assert np.isnan(c["pay_inflow_share"])


def test_window_and_month_forms():
    m = _monthly()
    m["month"] = pd.PeriodIndex(m["month"], freq="M")
    f = payment_features(m, as_of="2021-12-31", window=6)
    assert f.loc["a", "pay_months_active"] == 1  # only December in July–December
    assert f.loc["b", "pay_months_active"] == 0  # June is outside July–December


def test_bad_input_is_reported_by_row():
    m = _monthly()
    m.loc[1, "inflow_amount"] = -5
    m["outflow_count"] = m["outflow_count"].astype(object)
    m.loc[2, "outflow_count"] = "many"
    with pytest.raises(DataError) as err:
        payment_features(m, as_of="2021-12")
    assert err.value.problems == [
        "第 3 行：列“inflow_amount”必须是非负数字",
        "第 4 行：列“outflow_count”必须是非负数字",
    ]
    with pytest.raises(DataError, match="缺少列"):
        payment_features(m.drop(columns=["month"]), as_of="2021-12")


def test_features_feed_the_default_scorecard(default_card):
    from .conftest import frame, good_household

    f = payment_features(_monthly(), as_of="2021-12")
    rows = [
        good_household(
            pay_months_active=f.loc[h, "pay_months_active"], pay_inflow_cv=f.loc[h, "pay_inflow_cv"]
        )
        for h in f.index
    ]
    r = default_card.score(frame(*rows))
    assert all(x["key"] != "stable_payments" or x["points"] == 0 for x in r.breakdown(0))
