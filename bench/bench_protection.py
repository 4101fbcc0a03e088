"""Consumer-protection figures of issue #17 (printed, never asserted).

    .venv/bin/python bench/bench_protection.py                  # both parts, PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/bench_protection.py --part pages --complaints 20000   # a quicker look
    .venv/bin/python bench/bench_protection.py --part filing --filings 200 --workers 2

Part `pages` (issue: "deadline board and statistics with 100,000 complaints: p95 under 300 ms on
PostgreSQL"): database puhui_bench_protection is dropped, created and migrated; a county office user, 10
banks (the first with 3 outlets) and a user of the first bank; then --complaints complaints received over
the last two years, spread over banks (skewed), channels, categories, causes and states (older ones
answered/closed/escalated, recent ones mostly still handled, some overdue), written by bulk_create in
batches so that the EncryptedField/LookupHashField classes encrypt and hash name, phone and ID number as the
model does. In process (Django's test Client, force_login), for the office and for the bank user: the
deadline board (first page, a filtered page, the last page), the complaints list (a search by number, a
search by full phone number through its hash redirect, a filter) and the statistics page — --repeat
requests each after a warm-up; p50/p95 and the SQL statements of each page.

Part `filing` (issue: "public complaint page: 200 concurrent filings on 127.0.0.1 without an error"): a
fresh database puhui_bench_protection_http with 10 banks; gunicorn (the production server, README) on a
free port of 127.0.0.1 with --workers sync workers. For the server process only, PUHUI_TRUSTED_PROXIES=
127.0.0.1 so that each simulated phone can carry its own address in X-Forwarded-For (the limiter keys on
`core.net.client_ip`; without it every filing would come from 127.0.0.1 and the 5/h limit would refuse all
but five). --filings threads start together; each GETs /protection/file/ (CSRF cookie and token) and POSTs
the form, as a phone's browser does. Counted: 200 (filed, code shown), 429, every other answer and every
refused connection; then the stored complaints are compared with the codes shown (their SHA-256). Last,
one address files 7 times in a row: the 6th and 7th should be 429.

Both databases are dropped at the end (--keep keeps them).
"""

import argparse
import datetime
import hashlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
PG = "postgres://postgres@127.0.0.1:5432/"
PAGES_DB = PG + "puhui_bench_protection"
HTTP_DB = PG + "puhui_bench_protection_http"
BANKS = 10
BANK_WEIGHTS = [0.28, 0.18, 0.12, 0.1, 0.08, 0.07, 0.06, 0.05, 0.04, 0.02]


def _drop(url: str) -> None:
    import dj_database_url
    import psycopg

    name = dj_database_url.parse(url)["NAME"]
    assert "bench" in name
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _django(url: str) -> None:
    from bench.bench_submissions import _recreate_postgres

    _recreate_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    import django

    django.setup()
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated {url.rsplit('/', 1)[1]} in {time.perf_counter() - start:.0f} s", flush=True)


def _county():
    """10 banks (the first with 3 outlets), the office user, one user per bank; returns (banks, office, bank user)."""
    from puhui.core.models import Organisation, User

    banks = [
        Organisation.objects.create(
            code=f"BB{i:02d}", name=f"测试银行{i + 1}沂源县支行", kind="commercial_bank"
        )
        for i in range(BANKS)
    ]
    outlets = [
        Organisation.objects.create(
            code=f"BB00-{j}",
            name=f"测试银行1第{j + 1}网点",
            kind="commercial_bank",
            level="outlet",
            parent=banks[0],
        )
        for j in range(3)
    ]
    office = User.objects.create(username="bench_office", role="office")
    users = [
        User.objects.create(username=f"bench_bank{i}", role="institution", organisation=b)
        for i, b in enumerate(banks)
    ]
    return banks, outlets, office, users[0]


