"""The plan's lines of the home page's to-do list (`TODO` in plugin.py) and its menu badges: each count
reads through `access` and matches the page it links to — the overdue page, 我的任务, the notice and delay
lists."""

from django.urls import reverse
from django.utils import timezone

from puhui.core.models import User
from puhui.core.periods import date_cn
from puhui.plan import access
from puhui.plan.models import DelayRequest, Plan, ProgressReport, SupervisionNotice
from puhui.plan.selectors import current_plan, overdue, reports_missing


def _todo_plan(user: User) -> Plan | None:
    return current_plan(user) if user.is_authenticated else None


def _awaiting_review(user: User):
    return access.reports_for(user).filter(is_current=True, review=ProgressReport.Review.SUBMITTED)


def todo_report_reviews(user: User) -> int:
    """Progress reports awaiting the office's review."""
    return _awaiting_review(user).count() if access.is_office(user) else 0


def todo_report_review_items(user: User, limit: int) -> list[tuple[str, str]]:
    rows = _awaiting_review(user).select_related("task", "unit").order_by("submitted_at")[:limit]
    return [
        (
            f"{r.unit.short_name or r.unit.name} · {r.task.number}.{r.task.title}（{r.period}）",
            reverse("plan_report_detail", args=[r.pk]),
        )
        for r in rows
    ]


def todo_delays(user: User) -> int:
    """Delay requests awaiting the office's decision (the 延期申请 list)."""
    if not access.is_office(user):
        return 0
    return access.delay_requests_for(user).filter(status=DelayRequest.Status.PENDING).count()


def todo_notices_to_close(user: User) -> int:
    """督办 the units answered, awaiting the office's 办结."""
    if not access.is_office(user):
        return 0
    return access.notices_for(user).filter(status=SupervisionNotice.Status.RESPONDED).count()


def todo_overdue(user: User) -> int:
    """Everything on the overdue page: reports not sent, 督办 past their deadline, milestones missed."""
    plan = _todo_plan(user)
    if plan is None:
        return 0
    data = overdue(plan, user, as_of=timezone.localdate())
    return len(data["reports"]) + data["notices"].count() + data["milestones"].count()


def _unit_reports(user: User, plan: Plan) -> tuple[list[dict], list[ProgressReport]]:
    """A unit's reports to write (due within 30 days or overdue) and those returned: as on 我的任务."""
    org = access.acting_unit(user)
    missing = reports_missing(
        plan, as_of=timezone.localdate(), horizon_days=30, lookback_days=3660, org_id=getattr(org, "pk", -1)
    )
    returned = access.reports_for(user).filter(
        task__plan=plan, is_current=True, review=ProgressReport.Review.RETURNED
    )
    return missing, list(returned.select_related("task"))


def todo_unit_reports(user: User) -> int:
    plan = _todo_plan(user)
    if plan is None or access.acting_unit(user) is None:
        return 0
    missing, returned = _unit_reports(user, plan)
    return len(missing) + len(returned)


def todo_unit_report_items(user: User, limit: int) -> list[tuple[str, str]]:
    plan = _todo_plan(user)
    if plan is None or access.acting_unit(user) is None:
        return []
    missing, returned = _unit_reports(user, plan)
    items = [
        (
            f"退回重报：{r.task.number}.{r.task.title}（{r.period}）",
            reverse("plan_report_detail", args=[r.pk]),
        )
        for r in returned
    ]
    items += [
        (
            f"{m['task'].number}.{m['task'].title}（{m['period'].label}，期限 {date_cn(m['due_on'])}）",
            f"{reverse('plan_report_new', args=[m['task'].pk])}?period={m['period'].code}",
        )
        for m in sorted(missing, key=lambda m: m["due_on"])
    ]
    return items[:limit]


def _open_notices(user: User):
    return access.notices_for(user).filter(status=SupervisionNotice.Status.OPEN)


def todo_unit_notices(user: User) -> int:
    """督办 a unit has to answer."""
    return _open_notices(user).count() if access.acting_unit(user) and not access.is_office(user) else 0


def todo_unit_notice_items(user: User, limit: int) -> list[tuple[str, str]]:
    rows = _open_notices(user).select_related("task").order_by("deadline")[:limit]
    return [
        (
            f"{n.number} {n.task.number}.{n.task.title}（期限 {date_cn(n.deadline)}）",
            reverse("plan_notice_detail", args=[n.pk]),
        )
        for n in rows
    ]


def todo_board_badge(user: User) -> int:
    return todo_report_reviews(user)


def todo_my_tasks_badge(user: User) -> int:
    """我的任务's badge: a unit's reports to write and 督办 to answer."""
    return todo_unit_reports(user) + todo_unit_notices(user) if not access.is_office(user) else 0
