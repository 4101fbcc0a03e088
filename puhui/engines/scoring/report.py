"""Validation report of a statistical scorecard: a JSON-ready dict and its Chinese markdown rendering.

Sections: samples; discrimination (AUC, Gini, KS per sample); information value of every candidate
characteristic and why it was kept or dropped; binning and points tables; calibration per grade with
the Jeffreys test; stability (PSI of the score, CSI of each characteristic, against the training
sample); fairness (approval rate, PD and default rate by group).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import metrics
from .columns import norm_category
from .scorecard import Scorecard

SAMPLE_LABELS = {"train": "训练样本", "test": "检验样本", "oot": "跨时间样本"}
JEFFREYS_ALPHA = 0.05
IMPACT_RATIO_FLOOR = 0.8  # the "four-fifths" rule of thumb for approval-rate gaps


def _f(x: float | None, nd: int = 6) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else round(x, nd)


def bin_label(spec: dict, b: dict) -> str:
    from .scorecard import fmt_number

    if "range" in b:
        lo, hi = b["range"]
        if lo is None and hi is None:
            return "全部"
        if lo is None:
            return f"< {fmt_number(hi)}"
        if hi is None:
            return f"≥ {fmt_number(lo)}"
        return f"[{fmt_number(lo)}, {fmt_number(hi)})"
    if "categories" in b:
        return "、".join(str(c) for c in b["categories"])
    return "是" if b.get("value") else "否"


def state_counts(card: Scorecard, states: np.ndarray) -> dict[str, np.ndarray]:
    return {
        it.key: np.bincount(states[:, j], minlength=len(it.points))
        for j, it in enumerate(card.items)
        if it.kind != "adjustment"
    }


def development_counts(card: Scorecard) -> dict[str, np.ndarray]:
    """Per characteristic, the training sample's counts per state (bins, missing, unknown)."""
    out = {}
    for c in card.spec["characteristics"]:
        counts = [b.get("count", 0) for b in c["bins"]]
        counts += [(c.get("missing") or {}).get("count", 0), 0]
        out[c["key"]] = np.array(counts, dtype=float)
    return out


def stability(card: Scorecard, score: np.ndarray, states: np.ndarray) -> dict:
    """PSI of the score bands and CSI per characteristic against the development sample."""
    mon = card.spec.get("monitoring") or {}
    out: dict = {"rows": int(len(score))}
    if mon.get("score_edges") is not None:
        edges = np.array(mon["score_edges"], dtype=float)
        actual = np.bincount(np.searchsorted(edges, score, side="right"), minlength=len(edges) + 1)
        value = metrics.psi(np.array(mon["score_counts"], dtype=float), actual)
        out["psi"] = _f(value)
        out["psi_label"] = metrics.psi_label(value)
    dev = development_counts(card)
    now = state_counts(card, states)
    out["csi"] = []
    for key, expected in dev.items():
        value = metrics.psi(expected, now[key])
        out["csi"].append({"name": key, "csi": _f(value), "label": metrics.psi_label(value)})
    return out


def build_report(
    *,
    card,
    df,
    y,
    samples,
    options,
    candidates,
    dropped,
    warnings,
    cross_validation=None,
    regularisation=None,
) -> dict:
    result = card.score(df)
    model = _model_section(card, options)
    if regularisation:
        model["regularisation"] = regularisation
    report: dict = {
        "model": model,
        "warnings": list(warnings),
        "samples": {},
        "discrimination": {},
        "cross_validation": cross_validation,
        "iv": _iv_rows(card, candidates, dropped),
        "characteristics": [_characteristic_table(c) for c in card.spec["characteristics"]],
        "grades": card.spec["grades"],
        "grade_distribution": {},
        "calibration": {},
        "stability": {},
        "fairness": {"approve_grades": list(options.approve_grades), "groups": {}},
    }
    for name, idx in samples.items():
        _add_sample(report, name, card, result, idx, y[idx])
    for col in options.groups:
        groups = df[col].map(lambda v: norm_category(v) or "（缺失）").to_numpy(dtype=object)
        report["fairness"]["groups"][col] = {
            name: fairness(groups[idx], result.grade[idx], result.pd[idx], y[idx], options.approve_grades)
            for name, idx in samples.items()
        }
    return report


