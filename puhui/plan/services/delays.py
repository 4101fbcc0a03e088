"""Delay requests on a task or milestone, and the office's decision (which moves the milestone)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Organisation
from puhui.core.notifications import notifications_send
from puhui.plan.models import DelayRequest, Milestone, Task
from puhui.plan.services.common import at_or_now, require_office, require_reporting_unit
from puhui.plan.services.notifications import office_users, unit_users


@transaction.atomic
def delay_request(
    *,
    actor,
    task: Task,
    unit: Organisation,
    reason: str,
    requested_due,
    milestone: Milestone | None = None,
    requested_at=None,
) -> DelayRequest:
    require_reporting_unit(actor, task, unit)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "请填写延期理由。"
    if milestone is not None and milestone.task_id != task.pk:
        errors["milestone"] = "里程碑不属于该任务。"
    if requested_due is None:
        errors["requested_due"] = "请填写申请延至的日期。"
    elif milestone is not None and requested_due <= milestone.due_on:
        errors["requested_due"] = f"申请日期应晚于现定完成日期 {milestone.due_on}。"
    if (
        milestone is not None
        and DelayRequest.objects.filter(
            milestone=milestone, unit=unit, status=DelayRequest.Status.PENDING
        ).exists()
    ):
        errors["milestone"] = "该里程碑已有待审批的延期申请。"
    if errors:
        raise ValidationError(errors)
    request = DelayRequest.objects.create(
        task=task,
        milestone=milestone,
        unit=unit,
        reason=reason.strip(),
        requested_due=requested_due,
        requested_by=actor,
        requested_at=at_or_now(requested_at),
    )
    audit_changed(actor=actor, obj=request, before=None, note="提交延期申请")
    notifications_send(
        users=office_users(),
        kind="delay_requested",
        title=f"延期申请：{task.number}.{task.title}（{unit.short_name or unit.name}）",
        url=reverse("plan_delay_list"),
        key=f"delay-requested:{request.pk}",
    )
    return request


@transaction.atomic
def delay_decide(
    *, actor, request: DelayRequest, approve: bool, comment: str = "", decided_at=None
) -> DelayRequest:
    require_office(actor)
    request = DelayRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != DelayRequest.Status.PENDING:
        raise ValidationError("该申请已审批。")
    if not approve and not (comment or "").strip():
        raise ValidationError({"comment": "不同意时请说明理由。"})
    before = snapshot(request)
    request.status = DelayRequest.Status.APPROVED if approve else DelayRequest.Status.REFUSED
    request.decided_by = actor
    request.decided_at = at_or_now(decided_at)
    request.decision_comment = (comment or "").strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    audit_changed(actor=actor, obj=request, before=before, note="同意延期" if approve else "不同意延期")
    if approve and request.milestone_id:
        m = request.milestone
        m_before = snapshot(m)
        m.due_on = request.requested_due
        m.save(update_fields=["due_on"])
        audit_changed(actor=actor, obj=m, before=m_before, note=f"延期至 {m.due_on}")
    notifications_send(
        users=unit_users(request.unit_id),
        kind="delay_decided",
        title=f"延期申请{'已同意' if approve else '未同意'}：{request.task.number}.{request.task.title}",
        body=request.decision_comment,
        url=reverse("plan_task_detail", args=[request.task_id]),
        key=f"delay-decided:{request.pk}",
    )
    return request
