"""Command line of the index engine; needs no database and no Django settings.

python -m puhui.engines.index.cli build SPEC --out DIR
python -m puhui.engines.index.cli uncertainty SPEC --runs 1000 --seed 1 --out DIR [--sobol 256]
python -m puhui.engines.index.cli dropone SPEC --out DIR [--level 2]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import IndexEngineError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="puhui index", description="普惠金融指数引擎：按流程配置计算综合指数（无需数据库）"
    )
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("spec", help="流程配置文件（YAML 或 JSON）")
        sp.add_argument("--out", required=True, help="输出目录")
        sp.add_argument("--data-dir", help="数据文件所在目录（覆盖配置中的 data_dir）")
        sp.add_argument("--idata", help="单位数据文件（CSV 或 Excel），覆盖配置")
        sp.add_argument("--imeta", help="指标元数据文件（CSV 或 Excel），覆盖配置")
        sp.add_argument("--idata-sheet", help="单位数据所在工作表")
        sp.add_argument("--imeta-sheet", help="指标元数据所在工作表")

    b = sub.add_parser("build", help="运行流程，写出结果表与每一步的中间数据")
    common(b)
    u = sub.add_parser("uncertainty", help="蒙特卡洛不确定性分析，写出排名统计表")
    common(u)
    u.add_argument("--runs", type=int, default=1000, help="运行次数（默认 1000）")
    u.add_argument("--seed", type=int, default=None, help="随机数种子（给定则结果可复现）")
    u.add_argument(
        "--sobol", type=int, default=0, metavar="N", help="另做 Sobol 敏感性分析，基础样本数 N（建议 2 的幂）"
    )
    u.add_argument("--time", help="分析的期间（默认最近一期）")
    u.add_argument("--target", help="分析对象代码（默认总指数）")
    d = sub.add_parser("dropone", help="逐一剔除某层的要素，写出排名变化")
    common(d)
    d.add_argument("--level", type=int, help="剔除哪一层的要素（默认总指数的下一层）")
    d.add_argument("--time", help="分析的期间（默认最近一期）")
    return p


def _refs(args):
    def ref(path, sheet):
        if path is None:
            return None
        return {"path": str(Path(path).resolve()), **({"sheet": sheet} if sheet else {})}

    return ref(args.idata, args.idata_sheet), ref(args.imeta, args.imeta_sheet)


def _time(v):
    if v is None:
        return None
    try:
        f = float(v)
        return int(f) if f.is_integer() else f
    except ValueError:
        return v


def main(argv: list[str] | None = None) -> int:
    from .pipeline import Pipeline

    args = _parser().parse_args(argv)
    out = Path(args.out)
    try:
        pipe = Pipeline.from_file(args.spec)
        i_ref, m_ref = _refs(args)
        idata, imeta = pipe.load_data(args.data_dir, i_ref, m_ref)
        if args.command == "build":
            return _build(pipe, idata, imeta, out)
        spec = dict(pipe.spec.get("uncertainty") or {})
        if getattr(args, "time", None) is not None:
            spec["time"] = _time(args.time)
        if args.command == "uncertainty":
            return _uncertainty(args, pipe, idata, imeta, spec, out)
        return _dropone(args, pipe, idata, imeta, spec, out)
    except IndexEngineError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"错误：无法读写文件：{e}", file=sys.stderr)
        return 2


def _build(pipe, idata, imeta, out: Path) -> int:
    res = pipe.run(idata, imeta)
    files = res.write(out)
    n_units = res.datasets[res.current]["uCode"].nunique()
    print(
        f"已完成指数“{pipe.name}”：{n_units} 个单位，{len(res.datasets)} 个数据集，{len(pipe.steps)} 个步骤。"
    )
    for e in res.log[1:]:
        print(
            f"  步骤 {e['id']}：{e['input']} → {e.get('output') or '权重集 ' + str(e.get('weight_set'))}"
            f"（{e['rows_in']} 行，{e['seconds'] * 1000:.1f} 毫秒）"
        )
    print(
        f"结果表：{out / 'results.csv'}；全部中间数据：{out / 'pipeline.xlsx'}（共写出 {len(files)} 个文件）"
    )
    return 0


def _uncertainty(args, pipe, idata, imeta, spec: dict, out: Path) -> int:
    from . import robustness as rb

    if args.target:
        spec["target"] = args.target
    if args.runs < 1:
        raise SystemExit("运行次数须为正整数")
    r = rb.uncertainty(pipe, idata, imeta, runs=args.runs, seed=args.seed, spec=spec)
    out.mkdir(parents=True, exist_ok=True)
    r["rank_stats"].to_csv(out / "rank_stats.csv", index=False, encoding="utf-8-sig")
    ranks = r["ranks"].copy()
    ranks.insert(0, "run", range(1, len(ranks) + 1))
    pd_choices = r["choices"]
    pd_choices.insert(0, "run", range(1, len(pd_choices) + 1))
    ranks.to_csv(out / "run_ranks.csv", index=False, encoding="utf-8-sig")
    pd_choices.to_csv(out / "run_choices.csv", index=False, encoding="utf-8-sig")
    summary = {
        "runs": args.runs,
        "seed": args.seed,
        "seconds": r["seconds"],
        "failures": r["failures"],
        "target": r["analysis"].target,
        "time": str(r["analysis"].time),
    }
    print(
        f"不确定性分析完成：{args.runs} 次运行，用时 {r['seconds']:.2f} 秒；排名统计表：{out / 'rank_stats.csv'}"
    )
    for f in r["failures"]:
        print(f"  注意：{f}")
    if args.sobol:
        s = rb.sensitivity(pipe, idata, imeta, n=args.sobol, seed=args.seed, spec=spec)
        s["indices"].to_csv(out / "sensitivity.csv", index=False, encoding="utf-8-sig")
        summary["sobol_runs"] = s["runs"]
        print(
            f"Sobol 敏感性分析完成：{s['runs']} 次运行，用时 {s['seconds']:.2f} 秒；指数表：{out / 'sensitivity.csv'}"
        )
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _dropone(args, pipe, idata, imeta, spec: dict, out: Path) -> int:
    from . import robustness as rb

    res = pipe.run(idata, imeta)
    d = rb.drop_one(res, level=args.level, time=spec.get("time"))
    out.mkdir(parents=True, exist_ok=True)
    d["summary"].to_csv(out / "dropone_summary.csv", index=False, encoding="utf-8-sig")
    d["shifts"].to_csv(out / "dropone_shifts.csv", index=False, encoding="utf-8-sig")
    print(f"剔除分析完成：{len(d['summary'])} 个要素；结果：{out / 'dropone_summary.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
