"""Statistical scorecard development, on real (German credit) and synthetic data."""

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from puhui.engines.scoring import DataError, ForbiddenCharacteristicError, Scorecard
from puhui.engines.scoring.train import TrainOptions, parse_target, train_scorecard


def test_german_credit_discriminates(german_result):
    d = german_result.report["discrimination"]
    assert d["train"]["auc"] > 0.75
    assert d["train"]["gini"] == pytest.approx(2 * d["train"]["auc"] - 1, abs=1e-5)
    assert 0.2 < d["train"]["ks"] < 1
    assert german_result.report["samples"]["train"]["rows"] == 1000  # no hold-out unless asked for


def test_a_hold_out_is_kept_aside_when_asked_for(german):
    opt = TrainOptions(
        target="creditability", exclude=["personal_status_and_sex"], test_size=0.3, cv_folds=0, version="x"
    )
    res = train_scorecard(german, opt)
    assert res.report["samples"]["train"]["rows"] == 700 and res.report["samples"]["test"]["rows"] == 300
    assert not set(res.samples["train"]) & set(res.samples["test"])
    assert res.scorecard.spec["monitoring"]["rows"] == 700


def test_german_credit_sex_is_not_a_characteristic_but_a_fairness_group(german, german_result):
    keys = [c["key"] for c in german_result.scorecard.spec["characteristics"]]
    assert "personal_status_and_sex" not in keys
    groups = german_result.report["fairness"]["groups"]["personal_status_and_sex"]["train"]
    assert {g["group"] for g in groups} <= set(german["personal_status_and_sex"])
    assert all(0 <= g["approval_rate"] <= 1 and g["impact_ratio"] <= 1 for g in groups)
    with pytest.raises(ForbiddenCharacteristicError, match="personal_status_and_sex"):
        train_scorecard(german, TrainOptions(target="creditability"))


def test_numeric_bins_have_monotone_woe_and_strong_characteristics_are_kept(german_result):
    spec = german_result.scorecard.spec
    numeric = [c for c in spec["characteristics"] if c["type"] == "numeric"]
    assert numeric
    for c in numeric:
        woe = np.array([b["woe"] for b in c["bins"]])
        d = np.diff(woe)
        assert (d >= -1e-12).all() or (d <= 1e-12).all(), c["key"]
        assert c["coefficient"] < 0  # a better bin (higher WoE) lowers the risk
    keys = {c["key"] for c in spec["characteristics"]}
    assert {"status_of_existing_checking_account", "duration_in_month", "credit_history"} <= keys
    for row in german_result.report["iv"]:
        if row["selected"]:
            assert row["iv"] >= TrainOptions(target="x").min_iv
        else:
            assert row["reason"]


def test_numpy_scores_reproduce_the_logistic_regression(german, german_result):
    """PD from the points table equals scikit-learn's predict_proba on the same WoE."""
    from sklearn.linear_model import LogisticRegression

    card = german_result.scorecard
    train = german.iloc[german_result.samples["train"]].reset_index(drop=True)
    y = (train["creditability"] == "bad").to_numpy().astype(int)
    res = card.score(train)
    woe = np.column_stack(
        [
            np.array([b["woe"] for b in c["bins"]] + [c["missing"]["woe"], c["unknown"]["woe"]])[
                res.states[:, j]
            ]
            for j, c in enumerate(card.spec["characteristics"])
        ]
    )
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(woe, y)
    assert np.allclose(lr.coef_.ravel(), [c["coefficient"] for c in card.spec["characteristics"]], atol=1e-6)
    assert np.allclose(res.pd, lr.predict_proba(woe)[:, 1], atol=1e-6)
    # the score scale: offset + factor · ln(odds)
    sc = card.spec["scaling"]
    factor = sc["pdo"] / math.log(2)
    odds = (1 - res.pd) / res.pd
    assert np.allclose(
        res.score, sc["base_score"] + factor * (np.log(odds) - math.log(sc["base_odds"])), atol=1e-4
    )


def test_json_round_trip_gives_identical_scores(german, german_result, tmp_path):
    card = german_result.scorecard
    path = tmp_path / "model.json"
    card.save(path)
    again = Scorecard.from_file(path)
    assert again.fingerprint == card.fingerprint
    a, b = card.score(german), again.score(german)
    assert np.array_equal(a.score, b.score)
    assert np.array_equal(a.pd, b.pd)
    assert np.array_equal(a.grade, b.grade)
    assert a.to_frame().equals(b.to_frame())


