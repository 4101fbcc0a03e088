"""Statistical scorecard development: optimal monotonic binning → WOE logistic regression → points.

    result = train_scorecard(df, TrainOptions(target="default"))
    result.scorecard.save("model.json")          # the deployed artefact: a points table
    result.write_report("model.report")          # .json + .md validation report

Steps (each decision is recorded in the report):
1. target parsed to 1 = default / 0 = good (every unreadable value reported with its row);
   characteristics = all other columns except id, time, fairness groups and `exclude`; a political,
   moral, welfare or protected column is refused (policy.py);
2. samples: out-of-time = rows whose time ≥ `oot_from`; a test sample only when `test_size` > 0
   (stratified); by default every other row is a development row and the shipped model sees them all;
3. optbinning's `OptimalBinning` per characteristic on the development rows (numeric bins forced
   monotone in event rate, `auto_asc_desc`, each bin ≥ `min_bin_size` of the rows; categories grouped
   by event rate); missing values get their own bin (empirical WoE when at least `min_missing_count`
   rows, else neutral WoE 0); unseen categories get WoE 0;
4. characteristics with IV < `min_iv` are dropped, then of any pair with |correlation of WoE| >
   `max_corr` the lower-IV one;
5. logistic regression on WoE (scikit-learn, L2 with `C`, or C chosen by an inner cross-validation
   when `C` is None); characteristics whose coefficient has the wrong sign (a better bin raising the
   risk — collinearity) are dropped one at a time and the model refitted;
6. points: score = offset + factor·ln(odds good:bad), factor = PDO/ln 2, offset = base score −
   factor·ln(base odds), the intercept spread evenly over the characteristics (as optbinning does);
7. grades: score cut-offs at shares of the development rows (default AAA 10 %, AA 20 %, A 30 %,
   B 25 %, C 15 %);
8. stratified `cv_folds`-fold cross-validation of steps 3–7 on the development rows (crossval.py):
   mean ± sd of AUC, Gini and KS of each fold's own points table on its held-out rows;
9. validation report on the development, test and out-of-time samples, with the cross-validation.

Defaults chosen by measurement on three public credit data sets (docs/scoring.md, bench_scoring.py).

Training imports optbinning and scikit-learn; scoring the result does not.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import metrics
from .columns import Columns, norm_category
from .errors import DataError, ForbiddenCharacteristicError
from .policy import forbidden_category
from .scorecard import FORMAT, Scorecard, compile_characteristic

AUTO_BAD = (
    ({"0", "1"}, "1"),
    ({"good", "bad"}, "bad"),
    ({"false", "true"}, "true"),
    ({"no", "yes"}, "yes"),
    ({"n", "y"}, "y"),
    ({"否", "是"}, "是"),
    ({"正常", "违约"}, "违约"),
    ({"好", "坏"}, "坏"),
)
DEFAULT_GRADES = (("AAA", 0.10), ("AA", 0.20), ("A", 0.30), ("B", 0.25), ("C", 0.15))


@dataclass
class TrainOptions:
    target: str
    bad_value: object = None
    id_column: str | None = None
    exclude: Sequence[str] = ()
    categorical: Sequence[str] = ()
    groups: Sequence[str] = ()
    time_column: str | None = None
    oot_from: object = None
    test_size: float = 0.0  # a hold-out kept aside only when asked for; cross-validation reports instead
    seed: int = 0
    pdo: float = 20.0
    base_score: float = 600.0
    base_odds: float = 50.0
    min_iv: float = 0.01
    max_corr: float = 0.9
    max_n_prebins: int = 20
    min_bin_size: float = 0.02
    min_missing_count: int = 30
    monotonic_trend: str = "auto_asc_desc"
    grades: Sequence[tuple[str, float]] = DEFAULT_GRADES
    approve_grades: Sequence[str] = ("AAA", "AA", "A")
    name: str = "scorecard"
    version: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    round_points: bool = False
    C: float | None = 1.0  # None: chosen from C_grid by inner cross-validation
    C_grid: Sequence[float] = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
    inner_folds: int = 3
    cv_folds: int = 5  # stratified k-fold cross-validation of the whole pipeline; 0 = none
    n_jobs: int = 1


@dataclass
class TrainResult:
    scorecard: Scorecard
    report: dict
    samples: dict[str, np.ndarray]  # row positions of each sample in the input
    folds: list[np.ndarray] = field(default_factory=list)  # cross-validation: each fold's held-out rows

    def markdown(self) -> str:
        from .report import render_markdown

        return render_markdown(self.report)

    def write_report(self, prefix: str | Path) -> tuple[Path, Path]:
        prefix = Path(prefix)
        js = prefix.with_name(prefix.name + ".json")
        md = prefix.with_name(prefix.name + ".md")
        js.write_text(
            json.dumps(self.report, ensure_ascii=False, indent=1, allow_nan=False) + "\n", encoding="utf-8"
        )
        md.write_text(self.markdown(), encoding="utf-8")
        return js, md


# --------------------------------------------------------------------------- input checks


def parse_target(series: pd.Series, bad_value: object = None) -> tuple[np.ndarray, str]:
    """(y, bad label): y = 1 for default. Raises DataError listing every unreadable row."""
    values = [norm_category(v) for v in series.tolist()]
    missing_rows = [i + 2 for i, v in enumerate(values) if v is None]
    problems = [f"第 {r} 行：目标列“{series.name}”为空" for r in missing_rows[:20]]
    if len(missing_rows) > 20:
        problems.append(f"目标列另有 {len(missing_rows) - 20} 行为空")
    distinct = {v for v in values if v is not None}
    lowered = {v.lower() for v in distinct}
    if bad_value is not None:
        bad = norm_category(bad_value)
        if bad not in distinct:
            problems.append(f"目标列“{series.name}”中没有取值“{bad}”（表示违约的取值）")
        elif len(distinct) != 2:
            problems.append(
                f"目标列“{series.name}”必须恰好有两个取值，实际有 {len(distinct)} 个：{sorted(distinct)[:10]}"
            )
    else:
        bad = None
        for pair, b in AUTO_BAD:
            if lowered == pair:
                bad = next(v for v in distinct if v.lower() == b)
                break
        if bad is None:
            problems.append(
                f"无法识别目标列“{series.name}”中哪个取值表示违约（取值：{sorted(distinct)[:10]}），"
                "请用 --bad 指定；目标列必须恰好有两个取值"
            )
    if problems:
        raise DataError(problems)
    y = np.array([v == bad for v in values], dtype=np.int8)
    if y.sum() == 0 or y.sum() == len(y):
        raise DataError(f"目标列“{series.name}”只有一种结果，无法建模")
    return y, bad


def _split(df: pd.DataFrame, y: np.ndarray, opt: TrainOptions) -> dict[str, np.ndarray]:
    n = len(df)
    oot = np.zeros(n, dtype=bool)
    if opt.time_column and opt.oot_from is not None:
        t = df[opt.time_column]
        bad_rows = np.flatnonzero(t.isna().to_numpy())
        if len(bad_rows):
            raise DataError(
                [f"第 {r + 2} 行：时间列“{opt.time_column}”为空，无法划分跨时间样本" for r in bad_rows[:20]]
            )
        numeric_t = pd.to_numeric(t, errors="coerce")
        try:
            cut = float(opt.oot_from)
        except (TypeError, ValueError):
            cut = None
        if cut is not None and numeric_t.notna().all():
            oot = (numeric_t >= cut).to_numpy()
        else:
            oot = (t.map(norm_category) >= norm_category(opt.oot_from)).to_numpy()
        if oot.all():
            raise DataError(f"所有行的“{opt.time_column}”都不早于 {opt.oot_from}，没有留给建模的样本")
    dev = np.flatnonzero(~oot)
    rng = np.random.default_rng(opt.seed)
    test = []
    for cls in (0, 1):
        idx = dev[y[dev] == cls]
        idx = rng.permutation(idx)
        test.append(idx[: int(round(len(idx) * opt.test_size))])
    test_idx = np.sort(np.concatenate(test))
    train_mask = np.zeros(n, dtype=bool)
    train_mask[dev] = True
    train_mask[test_idx] = False
    out = {"train": np.flatnonzero(train_mask), "test": test_idx, "oot": np.flatnonzero(oot)}
    return {k: v for k, v in out.items() if len(v)}


# --------------------------------------------------------------------------- binning


def _is_categorical(s: pd.Series, forced: Sequence[str]) -> bool:
    if s.name in forced:
        return True
    return pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype)


def _fit_binning(name: str, x: np.ndarray, y: np.ndarray, categorical: bool, opt: TrainOptions):
    from optbinning import OptimalBinning

    ob = OptimalBinning(
        name=name,
        dtype="categorical" if categorical else "numerical",
        solver="cp",
        monotonic_trend=None if categorical else opt.monotonic_trend,
        max_n_prebins=opt.max_n_prebins,
        min_prebin_size=opt.min_bin_size,
        min_bin_size=opt.min_bin_size,
    )
    ob.fit(x, y)
    return ob


def _binning_input(s: pd.Series, categorical: bool) -> np.ndarray:
    if categorical:
        return np.array([np.nan if (v := norm_category(u)) is None else v for u in s.tolist()], dtype=object)
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _characteristic_spec(name: str, label: str, categorical: bool, ob) -> dict:
    if categorical:
        bins = [{"categories": [str(c) for c in group]} for group in ob.splits]
        return {"key": name, "label": label, "type": "categorical", "bins": bins}
    splits = [float(s) for s in np.asarray(ob.splits, dtype=float)]
    bounds = [None, *splits, None]
    bins = [{"range": [bounds[i], bounds[i + 1]]} for i in range(len(splits) + 1)]
    return {"key": name, "label": label, "type": "numeric", "bins": bins}


def _mostly_numeric(s: pd.Series) -> str | None:
    """A warning for a text column that is nearly all numbers (probably a stray text value)."""
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return None
    present = s.dropna()
    if len(present) == 0:
        return None
    parsed = pd.to_numeric(present, errors="coerce")
    bad = parsed.isna()
    if 0 < bad.sum() <= 0.05 * len(present):
        examples = "、".join(sorted({str(v) for v in present[bad].head(50)})[:3])
        return (
            f"列“{s.name}”绝大部分是数字，但有 {int(bad.sum())} 个非数字值（如“{examples}”），"
            "已按类别型处理；如应为数值型，请清理后重新建模"
        )
    return None


# --------------------------------------------------------------------------- training


def train_scorecard(df: pd.DataFrame, options: TrainOptions | None = None, **kwargs) -> TrainResult:
    """Develop a statistical scorecard from `df` (one row per borrower, `options.target` = outcome)."""
    opt = options or TrainOptions(**kwargs)
    df = df.reset_index(drop=True)
    y, bad_label, candidates = _target_and_candidates(df, opt)  # step 1
    samples = _split(df, y, opt)  # step 2
    fitted = fit_points_model(df, y, samples["train"], candidates, opt, bad_label)  # steps 3–7
    card = Scorecard.from_dict(fitted.model)

    from .crossval import cross_validate
    from .report import build_report

    cv, folds = cross_validate(df, y, samples["train"], candidates, opt, bad_label)  # step 8
    report = build_report(  # step 9
        card=card,
        df=df,
        y=y,
        samples=samples,
        options=opt,
        candidates=fitted.candidates,
        dropped=fitted.dropped,
        warnings=fitted.warnings,
        cross_validation=cv,
        regularisation=fitted.regularisation,
    )
    return TrainResult(scorecard=card, report=report, samples=samples, folds=folds)


@dataclass
class FittedModel:
    """Steps 3–7 on one set of rows: the model document and the record of every decision."""

    model: dict
    candidates: list[dict]
    dropped: list[dict]
    warnings: list[str]
    regularisation: dict


def fit_points_model(
    df: pd.DataFrame,
    y: np.ndarray,
    rows: np.ndarray,
    candidates: list[str],
    opt: TrainOptions,
    bad_label: str,
) -> FittedModel:
    """Binning, selection, regression, points and grades fitted on `rows` only (the shipped model, or a
    cross-validation fold's model)."""
    y_rows = y[rows]
    if y_rows.sum() < 10 or (len(y_rows) - y_rows.sum()) < 10:
        raise DataError("训练样本中违约或正常样本少于10个，无法建模")
    dropped: list[dict] = []
    warnings: list[str] = []
    binned = _bin_candidates(df, y_rows, rows, candidates, opt, dropped, warnings)  # steps 3–4
    kept = sorted((i for i in binned.info if i["selected"]), key=lambda i: -i["iv"])
    if not kept:
        raise DataError(f"没有信息值达到 {opt.min_iv} 的特征，无法建模")
    W = {i["name"]: binned.woe[i["name"]][binned.states[i["name"]]] for i in kept}
    chosen = _correlation_filter(kept, W, opt, dropped)
    iv_of = {i["name"]: i["iv"] for i in binned.info}
    C, regularisation = _choose_C(chosen, W, y_rows, opt)
    chosen, coef, intercept = _regression(chosen, W, y_rows, iv_of, binned.info, C, dropped)  # step 5
    characteristics = _points_tables(chosen, coef, intercept, binned.specs, iv_of, opt)  # step 6
    model = _model_dict(opt, bad_label, intercept, characteristics)
    _set_grades_and_monitoring(model, df.iloc[rows], opt)  # step 7
    return FittedModel(model, binned.info, dropped, warnings, regularisation)


def _target_and_candidates(df: pd.DataFrame, opt: TrainOptions) -> tuple[np.ndarray, str, list[str]]:
    """Step 1: the target as 0/1 and the characteristics that may be binned (refusing forbidden ones)."""
    reserved = [opt.target, opt.id_column, opt.time_column, *opt.groups]
    problems = [
        f"数据中没有列“{c}”" for c in [*reserved, *opt.exclude, *opt.categorical] if c and c not in df.columns
    ]
    if problems:
        raise DataError(problems)
    y, bad_label = parse_target(df[opt.target], opt.bad_value)
    skip = {c for c in [*reserved, *opt.exclude] if c}
    candidates = [str(c) for c in df.columns if c not in skip]
    forbidden = [
        f"列“{c}”属于{cat}，不得作为评分特征；请用 --exclude 排除，或用 --group 作为公平性分组"
        for c in candidates
        if (cat := forbidden_category(c) or forbidden_category(opt.labels.get(c)))
    ]
    if forbidden:
        raise ForbiddenCharacteristicError(forbidden)
    if not candidates:
        raise DataError("除目标列、编号列、时间列和分组列外没有可用的特征列")
    return y, bad_label, candidates


@dataclass
class _Binned:
    """Step 3's output: per candidate its info row, spec (with `_stats`), WoE table and training states."""

    info: list[dict] = field(default_factory=list)
    specs: dict[str, dict] = field(default_factory=dict)
    woe: dict[str, np.ndarray] = field(default_factory=dict)
    states: dict[str, np.ndarray] = field(default_factory=dict)


def _bin_candidates(
    df: pd.DataFrame,
    y_train: np.ndarray,
    train_idx: np.ndarray,
    candidates: list[str],
    opt: TrainOptions,
    dropped: list[dict],
    warnings: list[str],
) -> _Binned:
    """Steps 3–4 (IV part): bin each candidate on the training sample; mark those too weak to keep."""
    binned = _Binned()
    train_cols = Columns(df.iloc[train_idx].reset_index(drop=True))
    for name in candidates:
        s = df[name]
        categorical = _is_categorical(s, opt.categorical)
        if msg := _mostly_numeric(s):
            warnings.append(msg)
        x = _binning_input(s.iloc[train_idx], categorical)
        if (pd.isna(x)).all():
            dropped.append({"name": name, "reason": "训练样本中全部缺失"})
            continue
        if categorical and pd.Series(x).nunique() > max(50, len(x) // 2):
            dropped.append({"name": name, "reason": "取值几乎各不相同（可能是编号列），不能作为特征"})
            continue
        label = str(opt.labels.get(name) or name)
        spec = _characteristic_spec(
            name, label, categorical, _fit_binning(name, x, y_train, categorical, opt)
        )
        info, state = _bin_statistics(spec, train_cols, y_train, opt)
        binned.info.append(info)
        binned.specs[name] = spec
        binned.woe[name] = spec["_stats"]["woe"]
        binned.states[name] = state
        nb = info["n_bins"]
        if nb < 2 and spec["_stats"]["count"][nb] == 0:
            info["selected"] = False
            dropped.append({"name": name, "reason": "只能分成一档，没有区分能力"})
        elif info["iv"] < opt.min_iv:
            info["selected"] = False
            dropped.append({"name": name, "reason": f"信息值 {info['iv']:.4f} 低于 {opt.min_iv}"})
        else:
            info["selected"] = True
    return binned


def _bin_statistics(
    spec: dict, train_cols: Columns, y_train: np.ndarray, opt: TrainOptions
) -> tuple[dict, np.ndarray]:
    """Counts, WoE and IV of one binned characteristic on the training sample (stored in `spec["_stats"]`)."""
    item = compile_characteristic({**spec, "bins": [{**b, "points": 0} for b in spec["bins"]]})
    state = item.assign(train_cols)
    n_states = len(item.points)
    bad = np.bincount(state, weights=y_train, minlength=n_states)
    cnt = np.bincount(state, minlength=n_states).astype(float)
    good = cnt - bad
    woe, iv = metrics.woe_iv(bad[:-1], good[:-1])  # bins + missing (unknown is empty in training)
    woe = np.append(woe, 0.0)  # unseen categories: neutral
    nb = item.n_bins
    if cnt[nb] < opt.min_missing_count:
        woe[nb] = 0.0  # too few missing values for an empirical WoE
    info = {
        "name": spec["key"],
        "label": spec["label"],
        "type": spec["type"],
        "iv": float(iv.sum()),
        "n_bins": nb,
        "missing_share": float(cnt[nb] / len(y_train)),
    }
    spec["_stats"] = {"count": cnt, "bad": bad, "woe": woe}
    return info, state


def _correlation_filter(kept: list[dict], W: dict, opt: TrainOptions, dropped: list[dict]) -> list[str]:
    """Step 4 (correlation part): strongest IV first, drop any too correlated with one already chosen."""
    chosen: list[str] = []
    for info in kept:
        name = info["name"]
        w = W[name]
        worst = None
        for other in chosen:
            r = _corr(w, W[other])
            if abs(r) > opt.max_corr:
                worst = (other, r)
                break
        if worst:
            info["selected"] = False
            dropped.append(
                {"name": name, "reason": f"与“{worst[0]}”的 WoE 相关系数 {worst[1]:.2f}，超过 {opt.max_corr}"}
            )
        else:
            chosen.append(name)
    return chosen


def _regression(
    chosen: list[str],
    W: dict,
    y_train: np.ndarray,
    iv_of: dict,
    candidates_info: list[dict],
    C: float,
    dropped: list[dict],
) -> tuple[list[str], np.ndarray, float]:
    """Step 5: logistic regression on WoE; drop wrong-sign coefficients one at a time (lowest IV first)."""
    from sklearn.linear_model import LogisticRegression

    chosen = list(chosen)
    while True:
        X = np.column_stack([W[c] for c in chosen])
        lr = LogisticRegression(C=C, max_iter=1000)
        lr.fit(X, y_train)
        coef = lr.coef_.ravel()
        wrong = [c for c, b in zip(chosen, coef, strict=True) if b > 0]
        if not wrong or len(chosen) == 1:
            break
        victim = min(wrong, key=lambda c: iv_of[c])
        chosen.remove(victim)
        next(i for i in candidates_info if i["name"] == victim)["selected"] = False
        dropped.append({"name": victim, "reason": "回归系数符号与分箱方向相反（与其他特征共线）"})
    return chosen, coef, float(lr.intercept_[0])


def _choose_C(chosen: list[str], W: dict, y_rows: np.ndarray, opt: TrainOptions) -> tuple[float, dict]:
    """Step 5a: the L2 strength — `opt.C` when given, else the grid value with the best AUC in an inner
    stratified cross-validation on the WoE of the training rows (ties go to the stronger penalty)."""
    if opt.C is not None:
        return float(opt.C), {"C": float(opt.C), "chosen_by": "fixed"}
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    X = np.column_stack([W[c] for c in chosen])
    folds = StratifiedKFold(opt.inner_folds, shuffle=True, random_state=opt.seed)
    scores = [
        float(
            np.mean(
                cross_val_score(
                    LogisticRegression(C=c, max_iter=1000), X, y_rows, cv=folds, scoring="roc_auc"
                )
            )
        )
        for c in opt.C_grid
    ]
    best = max(range(len(scores)), key=lambda i: (round(scores[i], 4), -opt.C_grid[i]))
    return float(opt.C_grid[best]), {
        "C": float(opt.C_grid[best]),
        "chosen_by": f"inner_cv_{opt.inner_folds}",
        "grid": [{"C": float(c), "auc": round(a, 6)} for c, a in zip(opt.C_grid, scores, strict=True)],
    }


def _points_tables(
    chosen: list[str], coef: np.ndarray, intercept: float, specs: dict, iv_of: dict, opt: TrainOptions
) -> list[dict]:
    """Step 6: points per bin, the intercept spread evenly over the characteristics."""
    factor = opt.pdo / math.log(2)
    offset = opt.base_score - factor * math.log(opt.base_odds)
    m = len(chosen)
    characteristics = []
    for c, beta in zip(chosen, coef, strict=True):
        spec = specs[c]
        st = spec.pop("_stats")
        pts = -(beta * st["woe"] + intercept / m) * factor + offset / m
        if opt.round_points:
            pts = np.rint(pts)
        nb = len(spec["bins"])
        for b in range(nb):
            spec["bins"][b].update(
                points=float(pts[b]),
                woe=float(st["woe"][b]),
                count=int(st["count"][b]),
                bad=int(st["bad"][b]),
            )
        spec["missing"] = {
            "points": float(pts[nb]),
            "woe": float(st["woe"][nb]),
            "count": int(st["count"][nb]),
            "bad": int(st["bad"][nb]),
        }
        spec["unknown"] = {"points": float(pts[nb + 1]), "woe": 0.0}
        spec["coefficient"] = float(beta)
        spec["iv"] = iv_of[c]
        characteristics.append(spec)
    return characteristics


def _model_dict(opt: TrainOptions, bad_label: str, intercept: float, characteristics: list[dict]) -> dict:
    """The model document (grade cut-offs still 0; `_set_grades_and_monitoring` fills them)."""
    created = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return {
        "format": FORMAT,
        "format_version": 1,
        "kind": "statistical",
        "id": opt.name,
        "version": opt.version or created.strftime("%Y%m%d-%H%M%S"),
        "name": opt.name,
        "created": created.isoformat(timespec="seconds"),
        "target": {"column": opt.target, "bad_value": bad_label},
        "scaling": {"pdo": opt.pdo, "base_score": opt.base_score, "base_odds": opt.base_odds},
        "intercept": intercept,
        "reasons": 3,
        "characteristics": characteristics,
        "grades": [{"grade": g, "min": 0} for g, _ in opt.grades[:-1]] + [{"grade": opt.grades[-1][0]}],
    }


def _set_grades_and_monitoring(model: dict, train: pd.DataFrame, opt: TrainOptions) -> None:
    """Step 7: grade cut-offs at shares of the training scores, and the score deciles for monitoring."""
    provisional = Scorecard({**model, "grades": [{"grade": "_"}]})
    train_score = provisional.score(train).score
    cum = np.cumsum([share for _, share in opt.grades])[:-1]
    cuts = [float(np.round(np.quantile(train_score, 1 - c), 1)) for c in cum]
    for i in range(1, len(cuts)):
        if cuts[i] >= cuts[i - 1]:
            cuts[i] = round(cuts[i - 1] - 0.1, 1)
    for g, cut in zip(model["grades"][:-1], cuts, strict=True):
        g["min"] = cut
    edges = np.unique(np.quantile(train_score, np.linspace(0.1, 0.9, 9)))
    model["monitoring"] = {
        "sample": "train",
        "rows": int(len(train)),
        "score_edges": [float(e) for e in edges],
        "score_counts": np.bincount(
            np.searchsorted(edges, train_score, side="right"), minlength=len(edges) + 1
        )
        .astype(int)
        .tolist(),
    }


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    sa, sb = a.std(), b.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
