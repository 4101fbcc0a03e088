"""Latency of every list on the list component (puhui/core/lists.py), and the Excel export of 50,000 rows,
on an existing demo database (scale 10 on PostgreSQL is what the figures in docs/lists.md are for):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puhui_bench_lists .venv/bin/python bench/bench_lists.py
        [--repeat 10] [--only credit_lines,household_list] [--export-rows 50000] [--no-export] [--explain]

In process: Django's test Client renders each page `--repeat` times after one warm-up request. For each
list and user it measures the first page, a search term (a name taken from the list itself, and for the
lists that search personal data an ID number, reached through its keyed hash as the search form does),
every filter the page offers (its first choice, or the last 30 days for a date range), every sortable
column, the second page (a cursor) and the last page. Prints p50/p95/max per variant, the number of SQL
statements and the slowest one; then the export: time to first byte, total time and peak Python memory
(tracemalloc) for the list and filter whose rows come nearest to `--export-rows`.
Printed, never asserted. Target: p95 under 300 ms for every page.
"""

import argparse
import os
import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402

from bench.loadtest import percentile  # noqa: E402
from puhui.core.models import User  # noqa: E402
from puhui.registry.models import Household  # noqa: E402

# (url name, users, the column whose first cell is the search term)
LISTS = [
    ("household_list", ["office", "town_370323001", "agent_01"], "head_name"),
    ("firm_list", ["office", "town_370323001"], "name"),
    ("credit_worklist", ["agent_01", "town_370323001", "bank_rcb", "office"], "head_name"),
    ("credit_lines", ["bank_abc", "bank_rcb", "town_370323001", "office"], "household"),
    ("credit_access_log", ["office"], "actor"),
    ("division_list", ["office"], "name"),
    ("organisation_list", ["office", "bank_abc"], "name"),
    ("servicepoint_list", ["office", "bank_rcb"], "name"),
    ("terminal_list", ["office"], "code"),
    ("user_list", ["admin"], "display_name"),
    ("audit_list", ["office"], "actor"),
    ("data_submission_list", ["office", "bank_abc"], "institution"),
    ("data_upload_list", ["office", "bank_abc"], "institution"),
    ("plan_report_list", ["office"], "unit"),
    ("plan_notice_list", ["office"], "unit"),
    ("plan_delay_list", ["office"], "unit"),
    ("plan_notifications", ["office"], "title"),
    ("job_list", ["office"], "label"),
]
PERSONAL = {"household_list", "credit_worklist", "credit_lines"}


def measure(client: Client, url: str, repeat: int):
    response = client.get(url)  # warm-up (and the status code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
    return sorted(times), len(ctx.captured_queries), float(slowest["time"]) * 1000, slowest["sql"], response


def _with(url: str, **params) -> str:
    query = urlsplit(url).query
    extra = urlencode(params)
    return f"{urlsplit(url).path}?{query + '&' if query else ''}{extra}"


def variants(client: Client, base: str, term_column: str, personal: bool) -> list[tuple[str, str]]:
    """The pages to time for one list and user, found on its first page (the test environment records
    the template context while they are found, and is torn down before anything is timed)."""
    setup_test_environment()
    try:
        return _variants(client, base, term_column, personal)
    finally:
        teardown_test_environment()


def _variants(client: Client, base: str, term_column: str, personal: bool) -> list[tuple[str, str]]:
    response = client.get(base)
    if response.status_code != 200 or "listing" not in (response.context or {}):
        return [("first page", base)]
    listing = response.context["listing"]
    out = [("first page", base)]
    cell = next((c.text for row in listing.rows for c in row.cells if c.column.key == term_column), "")
    if cell and cell != "—":
        out.append((f"search {cell[:12]!r}", _with(base, q=cell)))
    if personal:
        number = _a_personal_number(listing)
        if number:
            posted = client.post(listing.search_action, {"_list": "search", "q": number})
            if posted.status_code == 302:
                out.append(("search ID number (hash)", posted["Location"]))
    for bound in listing.filters:
        if not bound.shown:
            continue
        if bound.filter.widget == "daterange":
            today = time.strftime("%Y-%m-%d")
            start = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
            out.append(
                (
                    f"filter {bound.filter.label} 30 days",
                    _with(base, **{f"{bound.filter.key}_from": start, f"{bound.filter.key}_to": today}),
                )
            )
        elif bound.options:
            value, label, _ = bound.options[0]
            out.append(
                (f"filter {bound.filter.label}={label[:10]}", _with(base, **{bound.filter.key: value}))
            )
            if bound.filter.key == "town" and any(b.filter.depends == "town" for b in listing.filters):
                follow = client.get(_with(base, town=value)).context["listing"]
                village = next((b for b in follow.filters if b.filter.depends == "town" and b.options), None)
                if village:
                    out.append(
                        (
                            f"filter 村 {village.options[0][1][:8]}",
                            _with(base, town=value, **{village.filter.key: village.options[0][0]}),
                        )
                    )
    for header in listing.headers:
        if header.sort_url and not header.sorted:
            out.append((f"sort {header.column.label}", header.sort_url))
    if listing.next_url:
        out.append(("second page (cursor)", listing.next_url))
    if listing.last_url:
        out.append(("last page", listing.last_url))
    return out


