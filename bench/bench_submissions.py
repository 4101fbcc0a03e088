"""Benchmark a loan-level submission of 1,000,000 rows (CSV and xlsx), checked and stored, and the same rows
through django-import-export as the peer.

    .venv/bin/python bench/bench_submissions.py --database-url postgres://postgres@127.0.0.1:5432/puhui_bench_data
    .venv/bin/python bench/bench_submissions.py --rows 100000 --formats csv        # a quicker look
    .venv/bin/python bench/bench_submissions.py --peer-rows 1000000                # the peer on every row (slow)

Each measured run is a child process, so its peak RSS is its own (os.wait4). The files are generated once
and kept in bench/out/data/. The database is dropped and created again (its name must contain "bench");
without --database-url a temporary SQLite file is used. django-import-export is a bench-only dependency,
the `bench` extra (`.venv/bin/pip install -e ".[bench]"`); without it the peer is skipped with a message
saying so. Prints, never asserts.

What each side does per row: ours parses every cell with the import engine, checks ID numbers/USCCs
(python-stdnum) and that the borrower is of this county, the town code, balance ≤ amount, dates, flags,
duplicates, then encrypts the ID and writes by COPY. The peer converts cells with its widgets (no checks
beyond types) and bulk-creates model instances (the ID is encrypted by the model field).
"""

import argparse
import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "data"
HEADER = [
    "借据号",
    "借款人证件号码",
    "借款人类型",
    "所在区划代码",
    "贷款金额（元）",
    "贷款余额（元）",
    "年利率（%）",
    "发放日期",
    "到期日期",
    "担保方式",
    "信用贷款",
    "首贷",
    "涉农贷款",
    "贷款状态",
]
SETTINGS = "puhui.settings"
PEER_MISSING = (
    "peer: SKIPPED — django-import-export is not installed, so no peer figure and no ratio. "
    'Install the bench extra: .venv/bin/pip install -e ".[bench]"  (or pass --no-peer)'
)
TOWNS = [f"370323{t}000" for t in ("001", "002", *(f"{n}" for n in range(102, 112)))]


# ---------------------------------------------------------------- files


