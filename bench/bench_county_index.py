"""County index: full build (sources → pipeline → uncertainty → stored rows) on the demo county.

    .venv/bin/python bench/bench_county_index.py [--scale 10] [--runs 1000] [--database-url URL [--no-demo]]

Writes the demo county at the given scale into a temporary SQLite database (or the given database,
which must be empty; with --no-demo the given database already holds a demo and is used as it is), then
times the yearly and quarterly builds of the default framework (v2, goalposts written in the framework)
up to the last measured period, with their Monte-Carlo rank intervals. Prints figures only; the budget
(issue 14) is annual + quarterly with 1,000 runs at scale 10 under 5 s.
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


def _prepare(args) -> float:
    """Migrate and write the demo (unless --no-demo); the seconds the demo took."""
    work = Path(tempfile.mkdtemp(prefix="puhui-bench-index-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("PUHUI_VAR_DIR", str(work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    manage = [sys.executable, "-m", "django"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    if args.no_demo:
        return 0.0
    t = time.perf_counter()
    subprocess.run(
        [*manage, "demo", "--scale", str(args.scale)],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--database-url")
    ap.add_argument("--no-demo", action="store_true", help="the database already holds a demo")
    args = ap.parse_args()
    demo_s = _prepare(args)

    import django

    django.setup()
    from puhui.core.models import Division
    from puhui.index import compute, services
    from puhui.index.models import IndexFramework
    from puhui.registry.models import Firm, Household

    services.framework_ensure_default(actor=None)
    # A database written before v2 shipped holds v1 only: add v2 (the default) to measure it.
    fw = next(
        (
            f
            for f in IndexFramework.objects.order_by("-version")
            if compute.uses_fixed_goalposts(compute.load(f.spec_yaml))
        ),
        None,
    ) or services.framework_create(
        actor=None,
        spec_yaml=(services.FRAMEWORK_DIR / "v2.yaml").read_text(encoding="utf-8"),
        note="基准测试",
    )
    spec = compute.load(fw.spec_yaml)
    print(
        f"cores: {os.cpu_count()}  {'the given demo' if args.no_demo else f'scale {args.scale:g}'}: "
        f"{Household.objects.count():,} households, "
        f"{Firm.objects.count():,} firms, {Division.objects.filter(level='town').count()} towns, "
        f"framework v{fw.version} (demo incl. its own index build: {demo_s:.1f} s)"
    )
    total = 0.0
    for freq in ("year", "quarter"):
        t = time.perf_counter()
        ps, frame, missing = services.measured_frame(spec, freq)
        src_s = time.perf_counter() - t
        t = time.perf_counter()
        compute.build(spec, frame, missing, freq, uncertainty_runs=0)
        pipe_s = time.perf_counter() - t
        t = time.perf_counter()
        compute.build(spec, frame, missing, freq, uncertainty_runs=args.runs)
        unc_s = time.perf_counter() - t - pipe_s
        t = time.perf_counter()
        run = services.run_compute(actor=None, framework=fw, frequency=freq, uncertainty_runs=args.runs)
        total_s = time.perf_counter() - t
        total += total_s
        print(
            f"{freq:8s} {len(ps):2d} periods (data through {run.data_through}): sources {src_s:.2f} s, "
            f"pipeline {pipe_s:.2f} s, uncertainty {args.runs} runs × {len(ps)} periods {unc_s:.2f} s, "
            f"full build stored {total_s:.2f} s ({run.scores.count():,} score rows)"
        )
    print(f"annual + quarterly built one by one, {args.runs} runs each: {total:.2f} s")
    # What the job does: both frequencies, the sources read once for all their periods.
    t = time.perf_counter()
    services.index_build(actor=None, version=fw.version, uncertainty_runs=args.runs)
    print(f"the job (index_build, both frequencies, sources read once): {time.perf_counter() - t:.2f} s "
          "(budget at scale 10: 5 s)")  # fmt: skip


if __name__ == "__main__":
    main()
