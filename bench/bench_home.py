"""The home page per role (今日待办) at a given demo scale: the page's time and queries, and each to-do
line's count and time, in process (Django's test client, warm: the first request of each role is left out).

    .venv/bin/python bench/bench_home.py --scale 10 [--database-url postgres://…] [--requests 20]
    .venv/bin/python bench/bench_home.py --var-dir /path/to/var   # a demo county built already

Builds the demo county once per scale (kept under bench/out/, as bench_dashboard.py does).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.bench_dashboard import bench_env, ensure_demo  # noqa: E402

ROLES = ["office", "admin", "member_unit", "institution", "town", "agent", "public"]


def users():
    """The first demo user of each role, and for banks the largest (the rural commercial bank) too."""
    from puhui.core.models import User

    picked = [User.objects.filter(role=r, is_active=True).order_by("pk").first() for r in ROLES]
    rcb = User.objects.filter(role="institution", organisation__kind="rural_bank").first()
    return [u for u in [*picked, rcb] if u is not None]


def measure(user, requests: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils.module_loading import import_string

    from puhui.core import plugins

    client = Client()
    client.force_login(user)
    client.get("/", HTTP_HOST="127.0.0.1")  # warm: imports, caches
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            status = client.get("/", HTTP_HOST="127.0.0.1").status_code
        times.append(1000 * (time.perf_counter() - started))
    p95 = sorted(times)[max(0, int(0.95 * len(times)) - 1)]
    print(
        f"{user.username:18} {user.role:12} {status:>4} {statistics.median(times):>8.1f} {p95:>8.1f} "
        f"{len(queries.captured_queries):>5}"
    )
    for source in plugins.todo_sources(user):
        started = time.perf_counter()
        n = import_string(source.count)(user)
        if n and source.items:
            import_string(source.items)(user, 5)
        print(f"{'':18} {source.label:28} {n:>6,} {1000 * (time.perf_counter() - started):>8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--var-dir", help="use the demo county already built there")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if args.var_dir:
        os.environ.setdefault("PUHUI_VAR_DIR", args.var_dir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    else:
        env = bench_env(args.scale, args.database_url)
        ensure_demo(env, args.scale)
        os.environ.update(env)
    os.environ.setdefault("PUHUI_DATA_LAST_YEAR", "2021")  # the demo county's data end in 2021
    import django

    django.setup()
    print(f"{'user':18} {'role':12} {'http':>4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>5}  (home page)")
    print(f"{'':18} {'to-do line':28} {'count':>6} {'time':>8}")
    for user in users():
        measure(user, args.requests)


if __name__ == "__main__":
    main()
