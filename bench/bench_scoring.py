"""Scorecard engine figures (printed, never asserted).

    .venv/bin/python bench/bench_scoring.py [--rows 1300000] [--train-rows 100000] [--repeat 3]

1. German credit (UCI, vendored under tests/fixtures/german-credit): test-sample AUC of our pipeline,
   of optbinning's own example pipeline (BinningProcess + LogisticRegression + Scorecard) and of a
   plain logistic regression (one-hot + standardised), on the same training/test split.
2. The same three on the synthetic 100,000-household sample (20 characteristics, missing values).
3. `credit train` end to end (CSV in, model + report out) on 100,000 rows × 20 characteristics.
4. Pure scoring of 1.3 million households: the default expert scorecard and the trained model.
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from puhui.engines.scoring import Scorecard, default_config_path, metrics, synthetic  # noqa: E402
from puhui.engines.scoring.cli import main as cli_main  # noqa: E402
from puhui.engines.scoring.train import TrainOptions, parse_target, train_scorecard  # noqa: E402

warnings.filterwarnings("ignore")


def cores() -> str:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return f"{os.cpu_count()} cores ({usable} usable)"


def timed(fn, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def optbinning_example(train, test, y_train, features, categorical):
    """optbinning's tutorial pipeline: BinningProcess with IV selection, LogisticRegression, Scorecard."""
    from optbinning import BinningProcess
    from optbinning import Scorecard as OBScorecard
    from sklearn.linear_model import LogisticRegression

    bp = BinningProcess(
        features,
        categorical_variables=categorical,
        selection_criteria={"iv": {"min": 0.02, "max": 1}, "quality_score": {"min": 0.01}},
    )
    sc = OBScorecard(
        binning_process=bp,
        estimator=LogisticRegression(solver="lbfgs"),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    )
    sc.fit(train[features], y_train)
    return sc.predict_proba(test[features])[:, 1]


def plain_logistic(train, test, y_train, features, categorical):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [f for f in features if f not in categorical]
    pre = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()),
                numeric,
            ),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="missing"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            ),
        ]
    )
    model = make_pipeline(pre, LogisticRegression(max_iter=2000))
    cat = {c: train[c].astype(str) for c in categorical}
    model.fit(train[features].assign(**cat), y_train)
    return model.predict_proba(test[features].assign(**{c: test[c].astype(str) for c in categorical}))[:, 1]


def compare(title, df, target, exclude, groups=()):
    features = [c for c in df.columns if c not in {target, *exclude, *groups}]
    categorical = [
        c for c in features if not pd.api.types.is_numeric_dtype(df[c].dtype) or df[c].dtype == bool
    ]
    t_ours, res = timed(
        lambda: train_scorecard(df, TrainOptions(target=target, exclude=list(exclude), groups=list(groups)))
    )
    y, _ = parse_target(df[target])
    tr, te = res.samples["train"], res.samples["test"]
    train, test = df.iloc[tr], df.iloc[te]
    y_tr, y_te = y[tr], y[te]
    p_ours = res.scorecard.score(test).pd
    t_ob, p_ob = timed(lambda: optbinning_example(train, test, y_tr, features, categorical))
    t_lr, p_lr = timed(lambda: plain_logistic(train, test, y_tr, features, categorical))
    print(
        f"\n{title}: {len(df)} rows, {len(features)} candidate characteristics, "
        f"training {len(tr)} / test {len(te)} (same split for all three)"
    )
    print(f"  {'pipeline':<52}{'test AUC':>9}{'Gini':>8}{'KS':>8}{'fit s':>8}")
    for name, p, t in (
        (f"puhui (monotone optbinning + WoE LR, {len(res.scorecard.characteristics)} chars)", p_ours, t_ours),
        ("optbinning example (BinningProcess+LR+Scorecard)", p_ob, t_ob),
        ("plain logistic regression (one-hot, scaled)", p_lr, t_lr),
    ):
        print(
            f"  {name:<52}{metrics.auc(y_te, p):>9.4f}{metrics.gini(y_te, p):>8.4f}{metrics.ks(y_te, p):>8.4f}{t:>8.2f}"
        )
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_300_000)
    ap.add_argument("--train-rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {cores()}, numpy {np.__version__}, pandas {pd.__version__}")

    german_csv = (
        Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "german-credit" / "germancredit.csv"
    )
    if german_csv and german_csv.exists():
        german = pd.read_csv(german_csv)
        compare(
            "German credit (UCI)",
            german,
            "creditability",
            exclude=["personal_status_and_sex"],
        )
    else:
        print("\nGerman credit: tests/fixtures/german-credit/germancredit.csv missing, comparison skipped")

    sample = synthetic.credit_sample(args.train_rows, seed=1)
    compare("Synthetic households", sample, "default", exclude=["household_id", "period"], groups=["town"])

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "train.csv"
        sample.to_csv(csv, index=False)
        model = Path(tmp) / "model.json"
        argv = [
            "train",
            "--data",
            str(csv),
            "--target",
            "default",
            "--out",
            str(model),
            "--id",
            "household_id",
            "--time",
            "period",
            "--oot-from",
            "2021-07",
            "--group",
            "town",
        ]
        devnull = open(os.devnull, "w")  # noqa: SIM115
        stdout, sys.stdout = sys.stdout, devnull
        try:
            t_cli, rc = timed(lambda: cli_main(argv))
        finally:
            sys.stdout = stdout
        print(
            f"\ncredit train (CLI, CSV → model + report) on {len(sample)} rows × 20 characteristics: "
            f"{t_cli:.2f} s (target < 30 s), exit {rc}"
        )
        card = Scorecard.from_file(model)

    expert = Scorecard.from_file(default_config_path())
    t_gen, households = timed(lambda: synthetic.households(args.rows, seed=7))
    print(
        f"\npure scoring of {args.rows:,} households (generation {t_gen:.1f} s, not counted), best of {args.repeat}:"
    )
    t_exp, res = timed(lambda: expert.score(households), args.repeat)
    t_frame, _ = timed(lambda: res.to_frame(), 1)
    print(
        f"  expert default scorecard ({len(expert.items)} items, 4 exclusions, top-3 reasons): "
        f"{t_exp:.2f} s (target < 2 s); result table with reason texts {t_frame:.2f} s"
    )
    cats = ["head_education", "housing", "current_overdue", "has_agri_insurance"]
    as_cat = households.assign(**{c: households[c].astype("category") for c in cats})
    t_cat, _ = timed(lambda: expert.score(as_cat), args.repeat)
    print(f"  same, text columns as pandas categoricals: {t_cat:.2f} s")
    t_stat, _ = timed(lambda: card.score(households), args.repeat)
    print(
        f"  trained statistical scorecard ({len(card.characteristics)} characteristics, PD + top-3 reasons): {t_stat:.2f} s"
    )
    grades = pd.Series(res.grade).value_counts(normalize=True).round(3).to_dict()
    print(f"  expert grade shares on the synthetic county: {grades}")


if __name__ == "__main__":
    main()
