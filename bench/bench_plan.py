"""The plan's figures: task board and pages, assessment computation, 通报 generation.

    .venv/bin/python bench/bench_plan.py [--database-url postgres://postgres@127.0.0.1:5432/puhui_bench_plan]
                                         [--var-dir bench/out/scale10] [--requests 60]

Uses the database in --var-dir (default bench/out/plan, made if missing); with the demo county of
`bench_dashboard.py --scale 10` (bench/out/scale10) it measures on the full county. When the plan is not
loaded yet it creates whatever is missing — the 27 leading-group units from the plan file's `units:` —
and runs `plan_demo` (27 units, 22 tasks, 8 quarters of reports, notices, delays, two assessment rounds).
Prints p50/p95 per page (in-process Django test client, so no network in the figure) and the timings.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def setup(var_dir: Path, database_url: str | None) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "PUHUI_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url or f"sqlite:///{var_dir / 'puhui.sqlite3'}",
            "DEBUG": "0",
            "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
            "FIELD_ENCRYPTION_KEY": "bench-field-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "puhui.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def ensure_units_and_plan() -> None:
    import random

    import yaml

    from puhui.core.models import Division, Organisation, User
    from puhui.core.services import division_create, organisation_create, user_create
    from puhui.plan.demo import PLAN_FILE, plan_demo
    from puhui.plan.models import Plan

    if Plan.objects.exists():
        print("plan already loaded: measuring the existing data")
        return
    if not Division.objects.filter(level="county", code__startswith="370323").exists():
        division_create(actor=None, code="370323000000", name="沂源县", level="county", kind="county")
    spec = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))["units"]
    made = 0
    for i, u in enumerate(spec):
        if u.get("type", "organisation") != "organisation":
            continue
        if u.get("match") == "kind":
            if not Organisation.objects.filter(kind=u["kind"], level__in=["head", "branch"]).exists():
                organisation_create(actor=None, code=f"BENCH-FI-{i}", name=u["full_name"], kind=u["kind"])
                made += 1
            continue
        org = Organisation.objects.filter(plan_alias=u["name"]).first()
        if org is None:
            org = organisation_create(
                actor=None,
                code=f"BENCH-LG-{i}",
                name=u["full_name"],
                kind=u["kind"],
                plan_alias=u["name"],
                is_leading_group_member=True,
            )
            made += 1
        if not User.objects.filter(organisation=org).exists():
            role = "office" if u["kind"] == "pboc" else "member_unit"
            user_create(
                actor=None,
                username=f"bench-{i}",
                password="Bench-password-2026",
                role=role,
                organisation=org,
                must_change_password=False,
            )
    print(f"created {made} organisations for the plan's units")
    office = User.objects.filter(role="office").first()
    started = time.perf_counter()
    counts = plan_demo(rng=random.Random(20200728), actor=office)
    print(f"plan_demo (two years): {time.perf_counter() - started:.1f} s — {counts}")


def timed(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    print(
        f"  {label:<34} n={len(times):<4} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   max {times[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", default=str(HERE / "out" / "plan"))
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    setup(Path(args.var_dir), args.database_url)
    ensure_units_and_plan()

    from django.test import Client
    from django.utils import timezone

    from puhui.core.models import User
    from puhui.plan import selectors, services
    from puhui.plan.documents import bulletin_docx
    from puhui.plan.models import AssessmentScheme, Bulletin, Plan, ProgressReport, Task
    from puhui.plan.workdays import plan_periods

    plan = Plan.objects.order_by("-pk").first()
    office = User.objects.filter(role="office", is_active=True).order_by("pk").first()
    lead_org = plan.tasks.order_by("number").first().lead.organisation
    unit_user = (
        User.objects.filter(organisation__plan_units__plan=plan, role="member_unit", is_active=True)
        .exclude(organisation=lead_org)
        .order_by("pk")
        .first()
    )
    periods = plan_periods(plan)
    print(
        f"plan: {plan.tasks.count()} tasks, {len(selectors.assessed_unit_ids(plan))} assessed units, {len(periods)} periods, "
        f"{ProgressReport.objects.filter(task__plan=plan).count()} report versions"
    )

    office_client, unit_client = Client(), Client()
    office_client.force_login(office)
    pages = [
        ("task board (office, 22×28)", office_client, f"/plan/?period={periods[-1].code}"),
        ("task page (office)", office_client, f"/plan/tasks/{Task.objects.get(plan=plan, number=5).pk}/"),
        ("overdue list (office)", office_client, "/plan/overdue/"),
        ("milestone timeline (office)", office_client, "/plan/timeline/"),
        (
            "task table export xlsx (office)",
            office_client,
            f"/plan/export/tasks.xlsx?period={periods[-1].code}",
        ),
    ]
    if unit_user is not None:
        unit_client.force_login(unit_user)
        pages += [
            (
                f"my tasks ({unit_user.organisation.short_name or unit_user.organisation.name})",
                unit_client,
                "/plan/my/",
            ),
            ("task board (unit)", unit_client, "/plan/"),
        ]
    print(f"pages ({args.requests} requests each, in-process):")
    for label, client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        report(label, timed(lambda c=client, u=url: c.get(u), args.requests))

    scheme = AssessmentScheme.objects.filter(plan=plan).order_by("-pk").first()
    if scheme is None:
        scheme = services.scheme_create(
            actor=office, plan=plan, name="基准考核", period_start=plan.starts_on, period_end=plan.ends_on
        )
    print("assessment:")
    report("facts (queries only)", timed(lambda: selectors.assessment_facts(scheme, as_of=plan.ends_on), 20))
    report(
        "scheme_compute (facts+score+save)",
        timed(lambda: services.scheme_compute(actor=office, scheme=scheme, as_of=plan.ends_on), 20),
    )

    print("通报:")
    made = []

    def make_bulletin():
        n = len(made) + Bulletin.objects.count() + 1
        b = services.bulletin_create(
            actor=office,
            plan=plan,
            scheme=scheme,
            number=f"基准〔{timezone.localdate().year}〕{n}号-{time.time_ns()}",
            title="基准通报",
            issued_on=plan.ends_on,
        )
        made.append(b)
        return b

    report("bulletin_create (draft text)", timed(make_bulletin, 10))
    ranking = selectors.ranking(scheme)
    report("bulletin docx render", timed(lambda: bulletin_docx(made[-1], ranking), 10))
    report(
        "通报 download page (docx)",
        timed(lambda: office_client.get(f"/plan/bulletins/{made[-1].pk}/docx/"), 10),
    )
    Bulletin.objects.filter(pk__in=[b.pk for b in made]).delete()

    started = time.perf_counter()
    counts = services.plan_remind(as_of=periods[-1].due_on)
    print(
        f"reminder run (as of {periods[-1].due_on}): {(time.perf_counter() - started) * 1000:.0f} ms — {counts}"
    )


if __name__ == "__main__":
    main()
