"""督办: notices issued to a responsible unit, answered, closed and 催办 (reminded)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Organisation
from puhui.core.notifications import notifications_send
from puhui.core.periods import date_cn
from puhui.core.workdays import add_working_days
from puhui.plan import access
from puhui.plan.models import Assignment, SupervisionNotice, Task
from puhui.plan.services.common import at_or_now, require_office
from puhui.plan.services.notifications import office_users, unit_users


def _responsible_orgs(task: Task) -> set[int]:
    return set(
        Assignment.objects.filter(task=task, unit__organisation__isnull=False).values_list(
            "unit__organisation_id", flat=True
        )
    )


@transaction.atomic
def notice_issue(
    *,
    actor,
    task: Task,
    unit: Organisation,
    reason: str,
    required_action: str,
    working_days: int,
    issued_on=None,
) -> SupervisionNotice:
    require_office(actor)
    errors = {}
    if unit.pk not in _responsible_orgs(task):
        errors["unit"] = "督办对象必须是该任务的责任单位。"
    if not (reason or "").strip():
        errors["reason"] = "请填写督办事由。"
    if not (required_action or "").strip():
        errors["required_action"] = "请填写办理要求。"
    try:
        working_days = int(working_days)
        if not 1 <= working_days <= 60:
            raise ValueError
    except (TypeError, ValueError):
        errors["working_days"] = "办理时限应为 1 到 60 个工作日。"
    if errors:
        raise ValidationError(errors)
    issued_on = issued_on or timezone.localdate()
    plan = task.plan
    year_count = SupervisionNotice.objects.filter(plan=plan, issued_on__year=issued_on.year).count()
    notice = SupervisionNotice.objects.create(
        plan=plan,
        number=f"督办〔{issued_on.year}〕{year_count + 1}号",
        task=task,
        unit=unit,
        reason=reason.strip(),
        required_action=required_action.strip(),
        working_days=working_days,
        issued_on=issued_on,
        deadline=add_working_days(issued_on, working_days),
        issued_by=actor,
    )
    audit_changed(actor=actor, obj=notice, before=None, note=f"签发督办单 {notice.number}")
    notifications_send(
        users=unit_users(unit.pk),
        kind="notice_issued",
        title=f"督办通知 {notice.number}：{task.number}.{task.title}",
        body=f"督办事由：{notice.reason}\n办理要求：{notice.required_action}\n请于 {date_cn(notice.deadline)} 前办理并回复。",
        url=reverse("plan_notice_detail", args=[notice.pk]),
        key=f"notice-issued:{notice.pk}",
    )
    return notice


@transaction.atomic
def notice_respond(
    *, actor, notice: SupervisionNotice, response: str, responded_at=None
) -> SupervisionNotice:
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if actor is not None and (access.acting_unit(actor) is None or actor.organisation_id != notice.unit_id):
        raise PermissionDenied("只能回复发给本单位的督办单。")
    if notice.status != SupervisionNotice.Status.OPEN:
        raise ValidationError("该督办单已回复。")
    if not (response or "").strip():
        raise ValidationError({"response": "请填写办理情况。"})
    before = snapshot(notice)
    notice.status = SupervisionNotice.Status.RESPONDED
    notice.response = response.strip()
    notice.responded_at = at_or_now(responded_at)
    notice.responded_by = actor
    notice.save(update_fields=["status", "response", "responded_at", "responded_by"])
    audit_changed(actor=actor, obj=notice, before=before, note="回复督办单")
    notifications_send(
        users=office_users(),
        kind="notice_responded",
        title=f"督办单 {notice.number} 已回复（{notice.unit.short_name or notice.unit.name}）",
        url=reverse("plan_notice_detail", args=[notice.pk]),
        key=f"notice-responded:{notice.pk}",
    )
    return notice


@transaction.atomic
def notice_close(*, actor, notice: SupervisionNotice, comment: str = "", closed_at=None) -> SupervisionNotice:
    require_office(actor)
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != SupervisionNotice.Status.RESPONDED:
        raise ValidationError("单位回复后才能办结。")
    before = snapshot(notice)
    notice.status = SupervisionNotice.Status.CLOSED
    notice.close_comment = (comment or "").strip()
    notice.closed_at = at_or_now(closed_at)
    notice.save(update_fields=["status", "close_comment", "closed_at"])
    audit_changed(actor=actor, obj=notice, before=before, note="督办办结")
    return notice


@transaction.atomic
def notice_remind(*, actor, notice: SupervisionNotice, on=None) -> SupervisionNotice:
    """催办: a reminder on an open notice (the job sends one when it falls overdue; the office may send more)."""
    require_office(actor)
    notice = SupervisionNotice.objects.select_for_update().select_related("task", "unit").get(pk=notice.pk)
    if notice.status != SupervisionNotice.Status.OPEN:
        raise ValidationError("只能催办未回复的督办单。")
    on = on or timezone.localdate()
    before = snapshot(notice)
    notice.reminder_count += 1
    notice.last_reminded_on = on
    notice.save(update_fields=["reminder_count", "last_reminded_on"])
    audit_changed(actor=actor, obj=notice, before=before, note=f"第{notice.reminder_count}次催办")
    overdue = on > notice.deadline
    notifications_send(
        users=unit_users(notice.unit_id),
        kind="notice_reminder",
        title=f"催办：督办单 {notice.number}{'已逾期' if overdue else '即将到期'}",
        body=f"{notice.task.number}.{notice.task.title}\n办理期限：{date_cn(notice.deadline)}。"
        + ("逾期未办结的督办事项将列入通报。" if overdue else ""),
        url=reverse("plan_notice_detail", args=[notice.pk]),
        key=f"notice-remind:{notice.pk}:{notice.reminder_count}",
    )
    return notice
