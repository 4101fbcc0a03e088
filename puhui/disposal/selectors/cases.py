"""Reads of the disposal register, through `access.py`."""

from django.utils import timezone

from puhui.core.plugins import capped_count
from puhui.disposal import access
from puhui.disposal.models import CaseStep, RiskCase


def overdue_steps(user):
    """The steps of this user's unit not done by their deadline, in open cases."""
    owner = access.step_owner_of(user)
    if owner is None:
        return CaseStep.objects.none()
    return CaseStep.objects.filter(
        owner=owner,
        done_on__isnull=True,
        deadline__lt=timezone.localdate(),
        case__status=RiskCase.Status.OPEN,
    )


def overdue_count(user) -> int:
    """The home page's to-do line: one indexed count (owner, done_on, deadline)."""
    return capped_count(overdue_steps(user))


def overdue_items(user, limit: int) -> list[tuple[str, str]]:
    from django.urls import reverse

    steps = overdue_steps(user).select_related("case").order_by("deadline", "id")[:limit]
    return [(f"{s.case.title}：{s.what}", reverse("disposal:case_detail", args=[s.case_id])) for s in steps]


def step_state(step: CaseStep, today=None) -> str:
    """已办结 / 已逾期 / 办理中, as the case page and the list show a step."""
    today = today or timezone.localdate()
    if step.done_on is not None:
        return "已办结"
    return "已逾期" if step.deadline < today else "办理中"


def case_steps(user, case: RiskCase) -> list[dict]:
    today = timezone.localdate()
    owner = access.step_owner_of(user)
    return [
        {
            "step": s,
            "state": step_state(s, today),
            "may_report": s.done_on is None
            and case.status == RiskCase.Status.OPEN
            and (access.can_manage(user) or (owner is not None and s.owner_id == owner.pk)),
        }
        for s in access.steps_for(user, case)
    ]


def case_summary(user) -> dict:
    qs = access.cases_for(user)
    return {
        "open": qs.filter(status=RiskCase.Status.OPEN).count(),
        "closed": qs.filter(status=RiskCase.Status.CLOSED).count(),
        "overdue": overdue_count(user),
    }
