"""The office's review of outreach records: approve (the record then counts towards the targets) or return
with a reason (the one who entered it corrects and sends it again). Only the office reviews, and only a
record waiting for review; the enterer is told either way."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.notifications import notifications_send
from puhui.core.service_checks import text_within
from puhui.outreach import access
from puhui.outreach.models import MobileEvent, Publicity, SchoolBase, Status

DETAIL = {
    MobileEvent: "outreach:event_detail",
    Publicity: "outreach:publicity_detail",
    SchoolBase: "outreach:school_detail",
}


@transaction.atomic
def record_review(*, actor, record, decision: str, reason: str = ""):
    """`decision`: "approve" or "return" (a reason is required to return)."""
    if not access.can_review(actor):
        raise ValidationError("只有领导小组办公室可以审核宣传教育记录。")
    model = type(record)
    record = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if record.status != Status.PENDING:
        raise ValidationError(f"这条记录处于“{record.get_status_display()}”状态，不能再审核。")
    if decision not in ("approve", "return"):
        raise ValidationError({"decision": "请选择审核结果（通过或退回）。"})
    reason = text_within(reason, "reason", "退回原因", limit=1000, required=decision == "return")
    before = snapshot(record)
    record.status = Status.APPROVED if decision == "approve" else Status.RETURNED
    record.reviewed_by, record.reviewed_at = actor, timezone.now()
    if decision == "return":
        record.return_reason = reason
    record.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    verdict = "审核通过" if decision == "approve" else f"退回：{reason}"
    audit_changed(actor=actor, obj=record, before=before, note=verdict)
    notifications_send(
        users=[record.entered_by],
        kind="outreach",
        title=f"{model._meta.verbose_name}{'已审核通过' if decision == 'approve' else '被退回'}：{record}",
        body="" if decision == "approve" else f"退回原因：{reason}。请修改后重新提交。",
        url=reverse(DETAIL[model], args=[record.pk]),
        key=f"outreach-{model._meta.model_name}-{record.pk}-{before['status']}-{record.reviewed_at:%Y%m%d%H%M%S%f}",
    )
    return record
