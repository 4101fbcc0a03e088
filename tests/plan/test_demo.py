"""The demo generator: two years of believable history, through the services."""

import datetime
import random

from puhui.core.models import Notification
from puhui.plan.demo import plan_demo
from puhui.plan.models import (
    AssessmentResult,
    AssessmentScheme,
    Bulletin,
    DelayRequest,
    Milestone,
    Plan,
    ProgressReport,
    SupervisionNotice,
)


def test_a_year_of_plan_history(units, village_bank, users, more_users):
    # One year keeps the test quick; `puhui demo` runs the default two (bench/bench_plan.py measures it).
    counts = plan_demo(rng=random.Random(20200728), actor=users["office"], end=datetime.date(2021, 6, 30))
    plan = Plan.objects.get()
    assert plan.tasks.count() == 22
    reports = ProgressReport.objects.filter(task__plan=plan)
    assert set(reports.values_list("period", flat=True)) == {"2020Q3", "2020Q4", "2021Q1", "2021Q2"}
    assert counts["reports"] == reports.filter(version=1).count() > 250
    assert reports.filter(version=2).count() == counts["returned"] > 0
    assert (
        reports.filter(is_current=True, review="accepted").count() == reports.filter(is_current=True).count()
    )
    late = [r for r in reports.filter(version=1) if not r.on_time]
    assert 0 < len(late) < reports.filter(version=1).count() / 3
    assert SupervisionNotice.objects.filter(plan=plan).count() == counts["notices"] >= 3
    assert SupervisionNotice.objects.filter(plan=plan, status="open").exists()  # some never answered
    assert SupervisionNotice.objects.filter(
        plan=plan, bulletin__isnull=False
    ).exists()  # and listed in a 通报
    assert DelayRequest.objects.filter(task__plan=plan).count() == counts["delays"] > 0
    assert Milestone.objects.filter(task__plan=plan, completed_on__isnull=False).count() >= 2
    # Without the data app's targets (not built here) the demo links no milestone to a target, and the
    # milestones it would link are left to their targets, not claimed in reports.
    assert counts["linked"] == 0 and not Milestone.objects.exclude(target_code="").exists()
    assert not Milestone.objects.filter(task__number=14, seq=1, completed_on__isnull=False).exists()
    assert AssessmentScheme.objects.filter(plan=plan, status="computed").count() == 1
    assert AssessmentResult.objects.filter(scheme__plan=plan).count() == 28
    assert Bulletin.objects.filter(plan=plan, status="published").count() == 1
    assert max(ProgressReport.objects.values_list("submitted_at", flat=True)).date() < datetime.date(
        2021, 9, 1
    )
    assert Notification.objects.filter(read_at__isnull=True).count() <= 28  # only the last 通报 is news