def _complaints(n: int, banks, outlets) -> None:
    """n complaints over the last two years, by bulk_create (the model's own field classes encrypt)."""
    from django.db import connection
    from django.utils import timezone

    from puhui.protection import rules
    from puhui.protection.models import Business, BusinessChannel, Cause, Channel, Complaint

    rng = random.Random(17)
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=d) for d in range(730)]
    due = {d: rules.answer_due(d) for d in days}
    targets = banks + outlets
    weights = BANK_WEIGHTS + [0.03, 0.02, 0.01]
    channels, business, causes = Channel.values, Business.values, Cause.values
    business_channels = BusinessChannel.values
    per_day: dict[datetime.date, int] = {}
    S = Complaint.Status
    start, batch, written = time.perf_counter(), [], 0
    for i in range(n):
        day = days[min(729, int(rng.expovariate(1 / 300)))]  # more recent than old, as a platform grows
        per_day[day] = per_day.get(day, 0) + 1
        age = (today - day).days
        kw = {}
        r = rng.random()
        if age <= 30 and r < 0.7 or age > 30 and r < 0.01:  # still handled (the old ones overdue)
            status = S.HANDLING
            if rng.random() < 0.05 and age <= 30:
                kw.update(extended_to=due[day] + datetime.timedelta(days=20), extension_reason="情况复杂")
        else:
            status = rng.choices([S.ANSWERED, S.CLOSED, S.ESCALATED, S.MEDIATION], [0.3, 0.6, 0.07, 0.03])[0]
            answered = min(today, day + datetime.timedelta(days=rng.randint(1, 20)))
            late = answered > due[day]
            kw.update(answered_on=answered, answer="已核实并答复。", late=late)
            if status != S.ANSWERED or rng.random() < 0.4:
                kw["feedback"] = rng.choice(["satisfied", "satisfied", "satisfied", "unsatisfied"])
            if status in (S.ESCALATED, S.MEDIATION):
                kw["escalated_on"] = answered
            if status == S.CLOSED:
                kw["closed_on"] = answered
        batch.append(
            Complaint(
                number=f"TS{day:%Y%m%d}{per_day[day]:04d}",
                tracking_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                channel=rng.choice(channels),
                business_channel=rng.choice(business_channels),
                business=rng.choice(business),
                cause=rng.choice(causes),
                institution=rng.choices(targets, weights)[0],
                name=f"投诉人{i}",
                phone=f"139{i:08d}",
                id_number=f"370323199001{i % 10000:04d}1X" if i % 3 == 0 else "",
                content="在网点办理业务时被搭售理财产品，要求退还。",
                demand="退还费用",
                received_on=day,
                due_on=due[day],
                status=status,
                **kw,
            )
        )
        if len(batch) == 5000 or i == n - 1:
            Complaint.objects.bulk_create(batch)
            written += len(batch)
            batch = []
            print(
                f"  {written:,} complaints written ({time.perf_counter() - start:.0f} s)",
                end="\r",
                flush=True,
            )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Complaint._meta.db_table}")
    print(f"\n{n:,} complaints written in {time.perf_counter() - start:.0f} s", flush=True)


