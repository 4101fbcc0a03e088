"""Early-warning figures (printed, never asserted): every warning rule over one quarter of scale-10 loans.

    .venv/bin/python bench/bench_risk_warnings.py                         # temporary SQLite, 1,000,000 loans a quarter
    .venv/bin/python bench/bench_risk_warnings.py --database-url postgres://postgres@127.0.0.1:5432/puhui_bench_warnings
    .venv/bin/python bench/bench_risk_warnings.py --loans 200000          # a quicker look

The issue's figure: all warning rules over scale-10 data for one quarter under 30 s. Building the demo county
at scale 10 takes far longer than the measurement, so the loans are written here straight into
`data_loanrecord` (COPY on PostgreSQL, executemany on SQLite) as ten banks' approved 贷款明细表 for 2020Q4 and
2021Q1: --loans loans a quarter (scale 10 is about a million), 8 % of borrowers firms; between the quarters
4 % of loans are repaid and replaced by new ones, 1 % turn overdue and 0.3 % NPL, and one bank in five cuts
a share of its firms' credit (抽贷). Timed: `warnings_evaluate(period=2021Q1)` end to end — the SQL
GROUP BYs, the engine, the warnings stored and audited — then once more (nothing changes: the idempotent
re-run). The database given is dropped and created again: its name must contain "bench".
"""

import argparse
import datetime
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BANKS = 10
TOWNS = 12
FIRM_SHARE = 0.08
COLUMNS = (
    "submission_id", "row", "loan_no", "id_kind", "borrower_id", "borrower_hash", "borrower_type", "town_id",
    "village_id", "amount_fen", "balance_fen", "rate", "issued_on", "due_on", "guarantee", "is_credit",
    "is_first", "is_agri", "status",
)  # fmt: skip


def _django(url: str | None):
    if url:
        from bench.bench_submissions import _recreate_postgres

        _recreate_postgres(url)
        os.environ["DATABASE_URL"] = url
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="bench-warnings-")
        os.environ["PUHUI_VAR_DIR"] = cleanup.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return cleanup


def _county():
    from puhui.core.models import Division, Organisation
    from puhui.data import services

    county = Division.objects.create(code="370323000000", name="沂源县", level="county", kind="county")
    towns = [
        Division.objects.create(code=f"370323{100 + i:03d}000", name=f"第{i + 1}镇", level="town", kind="town", parent=county)
        for i in range(TOWNS)
    ]  # fmt: skip
    banks = [
        Organisation.objects.create(
            code=f"B{i:02d}", name=f"测试银行{i + 1}沂源县支行", kind="commercial_bank"
        )
        for i in range(BANKS)
    ]
    periods = [services.period_get("2020Q4"), services.period_get("2021Q1")]
    return towns, banks, periods


def _quarters(n: int, rng: np.random.Generator):
    """Two quarters of loans as numpy columns (borrower index, bank, town, balance 分, status 0/1/2, agri, small)."""
    borrowers = int(n * 0.75)
    firms = int(borrowers * FIRM_SHARE)
    bank_weights = np.array([0.30, 0.18, 0.12, 0.1, 0.08, 0.07, 0.06, 0.04, 0.03, 0.02])

    def draw(size):
        borrower = rng.integers(0, borrowers, size)
        is_firm = borrower < firms
        balance = np.where(
            is_firm,
            np.exp(rng.normal(np.log(2_000_000), 1.0, size)),
            np.exp(rng.normal(np.log(80_000), 0.8, size)),
        )
        return {
            "borrower": borrower,
            "bank": rng.choice(BANKS, size, p=bank_weights),
            "town": rng.integers(0, TOWNS, size),
            "balance": (np.round(balance, -2) * 100).astype(np.int64),
            "status": rng.choice(3, size, p=[0.95, 0.03, 0.02]),
            "agri": ~is_firm | (rng.random(size) < 0.3),
        }

    q0 = draw(n)
    q1 = {k: v.copy() for k, v in q0.items()}
    repaid = rng.random(n) < 0.04
    fresh = draw(int(repaid.sum()))
    for k in q1:
        q1[k][repaid] = fresh[k]
    worse = rng.random(n)
    q1["status"][(worse < 0.01) & (q1["status"] == 0)] = 1
    q1["status"][(worse > 0.997) & (q1["status"] < 2)] = 2
    cutting = rng.choice(BANKS, 2, replace=False)  # 抽贷: these banks cut 60–100 % of some firms' loans
    cut = (
        (q1["borrower"] < firms) & np.isin(q1["bank"], cutting) & (rng.random(n) < 0.02) & (q1["status"] == 0)
    )
    q1["balance"][cut] = (q1["balance"][cut] * rng.uniform(0, 0.4, int(cut.sum()))).astype(np.int64)
    return (q0, q1), firms


