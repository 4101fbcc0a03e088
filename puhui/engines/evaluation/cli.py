"""Command line of the evaluation engine; needs no database and no Django settings.

    python -m puhui.engines.evaluation --values VALUES.csv [--set SET.yaml] [--year 2021] --out RESULTS.csv|.json
    puhui evaluate ...   (the same, through the console script)

Without --set the shipped indicator set (version 1) is used. Exit code 0 on success, 2 on bad input (the
reasons go to stderr, in Chinese). Formats in docs/bankeval.md.
"""

from __future__ import annotations

import argparse
import sys

from ..rulefiles import run
from .engine import evaluate
from .files import parse_values, read_records, write_results
from .spec import load_set, shipped_path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="puhui evaluate",
        description="普惠金融综合评价引擎：由各银行的指标值和定性得分计算得分、总分、等级与名次（无需数据库）",
    )
    p.add_argument("--set", help="指标体系（YAML）；不写则用随附的第 1 版")
    p.add_argument("--values", required=True, help="各银行的指标值（CSV 或 JSON）：bank, name, 各指标编码")
    p.add_argument(
        "--year", type=int, help="评价年度（按年度取方案目标值，如预授信率 2020 年 60%%、2021 年 70%%）"
    )
    p.add_argument("--out", required=True, help="输出文件：.csv（每家银行一行）或 .json（含每项指标的得分）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> None:
        indicator_set = load_set(args.set or shipped_path())
        banks = parse_values(read_records(args.values), indicator_set)
        results = evaluate(indicator_set, banks, year=args.year)
        out = write_results(results, indicator_set, args.out)
        print(f"已完成综合评价：{len(results)} 家银行，{len(indicator_set.indicators)} 项指标。")
        for r in results[:3]:
            print(f"  第 {r.rank} 名 {r.name or r.bank}：{r.total:.2f} 分（{r.grade}）")
        print(f"结果：{out}")

    return run(work)


if __name__ == "__main__":
    sys.exit(main())
