"""Benchmark the derived indicators: every catalogue indicator, at every level, for the 12 quarters (and 3 years)
of the demo county's submissions.

    .venv/bin/python bench/bench_derived.py --database-url postgres://postgres@127.0.0.1:5432/puhui_bench_derived
    .venv/bin/python bench/bench_derived.py --scale 1                 # temporary SQLite, quicker
    .venv/bin/python bench/bench_derived.py --database-url … --reuse  # the county is already there: only compute

The county is built by the demo generator (`build_demo`) and `data_demo` (2019–2021 submissions), then
`compute_all` runs --runs times, each in its own process (peak RSS from os.wait4). The database is dropped
and created again unless --reuse (its name must contain "bench"). Prints, never asserts.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_submissions import _recreate_postgres, _settings_module  # noqa: E402


def child_build(scale: float) -> dict:
    import numpy as np

    from puhui.core.models import User
    from puhui.data.demo import data_demo
    from puhui.demo.build import build_demo

    start = time.perf_counter()
    build_demo(scale=scale, seed=2020, progress=lambda s: None)
    county = time.perf_counter() - start
    start = time.perf_counter()
    counts = data_demo(
        rng=np.random.default_rng(2020),
        actor=User.objects.get(username="office"),
        scale=scale,
        progress=lambda s: None,
    )
    return {
        "county_seconds": round(county, 1),
        "data_seconds": round(time.perf_counter() - start, 1),
        **counts,
    }


def child_compute() -> dict:
    from django.db import connection

    from puhui.data import derived
    from puhui.data.models import LoanRecord, ReportingPeriod, Submission

    stages = []

    def progress(done, total, message):
        stages.append((round(time.perf_counter() - start, 2), message))

    start = time.perf_counter()
    result = derived.compute_all(progress=progress)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 1),
        "values": result["values"],
        "periods": result["periods"],
        "quarters": ReportingPeriod.objects.filter(kind="quarter", submissions__status="approved")
        .distinct()
        .count(),
        "loan_rows": LoanRecord.objects.count(),
        "submissions": Submission.objects.count(),
        "database": connection.vendor,
        "last_quarter_at": next((t for t, m in reversed(stages) if "季度" in m), None),
    }


def _run(env, *args) -> tuple[dict, float]:
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, *args], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=err
        )
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-4000:])
            raise SystemExit(f"{args[0]} failed")
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a scratch database (name containing 'bench')"
    )
    parser.add_argument("--reuse", action="store_true", help="use the county already in --database-url")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", _settings_module())
        import django

        django.setup()
        result = child_build(args.scale) if args.child == "build" else child_compute()
        print(json.dumps(result, ensure_ascii=False))
        return 0

    work = Path(tempfile.mkdtemp(prefix="puhui-bench-derived-"))
    env = dict(
        os.environ, PUHUI_VAR_DIR=str(work), DJANGO_SETTINGS_MODULE=_settings_module(), PYTHONUNBUFFERED="1"
    )
    env["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    print(f"CPUs: {os.cpu_count()}  Python {sys.version.split()[0]}  scale {args.scale:g}", flush=True)
    if not (args.reuse and args.database_url):
        if args.database_url:
            _recreate_postgres(args.database_url)
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
        )
        r, rss = _run(env, "--child", "build", "--scale", str(args.scale))
        print(
            f"demo county {r['county_seconds']} s; data_demo {r['data_seconds']} s (submissions {r['submissions']}, loan rows "
            f"{r['loan_rows']:,}, indicator values {r['indicator_values']:,}), peak RSS {rss:.0f} MB",
            flush=True,
        )
    for n in range(1, args.runs + 1):
        r, rss = _run(env, "--child", "compute")
        print(
            f"compute_all run {n} ({r['database']}): {r['seconds']} s for {r['periods']} periods ({r['quarters']} quarters + years), "
            f"{r['values']:,} values at all levels, from {r['loan_rows']:,} loan rows and {r['submissions']} submissions; "
            f"quarters done at {r['last_quarter_at']} s; peak RSS {rss:.0f} MB",
            flush=True,
        )
    if not args.database_url:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
