"""The office's review of outreach records: approve (the record then counts towards the targets) or return
with a reason (the one who entered it corrects and sends it again). Only the office reviews, and only a
record waiting for review; the enterer is told either way."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from puhui.core.review import review_decide
from puhui.outreach import access
from puhui.outreach.models import MobileEvent, Publicity, SchoolBase

DETAIL = {
    MobileEvent: "outreach:event_detail",
    Publicity: "outreach:publicity_detail",
    SchoolBase: "outreach:school_detail",
}


def record_review(*, actor, record, decision: str, reason: str = ""):
    """`decision`: "approve" or "return" (a reason is required to return)."""
    if not access.can_review(actor):
        raise ValidationError("只有领导小组办公室可以审核宣传教育记录。")
    model = type(record)
    return review_decide(
        actor=actor,
        record=record,
        decision=decision,
        reason=reason,
        what=model._meta.verbose_name,
        kind="outreach",
        url=reverse(DETAIL[model], args=[record.pk]),
    )