def _model_section(card: Scorecard, options) -> dict:
    return {
        "id": card.id,
        "version": card.version,
        "fingerprint": card.fingerprint,
        "created": card.spec.get("created"),
        "target": card.spec.get("target"),
        "scaling": card.spec.get("scaling"),
        "intercept": _f(card.spec.get("intercept")),
        "characteristics": len(card.characteristics),
        "score_min": _f(card.min_score, 2),
        "score_max": _f(card.max_score, 2),
        "options": {
            "test_size": options.test_size,
            "seed": options.seed,
            "time_column": options.time_column,
            "oot_from": None if options.oot_from is None else str(options.oot_from),
            "min_iv": options.min_iv,
            "max_corr": options.max_corr,
            "min_bin_size": options.min_bin_size,
            "max_n_prebins": options.max_n_prebins,
            "monotonic_trend": options.monotonic_trend,
            "min_missing_count": options.min_missing_count,
            "C": options.C,
            "cv_folds": options.cv_folds,
            "approve_grades": list(options.approve_grades),
        },
    }


def _add_sample(report: dict, name: str, card: Scorecard, result, idx: np.ndarray, ys: np.ndarray) -> None:
    """One sample's rows, discrimination, grade distribution, calibration and (not training) stability."""
    pd_ = result.pd[idx]
    grades = result.grade[idx]
    report["samples"][name] = {
        "label": SAMPLE_LABELS[name],
        "rows": int(len(idx)),
        "defaults": int(ys.sum()),
        "default_rate": _f(ys.mean()),
        "mean_pd": _f(pd_.mean()),
    }
    report["discrimination"][name] = {
        "auc": _f(metrics.auc(ys, pd_)),
        "gini": _f(metrics.gini(ys, pd_)),
        "ks": _f(metrics.ks(ys, pd_)),
    }
    report["grade_distribution"][name] = {g: _f(np.mean(grades == g)) for g in card.grade_names}
    report["calibration"][name] = calibration(card, grades, pd_, ys)
    if name != "train":
        report["stability"][name] = stability(card, result.score[idx], result.states[idx])


def _iv_rows(card: Scorecard, candidates: list[dict], dropped: list[dict]) -> list[dict]:
    """Every candidate by IV (kept or why not), then the columns dropped before binning."""
    reason_of = {d["name"]: d["reason"] for d in dropped}
    rows = []
    for info in sorted(candidates, key=lambda i: -i["iv"]):
        rows.append(
            {
                "name": info["name"],
                "label": info["label"],
                "type": info["type"],
                "iv": _f(info["iv"]),
                "bins": info["n_bins"],
                "missing_share": _f(info["missing_share"]),
                "selected": info["name"] in {c["key"] for c in card.spec["characteristics"]},
                "reason": reason_of.get(info["name"], ""),
            }
        )
    for name in [d["name"] for d in dropped if d["name"] not in {i["name"] for i in candidates}]:
        rows.append({"name": name, "selected": False, "reason": reason_of[name]})
    return rows


def _characteristic_table(c: dict) -> dict:
    """The binning and points table of one characteristic (bins, missing, unseen)."""
    rows = []
    for b in c["bins"]:
        rows.append(_bin_row(bin_label(c, b), b))
    rows.append(_bin_row("缺失", c["missing"]))
    rows.append(_bin_row("未见过的取值", c["unknown"]))
    return {
        "name": c["key"],
        "label": c.get("label", c["key"]),
        "type": c["type"],
        "iv": _f(c.get("iv")),
        "coefficient": _f(c.get("coefficient")),
        "bins": rows,
    }


def _bin_row(label: str, b: dict) -> dict:
    count = b.get("count")
    bad = b.get("bad")
    return {
        "bin": label,
        "count": count,
        "defaults": bad,
        "default_rate": _f(bad / count) if count else None,
        "woe": _f(b.get("woe")),
        "points": _f(b.get("points"), 4),
    }


def calibration(card: Scorecard, grades: np.ndarray, pd_: np.ndarray, y: np.ndarray) -> list[dict]:
    rows = []
    for g in card.grade_names:
        mask = grades == g
        n = int(mask.sum())
        if n == 0:
            rows.append({"grade": g, "rows": 0})
            continue
        d = int(y[mask].sum())
        mean_pd = float(pd_[mask].mean())
        p = metrics.jeffreys_pvalue(mean_pd, n, d)
        rows.append(
            {
                "grade": g,
                "rows": n,
                "defaults": d,
                "default_rate": _f(d / n),
                "pd": _f(mean_pd),
                "jeffreys_p": _f(p),
                "result": "通过" if p >= JEFFREYS_ALPHA else "违约率显著高于预测（PD 低估）",
            }
        )
    return rows


