"""Command line of the assessment engine; needs no database and no Django settings.

    python -m puhui.engines.assessment --criteria CRITERIA.csv --facts FACTS.csv [--manual MANUAL.csv]
                                       --out RESULTS.csv|RESULTS.json
    puhui assess ...   (the same, through the console script)

Inputs are CSV or JSON (by suffix), the output CSV or JSON (by suffix); formats in
docs/assessment-engine.md. Exit code 0 on success, 2 on bad input (the reasons go to stderr, in Chinese).
"""

from __future__ import annotations

import argparse
import sys

from .engine import assess
from .files import AssessmentInputError, load, write_results


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="puhui assess",
        description="考核计分引擎：由各单位的事实和考核项目计算得分、总分与名次（无需数据库）",
    )
    p.add_argument("--criteria", required=True, help="考核项目（CSV 或 JSON）：key, kind, max_points")
    p.add_argument("--facts", required=True, help="各单位的事实（CSV 或 JSON）：unit, name, 应报/按时/逾期 …")
    p.add_argument("--manual", help="人工评分（CSV 或 JSON）：criterion, unit, points")
    p.add_argument("--out", required=True, help="输出文件：.csv（每单位一行）或 .json（含计分明细）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        criteria, facts, manual = load(args.criteria, args.facts, args.manual)
        results = assess(criteria, facts, manual)
        out = write_results(results, criteria, args.out)
    except AssessmentInputError as e:
        for problem in e.problems:
            print(f"错误：{problem}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"错误：无法读写文件：{e}", file=sys.stderr)
        return 2
    print(f"已完成考核计分：{len(results)} 个单位，{len(criteria)} 个考核项目，{len(manual)} 条人工评分。")
    for r in results[:3]:
        print(f"  第 {r.rank} 名 {r.name or r.unit}：{r.total:.2f} 分")
    print(f"结果：{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
