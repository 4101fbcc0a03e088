"""Latency of the credit lists — the work list / verification queue (`credit/`) and the pre-credit list
(`credit/lines/`) — for a bank, a town official and the office, on an existing demo database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puhui_credit_perf .venv/bin/python bench/bench_credit_lists.py
        [--repeat 20] [--users bank_rcb,bank_abc,town_370323001,office] [--explain]

In process: Django's test Client renders each page (view, queries, template) `--repeat` times after one
warm-up request; prints p50/p95/max per user and page, the number of SQL statements and the slowest
statement of the last request. `--explain` prints the database's plan for that statement.
Printed, never asserted. Target: p95 under 300 ms for every list and user.

`--before` measures the query shapes the fix replaced (commit 2d06cb1), for comparison: a bank's customers
as two OR-ed IN subqueries over the organisation path, and its lines by the path. It patches what the
pages call today — `access.bank_customer_filter` (through `credit_households_for`, the work list's
scope) and `access.lines_for` — and refuses to run if either is gone, so it cannot again patch a function
nothing calls (it used to replace `bank_customer_ids`, which no page calls any more).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.loadtest import percentile  # noqa: E402
from puhui.core.models import User  # noqa: E402
from puhui.credit import access  # noqa: E402
from puhui.credit.models import HouseholdArchive, PreCreditLine  # noqa: E402

PAGES = [
    ("work list", "/credit/"),
    ("work list, page 150", "/credit/?page=150"),
    ("waiting for verification", "/credit/?status=submitted"),
    ("pre-credit lines", "/credit/lines/"),
    ("pre-credit lines, page 150", "/credit/lines/?page=150"),
]


def _before_bank_customer_filter(user):
    """The shape before the fix, as the filter on Household that `credit_households_for` applies:
    two OR-ed IN subqueries joined to the organisation path."""
    from django.db.models import Q

    path = access._bank_path(user)
    if path is None:
        return Q(pk__in=[])
    offered = PreCreditLine.objects.filter(bank__path__startswith=path).values("household_id")
    verified = HouseholdArchive.objects.filter(verified_bank__path__startswith=path).values("household_id")
    return Q(pk__in=offered) | Q(pk__in=verified)


def _before_lines_for(user):
    """Before: a bank's lines by the organisation path, a town's or agent's by an IN over households."""
    qs = PreCreditLine.objects.all()
    path = access._bank_path(user)
    if path is not None:
        return qs.filter(bank__path__startswith=path)
    if user.is_authenticated and user.role == User.Role.INSTITUTION:
        return qs.none()
    if user.is_authenticated and user.role in {User.Role.OFFICE, User.Role.ADMIN}:
        return qs
    return qs.filter(household__in=access.credit_households_for(user))


BEFORE = {"bank_customer_filter": _before_bank_customer_filter, "lines_for": _before_lines_for}


def use_before_shapes() -> None:
    """Replace the functions the list pages call with their old shapes (module globals: the views call
    `access.lines_for`, and `credit_households_for` looks `bank_customer_filter` up at each call)."""
    missing = [name for name in BEFORE if not callable(getattr(access, name, None))]
    if missing:
        raise SystemExit(
            f"--before: puhui.credit.access has no {', '.join(missing)} any more; update bench/bench_credit_lists.py"
        )
    for name, old in BEFORE.items():
        setattr(access, name, old)


def measure(client: Client, url: str, repeat: int) -> tuple[list[float], int, float, str, int]:
    response = client.get(url)  # warm-up (and the status code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.append(time.perf_counter() - start)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
    return times, len(ctx.captured_queries), float(slowest["time"]), slowest["sql"], response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--users", default="bank_rcb,bank_abc,town_370323001,office")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--before", action="store_true", help="the query shapes before the fix, for comparison"
    )
    args = parser.parse_args()
    if args.before:
        use_before_shapes()
    print(
        ("BEFORE (old query shapes) — " if args.before else "")
        + f"{connection.vendor}: {HouseholdArchive.objects.count():,} archives "
        f"({HouseholdArchive.objects.filter(status='submitted').count():,} waiting for verification), "
        f"{PreCreditLine.objects.count():,} pre-credit lines"
    )
    worst = 0.0
    for username in args.users.split(","):
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"{username}: no such user, skipped")
            continue
        client = Client()
        client.force_login(user)
        print(f"\n{username} ({user.get_role_display()}, {user.organisation or user.town or ''})")
        for label, url in PAGES:
            times, n_sql, slow_t, slow_sql, status = measure(client, url, args.repeat)
            ms = sorted(t * 1000 for t in times)
            p95 = percentile(ms, 95)
            worst = max(worst, p95) if status == 200 else worst
            print(
                f"  {label:28} {status}  p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
                f"max {ms[-1]:7.1f} ms  {n_sql:2d} SQL, slowest {slow_t * 1000:6.1f} ms"
            )
            if args.explain and slow_sql:
                with connection.cursor() as cur:
                    cur.execute(
                        "EXPLAIN " + slow_sql
                        if connection.vendor != "sqlite"
                        else "EXPLAIN QUERY PLAN " + slow_sql
                    )
                    print("    " + slow_sql[:400])
                    for row in cur.fetchall():
                        print("      " + " ".join(str(c) for c in row))
    print(f"\nworst p95: {worst:.1f} ms (target 300 ms)")


if __name__ == "__main__":
    main()
