"""Page latency (the dashboard, the plan board, …) at a given demo scale, served by gunicorn on 127.0.0.1 and loaded by bench/loadtest.py.

    .venv/bin/python bench/bench_dashboard.py --scale 10 [--database-url postgres://postgres@127.0.0.1:5432/puhui_bench]

Builds the demo county once per scale (kept under bench/out/), then prints p50/p95/p99 per role.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.loadtest import run  # noqa: E402


def bench_env(scale: float, database_url: str | None) -> dict:
    var = HERE / "out" / f"scale{scale:g}"
    var.mkdir(parents=True, exist_ok=True)
    return os.environ | {
        "PUHUI_VAR_DIR": str(var),
        "DATABASE_URL": database_url or f"sqlite:///{var / 'puhui.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        "FIELD_ENCRYPTION_KEY": "bench-field-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "puhui.settings",
    }


def ensure_demo(env: dict, scale: float) -> None:
    subprocess.run([BIN / "puhui", "migrate", "--noinput", "-v", "0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [BIN / "puhui", "demo", "--scale", str(scale), "--if-empty"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo county ready (scale {scale:g}) in {time.perf_counter() - started:.1f} s")


def session_cookies(env: dict) -> dict[str, str]:
    """A logged-in session per role, made the way the test client's force_login makes them."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from puhui.core.models import User

    cookies = {}
    for role in ["office", "town", "institution", "agent"]:
        user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        if user is None:
            continue
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[f"{role} ({user.username})"] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return cookies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--paths", default="/,/plan/", help="comma-separated pages to load")
    args = parser.parse_args()

    env = bench_env(args.scale, args.database_url)
    ensure_demo(env, args.scale)
    cookies = session_cookies(env)
    port = free_port()
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "puhui.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        print(f"cores {os.cpu_count()}, gunicorn workers {args.workers}, concurrency {args.concurrency}")
        print(
            f"{'page as role':40} {'ok':>5} {'err':>4} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        )
        for path in args.paths.split(","):
            for label, cookie in cookies.items():
                url = f"http://127.0.0.1:{port}{path}"
                headers = {"Cookie": cookie}
                warm = run(url, requests=20, concurrency=2, headers=headers)
                if warm["ok"] == 0:
                    continue  # a page this role may not open
                r = run(url, requests=args.requests, concurrency=args.concurrency, headers=headers)
                name = f"{path} as {label}"
                print(
                    f"{name:40} {r['ok']:>5} {r['errors']:>4} {r['rps']:>7.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f}"
                )
                if r["errors"]:
                    print("   errors:", r["error_sample"])
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