def fairness(groups, grades, pd_, y, approve) -> list[dict]:
    approved = np.isin(grades, list(approve))
    rows = []
    for g in sorted(set(groups.tolist()), key=str):
        m = groups == g
        rows.append(
            {
                "group": str(g),
                "rows": int(m.sum()),
                "approval_rate": _f(approved[m].mean()),
                "mean_pd": _f(pd_[m].mean()),
                "default_rate": _f(y[m].mean()),
            }
        )
    top = max((r["approval_rate"] or 0) for r in rows) if rows else 0
    for r in rows:
        r["impact_ratio"] = _f((r["approval_rate"] or 0) / top) if top else None
        r["flag"] = bool(top and (r["approval_rate"] or 0) / top < IMPACT_RATIO_FLOOR)
    return rows


# --------------------------------------------------------------------------- markdown


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _num(x, nd=3) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return out + [""]


def render_markdown(report: dict) -> str:
    lines = _md_header(report)
    if report.get("warnings"):
        lines += ["## 数据提示", ""] + [f"- {w}" for w in report["warnings"]] + [""]
    lines += _md_samples(report)
    lines += _md_cross_validation(report)
    lines += _md_iv(report)
    lines += _md_bins(report)
    lines += _md_grades(report)
    lines += _md_calibration(report)
    lines += _md_stability(report)
    lines += _md_fairness(report)
    return "\n".join(lines).rstrip() + "\n"


def _md_header(report: dict) -> list[str]:
    m = report["model"]
    sc = m["scaling"] or {}
    return [
        f"# 评分卡验证报告：{m['id']}",
        "",
        f"- 版本：`{m['version']}`（指纹 `{m['fingerprint']}`），生成于 {m.get('created') or '—'}",
        f"- 目标列：`{(m.get('target') or {}).get('column')}`，违约取值 `{(m.get('target') or {}).get('bad_value')}`",
        f"- 刻度：基准分 {sc.get('base_score')} 对应好坏比 {sc.get('base_odds')}:1，好坏比翻倍加 {sc.get('pdo')} 分（PDO）",
        f"- 入模特征 {m['characteristics']} 个；分数范围 {m['score_min']} 至 {m['score_max']}",
        "",
    ]


def _md_samples(report: dict) -> list[str]:
    rows = []
    for name, s in report["samples"].items():
        d = report["discrimination"][name]
        rows.append(
            [
                s["label"],
                s["rows"],
                s["defaults"],
                _pct(s["default_rate"]),
                _pct(s["mean_pd"]),
                _num(d["auc"]),
                _num(d["gini"]),
                _num(d["ks"]),
            ]
        )
    header = ["样本", "行数", "违约数", "违约率", "平均PD", "AUC", "Gini", "KS"]
    return ["## 样本与区分能力", "", *_table(header, rows)]


def _md_cross_validation(report: dict) -> list[str]:
    cv = report.get("cross_validation")
    if not cv:
        return []
    lines = [f"## 分层 {cv['folds']} 折交叉验证", ""]
    if cv.get("skipped"):
        return lines + [f"未做交叉验证：{cv['skipped']}。", ""]
    s = cv["summary"]
    lines += [
        f"在建模的 {cv['rows']} 行上，每折用其余各折重新分箱、筛选、回归和计分，再给本折打分"
        f"（随机种子 {cv['seed']}）；上线的模型用全部 {cv['rows']} 行拟合。",
        "",
        f"- AUC {_num(s['auc']['mean'])} ± {_num(s['auc']['sd'])}（均值 ± 标准差），"
        f"Gini {_num(s['gini']['mean'])} ± {_num(s['gini']['sd'])}，KS {_num(s['ks']['mean'])} ± {_num(s['ks']['sd'])}",
        "",
    ]
    rows = [
        [f["fold"], f["train_rows"], f["rows"], f["defaults"], f["characteristics"], f["C"]]
        + [_num(f[m]) for m in ("auc", "gini", "ks")]
        for f in cv["per_fold"]
    ]
    header = ["折", "拟合行数", "检验行数", "检验违约数", "入模特征数", "正则参数 C", "AUC", "Gini", "KS"]
    return lines + _table(header, rows)


def _md_iv(report: dict) -> list[str]:
    rows = [
        [
            r["name"],
            r.get("label", ""),
            r.get("type", ""),
            _num(r.get("iv"), 4),
            r.get("bins", ""),
            _pct(r.get("missing_share")),
            "入模" if r["selected"] else "未入模",
            r.get("reason", ""),
        ]
        for r in report["iv"]
    ]
    header = ["特征", "名称", "类型", "IV", "分箱数", "缺失占比", "结果", "原因"]
    return ["## 特征信息值（IV）与筛选", "", *_table(header, rows)]


