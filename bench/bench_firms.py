"""The firm profile page (信用画像, puhui/firms) per viewer — the office, a bank under an authorisation (each read
logged), the firm itself — in process (Django's test client, warm: the first request of each viewer is left
out), and the rating job over the whole register. Budget (issue #15): profile p95 under 300 ms at scale 10.

    .venv/bin/python bench/bench_firms.py --scale 0.2 [--requests 200]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_firms.py   # a demo county built already

Without DATABASE_URL a temporary SQLite demo county of --scale is built first (bench/demo_db.py).

    .venv/bin/python bench/bench_firms.py --synthetic [--scale 10] [--loans 1000000]

builds the issue's scale on PostgreSQL without the whole demo: the register of the demo county at --scale
(about 300,000 firms at 10) and --loans loan rows a quarter for 2019–2021 written straight into the banks'
approved returns (bench_firstloans.py's builder), then the firms app's own demo (department data, firm users,
authorisations, look-ups, ratings) on top, into the database --database-url names (dropped and created).
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import demo_db  # noqa: E402


def _viewers():
    from puhui.core.models import User
    from puhui.firms import access
    from puhui.firms.models import Authorisation
    from puhui.registry.models import Firm

    firms = list(Firm.objects.filter(deregistered_on__isnull=True).values_list("pk", flat=True))
    office = User.objects.get(username="office")
    out = [("办公室", office, random.Random(1).sample(firms, min(len(firms), 400)))]
    grants = list(Authorisation.objects.filter(access.in_force()).values_list("bank_id", "firm_id"))
    banks = {}
    for user in User.objects.filter(role="institution").select_related("organisation"):
        bank = access.county_bank(user.organisation)
        if bank is not None:
            banks.setdefault(bank.pk, user)
    by_bank = {}
    for bank_id, firm_id in grants:
        if bank_id in banks:
            by_bank.setdefault(bank_id, []).append(firm_id)
    if by_bank:
        bank_id = max(by_bank, key=lambda k: len(by_bank[k]))
        out.append(("银行（已授权）", banks[bank_id], by_bank[bank_id]))
    firm_user = User.objects.filter(firm__isnull=False).first()
    if firm_user is not None:
        out.append(("企业本身", firm_user, [firm_user.firm_id]))
    return out


def measure(label, user, firm_ids, requests: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    client.get(reverse("firms:profile", args=[firm_ids[0]]), HTTP_HOST="127.0.0.1")  # warm
    times, queries, slow = [], [], {}
    for n in range(requests):
        url = reverse("firms:profile", args=[firm_ids[n % len(firm_ids)]])
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url, HTTP_HOST="127.0.0.1").status_code
        times.append(1000 * (time.perf_counter() - started))
        queries.append(len(captured))
        for q in captured.captured_queries:
            key = q["sql"][:110]
            slow[key] = slow.get(key, 0.0) + float(q["time"]) * 1000 / requests
        assert status == 200, (label, url, status)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{label:<10} {len(firm_ids):>6,} 户  p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {times[-1]:6.1f} ms  queries {max(queries)}"
    )
    for sql, ms in sorted(slow.items(), key=lambda kv: -kv[1])[:3]:
        print(f"    {ms:5.1f} ms/request  {sql}")


def _synthetic(scale: float, loans: int, url: str):
    """The register and a scale-sized loan book straight into PostgreSQL, then the firms app's demo."""
    import numpy as np

    from bench import bench_firstloans as book_builder

    book_builder._django(url)
    book_builder._register(scale)
    book, hashes, bank, town, is_firm, _firms = book_builder._book(loans, np.random.default_rng(15))
    print(f"loans: {book_builder._write(book, hashes, bank, town, is_firm):,} rows", flush=True)

    from puhui.core.models import User
    from puhui.demo import build as demo
    from puhui.demo import county
    from puhui.firms import demo as firms_demo
    from puhui.firms.access import county_banks

    started = time.perf_counter()
    ctx = demo.DemoContext(seed=2020, scale=scale, plan=county.plan_county(2020, scale), progress=print)
    ctx.users["office"] = User.objects.create(username="office", role="office", phone="13800000000")
    for n, org in enumerate(county_banks()):
        User.objects.create(username=f"bank_{n}", role="institution", organisation=org, phone="13800000001")
    print(f"firms demo: {firms_demo.build(ctx)} in {time.perf_counter() - started:.0f} s", flush=True)
    return lambda: None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--synthetic", action="store_true", help="build --scale on PostgreSQL (see above)")
    parser.add_argument(
        "--no-ratings", action="store_true", help="measure the pages only, not the rating job"
    )
    parser.add_argument("--loans", type=int, default=1_000_000, help="with --synthetic: loan rows a quarter")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/puhui_bench_firms")
    args = parser.parse_args()
    if args.synthetic:
        cleanup = _synthetic(args.scale, args.loans, args.database_url)
    else:
        cleanup = demo_db.setup(args.scale)
    try:
        from django.conf import settings

        from puhui.core.models import User
        from puhui.data.models import LoanRecord
        from puhui.firms.models import DepartmentRecord
        from puhui.firms.services.ratings import ratings_compute
        from puhui.registry.models import Firm

        settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
        print(
            f"firms {Firm.objects.count():,}, department rows {DepartmentRecord.objects.count():,}, "
            f"loan rows {LoanRecord.objects.count():,}"
        )
        for label, user, firm_ids in _viewers():
            measure(label, user, firm_ids, args.requests)
        if args.no_ratings:
            return
        started = time.perf_counter()
        done = ratings_compute(actor=User.objects.get(username="office"))
        print(f"rating job: {done['firms']:,} firms in {time.perf_counter() - started:.1f} s")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
