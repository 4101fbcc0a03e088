"""County index: full build (sources → pipeline → uncertainty → stored rows) on the demo county.

    .venv/bin/python bench/bench_county_index.py [--scale 10] [--runs 500] [--database-url URL]

Writes the demo county at the given scale into a temporary SQLite database (or the given database,
which must be empty), then times the yearly and quarterly builds 2019–2021 with their Monte-Carlo
rank intervals. Prints figures only. Until puhui.index is in INSTALLED_APPS it runs with the test
settings shim (tests.index.settings).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="puhui-bench-index-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["PUHUI_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.index.settings")
    manage = [sys.executable, "-m", "django"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    t = time.perf_counter()
    subprocess.run(
        [*manage, "demo", "--scale", str(args.scale)],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    demo_s = time.perf_counter() - t

    import django

    django.setup()
    from puhui.core.models import Division
    from puhui.index import compute, services, sources
    from puhui.index.models import IndexFramework
    from puhui.index.periods import periods
    from puhui.registry.models import Firm, Household

    fw = IndexFramework.objects.order_by("-version").first()
    spec = compute.load(fw.spec_yaml)
    print(
        f"cores: {os.cpu_count()}  scale {args.scale:g}: {Household.objects.count():,} households, "
        f"{Firm.objects.count():,} firms, {Division.objects.filter(level='town').count()} towns "
        f"(demo incl. its own index build: {demo_s:.1f} s)"
    )
    for freq in ("year", "quarter"):
        ps = periods(freq, 2019, 2021)
        t = time.perf_counter()
        frame, missing = sources.collect(compute.source_keys(spec), ps)
        src_s = time.perf_counter() - t
        t = time.perf_counter()
        compute.build(spec, frame, missing, freq, uncertainty_runs=0)
        pipe_s = time.perf_counter() - t
        t = time.perf_counter()
        compute.build(spec, frame, missing, freq, uncertainty_runs=args.runs)
        unc_s = time.perf_counter() - t - pipe_s
        t = time.perf_counter()
        run = services.run_compute(
            actor=None, framework=fw, frequency=freq, last_year=2021, uncertainty_runs=args.runs
        )
        total_s = time.perf_counter() - t
        print(
            f"{freq:8s} {len(ps):2d} periods: sources {src_s:.2f} s, pipeline {pipe_s:.2f} s, "
            f"uncertainty {args.runs} runs × {len(ps)} periods {unc_s:.2f} s, "
            f"full build stored {total_s:.2f} s ({run.scores.count():,} score rows)"
        )


if __name__ == "__main__":
    main()
