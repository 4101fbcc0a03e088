"""Reads never write: every page of the plan, opened by the office and by a unit, changes no data.

Nothing of the plan is a default created on first view (the plan itself is loaded by the office, the
assessment's default criteria are copied by `scheme_create`), so this guards against one creeping in.
"""

import datetime

import pytest
from django.urls import reverse

from puhui.plan import services
from tests.plan.conftest import task
from tests.reads import writes_during


@pytest.fixture
def plan_with_work(plan, users):
    t2 = task(plan, 2)
    report = services.report_submit(
        actor=users["member"],
        task=t2,
        unit=users["member"].organisation,
        period="2021Q1",
        status="in_progress",
        completion=30,
        narrative="推进中。",
    )
    notice = services.notice_issue(
        actor=users["office"],
        task=t2,
        unit=users["member"].organisation,
        reason="进度滞后。",
        required_action="说明原因。",
        working_days=5,
        issued_on=datetime.date(2021, 9, 28),
    )
    scheme = services.scheme_create(
        actor=users["office"],
        plan=plan,
        name="2021年度考核",
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 12, 31),
    )
    bulletin = services.bulletin_create(
        actor=users["office"],
        plan=plan,
        title="通报",
        number="普惠办通报〔2021〕1号",
        issued_on=datetime.date(2021, 10, 20),
    )
    return {"task": t2, "report": report, "notice": notice, "scheme": scheme, "bulletin": bulletin}


def _pages(work) -> list[str]:
    t = work["task"].pk
    return [
        reverse("plan_board"),
        reverse("plan_my_tasks"),
        reverse("plan_overdue"),
        reverse("plan_timeline"),
        reverse("plan_task_export"),
        reverse("plan_task_detail", args=[t]),
        reverse("plan_report_new", args=[t]) + "?period=2021Q2",
        reverse("plan_notice_new", args=[t]),
        reverse("plan_delay_new", args=[t]),
        reverse("plan_report_detail", args=[work["report"].pk]),
        reverse("plan_notice_list"),
        reverse("plan_notice_detail", args=[work["notice"].pk]),
        reverse("plan_delay_list"),
        reverse("plan_assessment_list"),
        reverse("plan_assessment_detail", args=[work["scheme"].pk]),
        reverse("plan_bulletin_list"),
        reverse("plan_bulletin_new"),
        reverse("plan_bulletin_detail", args=[work["bulletin"].pk]),
        reverse("plan_bulletin_docx", args=[work["bulletin"].pk]),
        reverse("plan_notifications"),
        reverse("plan_notification_badge"),
        reverse("plan_setup"),
        reverse("plan_template_download"),
    ]


@pytest.mark.parametrize("who", ["office", "member"])
def test_plan_pages_write_nothing(client, plan_with_work, users, who):
    client.force_login(users[who])
    seen = []
    for url in _pages(plan_with_work):
        status, writes = writes_during(client, url)
        assert writes == [], f"GET {url} ({who}) wrote: {writes}"
        seen.append(status)
    assert seen.count(200) >= 10  # the pages really rendered (a unit gets 404 for the office's)


def test_plan_pages_write_nothing_without_a_plan(client, db, users):
    client.force_login(users["office"])
    for name in ("plan_board", "plan_my_tasks", "plan_assessment_list", "plan_setup", "plan_notifications"):
        status, writes = writes_during(client, reverse(name))
        assert writes == [], f"GET {name} on a fresh database wrote: {writes}"
