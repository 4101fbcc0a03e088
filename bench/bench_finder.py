"""The public finder's figures (issue #19, printed, never asserted): the page weight on first load (budget
300 KB) and p95 with 100 concurrent clients at demo scale 10 (budget 200 ms), served by gunicorn on 127.0.0.1.

    .venv/bin/python bench/bench_finder.py [--scale 10] [--requests 3000] [--concurrency 100] [--keep]

The finder reads the register (villages, outlets, service points, terminals) and the apps' finder layers, so
the bench builds those parts of the demo county at the scale asked — divisions, the financial network, the
demo users, and the demo data of every app that declares FINDER_LAYERS — into a fresh PostgreSQL database
`puhui_bench_finder` (dropped at the end unless --keep). The clients ask for the result page of villages all
over the county, with and without needs, each request the next page. The peer in the same run: the
complaints' public page (`/protection/`), another public page of the platform.
"""

import argparse
import importlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import free_port  # noqa: E402
from bench.loadtest import run  # noqa: E402

DB = "puhui_bench_finder"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
ENV = {
    "DATABASE_URL": URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
    "FIELD_ENCRYPTION_KEY": "bench-field-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1, as behind the deployment's TLS proxy
    "DJANGO_SETTINGS_MODULE": "puhui.settings",
    # Static files are served as in production (collected, then WhiteNoise), from a directory of the bench's own.
    "PUHUI_VAR_DIR": tempfile.mkdtemp(prefix="bench-finder-"),
}
NEEDS = ["", "need=withdraw", "need=electricity&need=cross_bank", "need=exchange", "need=card_shop"]


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def build(scale: float) -> None:
    """The register at this scale, the demo users, and the demo of every app with a finder layer."""
    os.environ.update(ENV)
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction

    from puhui.core.plugins import finder_layers
    from puhui.demo import build as demo
    from puhui.demo import county

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        ctx = demo.DemoContext(seed=2020, scale=scale, plan=county.plan_county(2020, scale), progress=print)
        demo._divisions(ctx)
        demo._network(ctx)
        demo._users(ctx)
        layered = {layer.places.split(".")[1] for layer in finder_layers()}
        for config in apps.get_app_configs():
            if config.label in layered:
                print("  demo of", config.label, importlib.import_module(f"{config.name}.demo").build(ctx))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"register at scale {scale:g}: {ctx.counts} in {time.perf_counter() - started:.0f} s")


def pages() -> tuple[list[str], str]:
    """Result pages over the county's villages (every 7th village, each with the next need), and a busy one."""
    from django.db.models import Count

    from puhui.core.models import Division, ServicePoint

    villages = list(Division.objects.filter(level="village").order_by("code").values_list("pk", "parent_id"))
    paths = [
        f"/finder/?town={town}&village={village}"
        + (f"&{NEEDS[i % len(NEEDS)]}" if NEEDS[i % len(NEEDS)] else "")
        for i, (village, town) in enumerate(villages[::7])
    ]
    busiest = ServicePoint.objects.values("village").annotate(n=Count("id")).order_by("-n").first()
    village = Division.objects.get(pk=busiest["village"])
    return paths, f"/finder/?town={village.parent_id}&village={village.pk}"


def uncached(paths: list[str]) -> None:
    """The work of one result page when nobody asked it in the last minute: in process, cache cleared each time."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, times, queries = Client(), [], []
    for path in paths:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(ctx))
    times.sort()
    print(
        f"uncached result page (in process, {len(paths)} pages): p50 {statistics.median(times):.1f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, SQL {min(queries)}–{max(queries)} statements"
    )


def weight(base: str, path: str) -> tuple[int, int]:
    """The page's bytes and those of every style sheet, script and image it loads (as sent, uncompressed)."""
    page = urllib.request.urlopen(base + path, timeout=30).read()
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', page)
    total = len(page) + sum(len(urllib.request.urlopen(base + a.decode(), timeout=30).read()) for a in assets)
    return len(page), total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    build(args.scale)
    paths, busiest = pages()
    uncached(paths)
    port = free_port()
    env = os.environ | ENV
    server = subprocess.Popen(
        [BIN / "gunicorn", "puhui.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        print(f"cores {os.cpu_count()}, gunicorn workers {args.workers}, {len(paths)} result pages")
        for label, path in (
            ("towns", "/finder/"),
            ("busiest village", busiest),
            ("knowledge", "/finder/knowledge/"),
        ):
            html, total = weight(base, path)
            print(
                f"weight {label:16} page {html / 1024:6.1f} KB, with its assets {total / 1024:6.1f} KB (budget 300 KB)"
            )
        print(f"{'pages':24} {'ok':>6} {'err':>4} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for label, url, many in (
            ("finder (asked before)", base + paths[0], paths),
            ("peer: /protection/", base + "/protection/", None),
        ):
            run(
                url, requests=4 * len(many or [url]), concurrency=4, paths=many
            )  # warm-up: each page, each worker
            r = run(url, requests=args.requests, concurrency=args.concurrency, paths=many)
            print(
                f"{label:24} {r['ok']:>6} {r['errors']:>4} {r['rps']:>7.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f}"
            )
            if r["errors"]:
                print("   errors:", r["error_sample"])
    finally:
        server.terminate()
        server.wait()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _psql(f"DROP DATABASE IF EXISTS {DB}")
            shutil.rmtree(ENV["PUHUI_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
