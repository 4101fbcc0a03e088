"""Benchmark the rate monitoring (puhui/monetary): every bank × every quarter of approved loan-level returns.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puhui_bench_lists_copy .venv/bin/python bench/bench_rates.py
    .venv/bin/python bench/bench_rates.py --scale 0.1     # no DATABASE_URL: a temporary SQLite demo county

Prints three figures, each the best and the median of --runs:
- `aggregate`: the ONE grouped query over the loan rows (`services.rate_cell_rows`) — what the job
  `monetary_rates` runs; read-only, so it may run on any database that has the data app's tables;
- `page`: what the rate-monitoring page computes (`selectors.monitor` for the office) from the summary
  table — needs the monetary migrations, and a summary (`--refresh` builds one first, which WRITES: never
  on a database you must not change);
- on PostgreSQL, the aggregate's EXPLAIN (ANALYZE, BUFFERS) plan.
The target is under 2 s for the page at scale 10. Prints, never asserts.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(fn, runs: int) -> tuple[float, float, object]:
    seconds, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds), result


def measure(runs: int, refresh: bool) -> None:
    from django.db import connection
    from django.db.utils import DatabaseError

    from puhui.core.models import User
    from puhui.data.models import LoanRecord
    from puhui.monetary import selectors, services

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"loan rows: {LoanRecord.objects.count():,}")
    with connection.cursor() as cur:
        indexes = connection.introspection.get_constraints(cur, LoanRecord._meta.db_table)
    print(
        "indexes on data_loanrecord:",
        ", ".join(f"{n}{v['columns']}" for n, v in indexes.items() if v["index"]),
    )

    subs = services.loan_submissions_by_quarter()
    quarters = sorted({q for _inst, q in subs.values()})
    banks = {inst for inst, _q in subs.values()}
    print(f"approved loan returns: {len(subs)} ({len(banks)} banks × {len(quarters)} quarters)")

    best, median, rows = _timed(lambda: list(services.rate_cell_rows(subs)), runs)
    print(f"aggregate: best {best:.3f} s, median {median:.3f} s → {len(rows):,} cells")

    if connection.vendor == "postgresql":
        sql, params = services.rate_cell_rows(subs).query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(r[0] for r in cur.fetchall()))

    office = User.objects.filter(role=User.Role.OFFICE).first()
    if office is None:
        print("page: no office user, skipped")
        return
    try:
        if refresh:
            start = time.perf_counter()
            refreshed = services.rate_cells_refresh(actor=None)
            print(f"refresh (writes): {time.perf_counter() - start:.3f} s → {refreshed.cells:,} cells")
        best, median, m = _timed(lambda: selectors.monitor(office), runs)
        print(
            f"page: best {best:.3f} s, median {median:.3f} s ({len(m.banks)} banks × {len(m.quarters)} quarters)"
        )
        best, median, _ = _timed(selectors.refresh_state, runs)
        print(f"out-of-date check: best {best:.3f} s, median {median:.3f} s")
    except DatabaseError as exc:
        print(
            f"page: skipped, the monetary tables are missing ({exc.__class__.__name__}); migrate a copy first"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--scale", type=float, default=0.1, help="without DATABASE_URL: the demo county's scale"
    )
    parser.add_argument("--refresh", action="store_true", help="rebuild the summary first (writes)")
    args = parser.parse_args(argv)
    from bench import demo_db

    temporary = not os.environ.get("DATABASE_URL")
    cleanup = demo_db.setup(args.scale)
    measure(args.runs, args.refresh or temporary)
    cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
