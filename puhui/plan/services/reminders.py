"""The reminder run: reports due, 督办 near or past deadline, milestones at risk."""

from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, Notification
from puhui.core.notifications import notifications_send
from puhui.core.periods import date_cn
from puhui.core.workdays import add_working_days
from puhui.plan import selectors
from puhui.plan.models import Plan, SupervisionNotice
from puhui.plan.services.notifications import office_users, unit_users
from puhui.plan.services.supervision import notice_remind


def _remind_reports(p: Plan, *, as_of, counts: dict) -> None:
    """Reports due within a week, or overdue: the responsible unit's users."""
    for due in selectors.reports_missing(p, as_of=as_of, horizon_days=7):
        overdue = due["due_on"] < as_of
        counts["reports_overdue" if overdue else "reports_due"] += 1
        task, period = due["task"], due["period"]
        title = (
            f"进度报告逾期未报：{task.number}.{task.title}（{period.label}）"
            if overdue
            else f"请报送进度：{task.number}.{task.title}（{period.label}）"
        )
        notifications_send(
            users=unit_users(due["unit_id"]),
            kind="report_overdue" if overdue else "report_due",
            title=title,
            body=f"报送期限：{date_cn(due['due_on'])}。",
            url=reverse("plan_report_new", args=[task.pk]) + f"?period={period.code}",
            key=f"report-{'overdue' if overdue else 'due'}:{task.pk}:{due['unit_id']}:{period.code}",
        )


def _remind_notices(p: Plan, *, as_of, office: list, counts: dict) -> None:
    """Open 督办 notices: one 催办 (and word to the office) when overdue, a warning two working days before."""
    for notice in SupervisionNotice.objects.filter(
        plan=p, status=SupervisionNotice.Status.OPEN
    ).select_related("task", "unit"):
        if notice.deadline < as_of:
            if notice.last_reminded_on is None or notice.last_reminded_on <= notice.deadline:
                # One 催办 when it falls overdue; the 通报 is the next step.
                notice_remind(actor=None, notice=notice, on=as_of)
                counts["notices_reminded"] += 1
                notifications_send(
                    users=office,
                    kind="notice_overdue",
                    title=f"督办单 {notice.number} 逾期未回复（{notice.unit.short_name or notice.unit.name}）",
                    body="已自动催办；逾期未办结的将列入下一期通报。",
                    url=reverse("plan_notice_detail", args=[notice.pk]),
                    key=f"notice-overdue:{notice.pk}",
                )
        elif add_working_days(as_of, 2) >= notice.deadline:
            counts["notices_due"] += 1
            notifications_send(
                users=unit_users(notice.unit_id),
                kind="notice_due",
                title=f"督办单 {notice.number} 即将到期",
                body=f"办理期限：{date_cn(notice.deadline)}。",
                url=reverse("plan_notice_detail", args=[notice.pk]),
                key=f"notice-due:{notice.pk}",
            )


def _remind_milestones(p: Plan, *, as_of, office: list, counts: dict) -> None:
    """Milestones at risk: the unit's users; overdue ones the office too."""
    for risk in selectors.milestones_at_risk(p, as_of=as_of):
        m = risk["milestone"]
        counts["milestones_at_risk"] += 1
        users = unit_users(m.unit.organisation_id) if m.unit.organisation_id else []
        notifications_send(
            users=[*users, *office] if risk["overdue"] else users,
            kind="milestone_risk",
            title=f"里程碑{'已逾期' if risk['overdue'] else '有延误风险'}：{m.task.number}.{m.text[:40]}",
            body=f"完成日期：{date_cn(m.due_on)}；{risk['why']}",
            url=reverse("plan_task_detail", args=[m.task_id]),
            key=f"milestone-{'overdue' if risk['overdue'] else 'risk'}:{m.pk}:{m.due_on}",
        )


def plan_remind(*, actor=None, as_of=None, plan: Plan | None = None) -> dict:
    """Find reports due, notices near or past their deadline and milestones at risk; notify the users concerned.

    Safe to run as often as wanted: each event notifies each user once (notification keys).
    """
    as_of = as_of or timezone.localdate()
    counts = {
        "reports_due": 0,
        "reports_overdue": 0,
        "notices_due": 0,
        "notices_reminded": 0,
        "milestones_at_risk": 0,
    }
    before = Notification.objects.count()
    plans = [plan] if plan is not None else list(Plan.objects.all())
    office = office_users()
    for p in plans:
        _remind_reports(p, as_of=as_of, counts=counts)
        _remind_notices(p, as_of=as_of, office=office, counts=counts)
        _remind_milestones(p, as_of=as_of, office=office, counts=counts)
    counts["notifications"] = Notification.objects.count() - before
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATE,
        object_type="plan.Reminder",
        object_repr=f"提醒 {as_of}",
        after=counts,
        note="进度、督办、里程碑提醒",
    )
    return counts