def generate(rows: int) -> Path:
    """A valid loan-level CSV of `rows` rows (cached)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"loans_{rows}.csv"
    if path.exists():
        return path
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from puhui.demo import ids

    rng = np.random.default_rng(1)
    n_people = max(1000, rows // 15)
    year = rng.integers(1990, 2000, n_people)
    people = ids.resident_ids(
        year, rng.integers(1, 13, n_people), rng.integers(1, 29, n_people), rng.integers(0, 1000, n_people)
    )
    firms = ids.usccs("91370323", np.arange(1, n_people // 5 + 1) * 7919, prefix="MA")
    villages = [t[:9] + f"{200 + v:03d}" for t in TOWNS for v in range(1, 6)]
    kind = rng.random(rows)
    who = rng.integers(0, n_people, rows)
    fwho = rng.integers(0, len(firms), rows)
    place = rng.integers(0, len(villages), rows)
    amount = rng.integers(100, 5000, rows) * 100
    frac = rng.random(rows)
    credit = rng.random(rows) < 0.3
    day = rng.integers(1, 28, rows)
    month = rng.integers(1, 13, rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            farm = kind[i] < 0.7
            cr = bool(credit[i])
            w.writerow(
                [
                    f"JJ{i:09d}",
                    people[who[i]] if farm else firms[fwho[i]],
                    "农户" if farm else "小微企业",
                    villages[place[i]],
                    f"{amount[i]}.00",
                    f"{max(100, int(amount[i] * frac[i]))}.00",
                    "5.5",
                    f"2019-{month[i]:02d}-{day[i]:02d}",
                    f"2021-{month[i]:02d}-{day[i]:02d}",
                    "信用" if cr else "抵押",
                    "是" if cr else "否",
                    "否",
                    "是" if farm else "否",
                    "正常",
                ]
            )
    return path


def to_xlsx(csv_path: Path) -> Path:
    path = csv_path.with_suffix(".xlsx")
    if path.exists():
        return path
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("贷款明细")
    with open(csv_path, encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            ws.append(row)
    wb.save(path)
    return path


# ---------------------------------------------------------------- child processes


def _django(settings_module: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def child_setup() -> dict:
    """The county the files refer to: 12 towns, 5 villages each, one bank and its user; the catalogue."""
    from puhui.core.models import Division, Organisation, User
    from puhui.data import services

    county = Division.objects.create(code="370323000000", name="沂源县", level="county", kind="county")
    for code in TOWNS:
        town = Division.objects.create(
            code=code, name=f"镇{code[6:9]}", level="town", kind="town", parent=county
        )
        for v in range(1, 6):
            Division.objects.create(
                code=code[:9] + f"{200 + v:03d}",
                name=f"村{code[6:9]}{v}",
                level="village",
                kind="village",
                parent=town,
            )
    bank = Organisation.objects.create(code="RCB-YY", name="沂源农商银行", kind="rural_bank")
    bank.path = bank.compute_path()
    bank.save(update_fields=["path"])
    User.objects.create(username="bank", role="institution", organisation=bank)
    services.catalogue_sync(actor=None)
    services.period_get("2020Q1")
    return {"ok": True}


def child_ours(path: str) -> dict:
    from django.db import connection

    from puhui.core.models import Organisation, User
    from puhui.data import catalogue, intake
    from puhui.data.models import ReportingPeriod

    bank = Organisation.objects.get(code="RCB-YY")
    user = User.objects.get(username="bank")
    marks = {}
    start = time.perf_counter()

    def progress(done, total, message):
        if message.startswith("检查通过"):
            marks["checked"] = time.perf_counter() - start

    outcome = intake.receive(
        actor=user,
        actor_label="bench",
        institution=bank,
        form=catalogue.form("loans"),
        period=ReportingPeriod.objects.get(code="2020Q1"),
        channel="cli",
        path=path,
        filename=os.path.basename(path),
        progress=progress,
    )
    total = time.perf_counter() - start
    return {
        "ok": outcome.ok,
        "errors": outcome.errors.total,
        "rows": outcome.rows,
        "seconds": round(total, 1),
        "check_seconds": round(marks.get("checked", total), 1),
        "store_seconds": round(total - marks.get("checked", total), 1),
        "database": connection.vendor,
        "source": outcome.source,
    }


def child_peer(path: str) -> dict:
    import tablib
    from django.db import connection
    from import_export import fields, resources, widgets

    from puhui.core import crypto
    from puhui.core.models import Division, Organisation
    from puhui.data.models import LoanRecord, ReportingPeriod, Submission

    places = {
        code: (parent or pk, pk if parent else None)
        for pk, code, parent in Division.objects.filter(level__in=["town", "village"]).values_list(
            "pk", "code", "parent_id"
        )
    }
    bank = Organisation.objects.get(code="RCB-YY")
    from django.utils import timezone

    sub = Submission.objects.create(
        institution=bank,
        form="loans",
        period=ReportingPeriod.objects.get(code="2020Q1"),
        version=99,
        channel="cli",
        submitted_at=timezone.now(),
        submitted_label="peer",
    )
    labels = {
        "借款人类型": {"农户": "farm", "小微企业": "small", "个体工商户": "individual", "其他": "other"},
        "担保方式": {
            "信用": "credit",
            "保证": "guarantee",
            "抵押": "mortgage",
            "质押": "pledge",
            "其他": "other",
        },
        "贷款状态": {"正常": "normal", "逾期": "overdue", "不良": "npl"},
    }

    class Choice(widgets.CharWidget):
        def __init__(self, mapping):
            super().__init__()
            self.mapping = mapping

        def clean(self, value, row=None, **kwargs):
            return self.mapping[value]

    class Fen(widgets.DecimalWidget):
        def clean(self, value, row=None, **kwargs):
            return int(super().clean(value, row, **kwargs) * 100)

    class Yes(widgets.BooleanWidget):
        TRUE_VALUES = ["是", "1", True]
        FALSE_VALUES = ["否", "0", False]

    class LoanResource(resources.ModelResource):
        loan_no = fields.Field(attribute="loan_no", column_name="借据号")
        borrower_id = fields.Field(attribute="borrower_id", column_name="借款人证件号码")
        borrower_type = fields.Field(
            attribute="borrower_type", column_name="借款人类型", widget=Choice(labels["借款人类型"])
        )
        amount_fen = fields.Field(attribute="amount_fen", column_name="贷款金额（元）", widget=Fen())
        balance_fen = fields.Field(attribute="balance_fen", column_name="贷款余额（元）", widget=Fen())
        rate = fields.Field(attribute="rate", column_name="年利率（%）", widget=widgets.DecimalWidget())
        issued_on = fields.Field(
            attribute="issued_on", column_name="发放日期", widget=widgets.DateWidget("%Y-%m-%d")
        )
        due_on = fields.Field(
            attribute="due_on", column_name="到期日期", widget=widgets.DateWidget("%Y-%m-%d")
        )
        guarantee = fields.Field(
            attribute="guarantee", column_name="担保方式", widget=Choice(labels["担保方式"])
        )
        is_credit = fields.Field(attribute="is_credit", column_name="信用贷款", widget=Yes())
        is_first = fields.Field(attribute="is_first", column_name="首贷", widget=Yes())
        is_agri = fields.Field(attribute="is_agri", column_name="涉农贷款", widget=Yes())
        status = fields.Field(attribute="status", column_name="贷款状态", widget=Choice(labels["贷款状态"]))

        class Meta:
            model = LoanRecord
            fields = (
                "loan_no",
                "borrower_id",
                "borrower_type",
                "amount_fen",
                "balance_fen",
                "rate",
                "issued_on",
                "due_on",
                "guarantee",
                "is_credit",
                "is_first",
                "is_agri",
                "status",
            )
            use_bulk = True
            batch_size = 5000
            force_init_instance = True
            skip_diff = True
            skip_unchanged = False
            report_skipped = False

        def before_save_instance(self, instance, row, **kwargs):
            instance.submission_id = sub.pk
            instance.row = 0
            instance.id_kind = "ric" if instance.borrower_id[:17].isdigit() else "uscc"
            instance.borrower_hash = crypto.lookup_hash(instance.borrower_id)
            instance.town_id, instance.village_id = places[row["所在区划代码"]]

    start = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        dataset = tablib.Dataset().load(f.read(), format="csv")
    loaded = time.perf_counter() - start
    result = LoanResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    total = time.perf_counter() - start
    return {
        "rows": len(dataset),
        "stored": LoanRecord.objects.filter(submission=sub).count(),
        "seconds": round(total, 1),
        "load_seconds": round(loaded, 1),
        "errors": result.has_errors(),
        "database": connection.vendor,
    }


# ---------------------------------------------------------------- orchestration


def _recreate_postgres(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if "bench" not in cfg["NAME"]:
        raise SystemExit(f"refusing to drop database {cfg['NAME']!r}: its name must contain 'bench'")
    conninfo = {
        k: v
        for k, v in dict(
            dbname="postgres",
            user=cfg["USER"],
            password=cfg["PASSWORD"] or None,
            host=cfg["HOST"],
            port=cfg["PORT"] or None,
        ).items()
        if v
    }
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def _child_measured(env, mode: str, path: str = "") -> tuple[dict, float]:
    """Run a child and read its own peak RSS from wait4 (Linux: KiB)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", mode, "--path", path],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        out = proc.stdout.read()  # to the end before reaping, so a full pipe never blocks the child
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-4000:])
            raise SystemExit(f"child {mode} failed")
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--peer-rows", type=int, default=100_000, help="rows for django-import-export (default 100,000)"
    )
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a scratch database (name containing 'bench')"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _django(os.environ.get("DJANGO_SETTINGS_MODULE") or SETTINGS)
        result = {
            "setup": child_setup,
            "ours": lambda: child_ours(args.path),
            "peer": lambda: child_peer(args.path),
        }[args.child]()
        print(json.dumps(result, ensure_ascii=False))
        return 0

    peer_installed = importlib.util.find_spec("import_export") is not None
    if not args.no_peer and not peer_installed:
        print(PEER_MISSING, flush=True)  # said first, and again where the peer's figures would be
    work = Path(tempfile.mkdtemp(prefix="puhui-bench-data-"))
    env = dict(os.environ, PUHUI_VAR_DIR=str(work), DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONUNBUFFERED="1")
    if args.database_url:
        _recreate_postgres(args.database_url)
        env["DATABASE_URL"] = args.database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    print(
        f"CPUs: {os.cpu_count()}  Python {sys.version.split()[0]}  settings {env['DJANGO_SETTINGS_MODULE']}",
        flush=True,
    )
    t = time.perf_counter()
    csv_path = generate(args.rows)
    print(
        f"file: {csv_path.name} {csv_path.stat().st_size / 2**20:.1f} MB (ready in {time.perf_counter() - t:.0f} s)",
        flush=True,
    )
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    _child_measured(env, "setup")
    results = {}
    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        path = csv_path if fmt == "csv" else to_xlsx(csv_path)
        r, rss = _child_measured(env, "ours", str(path))
        results[fmt] = r
        size = path.stat().st_size / 2**20
        print(
            f"ours {fmt} ({size:.0f} MB, {r['database']}): {r['rows']:,} rows, {'stored' if r['ok'] else 'REFUSED'} in {r['seconds']} s "
            f"(check {r['check_seconds']} s + store {r['store_seconds']} s), {r['rows'] / max(r['seconds'], 1e-9):,.0f} rows/s, "
            f"peak RSS {rss:.0f} MB",
            flush=True,
        )
    if not args.no_peer:
        if not peer_installed:
            print(PEER_MISSING, flush=True)
            shutil.rmtree(work, ignore_errors=True)
            return 0
        peer_path = generate(args.peer_rows)
        r, rss = _child_measured(env, "peer", str(peer_path))
        rate = r["rows"] / max(r["seconds"], 1e-9)
        print(
            f"peer django-import-export csv ({r['database']}): {r['rows']:,} rows in {r['seconds']} s (tablib load {r['load_seconds']} s), "
            f"{rate:,.0f} rows/s, peak RSS {rss:.0f} MB",
            flush=True,
        )
        if "csv" in results:
            ours = results["csv"]["rows"] / max(results["csv"]["seconds"], 1e-9)
            print(
                f"ratio (rows per second, ours csv / peer): {ours / rate:.1f}×; the peer at 1,000,000 rows would take ~{1_000_000 / rate:,.0f} s"
            )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