def _md_bins(report: dict) -> list[str]:
    lines = ["## 分箱与分值表", ""]
    for c in report["characteristics"]:
        lines += [
            f"### {c['label']}（`{c['name']}`，IV {_num(c['iv'], 4)}，系数 {_num(c['coefficient'], 4)}）",
            "",
        ]
        rows = [
            [
                b["bin"],
                b["count"] if b["count"] is not None else "—",
                b["defaults"] if b["defaults"] is not None else "—",
                _pct(b["default_rate"]),
                _num(b["woe"], 4),
                _num(b["points"], 2),
            ]
            for b in c["bins"]
        ]
        lines += _table(["分箱", "户数", "违约数", "违约率", "WoE", "分值"], rows)
    return lines


def _md_grades(report: dict) -> list[str]:
    grade_rows = []
    for g in report["grades"]:
        dist = [_pct(report["grade_distribution"][s].get(g["grade"])) for s in report["samples"]]
        grade_rows.append([g["grade"], "其余" if g.get("min") is None else f"≥ {g['min']}", *dist])
    header = ["等级", "分数", *[SAMPLE_LABELS[s] + "占比" for s in report["samples"]]]
    return ["## 等级", "", *_table(header, grade_rows)]


def _md_calibration(report: dict) -> list[str]:
    lines = [
        "## 分等级校准（Jeffreys 检验）",
        "",
        f"原假设：该等级的平均PD不低于真实违约率；p 值 < {JEFFREYS_ALPHA} 表示违约显著多于预测。",
        "",
    ]
    for name, rows_ in report["calibration"].items():
        lines += [f"**{SAMPLE_LABELS[name]}**", ""]
        rows = [
            [
                r["grade"],
                r["rows"],
                r.get("defaults", "—"),
                _pct(r.get("default_rate")),
                _pct(r.get("pd")),
                _num(r.get("jeffreys_p")),
                r.get("result", "无样本"),
            ]
            for r in rows_
        ]
        lines += _table(["等级", "户数", "违约数", "实际违约率", "平均PD", "p 值", "结论"], rows)
    return lines


def _md_stability(report: dict) -> list[str]:
    lines = ["## 稳定性（相对训练样本）", "", "PSI/CSI < 0.1 稳定；0.1–0.25 需关注；≥ 0.25 需复核模型。", ""]
    if not report["stability"]:
        lines += ["没有检验样本或跨时间样本。", ""]
    for name, st in report["stability"].items():
        lines += [
            f"**{SAMPLE_LABELS[name]}**：分数 PSI = {_num(st.get('psi'), 4)}（{st.get('psi_label', '—')}）",
            "",
        ]
        rows = [[r["name"], _num(r["csi"], 4), r["label"]] for r in st["csi"]]
        lines += _table(["特征", "CSI", "判断"], rows)
    return lines


def _md_fairness(report: dict) -> list[str]:
    lines = ["## 公平性（按分组的通过率与违约概率）", ""]
    fair = report["fairness"]
    if not fair["groups"]:
        lines += ["未指定分组列（可用 --group 指定，如性别、乡镇；分组列不参与评分）。", ""]
    else:
        lines += [
            f"通过 = 等级为 {'、'.join(fair['approve_grades'])}；影响比 = 本组通过率 / 最高组通过率，"
            f"低于 {IMPACT_RATIO_FLOOR} 的组标记“需关注”。",
            "",
        ]
    for col, by_sample in fair["groups"].items():
        for name, rows_ in by_sample.items():
            lines += [f"**{col} — {SAMPLE_LABELS[name]}**", ""]
            rows = [
                [
                    r["group"],
                    r["rows"],
                    _pct(r["approval_rate"]),
                    _pct(r["mean_pd"]),
                    _pct(r["default_rate"]),
                    _num(r["impact_ratio"], 2),
                    "需关注" if r["flag"] else "",
                ]
                for r in rows_
            ]
            lines += _table(["分组", "户数", "通过率", "平均PD", "实际违约率", "影响比", "标记"], rows)
    return lines


def monitor(card: Scorecard, data: pd.DataFrame) -> dict:
    """PSI/CSI of new data against the development sample stored in a statistical model."""
    result = card.score(data)
    out = stability(card, result.score, result.states)
    out["version"] = card.version
    out["grade_distribution"] = {g: _f(np.mean(result.grade == g)) for g in card.grade_names}
    out["warnings"] = result.warnings
    return out
