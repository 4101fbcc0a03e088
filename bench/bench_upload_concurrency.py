"""Benchmark: logins and page writes while a large .xlsx submission is checked, on SQLite (finding M5).

    .venv/bin/python bench/bench_upload_concurrency.py                 # 400,000 loan rows (~30 MB .xlsx)
    .venv/bin/python bench/bench_upload_concurrency.py --rows 50000    # a quicker look
    .venv/bin/python bench/bench_upload_concurrency.py --rows 50000 --old   # the check inside the transaction

A fresh SQLite file database (WAL, BEGIN IMMEDIATE, busy timeout 20 s, as in production) is built by
`puhui migrate` in a temporary PUHUI_VAR_DIR, with the bench county of bench/bench_submissions.py, a
bank, its API token and an office user. A child process then POSTs the .xlsx to
/api/v1/data/submissions/file (Django's test client, with an Idempotency-Key) and checks it in the request
(PUHUI_DATA_INLINE_BYTES raised so the whole check runs inline, as the 1 MB file of M5 did). Meanwhile this
process, on its own connection, logs in again and again (POST /login/, Argon2) and makes a one-row
audited write, and times each; the same is measured first with nothing else running. `--old` marks the
upload operation as running inside the idempotency transaction again, the behaviour before the fix.

Storing then goes in batches (`puhui.data.storage.submission_store`: the submission hidden while STORING,
20,000 rows a short transaction, a pause between batches, one short final transaction); before that
change the 400,000 rows went in in one transaction, six seconds of SQLite's write lock. `--batch N` and
`--pause S` set PUHUI_DATA_STORE_BATCH / PUHUI_DATA_STORE_PAUSE in the uploading process.

The .xlsx is generated once (openpyxl write-only, via bench_submissions) and kept in bench/out/data/.
Prints figures, never asserts.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-mima-2026"


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    # One client logs in back to back: lift the login rate limits (their counters are still written).
    settings.PUHUI_RATE_LOGIN_IP = settings.PUHUI_RATE_LOGIN_USERNAME = "1000000/m"


def _setup() -> str:
    """The county, a bank with an API token and a user, an office user; returns the token."""
    from django.contrib.auth.hashers import make_password

    from bench.bench_submissions import child_setup
    from puhui.api.services import token_create
    from puhui.core.models import Organisation, User

    child_setup()
    bank = Organisation.objects.get(code="RCB-YY")
    User.objects.create(username="office", role="office", password=make_password(PASSWORD))
    admin = User.objects.create(username="admin", role="admin", is_staff=True)
    _t, raw = token_create(actor=admin, organisation=bank, name="bench")
    return raw


def child_upload(path: str, token: str, old: bool, batch: int = 0, pause: float | None = None) -> None:
    _django()
    from django.conf import settings
    from django.test import Client

    settings.PUHUI_DATA_INLINE_BYTES = 1 << 40  # check in the request, as a small file is
    if batch:
        settings.PUHUI_DATA_STORE_BATCH = batch
    if pause is not None:
        settings.PUHUI_DATA_STORE_PAUSE = pause
    if old:
        from puhui.api.idempotency import OUTSIDE_TRANSACTION
        from puhui.data import api

        setattr(api.submit_file, OUTSIDE_TRANSACTION, False)
    start = time.perf_counter()
    with open(path, "rb") as f:
        r = Client().post(
            "/api/v1/data/submissions/file",
            {"form": "loans", "period": "2020Q1", "file": f},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "bench-upload"},
        )
    print(f"UPLOAD {r.status_code} {time.perf_counter() - start:.1f}", flush=True)
    if r.status_code >= 300:
        print(r.content[:500].decode(errors="replace"), flush=True)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _line(name: str, values: list[float], failures: int) -> str:
    if not values:
        return f"  {name:<14} none completed, {failures} failed"
    ms = [v * 1000 for v in values]
    return (
        f"  {name:<14} n={len(ms):>4}  p50 {_pct(ms, 50):8.1f} ms  p95 {_pct(ms, 95):8.1f} ms  "
        f"max {max(ms):8.1f} ms  failed {failures}"
    )


def _login() -> str:
    from django.test import Client

    r = Client().post("/login/", {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    return "" if r.status_code == 302 else f"login {r.status_code}"


def _write(user) -> str:
    from django.db import transaction

    from puhui.core.audit import audit_record
    from puhui.core.models import AuditLog

    with transaction.atomic():
        audit_record(actor=user, action=AuditLog.Action.UPDATE, object_repr="bench", note="bench write")
    return ""


def _loop(action, until, pause: float, out: dict) -> None:
    """Repeat `action` until `until()`, timing each; OperationalError ("database is locked") is a failure."""
    from django.db import OperationalError, connection

    times, failures, errors = [], 0, set()
    try:
        while not until():
            t = time.perf_counter()
            try:
                error = action()
            except OperationalError as e:
                error = str(e)
            if error:
                failures += 1
                errors.add(error[:120])
            else:
                times.append(time.perf_counter() - t)
            time.sleep(pause)
    finally:
        connection.close()
    out.update(times=times, failures=failures, errors=errors)


def _measure(until, user) -> dict:
    """Logins and writes in two threads (each on its own connection), so one blocked does not hide the other."""
    import threading

    logins, writes = {}, {}
    threads = [
        threading.Thread(target=_loop, args=(_login, until, 0.0, logins)),
        threading.Thread(target=_loop, args=(lambda: _write(user), until, 0.05, writes)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"login": logins, "write": writes}


def _report(figures: dict) -> None:
    for name in ("login", "write"):
        f = figures[name]
        print(_line(name, f["times"], f["failures"]))
        for error in sorted(f["errors"]):
            print(f"    error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument(
        "--old", action="store_true", help="check inside the idempotency transaction (before M5)"
    )
    parser.add_argument("--batch", type=int, default=0, help="rows per store transaction (default 20,000)")
    parser.add_argument("--pause", type=float, help="seconds between store batches (default 0.1 on SQLite)")
    parser.add_argument("--child-upload", nargs=2, metavar=("PATH", "TOKEN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_upload:
        child_upload(*args.child_upload, old=args.old, batch=args.batch, pause=args.pause)
        return

    sys.path.insert(0, str(ROOT))
    from bench.bench_submissions import generate, to_xlsx

    t = time.perf_counter()
    xlsx = to_xlsx(generate(args.rows))
    print(
        f"file: {xlsx.name}, {xlsx.stat().st_size / 1048576:.1f} MB ({time.perf_counter() - t:.1f} s to get)"
    )

    var = Path(tempfile.mkdtemp(prefix="puhui-bench-upload-"))
    env = {**os.environ, "PUHUI_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "puhui.settings"}
    env.pop("DATABASE_URL", None)
    os.environ.update({"PUHUI_VAR_DIR": str(var)})
    os.environ.pop("DATABASE_URL", None)
    try:
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "puhui"), "migrate", "--verbosity", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        _django()
        from django.db import connection

        from puhui.core.models import User

        assert connection.vendor == "sqlite" and not connection.is_in_memory_db()
        token = _setup()
        user = User.objects.get(username="office")

        end = time.monotonic() + args.baseline_seconds
        base = _measure(lambda: time.monotonic() >= end, user)

        child = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child-upload",
                str(xlsx),
                token,
                *(["--old"] if args.old else []),
                *(["--batch", str(args.batch)] if args.batch else []),
                *(["--pause", str(args.pause)] if args.pause is not None else []),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        started = time.perf_counter()
        time.sleep(0.5)  # the request has begun receiving
        during = _measure(lambda: child.poll() is not None, user)
        out = child.communicate()[0]
        elapsed = time.perf_counter() - started

        mode = (
            "check inside the idempotency transaction (before the fix)"
            if args.old
            else "check outside, store in batches (fixed)"
        )
        print(f"\nSQLite file database, {args.rows:,} loan rows, {mode}")
        print(f"upload child: {out.strip()}  ({elapsed:.1f} s wall)")
        print("nothing else running:")
        _report(base)
        print("while the upload is received, checked and stored:")
        _report(during)
        connection.close()
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
