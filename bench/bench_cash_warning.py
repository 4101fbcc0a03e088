"""Counterfeit-warning figures (printed, never asserted): issue one warning to every open outlet and service point
of a scale-10 county, then render the office's list of unacknowledged units (first page, true count).

    .venv/bin/python bench/bench_cash_warning.py                      # temporary SQLite, scale-10 network
    .venv/bin/python bench/bench_cash_warning.py --scale 1 --repeat 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puhui_bench_cash .venv/bin/python bench/bench_cash_warning.py

The issue's figure: issued and listed in under 2 s at scale 10. Without DATABASE_URL a temporary SQLite county is
made with the demo's own divisions and service network at the scale (organisations, outlets, service points; the
households, which the warning never reads, are left out: they take most of a full demo's time). With DATABASE_URL
that database is used as it is when it holds a county (a `puhui demo --scale 10` one), else the network is built
into it. Timed: `warning_issue` end to end (two reads, the recipient rows by `bulk_create`, the audit record, one
transaction) and the GET of the recipients list filtered to the warning's unacknowledged units, as the office.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _django(scale: float):
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="bench-cash-")
        os.environ["PUHUI_VAR_DIR"] = temporary.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    _network(scale)
    return temporary


def _network(scale: float) -> None:
    """The demo's divisions and service network at `scale`, and an office user, unless a county is there."""
    from django.db import transaction

    from puhui.core.models import Organisation, User
    from puhui.demo import build, county

    if build.county_exists():
        print("using the county already in the database")
    else:
        started = time.perf_counter()
        with transaction.atomic():
            plan = county.plan_county(2020, scale)
            ctx = build.DemoContext(seed=2020, scale=scale, plan=plan, progress=lambda s: None)
            build._divisions(ctx)
            build._network(ctx)
        print(f"scale-{scale:g} divisions and service network built in {time.perf_counter() - started:.1f} s")
    if not User.objects.filter(username="bench_office").exists():
        pboc = Organisation.objects.filter(kind="pboc").first()
        User.objects.create(username="bench_office", role="office", organisation=pboc)


def _once(office, client) -> tuple[float, float, int, int]:
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from puhui.cash.services.warnings import warning_issue

    started = time.perf_counter()
    warning = warning_issue(
        actor=office, title="基准测试预警", text="请组织学习。", denomination="100", features="冠字号码 C3S8 开头",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )  # fmt: skip
    issued = time.perf_counter() - started
    started = time.perf_counter()
    page = client.get(reverse("cash:recipients") + f"?warning={warning.pk}&state=open")
    listed = time.perf_counter() - started
    assert page.status_code == 200, page.status_code
    return issued, listed, warning.recipient_count, page.context["listing"].count.n


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    temporary = _django(args.scale)
    try:
        from django.test import Client

        from puhui.core.models import Organisation, ServicePoint, User

        office = User.objects.get(username="bench_office")
        client = Client()
        client.force_login(office)
        outlets = Organisation.objects.filter(level="outlet").count()
        print(f"outlets {outlets:,}, service points {ServicePoint.objects.count():,}")
        # The process's first page loads templates and modules once: timed apart, not in the runs.
        started = time.perf_counter()
        client.get("/cash/recipients/")
        print(f"first page of the process (cold: templates, imports) {time.perf_counter() - started:.3f} s")
        totals = []
        for n in range(args.repeat):
            issued, listed, units, shown = _once(office, client)
            totals.append(issued + listed)
            print(
                f"run {n + 1}: issued to {units:,} units in {issued:.3f} s; unacknowledged list "
                f"({shown:,} units counted, first page) in {listed:.3f} s; together {issued + listed:.3f} s"
            )
        print(f"median issue + list: {statistics.median(totals):.3f} s (target: under 2 s)")
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
