"""Command line of the guarantee-network engine; needs no database and no Django settings.

    puhui risk networks --edges EDGES.csv --out DIR [--top 20] [--cushion 0] [--cycle-cap 1000]
    python -m puhui.engines.risk networks ...   (the same)

Writes DIR/groups.csv, circles.csv, nodes.csv and vulnerable.csv (docs/risk-networks.md). Exit code 0 on success,
2 on bad input (every reason on stderr, in Chinese, and nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from puhui.engines.rulefiles import run

from .contagion import contagion
from .files import read_edges, write_results
from .networks import CYCLE_CAP, RiskInputError, build_network


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="puhui risk", description="担保网络分析：担保群、担保圈、传染损失（无需数据库）"
    )
    sub = p.add_subparsers(dest="command", required=True)
    nw = sub.add_parser("networks", help="由担保关系构建全县担保网络")
    nw.add_argument(
        "--edges", required=True, help="担保关系文件（CSV）：担保人, 借款人, 担保金额[, 是否违约]"
    )
    nw.add_argument(
        "--out", required=True, help="结果目录：写出 groups.csv、circles.csv、nodes.csv、vulnerable.csv"
    )
    nw.add_argument("--top", type=int, default=20, help="列出最易受传染的企业户数（默认 20）")
    nw.add_argument("--cushion", type=float, default=0.0, help="每户企业的自有缓冲（元，默认 0）")
    nw.add_argument(
        "--cycle-cap", type=int, default=CYCLE_CAP, help=f"每个担保圈最多列出的担保环数（默认 {CYCLE_CAP}）"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> None:
        problems = []
        if args.top < 0:
            problems.append("--top 不能为负数")
        if not args.cushion >= 0:
            problems.append("--cushion（自有缓冲，元）不能为负数")
        if args.cycle_cap < 1:
            problems.append("--cycle-cap（每个担保圈的担保环上限）应至少为 1")
        if problems:
            raise RiskInputError(problems)
        guarantors, borrowers, amounts, defaulted = read_edges(Path(args.edges).read_text(encoding="utf-8"))
        net = build_network(guarantors, borrowers, amounts, defaulted, cycle_cap=args.cycle_cap)
        spread = contagion(net, args.cushion)
        out = write_results(net, spread, args.out, args.top)
        capped = sum(c.cap_hit for c in net.circles)
        print(
            f"已读入 {len(guarantors)} 条担保关系：{net.size} 户企业，{net.group_count} 个担保群，"
            f"{len(net.circles)} 个担保圈（{capped} 个达到担保环上限），{len(net.mutual)} 对互保。"
        )
        print(f"结果目录：{out}")

    return run(work)


if __name__ == "__main__":
    sys.exit(main())