def _a_personal_number(listing) -> str:
    """A clear ID number of a household in the list (the bench holds the key; the page never shows it)."""
    obj = next(iter(listing.objects), None)
    if obj is None:
        return ""
    household_id = getattr(obj, "household_id", None) or getattr(obj, "pk", None)
    h = Household.objects.filter(pk=household_id).only("head_id_number").first()
    return h.head_id_number if h else ""


def _count_label(response) -> str:
    """The list's count as the page prints it (the context is not recorded while timing)."""
    if response.status_code != 200:
        return ""
    found = re.search(r'data-testid="list-count">([^<]*)', response.content.decode())
    return found.group(1) if found else ""


def bench_pages(args) -> float:
    worst = 0.0
    for name, usernames, term_column in LISTS:
        if args.only and name not in args.only:
            continue
        try:
            base = reverse(name)
        except Exception:  # noqa: BLE001 (an app not installed here)
            print(f"\n{name}: no such page, skipped")
            continue
        for username in usernames:
            user = User.objects.filter(username=username).first()
            if user is None:
                print(f"\n{name} · {username}: no such user, skipped")
                continue
            client = Client()
            client.force_login(user)
            print(f"\n{name} {base} · {username} ({user.get_role_display()})")
            for label, url in variants(client, base, term_column, name in PERSONAL):
                ms, n_sql, slow_ms, slow_sql, response = measure(client, url, args.repeat)
                p95 = percentile(ms, 95)
                count = _count_label(response)
                worst = max(worst, p95) if response.status_code == 200 else worst
                flag = "  <-- over 300 ms" if p95 > 300 else ""
                print(
                    f"  {label[:34]:34} {response.status_code} p50 {statistics.median(ms):6.1f} p95 {p95:6.1f} "
                    f"max {ms[-1]:6.1f} ms  {n_sql:2d} SQL (slowest {slow_ms:6.1f} ms)  {count}{flag}"
                )
                if args.explain and p95 > 300 and slow_sql:
                    with connection.cursor() as cur:
                        cur.execute("EXPLAIN ANALYZE " + slow_sql)
                        print("      " + slow_sql[:300])
                        for row in cur.fetchall():
                            print("        " + row[0])
    print(f"\nworst p95 of every page: {worst:.1f} ms (target 300 ms)")
    return worst


def _export_target(user, want: int) -> tuple[str, int]:
    """The office's pre-credit lines filtered by the town whose count is nearest `want` rows."""
    from puhui.credit.lists import LINES

    base = reverse("credit_lines")
    best = (base, LINES.queryset(user).count())
    town = next(f for f in LINES.filters if f.key == "town")
    for value, _label in town.choices(user, {}):
        n = LINES.queryset(user).filter(town_id=value).count()
        if abs(n - want) < abs(best[1] - want):
            best = (_with(base, town=value), n)
    return best


def bench_export(args) -> None:
    client = Client()
    office = User.objects.get(username="office")
    client.force_login(office)
    url, n = _export_target(office, args.export_rows)
    print(f"\nExcel export: {url} ({n:,} rows)")
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get(_with(url, export="xlsx"))
    first = None
    size = 0
    for chunk in response.streaming_content:
        if first is None and chunk:
            first = time.perf_counter() - start
        size += len(chunk)
    total = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  time to first byte {first * 1000:,.0f} ms, total {total:,.1f} s, {size / 1e6:,.1f} MB, "
        f"{n / total:,.0f} rows/s, peak Python memory {peak / 1e6:,.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=set())
    parser.add_argument("--export-rows", type=int, default=50_000)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    print(f"{connection.vendor}: {Household.objects.count():,} households")
    bench_pages(args)
    if not args.no_export:
        bench_export(args)


if __name__ == "__main__":
    main()
