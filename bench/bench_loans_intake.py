"""Benchmark the loans intake against PostgreSQL's own COPY of the same file, measured in the same run.

    .venv/bin/python bench/bench_loans_intake.py --database-url postgres://postgres@127.0.0.1:5432/puhui_bench_intake
    .venv/bin/python bench/bench_loans_intake.py --rows 200000 --repeat 2 --database-url …   # a quicker look

A valid 贷款明细表 CSV of --rows rows (bench/bench_submissions.py's generator, cached in bench/out/data/) goes
through the real service: the bank's user POSTs it to the upload page (Django's test client: the multipart
body, the upload handler, the encrypted original), and the worker (`puhui worker --batch`, as cron or
systemd runs it) checks and stores it. Timed from the POST to the Upload marked succeeded with its
submission stored. The reference is PostgreSQL's own `COPY … FROM STDIN (FORMAT csv)` of the same file into
a scratch table of text columns, timed before and after each intake run in the same database. Prints both,
the ratio, the intake's own CPU seconds and the machine's load (the wall times of a shared machine move
with it; the ratio much less). Each run is a child process (its peak RSS is its own). The database is
dropped and created again: its name must contain "bench". Prints, never asserts.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_submissions import _recreate_postgres, generate  # noqa: E402

SETTINGS = "puhui.settings"
SCRATCH = "bench_copy_scratch"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def child_setup() -> dict:
    from bench.bench_submissions import child_setup as county_bank_and_catalogue

    return county_bank_and_catalogue()


def child_copy(path: str) -> dict:
    """PostgreSQL's COPY of the raw file into a scratch table of text columns (created and dropped here)."""
    from django.db import connection

    with open(path, encoding="utf-8") as f:
        width = len(f.readline().split(","))
    columns = ", ".join(f"c{i} text" for i in range(width))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} ({columns})")
        start = time.perf_counter()
        sql = f"COPY {SCRATCH} FROM STDIN WITH (FORMAT csv, HEADER true)"
        with cursor.cursor.copy(sql) as copy, open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - start
        cursor.execute(f"SELECT count(*) FROM {SCRATCH}")
        rows = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {SCRATCH}")
    return {"seconds": round(seconds, 2), "rows": rows}


def child_intake(path: str) -> dict:
    """POST the file to the upload page as the bank's user, run the worker; time to the stored submission."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from puhui.core.models import User
    from puhui.data.models import LoanRecord, Upload

    client = Client()
    client.force_login(User.objects.get(username="bank"))
    # The bank's user opens the upload page first, as in the browser; a running server has loaded its URL
    # modules long before (the child's first request pays ~2 s for that, which is not the intake's).
    client.get("/data/forms/loans/2020Q1/upload/")
    cpu, start = time.process_time(), time.perf_counter()
    with open(path, "rb") as f:
        response = client.post("/data/forms/loans/2020Q1/upload/", {"file": f})
    posted = time.perf_counter() - start
    call_command("worker", batch=True, verbosity=0)
    seconds = time.perf_counter() - start
    upload = Upload.objects.order_by("-pk").first()
    stored = LoanRecord.objects.filter(submission=upload.submission).count() if upload.submission else 0
    return {
        "status": response.status_code,
        "upload": upload.status,
        "errors": upload.error_total,
        "rows": upload.rows_read,
        "stored": stored,
        "seconds": round(seconds, 2),
        "post_seconds": round(posted, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "database": connection.vendor,
    }


class ServerCpu:
    """CPU seconds of the database's PostgreSQL backends while a child runs, when the server is on this
    machine (read from /proc; polled, since the writer's connection ends with its thread)."""

    def __init__(self, url: str):
        import dj_database_url
        import psycopg

        cfg = dj_database_url.parse(url)
        self.name = cfg["NAME"]
        kw = dict(dbname="postgres", user=cfg["USER"], password=cfg["PASSWORD"] or None, host=cfg["HOST"])
        self.conn = psycopg.connect(
            **{k: v for k, v in kw.items() if v}, port=cfg["PORT"] or 5432, autocommit=True
        )
        self.seen: dict[int, float] = {}
        self.start: dict[int, float] = {}

    @staticmethod
    def _cpu(pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def poll(self) -> None:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.name]
        ).fetchall()
        for (pid,) in rows:
            if (cpu := self._cpu(pid)) is not None:
                self.start.setdefault(pid, cpu)
                self.seen[pid] = cpu

    def reset(self) -> None:
        self.seen.clear()
        self.start.clear()
        self.poll()

    def seconds(self) -> float:
        return sum(self.seen[p] - self.start[p] for p in self.seen)


def _child(env: dict, mode: str, path: str = "", server: ServerCpu | None = None) -> tuple[dict, float]:
    """Run a child; its JSON answer and its own peak RSS (MB, from wait4)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", mode, "--path", path],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        if server is not None:
            server.reset()
        while True:  # its answer is one short line: the pipe never fills
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if server is not None:
                server.poll()
            time.sleep(0.2)
        out = proc.stdout.read()
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-4000:])
            raise SystemExit(f"child {mode} failed")
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="intake runs (each between two COPYs)")
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a scratch database (name containing 'bench')"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _django()
        result = {
            "setup": child_setup,
            "copy": lambda: child_copy(args.path),
            "intake": lambda: child_intake(args.path),
        }
        print(json.dumps(result[args.child](), ensure_ascii=False))
        return 0
    if not args.database_url:
        raise SystemExit("--database-url postgres://…/puhui_bench_… is required: the figure is PostgreSQL's")
    work = Path(tempfile.mkdtemp(prefix="puhui-bench-intake-"))
    env = dict(
        os.environ,
        PUHUI_VAR_DIR=str(work),
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=args.database_url,
        PYTHONUNBUFFERED="1",
    )
    _recreate_postgres(args.database_url)
    print(f"CPUs: {os.cpu_count()}  Python {sys.version.split()[0]}  load {_load()}", flush=True)
    path = generate(args.rows)
    print(f"file: {path.name} {path.stat().st_size / 2**20:.1f} MB, {args.rows:,} rows", flush=True)
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    _child(env, "setup")
    server = ServerCpu(args.database_url) if Path("/proc").is_dir() else None
    copies, runs = [], []

    def copy_once() -> None:
        copy, _ = _child(env, "copy", str(path), server)
        copies.append(copy["seconds"])
        cpu = f", PostgreSQL CPU {server.seconds():.1f} s" if server else ""
        print(
            f"COPY (PostgreSQL, {copy['rows']:,} rows into a text table): {copy['seconds']:.2f} s{cpu}",
            flush=True,
        )

    copy_once()
    for n in range(1, args.repeat + 1):
        r, rss = _child(env, "intake", str(path), server)
        ok = r["upload"] == "succeeded" and r["stored"] == args.rows
        cpu = f" + PostgreSQL {server.seconds():.1f} s" if server else ""
        print(
            f"intake #{n} ({r['database']}): POST→stored {r['seconds']:.1f} s ({'stored' if ok else 'NOT STORED'} "
            f"{r['stored']:,} rows, {r['errors']} errors; POST {r['post_seconds']:.1f} s), "
            f"CPU {r['cpu_seconds']:.1f} s{cpu}, peak RSS {rss:.0f} MB, load {_load()}",
            flush=True,
        )
        runs.append(r["seconds"])
        copy_once()
    reference = sum(copies) / len(copies)
    best = min(runs)
    print(
        f"ratio: intake / COPY = {best:.1f} s / {reference:.2f} s = {best / reference:.1f}× "
        f"(best intake run; COPY the mean of {len(copies)} runs around them)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
