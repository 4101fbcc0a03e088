"""Command line of the matching engine; needs no database and no Django settings.

    python -m puhui.engines.matching match --products products.csv --demands demands.csv --out DIR [--top 5]

The files are described in `files.py`; the matches go to OUT/matches.csv. Exit code 0 on success, 2 on bad
input (every reason on stderr, in Chinese).
"""

from __future__ import annotations

import argparse
import sys
import time

from puhui.engines.rulefiles import run

from .engine import match
from .files import read_demands, read_products, write_matches


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="puhui matching", description="融资需求与贷款产品匹配（无需数据库）")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("match", help="为每个融资需求排列符合条件的产品")
    m.add_argument("--products", required=True, help="产品文件 products.csv")
    m.add_argument("--demands", required=True, help="融资需求文件 demands.csv")
    m.add_argument("--out", required=True, help="结果目录：写出 matches.csv")
    m.add_argument("--top", type=int, default=5, help="每个需求最多列出的产品数（默认 5）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> None:
        products = read_products(args.products)
        demands = read_demands(args.demands)
        started = time.perf_counter()
        matches = match(demands, products, top=args.top)
        seconds = time.perf_counter() - started
        path = write_matches(demands, products, matches, args.out)
        matched = len(set(matches.demand.tolist()))
        print(
            f"{len(demands)} 个融资需求 × {len(products)} 个产品：{matched} 个需求有符合条件的产品，"
            f"匹配用时 {seconds:.3f} 秒。结果：{path}"
        )

    return run(work)


if __name__ == "__main__":
    sys.exit(main())
