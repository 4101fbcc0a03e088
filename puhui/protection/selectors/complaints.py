"""Reads of complaints, through `access.py`: the to-do counts, the deadline board, the public view."""

import datetime

from django.urls import reverse
from django.utils import timezone

from puhui.core.plugins import capped_count
from puhui.protection import access
from puhui.protection.models import Complaint

Status = Complaint.Status
OPEN = (Status.HANDLING, Status.ANSWERED, Status.ESCALATED, Status.MEDIATION)


def due_soon(user, days: int = 3):
    """The complaints of this user's institution still to answer, due within `days` (or overdue)."""
    bank = access.bank_of(user)
    if bank is None:
        return Complaint.objects.none()
    limit = timezone.localdate() + datetime.timedelta(days=days)
    # due_on is the index's column; an extended complaint shows once its original date is near, too.
    return Complaint.objects.filter(institution=bank, status=Status.HANDLING, due_on__lte=limit)


def due_count(user) -> int:
    """The bank's to-do line: one capped count on (institution, status, due_on)."""
    return capped_count(due_soon(user))


def due_items(user, limit: int) -> list[tuple[str, str]]:
    rows = due_soon(user).order_by("due_on", "id")[:limit]
    return [
        (
            f"投诉 {c.number}（{c.deadline:%Y-%m-%d}前答复）",
            reverse("protection:complaint_detail", args=[c.pk]),
        )
        for c in rows
    ]


def escalated_count(user) -> int:
    """The office's to-do line: escalated complaints waiting for it (index on status, received_on)."""
    if not access.is_office(user):
        return 0
    return capped_count(Complaint.objects.filter(status=Status.ESCALATED))


def state(c: Complaint, today=None) -> str:
    """逾期未答复 / 即将到期 / 处理中 / 逾期答复 / the status: what the board and the page show."""
    today = today or timezone.localdate()
    if c.status == Status.HANDLING:
        if today > c.deadline:
            return "逾期未答复"
        return "即将到期" if (c.deadline - today).days <= 3 else "处理中"
    if c.late and c.status == Status.ANSWERED:
        return "逾期答复"
    return c.get_status_display()


def days_left(c: Complaint, today=None) -> int | None:
    if c.status != Status.HANDLING:
        return None
    return (c.deadline - (today or timezone.localdate())).days


def timeline(complaint: Complaint):
    return complaint.steps.select_related("actor").order_by("at", "id")


def public_rows(limit: int = 50) -> list[dict]:
    """The CFPB-style public view: closed or answered complaints with no person in them — the date, the
    institution, the classification, whether answered on time, the complainant's rating."""
    qs = (
        Complaint.objects.filter(
            status__in=(Status.ANSWERED, Status.CLOSED, Status.MEDIATION, Status.ESCALATED)
        )
        .select_related("institution")
        .only(
            "received_on",
            "institution__name",
            "business_channel",
            "business",
            "cause",
            "late",
            "status",
            "feedback",
        )
        .order_by("-received_on", "-id")[:limit]
    )
    return [
        {
            "received_on": c.received_on,
            "institution": c.institution.name,
            "business_channel": c.get_business_channel_display(),
            "business": c.get_business_display(),
            "cause": c.get_cause_display(),
            "timely": "否" if c.late else "是",
            "status": c.get_status_display(),
            "feedback": c.get_feedback_display() or "未评价",
        }
        for c in qs
    ]
