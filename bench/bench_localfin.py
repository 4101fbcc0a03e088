"""Local-finance figures (printed, never asserted): the finance centre's pages and the nightly check.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a demo county> .venv/bin/python bench/bench_localfin.py
    .venv/bin/python bench/bench_localfin.py --scale 0.1   # no DATABASE_URL: a temporary SQLite demo county

The database holds a demo county and is only read (the check's notifications are rolled back). For each page
the median and p95 of --repeat requests as the finance centre (member_jrzx), and as another member unit
(member_czj) for the overview, with the queries each page runs; then the prudential check over every
organisation and quarter (`breaches_notify`, what `puhui localfin_breaches` runs) and the three
`DATA_SOURCES` functions for one year (what the indicator computation adds). The issue names no figure; the
pages are measured against the project's own bar for a page (p95 under 300 ms at scale 10).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("概况", "/localfin/"),
    ("地方金融组织", "/localfin/organisations/"),
    ("监管指标核查", "/localfin/breaches/"),
    ("担保公司页", "/localfin/organisations/{guarantee}/"),
    ("上市后备企业看板", "/localfin/listing/"),
    ("上市后备企业名录", "/localfin/listing/firms/"),
    ("直接融资概况", "/localfin/financing/"),
    ("债券发行", "/localfin/financing/bonds/"),
    ("苹果交易", "/localfin/exchange/"),
    ("信用互助", "/localfin/mutuals/"),
    ("保险服务网络", "/localfin/insurance/"),
]


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--scale", type=float, default=0.1, help="without DATABASE_URL: the demo county's scale")
    args = p.parse_args()
    from bench import demo_db

    cleanup = demo_db.setup(args.scale)
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from puhui.core.models import Organisation, User
    from puhui.localfin.selectors import financing, listing
    from puhui.localfin.selectors import orgs as org_selectors
    from puhui.localfin.services.orgs import breaches_notify

    settings.ALLOWED_HOSTS = ["*"]
    guarantee = Organisation.objects.get(code="GUAR-YY").pk
    client = Client()
    print(f"{'页面':<14}{'用户':<14}{'中位数':>10}{'p95':>10}{'查询':>8}")
    for username, pages in (("member_jrzx", PAGES), ("member_czj", PAGES[:1])):
        client.force_login(User.objects.get(username=username))
        for label, path in pages:
            url = path.format(guarantee=guarantee)
            assert client.get(url).status_code == 200, url  # warm-up, and the page must work
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            count = len(queries)  # read now: the next request clears the connection's log
            median, p95, _ = _timed(lambda u=url: client.get(u), args.repeat)
            print(f"{label:<14}{username:<14}{median:>8.1f}ms{p95:>8.1f}ms{count:>8}")

    with transaction.atomic():
        median, _p95, created = _timed(lambda: breaches_notify(actor=None), 1)
        transaction.set_rollback(True)
    orgs = Organisation.objects.filter(kind__in=Organisation.LOCAL_FINANCE_KINDS, level="branch").count()
    print(f"夜间核查（{orgs} 家组织，全部季度）：{median:.0f} ms，通知 {created} 条（已回滚）")
    import datetime

    start, end = datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)
    for name, fn in (
        ("direct_financing", financing.direct_financing_values),
        ("listed_firms", listing.listed_firms_values),
        ("insurance_outlets", org_selectors.insurance_outlets_values),
    ):
        median, _p95, rows = _timed(lambda f=fn: f(start, end), args.repeat)
        print(f"指标来源 {name}（2021 年）：{median:.1f} ms，{len(rows)} 行")
    cleanup()


if __name__ == "__main__":
    main()