def _measure(client, url: str, repeat: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up, and the page must answer
    if response.status_code != 200:
        return None, response.status_code
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    return (times, len(ctx.captured_queries), float(slowest["time"]) * 1000, slowest["sql"]), 200


def part_pages(args) -> None:
    _django(PAGES_DB)
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from bench.loadtest import percentile
    from puhui.protection.models import Complaint

    settings.ALLOWED_HOSTS = ["*"]
    with transaction.atomic():
        banks, outlets, office, bank_user = _county()
    _complaints(args.complaints, banks, outlets)
    open_n = Complaint.objects.filter(status="handling").count()
    print(f"complaints: {Complaint.objects.count():,}, still handled {open_n:,}; DEBUG={settings.DEBUG}")
    sample = Complaint.objects.filter(institution=banks[0]).order_by("-received_on").first()
    pages = [
        ("看板 第一页", "/protection/complaints/board/"),
        ("看板 逾期筛选", "/protection/complaints/board/?overdue=1"),
        ("看板 末页", "/protection/complaints/board/?before=last"),
        ("投诉 编号搜索", f"/protection/complaints/?q={sample.number}"),
        ("投诉 手机号搜索", f"/protection/complaints/?q={sample.phone}"),  # redirected to its hash
        ("投诉 筛选", "/protection/complaints/?status=closed&channel=03&cause=11"),
        ("投诉 末页", "/protection/complaints/?before=last"),
        ("统计", "/protection/statistics/"),
        ("统计 日期筛选", f"/protection/statistics/?from={datetime.date.today().year - 1}-01-01"),
    ]
    print(f"{'page':<16}{'user':<14}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'SQL':>5}  slowest statement")
    slow = []
    for user in (office, bank_user):
        client = Client()
        client.force_login(user)
        for label, url in pages:
            if "q=139" in url:  # a number is never kept in the address: follow the redirect once
                response = client.get(url)
                url = response["Location"] if response.status_code == 302 else url
            result, status = _measure(client, url, args.repeat)
            if result is None:
                print(f"{label:<16}{user.username:<14}  answered {status}")
                continue
            times, count, slowest_ms, sql = result
            p95 = percentile(times, 95)
            print(
                f"{label:<16}{user.username:<14}{statistics.median(times):>9.1f}{p95:>9.1f}{times[-1]:>9.1f}"
                f"{count:>5}  {slowest_ms:.1f} ms",
                flush=True,
            )
            if p95 > 300:
                slow.append((label, user.username, sql))
    for label, who, sql in slow:
        print(f"\nover 300 ms: {label} as {who}; slowest statement:\n{sql[:400]} …")


# ---------------------------------------------------------------- part 2: concurrent public filings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed() -> None:
    """Child: migrate the fresh filing database and create the banks and their users."""
    _django(HTTP_DB)
    _county()


def _file_once(base: str, address: str, bank: int, i: int) -> tuple[str, str]:
    """One phone's filing: GET the form, POST it. Returns (outcome, tracking code or detail)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    headers = {"X-Forwarded-For": address, "User-Agent": "Mozilla/5.0 (Linux; Android 14) bench"}
    try:
        page = opener.open(urllib.request.Request(base, headers=headers), timeout=120).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = {
            "csrfmiddlewaretoken": token, "institution": str(bank), "business_channel": "101",
            "business": "0302", "cause": "11",
            "name": f"测试{i}", "phone": f"1380000{i:04d}", "content": "信用卡年费未经告知即扣收。",
            "demand": "退还年费",
        }  # fmt: skip
        req = urllib.request.Request(
            base, data=urllib.parse.urlencode(data).encode(), headers={**headers, "Referer": base}
        )
        answer = opener.open(req, timeout=120)
        body = answer.read().decode()
        code = re.search(r'data-testid="tracking-code">([^<]+)<', body)
        return ("filed", code.group(1)) if code else ("200 without code", "")
    except urllib.error.HTTPError as e:
        return (str(e.code), e.read()[:200].decode(errors="replace"))
    except OSError as e:
        return ("connection", repr(e))


def _stored(url: str) -> tuple[int, set[str]]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute("SELECT tracking_hash FROM protection_complaint").fetchall()
    return len(rows), {r[0] for r in rows}


def part_filing(args) -> None:
    import psycopg

    subprocess.run([sys.executable, __file__, "--_seed"], check=True, cwd=ROOT)
    with psycopg.connect(HTTP_DB.replace("postgres://", "postgresql://")) as conn:
        bank_ids = [
            r[0] for r in conn.execute("SELECT id FROM core_organisation WHERE level='branch' ORDER BY id")
        ]
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": HTTP_DB, "PUHUI_TRUSTED_PROXIES": "127.0.0.1"}
    print(
        f"server: gunicorn puhui.wsgi -b 127.0.0.1:{port} -w {args.workers} (sync); server env only: "
        f"PUHUI_TRUSTED_PROXIES=127.0.0.1, DATABASE_URL={HTTP_DB}; rate limit 5/h per address (views default)"
    )
    cmd = [str(BIN / "gunicorn"), "puhui.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers)]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server stderr, summarised (closed below)
    server = subprocess.Popen(
        cmd + ["--timeout", "300", "--log-level", "warning"], env=env, cwd=ROOT, stderr=log
    )
    base = f"http://127.0.0.1:{port}/protection/file/"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        results: list[tuple[str, str]] = [("not run", "")] * args.filings
        latency = [0.0] * args.filings
        gate = threading.Barrier(args.filings)

        def phone(i: int) -> None:
            gate.wait()
            start = time.perf_counter()
            address = f"10.{17 + i // 60000}.{i // 250 % 240}.{i % 250 + 1}"
            results[i] = _file_once(base, address, bank_ids[i % len(bank_ids)], i)
            latency[i] = time.perf_counter() - start

        threads = [threading.Thread(target=phone, args=(i,)) for i in range(args.filings)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
        outcomes: dict[str, int] = {}
        for outcome, _ in results:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        lat = sorted(latency)
        print(
            f"{args.filings} concurrent filings (GET + POST each) in {wall:.1f} s: {outcomes}; per filing "
            f"p50 {statistics.median(lat):.1f} s, p95 {lat[int(len(lat) * 0.95) - 1]:.1f} s, max {lat[-1]:.1f} s"
        )
        for outcome, detail in results:
            if outcome not in ("filed", "429"):
                print("  not filed:", outcome, re.sub(r"\s+", " ", detail)[:200])
                break
        codes = {
            hashlib.sha256(c.replace("-", "").upper().encode()).hexdigest()
            for o, c in results
            if o == "filed"
        }
        n, hashes = _stored(HTTP_DB)
        print(
            f"stored complaints {n}, codes shown {len(codes)}, every shown code stored: {codes <= hashes}, "
            f"nothing stored that was not shown: {hashes <= codes}"
        )
        one = [_file_once(base, "10.250.0.1", bank_ids[0], 9000 + k)[0] for k in range(7)]
        print(f"one address filing 7 times in a row: {one}")
        n2, _ = _stored(HTTP_DB)
        print(f"stored after that: {n2} (+{n2 - n})")
    finally:
        server.terminate()
        server.wait()
        log.seek(0)
        errors: dict[str, int] = {}
        for line in log.read().decode(errors="replace").splitlines():
            if re.match(r"^[\w.]+(Error|Exception): ", line):
                errors[line[:160]] = errors.get(line[:160], 0) + 1
        for line, count in errors.items():
            print(f"server log: {count} × {line}")
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["pages", "filing", "both"], default="both")
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--_seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._seed:
        _seed()
        return
    print(
        f"cores {os.cpu_count()}; {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}"
    )
    try:
        if args.part in ("pages", "both"):
            part_pages(args)
        if args.part in ("filing", "both"):
            part_filing(args)
    finally:
        if not args.keep:
            if "django" in sys.modules and args.part != "filing":
                from django.db import connections

                connections.close_all()
            for url in (PAGES_DB, HTTP_DB):
                _drop(url)
            print("bench databases dropped")


if __name__ == "__main__":
    main()
