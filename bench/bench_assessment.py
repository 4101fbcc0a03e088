"""Assessment engine figures (printed, never asserted); no database.

    .venv/bin/python bench/bench_assessment.py [--units 28 1000 10000] [--repeat 5]

1. `assess` alone: units × the four default criteria (three automatic, one manual with points for every
   unit), median of --repeat runs.
2. `puhui assess` end to end on files (CSV in, CSV and JSON out), the same sizes.
The database side (facts from the plan's tables, saving the scores) is in bench/bench_plan.py.
"""

import argparse
import contextlib
import csv
import io
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from puhui.engines.assessment import (  # noqa: E402
    MILESTONES,
    NOTICE_RESPONSE,
    REPORT_TIMELINESS,
    CriterionSpec,
    UnitFacts,
    assess,
)
from puhui.engines.assessment.cli import main as cli_main  # noqa: E402

CRITERIA = [
    CriterionSpec("r", REPORT_TIMELINESS, Decimal("30")),
    CriterionSpec("m", MILESTONES, Decimal("30")),
    CriterionSpec("n", NOTICE_RESPONSE, Decimal("20")),
    CriterionSpec("q", "quality", Decimal("20")),
]


def sample(n: int, seed: int = 0) -> tuple[list[UnitFacts], dict]:
    rnd = random.Random(seed)
    facts = []
    for i in range(n):
        due = rnd.randint(0, 16)
        on_time = rnd.randint(0, due)
        m_due = rnd.randint(0, 6)
        notices = rnd.randint(0, 4)
        facts.append(
            UnitFacts(
                unit=f"u{i:05d}",
                name=f"单位{i:05d}",
                reports_due=due,
                reports_on_time=on_time,
                reports_late=rnd.randint(0, due - on_time),
                milestones_due=m_due,
                milestones_met=rnd.randint(0, m_due),
                notices=notices,
                notices_on_time=rnd.randint(0, notices),
            )
        )
    manual = {("q", f.unit): Decimal(rnd.randint(0, 200)) / 10 for f in facts}
    return facts, manual


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def write_inputs(d: Path, facts: list[UnitFacts], manual: dict) -> list[str]:
    with (d / "criteria.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "kind", "max_points"])
        w.writerows([c.key, c.kind, c.max_points] for c in CRITERIA)
    fields = list(UnitFacts.__dataclass_fields__)
    with (d / "facts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(fields)
        w.writerows([getattr(f, k) for k in fields] for f in facts)
    with (d / "manual.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["criterion", "unit", "points"])
        w.writerows([k, u, p] for (k, u), p in manual.items())
    return [
        "--criteria",
        str(d / "criteria.csv"),
        "--facts",
        str(d / "facts.csv"),
        "--manual",
        str(d / "manual.csv"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, nargs="+", default=[28, 1000, 10000])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"assessment engine, {len(CRITERIA)} criteria, median of {args.repeat}:")
    for n in args.units:
        facts, manual = sample(n)
        engine_s = timed(lambda f=facts, m=manual: assess(CRITERIA, f, m), args.repeat)
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            inputs = write_inputs(d, facts, manual)
            with contextlib.redirect_stdout(io.StringIO()):  # the CLI's summary lines
                cli_csv = timed(lambda i=inputs, o=d / "r.csv": cli_main([*i, "--out", str(o)]), args.repeat)
                cli_json = timed(
                    lambda i=inputs, o=d / "r.json": cli_main([*i, "--out", str(o)]), args.repeat
                )
        print(
            f"  {n:>6} units: assess {engine_s * 1000:8.2f} ms | files→CSV {cli_csv * 1000:8.1f} ms"
            f" | files→JSON {cli_json * 1000:8.1f} ms"
        )


if __name__ == "__main__":
    main()
