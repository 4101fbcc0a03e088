"""Rate and set pre-credit limits for every counted farm-household archive, from the database, and
write the ratings back (printed, never asserted). Target at scale 10 (≈1.3 million farm households):
under 60 s.

Needs a database with the demo county and the credit app installed, e.g.

    PUHUI_VAR_DIR=/tmp/credit10 DATABASE_URL=sqlite:////tmp/credit10/x.sqlite3 \\
        DJANGO_SETTINGS_MODULE=tests.credit.settings .venv/bin/python -m django migrate
    … same env … .venv/bin/python -m django demo --scale 10
    … same env … .venv/bin/python bench/bench_credit.py

(until `puhui.credit` is in INSTALLED_APPS, tests.credit.settings installs it). Phases are timed
separately: read (one SQL statement per batch into pandas), score (numpy engine, reasons), limits
(integer cents), write (retire old ratings, bulk insert), and the whole `households_rate` service.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.credit.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from puhui.credit import scoring, selectors, services  # noqa: E402
from puhui.credit.models import HouseholdArchive, Rating  # noqa: E402
from puhui.engines.scoring import Scorecard  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200_000)
    args = parser.parse_args()
    settings.DEBUG = False
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    counted = services.counted_archives()
    n = counted.count()
    print(f"archives: {HouseholdArchive.objects.count():,}, counted (complete and verified): {n:,}")

    version = services.scorecard_active()
    card = Scorecard.from_dict(version.spec)
    t = time.perf_counter()
    df = scoring.archive_frame(counted)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    card.score(df)
    t_pure = time.perf_counter() - t
    t = time.perf_counter()
    out = scoring.rate_frame(card, df)
    t_score = time.perf_counter() - t
    t = time.perf_counter()
    limits = scoring.limits_for(df, out["grade"].to_numpy(), services.limit_rule_active().spec)
    t_limits = time.perf_counter() - t
    print(f"read all rows into pandas: {t_read:6.2f} s")
    print(f"pure scoring (engine):     {t_pure:6.2f} s")
    print(f"scoring with reasons:      {t_score:6.2f} s")
    print(f"limits (integer cents):    {t_limits:6.2f} s  ({int((limits > 0).sum()):,} eligible)")
    del df, out

    t = time.perf_counter()
    summary = services.households_rate(actor=None, batch=args.batch)
    total = time.perf_counter() - t
    print(
        f"households_rate end to end (read, score, limits, retire old, insert): {total:6.2f} s "
        f"for {summary['households']:,} households — target 60 s"
    )
    print("grades:", ", ".join(f"{g} {c:,}" for g, c in sorted(summary["grades"].items())))
    print(f"current ratings: {Rating.objects.filter(is_current=True).count():,}")
    t = time.perf_counter()
    county = selectors.archive_rates("county")
    pre = selectors.precredit_rates("county", on=datetime.date(2021, 12, 31))
    print(
        f"rates by county: {time.perf_counter() - t:.2f} s; 建档率 "
        f"{next(iter(county.values()))['rate']:.3f}, 预授信率 (2021-12-31) {next(iter(pre.values()))['rate']:.3f}"
    )


if __name__ == "__main__":
    main()