def test_scoring_needs_neither_optbinning_nor_sklearn_nor_django(german_result, german, tmp_path):
    model = tmp_path / "m.json"
    german_result.scorecard.save(model)
    data = tmp_path / "d.csv"
    german.head(50).to_csv(data, index=False)
    code = (
        "import sys; from puhui.engines.scoring import Scorecard; from puhui.engines.scoring.cli import read_table;"
        f"r = Scorecard.from_file({str(model)!r}).score(read_table({str(data)!r})); r.to_frame();"
        "bad = [m for m in ('optbinning', 'sklearn', 'django', 'ortools') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_values_and_unseen_categories_are_scored(german_result, german):
    card = german_result.scorecard
    df = german.head(4).copy()
    df = df.astype({"duration_in_month": float})
    df.loc[0, "duration_in_month"] = np.nan
    df.loc[1, "purpose"] = "tractor"  # never seen in training
    df.loc[2, "purpose"] = None
    r = card.score(df)
    assert np.isfinite(r.score).all() and np.isfinite(r.pd).all()
    chars = {c["key"]: c for c in card.spec["characteristics"]}
    b0 = {x["key"]: x for x in r.breakdown(0)}
    assert b0["duration_in_month"]["points"] == pytest.approx(chars["duration_in_month"]["missing"]["points"])
    b1 = {x["key"]: x for x in r.breakdown(1)}
    assert b1["purpose"]["points"] == pytest.approx(chars["purpose"]["unknown"]["points"])
    # the unseen value is neutral: WoE 0, the average risk of the development sample
    assert chars["purpose"]["unknown"]["woe"] == 0


def test_report_sections_with_out_of_time_sample(sample_result):
    rep = sample_result.report
    assert set(rep["samples"]) == {"train", "test", "oot"}
    for name in ("train", "test", "oot"):
        assert rep["discrimination"][name]["auc"] > 0.65
        cal = rep["calibration"][name]
        assert [r["grade"] for r in cal] == ["AAA", "AA", "A", "B", "C"]
        for r in cal:
            assert 0 <= r["jeffreys_p"] <= 1 and r["result"]
    for name in ("test", "oot"):
        st = rep["stability"][name]
        assert 0 <= st["psi"] < 0.1 and st["psi_label"] == "稳定"
        assert {r["name"] for r in st["csi"]} == {
            c["key"] for c in sample_result.scorecard.spec["characteristics"]
        }
    assert set(rep["fairness"]["groups"]["town"]) == {"train", "test", "oot"}
    shares = rep["grade_distribution"]["train"]
    assert shares["AAA"] == pytest.approx(0.10, abs=0.03) and shares["C"] == pytest.approx(0.15, abs=0.03)
    json.dumps(rep, allow_nan=False)  # strict JSON
    md = sample_result.markdown()
    for heading in ("样本与区分能力", "特征信息值", "分箱与分值表", "Jeffreys", "稳定性", "公平性"):
        assert heading in md
    keys = {c["key"] for c in sample_result.scorecard.spec["characteristics"]}
    assert not keys & {"household_id", "period", "town", "default"}


def test_missing_values_get_their_own_empirical_bin(sample_result):
    chars = {c["key"]: c for c in sample_result.scorecard.spec["characteristics"]}
    pay = chars.get("pay_months_active")
    assert pay is not None
    assert pay["missing"]["count"] > 500  # ~30 % of the sample has no payment data
    assert pay["missing"]["woe"] != 0


def test_target_problems_are_listed_by_row():
    s = pd.Series(["good", None, "bad", "good", None], name="y")
    with pytest.raises(DataError) as err:
        parse_target(s)
    assert err.value.problems == ["第 3 行：目标列“y”为空", "第 6 行：目标列“y”为空"]
    with pytest.raises(DataError, match="请用 --bad 指定"):
        parse_target(pd.Series(["a", "b", "c"], name="y"))
    y, bad = parse_target(pd.Series(["是", "否", "否"], name="y"))
    assert bad == "是" and list(y) == [1, 0, 0]
    y, bad = parse_target(pd.Series(["x", "late", "x"], name="y"), bad_value="late")
    assert list(y) == [0, 1, 0]


def test_training_refuses_unknown_columns_and_forbidden_features(sample):
    with pytest.raises(DataError) as err:
        train_scorecard(sample, TrainOptions(target="default", groups=["nope"], exclude=["nada"]))
    assert err.value.problems == ["数据中没有列“nope”", "数据中没有列“nada”"]
    df = sample.head(500).assign(is_party_member=1, dibao=0)
    with pytest.raises(ForbiddenCharacteristicError) as err:
        train_scorecard(df, TrainOptions(target="default"))
    assert len(err.value.problems) == 2 and "--exclude" in err.value.problems[0]


def test_training_is_deterministic(sample):
    opt = TrainOptions(
        target="default", id_column="household_id", exclude=["period", "town"], version="x", seed=3
    )
    a = train_scorecard(sample.head(3000), opt).scorecard
    b = train_scorecard(sample.head(3000), opt).scorecard
    spec_a, spec_b = a.to_dict(), b.to_dict()
    spec_a.pop("created"), spec_b.pop("created")
    assert spec_a == spec_b


def test_identifier_like_and_empty_columns_are_dropped_with_a_reason(sample):
    df = sample.head(2000).assign(note=None)  # household_id not declared as the id column
    res = train_scorecard(df, TrainOptions(target="default", exclude=["period", "town"], version="x"))
    reasons = {r["name"]: r["reason"] for r in res.report["iv"] if not r["selected"]}
    assert "编号列" in reasons["household_id"]
    assert reasons["note"] == "训练样本中全部缺失"
    assert "household_id" not in {c["key"] for c in res.scorecard.spec["characteristics"]}
