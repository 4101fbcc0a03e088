"""First-loan figures (printed, never asserted): the first-loan list for scale 10 — about 300,000 firms of the
register against 3 years of the banks' loan-level returns — on PostgreSQL; budget 30 s.

    .venv/bin/python bench/bench_firstloans.py                                   # scale 10, 1,000,000 loans a quarter
    .venv/bin/python bench/bench_firstloans.py --scale 1 --loans 100000          # a quicker look
    .venv/bin/python bench/bench_firstloans.py --database-url postgres://postgres@127.0.0.1:5432/puhui_bench_firstloans

The register is the demo county's (divisions, the financial network with its outlets and service points, the
firms of every town: `puhui/demo/build.py`) at the scale asked. Loans are written straight into
`data_loanrecord` (COPY) as every county bank's approved 贷款明细表 for 2019Q1–2021Q4, shaped like the data
app's demo book: two fifths of the firms (keyed hash of their USCC, as the data app stores it) and enough
farm households to give --loans rows a quarter borrow yearly at one bank, 60 % of them in a given year, one-
year loans renewed around the same day of the year. Timed: the list alone (`list_compute`: one DISTINCT over
the returns' firm borrowers, a set look-up per firm), then the whole stored computation (`run_compute`: the
list stored, every loan judged for 首贷 and renewals, all rows written). The database given is dropped and
created again: its name must contain "bench".
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/puhui_bench_firstloans"
QUARTERS = [f"{y}Q{q}" for y in (2019, 2020, 2021) for q in (1, 2, 3, 4)]
COLUMNS = (
    "submission_id", "row", "loan_no", "id_kind", "borrower_id", "borrower_hash", "borrower_type", "town_id",
    "village_id", "amount_fen", "balance_fen", "rate", "issued_on", "due_on", "guarantee", "is_credit",
    "is_first", "is_agri", "status",
)  # fmt: skip


def _django(url: str):
    from bench.bench_submissions import _recreate_postgres

    _recreate_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _register(scale: float):
    from django.db import transaction

    from puhui.demo import build as demo
    from puhui.demo import county

    started = time.perf_counter()
    with transaction.atomic():
        ctx = demo.DemoContext(seed=2020, scale=scale, plan=county.plan_county(2020, scale), progress=print)
        demo._divisions(ctx)
        demo._network(ctx)
        firms = sum(demo._firms(ctx, town) for town in ctx.plan.towns)
    print(
        f"register at scale {scale:g}: {firms:,} firms in {time.perf_counter() - started:.0f} s", flush=True
    )


def _book(loans_a_quarter: int, rng: np.random.Generator):
    """Every loan 2018–2021 as numpy columns: borrower, bank, town, issue and due ordinals, amount (fen)."""
    from puhui.core import crypto
    from puhui.firstloans.access import county_banks
    from puhui.registry.models import Firm

    firms = list(Firm.objects.values_list("uscc", "town_id"))
    pick = rng.choice(len(firms), size=int(len(firms) * 0.42), replace=False)
    farmers = max(int(loans_a_quarter / 0.75) - len(pick), 0)
    towns = np.array(sorted({t for _u, t in firms}))
    hashes = [crypto.lookup_hash(firms[i][0]) for i in pick.tolist()]
    hashes += [f"{i:064x}" for i in range(farmers)]
    n = len(hashes)
    town = np.concatenate([np.array([firms[i][1] for i in pick.tolist()]), rng.choice(towns, farmers)])
    banks = np.array(list(county_banks().values_list("pk", flat=True)))
    bank = rng.choice(banks, n)
    offset = rng.integers(0, 330, n)
    base = np.where(
        np.arange(n) < len(pick),
        rng.lognormal(np.log(400_000), 0.7, n),
        rng.lognormal(np.log(45_000), 0.5, n),
    )
    cols = {k: [] for k in ("b", "issued", "amount")}
    for year in (2018, 2019, 2020, 2021):
        take = np.nonzero(rng.random(n) < 0.6)[0]
        cols["b"].append(take)
        cols["issued"].append(
            datetime.date(year, 1, 1).toordinal() + offset[take] + rng.integers(-10, 11, take.size)
        )
        cols["amount"].append((np.round(base[take], -2) * 100).astype(np.int64))
    book = {k: np.concatenate(v) for k, v in cols.items()}
    book["due"] = book["issued"] + 365
    order = np.lexsort((book["issued"], book["b"]))  # the bank flags each borrower's first loan in the book
    _, first_at = np.unique(book["b"][order], return_index=True)
    book["first"] = np.zeros(book["b"].size, bool)
    book["first"][order[first_at]] = True
    is_firm = book["b"] < len(pick)
    return book, hashes, bank, town, is_firm, len(pick)


def _write(book, hashes, bank, town, is_firm) -> int:
    from django.db import connection
    from django.utils import timezone

    from puhui.core.crypto import encrypt, field_context
    from puhui.data.models import LoanRecord, Submission
    from puhui.data.services import period_get

    placeholder = encrypt(
        "91370323MA3C4DB553", context=field_context(LoanRecord._meta.db_table, "borrower_id")
    )
    loan_bank = bank[book["b"]]
    total = 0
    for code in QUARTERS:
        period = period_get(code)
        start, end = period.start.toordinal(), period.end.toordinal()
        mask = (book["issued"] <= end) & ((book["due"] > end) | (book["issued"] >= start))
        idx = np.nonzero(mask)[0]
        subs = {
            int(b): Submission.objects.create(
                institution_id=int(b), form="loans", period=period, version=1, status="approved", channel="demo",
                submitted_at=timezone.now(), row_count=int((loan_bank[idx] == b).sum()),
            ).pk
            for b in np.unique(bank)
        }  # fmt: skip
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {LoanRecord._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            for row, i in enumerate(idx.tolist()):
                who = int(book["b"][i])
                issued, due = int(book["issued"][i]), int(book["due"][i])
                amount = int(book["amount"][i])
                copy.write_row((
                    subs[int(loan_bank[i])], row + 1, f"L{i:09d}", "uscc" if is_firm[i] else "ric", placeholder,
                    hashes[who], "small" if is_firm[i] else "farm", int(town[who]), None, amount,
                    amount if due > end else 0, "5.0000", datetime.date.fromordinal(issued),
                    datetime.date.fromordinal(due), "credit", True, bool(book["first"][i]), True, "normal",
                ))  # fmt: skip
        total += idx.size
        print(f"  {code}: {idx.size:,} loans written in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10, help="demo county scale (10: about 300,000 firms)")
    parser.add_argument(
        "--loans", type=int, default=1_000_000, help="loan rows a quarter (scale 10: about a million)"
    )
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help="a PostgreSQL database to drop and create"
    )
    args = parser.parse_args()
    _django(args.database_url)
    _register(args.scale)
    book, hashes, bank, town, is_firm, firm_borrowers = _book(args.loans, np.random.default_rng(15))
    rows = _write(book, hashes, bank, town, is_firm)
    print(
        f"loans: {rows:,} rows in {len(QUARTERS)} quarters; {len(hashes):,} borrowers, {firm_borrowers:,} of them firms"
    )

    from puhui.firstloans.services.compute import list_compute, run_compute

    started = time.perf_counter()
    checked, listed = list_compute()
    seconds = time.perf_counter() - started
    print(
        f"first-loan list: {checked:,} firms checked, {listed:,} never borrowed, {seconds:.1f} s (budget 30 s)"
    )
    started = time.perf_counter()
    run = run_compute(actor=None)
    print(
        f"whole stored computation: {time.perf_counter() - started:.1f} s — listed {run.listed:,}, "
        f"borrowers {run.borrowers:,}, platform first loans {run.first_loans:,}, "
        f"disagreements {run.disagreements:,}, renewals {run.renewals:,}"
    )


if __name__ == "__main__":
    main()
