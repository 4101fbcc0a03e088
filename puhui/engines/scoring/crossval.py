"""Stratified k-fold cross-validation of the whole development pipeline (binning, selection,
regression, points, grades refitted on each fold's training part; the held-out part scored with the
fold's own points table).

The figures estimate how the shipped model — fitted afterwards on all of the same rows — will rank
borrowers it has not seen, without keeping 30 % of the data out of the model as a single hold-out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import metrics
from .errors import DataError, ScoringError
from .scorecard import Scorecard

MEASURES = ("auc", "gini", "ks")


def stratified_folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Positions (into `y`) held out by each of `k` folds: disjoint, covering, each with the same share
    of defaults up to one row per class."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [np.sort(test) for _, test in splitter.split(np.zeros(len(y)), y)]


def cross_validate(
    df: pd.DataFrame, y: np.ndarray, rows: np.ndarray, candidates: list[str], opt, bad_label: str
) -> tuple[dict | None, list[np.ndarray]]:
    """(report section, held-out row positions per fold) for `opt.cv_folds` folds of `rows`;
    (None, []) when cross-validation is off or the rows have too few defaults for it."""
    from .train import fit_points_model

    k = int(opt.cv_folds or 0)
    y_rows = y[rows]
    minority = int(min(y_rows.sum(), len(y_rows) - y_rows.sum()))
    if k < 2:
        return None, []
    if minority < 10 * k:
        return {"folds": k, "skipped": f"违约或正常样本只有 {minority} 个，不足以做 {k} 折交叉验证"}, []
    held_out = [rows[f] for f in stratified_folds(y_rows, k, opt.seed)]
    per_fold = []
    for i, test in enumerate(held_out, 1):
        train = np.setdiff1d(rows, test, assume_unique=True)
        try:
            fitted = fit_points_model(df, y, train, candidates, opt, bad_label)
        except ScoringError as exc:
            raise DataError([f"交叉验证第 {i} 折：{p}" for p in exc.problems]) from exc
        card = Scorecard.from_dict(fitted.model)
        pd_ = card.score(df.iloc[test]).pd
        yt = y[test]
        per_fold.append(
            {
                "fold": i,
                "train_rows": int(len(train)),
                "rows": int(len(test)),
                "defaults": int(yt.sum()),
                "characteristics": len(card.characteristics),
                "C": fitted.regularisation["C"],
                **{m: round(float(getattr(metrics, m)(yt, pd_)), 6) for m in MEASURES},
            }
        )
    summary = {
        m: {
            "mean": round(float(np.mean([f[m] for f in per_fold])), 6),
            "sd": round(float(np.std([f[m] for f in per_fold], ddof=1)), 6),
        }
        for m in MEASURES
    }
    section = {"folds": k, "seed": opt.seed, "rows": int(len(rows)), "summary": summary, "per_fold": per_fold}
    return section, held_out
