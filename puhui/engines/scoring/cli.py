"""Command line of the scorecard engine; needs no database and no Django settings.

    python -m puhui.engines.scoring.cli train --data FILE.csv --target COLUMN --out MODEL.json
    python -m puhui.engines.scoring.cli score --model MODEL.json --data FILE.csv --out SCORES.csv [--id COLUMN]
    python -m puhui.engines.scoring.cli monitor --model MODEL.json --data FILE.csv [--out PSI.json]
    python -m puhui.engines.scoring.cli check --model CONFIG.yaml

(`puhui credit train|score|monitor|check` once wired into puhui/cli.py.) `score` takes a trained
model (JSON) or an expert scorecard (YAML/JSON). Data: CSV (UTF-8, UTF-8 with BOM or GB18030) or
Excel (.xlsx). Exit code 0 on success, 2 on bad input (the reasons go to stderr, in Chinese).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from .errors import ScoringError

ENCODINGS = ("utf-8-sig", "gb18030")


def read_table(path: str | Path, *, text_columns: list[str] | tuple = ()) -> pd.DataFrame:
    """A CSV or Excel file; `text_columns` (e.g. ids) are kept as text (no 0123 → 123)."""
    path = Path(path)
    if not path.exists():
        raise ScoringError(f"找不到数据文件 {path}")
    dtype = {c: str for c in text_columns if c}
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, engine="calamine", dtype=dtype or None)
    last: Exception | None = None
    for enc in ENCODINGS:
        try:
            return pd.read_csv(path, encoding=enc, dtype=dtype or None)
        except UnicodeDecodeError as exc:
            last = exc
        except pd.errors.ParserError as exc:
            raise ScoringError(f"无法解析 CSV 文件 {path.name}：{exc}") from exc
    raise ScoringError(f"无法识别文件 {path.name} 的编码（支持 UTF-8 与 GB18030）：{last}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="puhui credit", description="评分卡引擎：建模、评分、监测（无需数据库）")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="用还款结果数据开发统计评分卡，写出分值表（JSON）和验证报告")
    t.add_argument("--data", required=True, help="建模数据（CSV 或 Excel），每行一户/一笔")
    t.add_argument("--target", required=True, help="结果列（是否违约）")
    t.add_argument("--out", required=True, help="输出的模型文件（JSON 分值表）")
    t.add_argument("--report", help="验证报告文件名前缀（默认与模型同名，写出 .report.json 与 .report.md）")
    t.add_argument("--bad", help="结果列中表示违约的取值（0/1、good/bad、是/否 等可自动识别）")
    t.add_argument("--id", dest="id_column", help="编号列（不参与建模）")
    t.add_argument("--exclude", nargs="+", default=[], metavar="COLUMN", help="不参与建模的列")
    t.add_argument("--categorical", nargs="+", default=[], metavar="COLUMN", help="按类别处理的数字列")
    t.add_argument("--group", nargs="+", default=[], metavar="COLUMN", help="公平性分组列（不参与建模）")
    t.add_argument("--time", dest="time_column", help="时间列（用于跨时间样本）")
    t.add_argument("--oot-from", help="时间列不早于该值的行作为跨时间检验样本（如 2021-07）")
    t.add_argument(
        "--test-size", type=float, help="另留检验样本的比例（默认 0：不留，全部行建模，用交叉验证评估）"
    )
    t.add_argument("--cv-folds", type=int, help="分层交叉验证折数（默认 5；0 = 不做）")
    t.add_argument("--seed", type=int, default=0, help="随机种子（默认 0）")
    t.add_argument("--pdo", type=float, default=20.0, help="好坏比翻倍增加的分数（默认 20）")
    t.add_argument("--base-score", type=float, default=600.0, help="基准分（默认 600）")
    t.add_argument("--base-odds", type=float, default=50.0, help="基准分对应的好坏比（默认 50）")
    t.add_argument("--min-iv", type=float, help="入模的最低信息值（默认 0.01）")
    t.add_argument("--min-bin-size", type=float, help="每个分箱至少占建模行数的比例（默认 0.02）")
    t.add_argument("--C", dest="C", help="逻辑回归 L2 正则参数（默认 1；auto = 内层交叉验证选取）")
    t.add_argument("--name", help="模型名称（默认取输出文件名）")
    t.add_argument("--version", help="模型版本（默认为生成时间）")
    t.add_argument("--round", action="store_true", help="分值取整")

    s = sub.add_parser("score", help="用模型或专家评分卡给数据逐行评分")
    s.add_argument("--model", required=True, help="模型（JSON）或专家评分卡（YAML/JSON）")
    s.add_argument("--data", required=True, help="待评分数据（CSV 或 Excel）")
    s.add_argument("--out", required=True, help="输出的评分结果（CSV）")
    s.add_argument("--id", dest="id_column", help="原样带出的编号列")
    s.add_argument("--reasons", type=int, help="输出几条扣分原因（默认按评分卡设置）")

    m = sub.add_parser("monitor", help="新数据相对建模样本的稳定性（PSI/CSI）")
    m.add_argument("--model", required=True)
    m.add_argument("--data", required=True)
    m.add_argument("--out", help="写出 JSON 结果")

    c = sub.add_parser("check", help="检查评分卡配置，显示分数范围")
    c.add_argument("--model", required=True, help="评分卡（YAML/JSON）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"train": _train, "score": _score, "monitor": _monitor, "check": _check}[args.command](args)
    except ScoringError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


def _given(args, *names: str) -> dict:
    """Only the options given on the command line: the defaults live in TrainOptions."""
    return {n: getattr(args, n) for n in names if getattr(args, n) is not None}


def _regularisation(value: str) -> float | None:
    if value.strip().lower() == "auto":
        return None
    try:
        c = float(value)
    except ValueError:
        c = 0.0
    if not c > 0:
        raise ScoringError(f"--C 应为正数或 auto，实际为“{value}”")
    return c


def _train(args) -> int:
    from .train import TrainOptions, train_scorecard

    out = Path(args.out)
    df = read_table(args.data, text_columns=[args.id_column])
    opt = TrainOptions(
        target=args.target,
        bad_value=args.bad,
        id_column=args.id_column,
        exclude=args.exclude,
        categorical=args.categorical,
        groups=args.group,
        time_column=args.time_column,
        oot_from=args.oot_from,
        seed=args.seed,
        pdo=args.pdo,
        base_score=args.base_score,
        base_odds=args.base_odds,
        name=args.name or out.stem,
        version=args.version,
        round_points=args.round,
        **_given(args, "test_size", "cv_folds", "min_iv", "min_bin_size"),
    )
    if args.C is not None:
        opt.C = _regularisation(args.C)
    if args.oot_from and not args.time_column:
        raise ScoringError("使用 --oot-from 时必须同时用 --time 指定时间列")
    started = time.perf_counter()
    result = train_scorecard(df, opt)
    result.scorecard.save(out)
    prefix = Path(args.report) if args.report else out.with_name(out.stem + ".report")
    js, md = result.write_report(prefix)
    rep = result.report
    print(
        f"已用 {len(df)} 行数据建模，用时 {time.perf_counter() - started:.1f} 秒；入模特征 {rep['model']['characteristics']} 个"
    )
    cv = rep.get("cross_validation") or {}
    if cv.get("summary"):
        a, k = cv["summary"]["auc"], cv["summary"]["ks"]
        print(
            f"  分层 {cv['folds']} 折交叉验证：AUC {a['mean']:.3f} ± {a['sd']:.3f}，KS {k['mean']:.3f} ± {k['sd']:.3f}"
            f"（上线模型用全部 {cv['rows']} 行拟合）"
        )
    elif cv.get("skipped"):
        print(f"  未做交叉验证：{cv['skipped']}")
    for name, d in rep["discrimination"].items():
        print(
            f"  {rep['samples'][name]['label']}：AUC {d['auc']:.3f}，KS {d['ks']:.3f}（{rep['samples'][name]['rows']} 行）"
        )
    print(f"模型：{out}（版本 {result.scorecard.version}）")
    print(f"验证报告：{md}，{js}")
    return 0


def _load_card(path: str):
    from .scorecard import Scorecard

    return Scorecard.from_file(path)


def _score(args) -> int:
    card = _load_card(args.model)
    df = read_table(args.data, text_columns=[args.id_column])
    if args.id_column and args.id_column not in df.columns:
        raise ScoringError(f"数据中没有编号列“{args.id_column}”")
    started = time.perf_counter()
    result = card.score(df, reasons=args.reasons)
    frame = result.to_frame()
    if args.id_column:
        frame.insert(0, args.id_column, df[args.id_column].to_numpy())
    frame.to_csv(args.out, index=False, encoding="utf-8-sig")
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    counts = pd.Series(result.grade).value_counts()
    dist = "，".join(
        f"{g} {int(counts.get(g, 0))}" for g in [*card.grade_names, card.excluded_grade] if counts.get(g, 0)
    )
    print(
        f"已评分 {len(df)} 行（{card.version}），用时 {time.perf_counter() - started:.2f} 秒；等级分布：{dist}"
    )
    print(f"结果：{args.out}")
    return 0


def _monitor(args) -> int:
    from .report import monitor

    card = _load_card(args.model)
    df = read_table(args.data)
    out = monitor(card, df)
    if "psi" in out:
        print(f"分数 PSI = {out['psi']:.4f}（{out['psi_label']}）")
    else:
        print("该评分卡没有建模样本分布，只能计算特征分布（CSI 相对评分表中记录的户数）")
    for r in out["csi"]:
        if r["csi"] is not None:
            print(f"  {r['name']}：CSI {r['csi']:.4f}（{r['label']}）")
    for w in out["warnings"]:
        print(f"提示：{w}", file=sys.stderr)
    if args.out:
        Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _check(args) -> int:
    card = _load_card(args.model)
    print(f"评分卡“{card.name}”（{card.version}，指纹 {card.fingerprint}）检查通过")
    print(
        f"  评分项 {len(card.characteristics)} 个，加减分项 {len(card.items) - len(card.characteristics)} 个，排除规则 {len(card.exclusions)} 条"
    )
    print(
        f"  分数范围 {card.min_score:g} 至 {card.max_score:g}；等级："
        + "，".join(
            f"{g['grade']} ≥ {g['min']}" if g.get("min") is not None else f"{g['grade']} 其余"
            for g in card.spec["grades"]
        )
    )
    print(f"  需要的数据列：{'、'.join(card.required_columns())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
