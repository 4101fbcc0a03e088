"""Command line of the early-warning engine; needs no database and no Django settings.

    puhui warnings check --rules RULES.yaml --data DIR --out DIR [--period 2021Q1]
    python -m puhui.engines.warnings check ...   (the same)

DIR holds the input tables (`files.py`); the findings go to OUT/findings.csv and OUT/findings.json.
Exit code 0 on success (warnings found or not), 2 on bad input (every reason on stderr, in Chinese).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from puhui.engines.rulefiles import run

from .engine import evaluate
from .files import read_inputs, write_findings
from .rules import load_rules


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="puhui warnings", description="金融风险预警（无需数据库）")
    sub = p.add_subparsers(dest="command", required=True)
    ck = sub.add_parser("check", help="按预警规则评估一个季度的数据")
    ck.add_argument("--rules", required=True, help="预警规则文件（YAML）")
    ck.add_argument("--data", required=True, help="数据目录：portfolios.csv、firm_credit.csv、exposures.csv")
    ck.add_argument("--out", required=True, help="结果目录：写出 findings.csv 和 findings.json")
    ck.add_argument("--period", help="评估的季度，如 2021Q1（默认：数据中最新的季度）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> None:
        ruleset = load_rules(Path(args.rules).read_text(encoding="utf-8"))
        data = read_inputs(args.data, args.period)
        result = evaluate(ruleset, data)
        table, detail = write_findings(result.findings, args.out)
        before = f"，对比 {data.previous}" if data.previous else "（没有上一季度的数据）"
        print(
            f"已按“{ruleset.name}”（版本 {ruleset.version}）评估 {data.current}{before}："
            f"预警 {len(result.findings)} 项。"
        )
        for code, why in result.skipped.items():
            print(f"未评估规则 {code}：{why}")
        print(f"结果：{table}、{detail}")

    return run(work)


if __name__ == "__main__":
    sys.exit(main())
