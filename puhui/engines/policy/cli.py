"""Command line of the policy engine; needs no database and no Django settings.

    puhui policy evaluate --rules RULES.yaml --data FIGURES.csv --year 2021 --out RESULT.csv|RESULT.json
    python -m puhui.engines.policy evaluate ...   (the same)

Exit code 0 on success, 2 on bad input (every reason on stderr, in Chinese). Formats: docs/policy.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from puhui.engines.rulefiles import run

from .engine import PASSED, evaluate
from .files import read_figures, write_results
from .rules import load_rules


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="puhui policy", description="政策激励规则引擎（无需数据库）")
    sub = p.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="按规则评价各机构某一年度的数据")
    ev.add_argument("--rules", required=True, help="规则文件（YAML）")
    ev.add_argument("--data", required=True, help="数据文件（CSV）：institution, name, year 和各数据项")
    ev.add_argument("--year", required=True, type=int, help="评价年度")
    ev.add_argument("--out", required=True, help="结果文件：.csv（每个机构每条规则一行）或 .json")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> None:
        ruleset = load_rules(Path(args.rules).read_text(encoding="utf-8"))
        rows = read_figures(Path(args.data).read_text(encoding="utf-8"), ruleset)
        results = evaluate(ruleset, rows, args.year)
        out = write_results(results, args.out)
        passed = [r for r in results if r.status == PASSED]
        amount = sum((r.amount for r in passed if r.amount is not None), start=0)
        print(
            f"已按“{ruleset.name}”（版本 {ruleset.version}）评价 {args.year} 年："
            f"{len({r.institution for r in results})} 个机构，{len(ruleset.rules)} 条规则，"
            f"符合 {len(passed)} 项，补贴合计 {amount:,.2f} 元。"
        )
        print(f"结果：{out}")

    return run(work)


if __name__ == "__main__":
    sys.exit(main())
