"""Benchmark `puhui demo`: wall time, peak memory and row counts per scale, each run into a
fresh database.

    .venv/bin/python bench/bench_demo.py                      # scales 1 and 10, temporary SQLite
    .venv/bin/python bench/bench_demo.py --scales 0.1,1
    .venv/bin/python bench/bench_demo.py --database-url postgres://postgres@127.0.0.1:5432/puhui_bench

With --database-url the database is dropped and created again before each run, so its name must
contain "bench". Peak RSS is the demo process's own (os.wait4 gives each child's rusage, the
same figure as getrusage(RUSAGE_CHILDREN).ru_maxrss without mixing in the migrate step).
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

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
# The `puhui` console script, run by this interpreter (works with or without an activated venv).
PUHUI = [sys.executable, "-c", "import sys; from puhui.cli import main; sys.exit(main())"]
COUNTS = (
    "import json; from puhui.demo.build import counts_in_database; print(json.dumps(counts_in_database()))"
)


def _recreate_postgres(url: str) -> None:
    import psycopg

    cfg = dj_database_url.parse(url)
    name = cfg["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    conninfo = dict(
        dbname="postgres",
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"],
        port=cfg["PORT"] or None,
    )
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(scale: float, database_url: str | None, keep: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"puhui-bench-{scale:g}-"))
    env = dict(os.environ, PUHUI_VAR_DIR=str(work), PYTHONUNBUFFERED="1")
    if database_url:
        _recreate_postgres(database_url)
        env["DATABASE_URL"] = database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    subprocess.run([*PUHUI, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)

    log = work / "demo.log"
    with open(log, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*PUHUI, "demo", "--scale", f"{scale:g}"], env=env, cwd=ROOT, stdout=out, stderr=out
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.stderr.write(log.read_text())
        raise SystemExit(f"puhui demo --scale {scale:g} failed ({proc.returncode})")
    counts = json.loads(
        subprocess.run(
            [*PUHUI, "shell", "-c", COUNTS], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    result = {
        "scale": scale,
        "database": "postgresql" if database_url else "sqlite",
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        **counts,
    }
    if not database_url:
        result["sqlite_mb"] = round((work / "bench.sqlite3").stat().st_size / 2**20, 1)
    if keep:
        result["kept"] = str(work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated scales (default 1,10)")
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a scratch database (name containing 'bench')"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories (database, logs)")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per run instead of a table"
    )
    args = parser.parse_args(argv)
    print(f"CPUs: {os.cpu_count()}  Python {sys.version.split()[0]}", flush=True)
    for scale in (float(s) for s in args.scales.split(",") if s.strip()):
        r = run(scale, args.database_url, args.keep)
        if args.json:
            print(json.dumps(r, ensure_ascii=False), flush=True)
        else:
            extra = f"  sqlite {r['sqlite_mb']} MB" if "sqlite_mb" in r else ""
            print(
                f"scale {scale:g} ({r['database']}): {r['seconds']} s, peak RSS {r['peak_rss_mb']} MB{extra}; "
                f"households {r['households']:,}, firms {r['firms']:,}, organisations {r['organisations']:,}, "
                f"service points {r['service_points']:,}, terminals {r['terminals']:,}, villages {r['villages']}, "
                f"users {r['users']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
