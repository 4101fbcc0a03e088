"""Cross-validated development: the report's k-fold figures, folds that are disjoint and stratified,
the shipped model fitted on every development row, and the structure the points table keeps
(monotone bins, complete points, reasons). Performance is printed by bench/bench_scoring.py, never
asserted here beyond a sanity floor."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.engines.scoring import Scorecard
from puhui.engines.scoring.crossval import stratified_folds
from puhui.engines.scoring.train import TrainOptions, parse_target, train_scorecard

DATA = Path(__file__).resolve().parent / "data"


def test_the_report_has_k_fold_figures_with_mean_and_sd(german_result):
    cv = german_result.report["cross_validation"]
    assert cv["folds"] == 5 and cv["rows"] == 1000 and len(cv["per_fold"]) == 5
    for m in ("auc", "gini", "ks"):
        values = [f[m] for f in cv["per_fold"]]
        assert cv["summary"][m]["mean"] == pytest.approx(np.mean(values), abs=1e-6)
        assert cv["summary"][m]["sd"] == pytest.approx(np.std(values, ddof=1), abs=1e-6)
    for f in cv["per_fold"]:
        assert f["gini"] == pytest.approx(2 * f["auc"] - 1, abs=1e-5)
        assert f["train_rows"] + f["rows"] == 1000 and f["characteristics"] >= 1
    assert cv["summary"]["auc"]["mean"] > 0.70  # sanity floor: the pipeline learned something
    md = german_result.markdown()
    assert "分层 5 折交叉验证" in md and f"{cv['summary']['auc']['mean']:.3f}" in md


def test_the_shipped_model_is_fitted_on_every_row(german, german_result):
    n = len(german)
    assert set(german_result.samples) == {"train"}
    assert np.array_equal(german_result.samples["train"], np.arange(n))
    assert german_result.report["samples"]["train"]["rows"] == n
    spec = german_result.scorecard.spec
    assert spec["monitoring"]["rows"] == n
    for c in spec["characteristics"]:  # every row counted in exactly one bin (or the missing bin)
        assert sum(b["count"] for b in c["bins"]) + c["missing"]["count"] == n, c["key"]


def test_folds_are_disjoint_covering_and_stratified(german, german_result):
    y, _ = parse_target(german["creditability"])
    folds = german_result.folds
    assert len(folds) == 5
    together = np.concatenate(folds)
    assert len(together) == len(set(together.tolist())) == len(german)
    shares = [y[f].mean() for f in folds]
    assert max(shares) - min(shares) <= 2 / min(len(f) for f in folds)
    per_fold = german_result.report["cross_validation"]["per_fold"]
    assert [f["rows"] for f in per_fold] == [len(f) for f in folds]
    assert [f["defaults"] for f in per_fold] == [int(y[f].sum()) for f in folds]


def test_cross_validation_stays_inside_the_development_rows(sample_result):
    """With a hold-out and an out-of-time sample asked for, the folds split the training rows only."""
    train = set(sample_result.samples["train"].tolist())
    folds = sample_result.folds
    assert set(np.concatenate(folds).tolist()) == train
    assert sample_result.report["cross_validation"]["rows"] == len(train)


@settings(max_examples=60, deadline=None)
@given(
    bad=st.integers(min_value=5, max_value=80),
    good=st.integers(min_value=5, max_value=300),
    k=st.integers(min_value=2, max_value=5),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_stratified_folds_property(bad, good, k, seed):
    y = np.array([1] * bad + [0] * good)[np.random.default_rng(seed).permutation(bad + good)]
    folds = stratified_folds(y, k, seed)
    together = np.concatenate(folds)
    assert sorted(together.tolist()) == list(range(len(y)))
    for cls, total in ((1, bad), (0, good)):
        counts = [int((y[f] == cls).sum()) for f in folds]
        assert max(counts) - min(counts) <= 1 and sum(counts) == total


def test_numeric_points_are_monotone_and_the_points_table_is_complete(german_result):
    for c in german_result.scorecard.spec["characteristics"]:
        points = [b["points"] for b in c["bins"]]
        assert all(np.isfinite([*points, c["missing"]["points"], c["unknown"]["points"]])), c["key"]
        assert all(b.get("count", 0) > 0 for b in c["bins"]), c["key"]
        if c["type"] == "numeric":
            d = np.diff(points)
            assert (d >= -1e-9).all() or (d <= 1e-9).all(), c["key"]


def test_every_low_score_has_reasons_in_chinese_or_the_item_label(german, german_result):
    card = german_result.scorecard
    res = card.score(german)
    worst = np.argsort(res.score)[:20]
    labels = {c["key"]: c["label"] for c in card.spec["characteristics"]}
    for i in worst:
        reasons = res.reasons(int(i))
        assert len(reasons) == min(card.reasons_top, len(labels))
        assert all(r["code"] in labels and r["text"] and r["lost"] > 0 for r in reasons)


def test_a_model_written_before_cross_validation_still_scores_the_same(german):
    """MODEL.json from the previous `credit train` (70/30 split, 5 % bins) loads and scores unchanged."""
    card = Scorecard.from_file(DATA / "german-before-cv.json")
    expected = json.loads((DATA / "german-before-cv.expected.json").read_text(encoding="utf-8"))
    res = card.score(german.head(20))
    assert np.allclose(res.score, expected["score"], atol=1e-5)
    assert np.allclose(res.pd, expected["pd"], atol=1e-7)
    assert res.grade.tolist() == expected["grade"]
    assert [r[0]["code"] if (r := res.reasons(i)) else None for i in range(20)] == expected["reason_1"]


def test_regularisation_chosen_by_inner_cross_validation(german):
    opt = TrainOptions(
        target="creditability", exclude=["personal_status_and_sex"], C=None, cv_folds=0, version="x"
    )
    res = train_scorecard(german, opt)
    reg = res.report["model"]["regularisation"]
    assert reg["chosen_by"] == "inner_cv_3" and reg["C"] in opt.C_grid
    assert [g["C"] for g in reg["grid"]] == list(opt.C_grid)
    best = max(g["auc"] for g in reg["grid"])
    assert next(g for g in reg["grid"] if g["C"] == reg["C"])["auc"] == pytest.approx(best, abs=1e-4)
    assert res.report["cross_validation"] is None and res.folds == []


def test_too_few_defaults_for_the_folds_is_said_not_hidden(sample):
    df = sample.head(3000)
    res = train_scorecard(
        df, TrainOptions(target="default", id_column="household_id", exclude=["period", "town"], cv_folds=200)
    )
    cv = res.report["cross_validation"]
    assert "不足以做 200 折交叉验证" in cv["skipped"] and res.folds == []
    assert "未做交叉验证" in res.markdown()
