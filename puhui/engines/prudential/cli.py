"""Command line of the prudential-limits engine; needs no database and no Django settings.

    puhui prudential check --rules RULES.yaml --data FIGURES.csv --out FINDINGS.csv|FINDINGS.json [--breaches]
    python -m puhui.engines.prudential check ...   (the same)

Exit code 0 on success (breaches found or not), 2 on bad input (every reason on stderr, in Chinese).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from puhui.engines.rulefiles import run

from .engine import BREACH, check
from .files import read_figures, write_findings
from .rules import load_rules


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="puhui prudential", description="地方金融组织监管指标核查（无需数据库）")
    sub = p.add_subparsers(dest="command", required=True)
    ck = sub.add_parser("check", help="按规则核查各机构各期的数据")
    ck.add_argument("--rules", required=True, help="规则文件（YAML）")
    ck.add_argument(
        "--data", required=True, help="数据文件（CSV）：organisation, name, kind, period 和各数据项"
    )
    ck.add_argument("--out", required=True, help="结果文件：.csv 或 .json（每个机构每期每条规则一行）")
    ck.add_argument("--breaches", action="store_true", help="只写出超限的结果")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> None:
        ruleset = load_rules(Path(args.rules).read_text(encoding="utf-8"))
        rows = read_figures(Path(args.data).read_text(encoding="utf-8"), ruleset)
        findings = check(ruleset, rows)
        breaches = [f for f in findings if f.status == BREACH]
        out = write_findings(breaches if args.breaches else findings, args.out)
        print(
            f"已按“{ruleset.name}”（版本 {ruleset.version}）核查 {len(rows)} 行数据："
            f"{len(findings)} 项结果，超限 {len(breaches)} 项。"
        )
        print(f"结果：{out}")

    return run(work)


if __name__ == "__main__":
    sys.exit(main())
