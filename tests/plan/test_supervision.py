"""督办: notices with working-day deadlines, responses, 催办 and listing in the 通报; delay requests; reminders."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from puhui.core.models import Notification
from puhui.core.workdays import add_working_days, working_days_between
from puhui.plan import services
from puhui.plan.models import DelayRequest, SupervisionNotice
from tests.plan.conftest import task


def at(day: str, hour=10):
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


def issue(users, t, unit, on="2021-09-28", days=5):
    return services.notice_issue(
        actor=users["office"],
        task=t,
        unit=unit,
        reason="三季度进度报告未按期报送。",
        required_action="补报并说明原因。",
        working_days=days,
        issued_on=datetime.date.fromisoformat(on),
    )


def test_working_days_follow_the_holiday_calendar():
    # 2021: 国庆 1–7 October off; Sunday 26 September and Saturday 9 October working days.
    assert add_working_days(datetime.date(2021, 9, 28), 5) == datetime.date(2021, 10, 11)
    assert add_working_days(datetime.date(2021, 9, 24), 1) == datetime.date(2021, 9, 26)
    assert working_days_between(datetime.date(2021, 9, 28), datetime.date(2021, 10, 11)) == 5
    # Beyond the calendar's years it counts Monday to Friday.
    assert add_working_days(datetime.date(2031, 1, 3), 1) == datetime.date(2031, 1, 6)


def test_notice_deadline_response_and_close(plan, users):
    n = issue(users, task(plan, 2), users["member"].organisation)
    assert n.number == "督办〔2021〕1号"
    assert n.deadline == datetime.date(2021, 10, 11)
    assert users["member"].notifications.filter(kind="notice_issued").exists()
    with pytest.raises(ValidationError):
        services.notice_close(actor=users["office"], notice=n)
    services.notice_respond(
        actor=users["member"], notice=n, response="已补报。", responded_at=at("2021-10-09")
    )
    n.refresh_from_db()
    assert n.status == "responded" and n.responded_on_time
    assert users["office"].notifications.filter(kind="notice_responded").exists()
    services.notice_close(actor=users["office"], notice=n, comment="同意办结")
    assert SupervisionNotice.objects.get(pk=n.pk).status == "closed"
    assert issue(users, task(plan, 2), users["member"].organisation).number == "督办〔2021〕2号"


def test_only_the_office_issues_and_only_the_unit_answers(plan, users, more_users):
    with pytest.raises(PermissionDenied):
        issue({"office": users["member"]}, task(plan, 2), users["member"].organisation)
    with pytest.raises(ValidationError, match="责任单位"):
        issue(users, task(plan, 2), more_users["tjj"].organisation)  # 统计局 has nothing to do with task 2
    n = issue(users, task(plan, 3), more_users["czj"].organisation)
    with pytest.raises(PermissionDenied):
        services.notice_respond(actor=users["member"], notice=n, response="代为回复")
    with pytest.raises(PermissionDenied):
        services.notice_remind(actor=more_users["czj"], notice=n)


def test_overdue_notice_is_reminded_once_then_listed_in_the_next_bulletin(
    plan, users, more_users, django_capture_on_commit_callbacks
):
    czj = more_users["czj"]
    n = issue(users, task(plan, 3), czj.organisation)  # deadline 2021-10-11
    counts = services.plan_remind(as_of=datetime.date(2021, 10, 8))
    assert counts["notices_due"] == 1 and counts["notices_reminded"] == 0
    assert czj.notifications.filter(kind="notice_due").count() == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.plan_remind(as_of=datetime.date(2021, 10, 12))
    n.refresh_from_db()
    assert (
        counts["notices_reminded"] == 1
        and n.reminder_count == 1
        and n.last_reminded_on == datetime.date(2021, 10, 12)
    )
    assert czj.notifications.filter(kind="notice_reminder", title__contains="已逾期").exists()
    assert users["office"].notifications.filter(kind="notice_overdue").exists()
    assert any(m.to == ["czj@example.cn"] and "催办" in m.subject for m in mail.outbox)
    services.plan_remind(as_of=datetime.date(2021, 10, 13))  # running again does not nag twice
    n.refresh_from_db()
    assert n.reminder_count == 1

    bulletin = services.bulletin_create(
        actor=users["office"],
        plan=plan,
        title="通报",
        number="普惠办通报〔2021〕1号",
        issued_on=datetime.date(2021, 10, 20),
    )
    n.refresh_from_db()
    assert n.bulletin == bulletin and n.number in bulletin.body
    later = services.bulletin_create(
        actor=users["office"],
        plan=plan,
        title="通报二",
        number="普惠办通报〔2021〕2号",
        issued_on=datetime.date(2021, 11, 20),
    )
    assert n.number not in later.body  # listed once


def test_delay_requests_are_decided_and_counted(plan, units, users):
    from django.contrib.auth.hashers import make_password

    from puhui.core.models import User

    nyj = User.objects.create(
        username="nyj",
        role="member_unit",
        organisation=units["县农业农村局"],
        password=make_password("x" * 12),
    )
    t20 = task(plan, 20)
    m = t20.milestones.get(due_on=datetime.date(2021, 12, 31))
    with pytest.raises(ValidationError, match="应晚于"):
        services.delay_request(
            actor=nyj,
            task=t20,
            unit=nyj.organisation,
            reason="疫情",
            requested_due=datetime.date(2021, 6, 30),
            milestone=m,
        )
    d1 = services.delay_request(
        actor=nyj,
        task=t20,
        unit=nyj.organisation,
        reason="受疫情影响，参保工作推迟。",
        requested_due=datetime.date(2022, 3, 31),
        milestone=m,
    )
    with pytest.raises(ValidationError, match="待审批"):
        services.delay_request(
            actor=nyj,
            task=t20,
            unit=nyj.organisation,
            reason="再次",
            requested_due=datetime.date(2022, 4, 30),
            milestone=m,
        )
    with pytest.raises(PermissionDenied):
        services.delay_decide(actor=nyj, request=d1, approve=True)
    services.delay_decide(actor=users["office"], request=d1, approve=True, comment="同意")
    m.refresh_from_db()
    assert m.due_on == datetime.date(2022, 3, 31) and m.original_due_on == datetime.date(2021, 12, 31)
    d2 = services.delay_request(
        actor=nyj,
        task=t20,
        unit=nyj.organisation,
        reason="再延",
        requested_due=datetime.date(2022, 6, 30),
        milestone=m,
    )
    with pytest.raises(ValidationError):
        services.delay_decide(actor=users["office"], request=d2, approve=False, comment="")
    services.delay_decide(actor=users["office"], request=d2, approve=False, comment="不再延期")
    m.refresh_from_db()
    assert m.due_on == datetime.date(2022, 3, 31)
    from puhui.plan.selectors import delay_counts_by_task

    assert delay_counts_by_task(plan)[t20.pk] == {"task_id": t20.pk, "total": 2, "approved": 1}
    assert DelayRequest.objects.filter(task=t20, status="refused").count() == 1


def test_reminders_find_reports_due_and_milestones_at_risk(plan, users, more_users):
    member = users["member"]
    # 2020Q4 reports are due 2021-01-15: a week before, every unit owing one is reminded once.
    counts = services.plan_remind(as_of=datetime.date(2021, 1, 11))
    assert counts["reports_due"] > 0
    due = member.notifications.filter(kind="report_due")
    assert due.count() == 18  # 金融证券工作服务中心 owes a report on 18 tasks
    assert "/plan/tasks/" in due.first().url and "period=2020Q4" in due.first().url
    assert [n.title for n in more_users["tjj"].notifications.all()] == [
        "请报送进度：22.构建普惠金融指数统计体系（2020年第4季度）"
    ]
    again = services.plan_remind(as_of=datetime.date(2021, 1, 12))
    assert again["notifications"] < counts["notifications"]
    assert member.notifications.filter(kind="report_due").count() == 18
    # After the deadline the missing ones are overdue.
    services.plan_remind(as_of=datetime.date(2021, 1, 18))
    assert member.notifications.filter(kind="report_overdue").count() == 18
    # Milestones due by 2020-12-31 with no report are at risk in December and overdue in January.
    risk = services.plan_remind(as_of=datetime.date(2020, 12, 10))
    assert risk["milestones_at_risk"] >= 5
    assert Notification.objects.filter(kind="milestone_risk", title__contains="有延误风险").exists()
    assert users["office"].notifications.filter(kind="milestone_risk", title__contains="已逾期").exists()


def test_reminder_command_and_task(plan, users):
    out = StringIO()
    call_command("plan_remind", "--date", "2021-01-11", stdout=out)
    assert "待报送进度报告" in out.getvalue()
    from puhui.plan.tasks import plan_remind_task

    result = plan_remind_task.call(as_of="2021-01-12")
    assert result["reports_due"] > 0