def _write(quarters, firms, towns, banks, periods) -> None:
    from django.db import connection
    from django.utils import timezone

    from puhui.core.crypto import encrypt, field_context
    from puhui.data.models import LoanRecord, Submission

    context = field_context(LoanRecord._meta.db_table, "borrower_id")
    person = encrypt("370323199001011234", context=context)
    firm_ids = {}
    issued, due = datetime.date(2020, 6, 1), datetime.date(2022, 6, 1)
    pg = connection.vendor == "postgresql"
    for period, q in zip(periods, quarters, strict=True):
        subs = {
            b: Submission.objects.create(
                institution=banks[b], form="loans", period=period, version=1, status="approved",
                channel="demo", submitted_at=timezone.now(), row_count=int((q["bank"] == b).sum()),
            ).pk
            for b in range(BANKS)
        }  # fmt: skip
        n = q["borrower"].size
        start = time.perf_counter()

        def rows(q=q, n=n, subs=subs):
            for i in range(n):
                who = int(q["borrower"][i])
                firm = who < firms
                if firm and who not in firm_ids:
                    number = f"91370323MA{who:07d}X"
                    firm_ids[who] = encrypt(number, context=context)
                key = hashlib.sha256(f"{'F' if firm else 'P'}{who}".encode()).hexdigest()
                yield (
                    subs[int(q["bank"][i])], i + 1, f"L{i:08d}", "uscc" if firm else "ric",
                    firm_ids[who] if firm else person, key, "small" if firm else "farm", towns[int(q["town"][i])].pk,
                    None, int(q["balance"][i]), int(q["balance"][i]), "5.0000", issued, due, "credit", True, False,
                    bool(q["agri"][i]), ("normal", "overdue", "npl")[int(q["status"][i])],
                )  # fmt: skip

        table = LoanRecord._meta.db_table
        with connection.cursor() as cursor:
            if pg:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for r in rows():
                        copy.write_row(r)
            else:
                marks = ", ".join("%s" for _ in COLUMNS)
                sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"
                batch = []
                for r in rows():
                    batch.append(r)
                    if len(batch) == 50_000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
        print(f"  {period.code}: {n:,} loans written in {time.perf_counter() - start:.1f} s", flush=True)
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {LoanRecord._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--loans", type=int, default=1_000_000, help="loans a quarter (scale 10: about a million)"
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to drop, create and use (name with 'bench')"
    )
    args = parser.parse_args()
    cleanup = _django(args.database_url)
    try:
        from django.db import connection, transaction

        from puhui.risk.models import Warning
        from puhui.risk.services.warnings import warnings_evaluate

        print(f"database: {connection.vendor}; {args.loans:,} loans a quarter, {BANKS} banks, {TOWNS} towns")
        with transaction.atomic():
            towns, banks, periods = _county()
            quarters, firms = _quarters(args.loans, np.random.default_rng(21))
            _write(quarters, firms, towns, banks, periods)
        for run in ("first run (warnings raised)", "second run (nothing changes)"):
            wall, cpu = time.perf_counter(), time.process_time()
            counts = warnings_evaluate(period=periods[1])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"all warning rules over {periods[1].code}, {run}: {wall:.1f} s wall, {cpu:.1f} s CPU — "
                f"raised {counts['raised']}, updated {counts['updated']}, unchanged {counts['unchanged']}, "
                f"skipped {', '.join(counts['skipped']) or 'none'}",
                flush=True,
            )
        by_rule = Warning.objects.values_list("rule_code").order_by("rule_code")
        print(
            "warnings by rule:",
            dict(by_rule.annotate(n=__import__("django.db.models").db.models.Count("pk"))),
        )
    finally:
        if cleanup is not None:
            cleanup.cleanup()


if __name__ == "__main__":
    main()
