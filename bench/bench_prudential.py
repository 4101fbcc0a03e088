"""Prudential-limits figures (printed, never asserted): the pure engine on a generated figures file, no database.

    .venv/bin/python bench/bench_prudential.py                  # 2,000 organisations × 40 quarters = 80,000 rows
    .venv/bin/python bench/bench_prudential.py --orgs 200 --quarters 8

Organisations of the four kinds the county's rules cover (guarantee, microcredit, leasing, factoring) get random
figures around their limits (some over, a few missing, a few zero denominators) and, for some guarantee companies,
a licence cap of 15 倍. Timed once each, on the files as `puhui prudential check` runs them:
1. load_rules (the county's rule file);  2. read_figures (the CSV);  3. check;  4. write the findings CSV.
"""

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RULES = ROOT / "puhui" / "localfin" / "rules" / "yiyuan-2020.yaml"
KINDS = ["guarantee", "microcredit", "leasing", "factoring"]
FIGURES = ["net_capital", "borrowed", "balance", "npl", "net_assets", "in_force", "largest_client"]


def _quarters(count: int) -> list[str]:
    return [f"{2011 + q // 4}Q{q % 4 + 1}" for q in range(count)]


def _figures(kind: str, rng: random.Random) -> dict[str, int | str]:
    """One quarter's figures in 元, each ratio drawn around its limit so that findings of every kind occur."""
    base = rng.randint(20_000_000, 500_000_000)
    ratio = rng.uniform
    if kind == "guarantee":
        row = {
            "net_assets": base,
            "in_force": int(base * ratio(2, 12)),
            "largest_client": int(base * ratio(0.01, 0.11)),
        }
    else:
        balance = int(base * ratio(0.5, 3))
        row = {"balance": balance, "npl": int(balance * ratio(0, 0.07))}
        if kind == "microcredit":
            row |= {
                "net_capital": base,
                "borrowed": int(base * ratio(0, 0.55)),
                "largest_client": int(base * ratio(0, 0.06)),
            }
        elif kind == "leasing":
            row |= {"net_capital": base, "largest_client": int(base * ratio(0.05, 0.33))}
    chance = rng.random()
    if chance < 0.02:  # a figure not reported
        row[rng.choice(list(row))] = ""
    elif chance < 0.03:  # a denominator of zero
        row["net_assets" if kind == "guarantee" else "balance"] = 0
    return row


def write_figures(path: Path, orgs: int, quarters: int, seed: int) -> int:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["机构编码", "机构名称", "机构类型", "报送期", *FIGURES, "param.leverage_cap"])
        for n in range(orgs):
            kind = KINDS[n % len(KINDS)]
            cap = "15" if kind == "guarantee" and n % 3 == 0 else ""
            for period in _quarters(quarters):
                figures = _figures(kind, rng)
                w.writerow(
                    [f"O{n:05d}", f"示例{n}号机构", kind, period, *(figures.get(k, "") for k in FIGURES), cap]
                )
    return orgs * quarters


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orgs", type=int, default=2000)
    p.add_argument("--quarters", type=int, default=40)
    p.add_argument("--seed", type=int, default=2020)
    args = p.parse_args()
    from puhui.engines.prudential.engine import BREACH, MISSING, check
    from puhui.engines.prudential.files import read_figures, write_findings
    from puhui.engines.prudential.rules import load_rules

    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "数据.csv", Path(tmp) / "结果.csv"
        made = write_figures(data, args.orgs, args.quarters, args.seed)
        t_rules, ruleset = _timed(lambda: load_rules(RULES.read_text("utf-8")))
        t_read, rows = _timed(lambda: read_figures(data.read_text("utf-8"), ruleset))
        t_check, findings = _timed(lambda: check(ruleset, rows))
        t_write, _ = _timed(lambda: write_findings(findings, out))
        size = out.stat().st_size
    total = t_rules + t_read + t_check + t_write
    breaches = sum(f.status == BREACH for f in findings)
    missing = sum(f.status == MISSING for f in findings)
    print(f"{args.orgs} 家机构 × {args.quarters} 个季度 = {made} 行数据，{len(ruleset.rules)} 条规则")
    print(f"结果 {len(findings)} 项：超限 {breaches} 项，缺少数据 {missing} 项；结果文件 {size / 1e6:.1f} MB")
    print(f"1. 读取规则：{t_rules * 1000:.1f} ms")
    print(f"2. 读取数据：{t_read:.2f} 秒（{made / t_read:,.0f} 行/秒）")
    print(f"3. 核查：{t_check:.2f} 秒（{made / t_check:,.0f} 行/秒，{len(findings) / t_check:,.0f} 项/秒）")
    print(f"4. 写出结果：{t_write:.2f} 秒")
    print(f"合计：{total:.2f} 秒（{made / total:,.0f} 行/秒）")


if __name__ == "__main__":
    main()
