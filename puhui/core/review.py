"""Records a unit enters and the office reviews: approved (it then counts), or returned with a reason (the one
who entered it corrects it and sends it again). The fields every such record carries and the one way a review
is decided, shared by the apps whose records are reviewed so (outreach's records, the cases app's publicity)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.notifications import notifications_send
from puhui.core.service_checks import text_within

DECISIONS = ("approve", "return")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


class Entered(models.Model):
    """Who entered a record and the office's last decision on it."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("填报时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        abstract = True


@transaction.atomic
def review_decide(*, actor, record, decision: str, reason: str = "", what: str, kind: str, url: str):
    """The office's decision on a record waiting for review (`status` a ReviewStatus): "approve", or "return"
    with a reason; audited, and the one who entered it is told (a notification of `kind` linking to `url`).
    `what` names the record in messages. The caller has checked that the actor reviews."""
    record = type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)
    if record.status != ReviewStatus.PENDING:
        raise ValidationError(f"这条记录处于“{record.get_status_display()}”状态，不能再审核。")
    if decision not in DECISIONS:
        raise ValidationError({"decision": "请选择审核结果（通过或退回）。"})
    reason = text_within(reason, "reason", "退回原因", limit=1000, required=decision == "return")
    before = snapshot(record)
    record.status = ReviewStatus.APPROVED if decision == "approve" else ReviewStatus.RETURNED
    record.reviewed_by, record.reviewed_at = actor, timezone.now()
    if decision == "return":
        record.return_reason = reason
    record.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    audit_changed(
        actor=actor,
        obj=record,
        before=before,
        note="审核通过" if decision == "approve" else f"退回：{reason}",
    )
    notifications_send(
        users=[record.entered_by],
        kind=kind,
        title=f"{what}{'已审核通过' if decision == 'approve' else '被退回'}：{record}",
        body="" if decision == "approve" else f"退回原因：{reason}。请修改后重新提交。",
        url=url,
        key=f"{kind}-{record._meta.model_name}-{record.pk}-{before['status']}-{record.reviewed_at:%Y%m%d%H%M%S%f}",
    )
    return record
