"""Milestones linked to the plan's targets: linking, and the office closing one — on the target's figure, or
by override with a written reason (shown on the milestone and in the 通报)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.plan import outcomes
from puhui.plan.models import Milestone
from puhui.plan.services.common import at_or_now, require_office


@transaction.atomic
def milestone_link_target(*, actor, milestone: Milestone, target_code: str) -> Milestone:
    """Link a milestone to a target code (blank unlinks); not once it is closed."""
    require_office(actor)
    m = Milestone.objects.select_for_update().get(pk=milestone.pk)
    code = (target_code or "").strip()
    if m.completed_on is not None:
        raise ValidationError({"target_code": "里程碑已完成，不能修改关联目标。"})
    if code:
        outcomes.validate_target_code(code)
    before = snapshot(m)
    m.target_code = code
    m.save(update_fields=["target_code"])
    audit_changed(actor=actor, obj=m, before=before, note=f"关联目标 {code}" if code else "取消关联目标")
    return m


@transaction.atomic
def milestone_close(
    *, actor, milestone: Milestone, reason: str = "", completed_on: datetime.date | None = None, at=None
) -> Milestone:
    """The office closes a target-linked milestone: when the target's figure for the due period meets it;
    otherwise only with a written reason (an override, kept with the verdict it overrode)."""
    require_office(actor)
    m = Milestone.objects.select_for_update().select_related("task", "unit").get(pk=milestone.pk)
    if not m.target_code:
        raise ValidationError("该里程碑未关联目标，由责任单位在进度报告中申报完成。")
    if m.completed_on is not None:
        raise ValidationError("该里程碑已完成。")
    reason = (reason or "").strip()
    v = outcomes.target_status(m.target_code, on=m.due_on)
    met = bool(v and v["met"])
    if not met and not reason:
        message = outcomes.verdict_message(m, v).split("，不能申报完成")[0]
        raise ValidationError({"reason": f"{message}，请填写办公室确认完成的理由。"})
    before = snapshot(m)
    m.completed_on = completed_on or timezone.localdate(at_or_now(at))
    m.target_check = outcomes.verdict_record(v, override=not met)
    if not met:
        m.override_reason = reason
        m.overridden_by = actor
        m.overridden_at = at_or_now(at)
    m.save(
        update_fields=[
            "completed_on",
            "target_check",
            "override_reason",
            "overridden_by",
            "overridden_at",
        ]
    )
    note = "里程碑完成（目标达标）" if met else f"办公室确认完成（目标未达标）：{reason}"
    audit_changed(actor=actor, obj=m, before=before, note=note[:300])
    return m
