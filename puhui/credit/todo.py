"""The credit app's lines of the home page's to-do list (`TODO` in plugin.py) and its menu badges: each
count reads through `access` and matches the page it links to — the worklist's 待核实 list and status
filter, the objections list. Counts that can be large stop at `plugins.TODO_CAP`."""

from django.urls import reverse
from django.utils import timezone

from puhui.core.plugins import capped_count
from puhui.credit import access
from puhui.credit.models import HouseholdArchive


def todo_verify(user) -> int:
    """Complete archives waiting for this bank's or town's verification (the worklist's 待核实 list). The
    office may verify too, but the county's whole queue is no to-do of its own."""
    return capped_count(access.verification_queue_for(user)) if _verifies(user) else 0


def _verifies(user) -> bool:
    return user.role in {"town", "institution"} and access.may_verify(user)


def todo_verify_items(user, limit: int) -> list[tuple[str, str]]:
    if not _verifies(user):
        return []
    rows = access.verification_queue_for(user).select_related("household", "village").order_by("updated_at")
    return [
        (
            f"{a.household.head_name} · {a.village.name} · 完整度 {a.completeness}%",
            reverse("credit_household", args=[a.household_id]),
        )
        for a in rows[:limit]
    ]


def _unanswered(user, *, overdue: bool = False):
    if not access.may_answer_objection(user):
        return None
    qs = access.objections_to_answer_for(user).filter(answered_at__isnull=True)
    return qs.filter(due_on__lt=timezone.localdate()) if overdue else qs


def todo_objections(user) -> int:
    qs = _unanswered(user)
    return 0 if qs is None else capped_count(qs)


def todo_objections_overdue(user) -> int:
    qs = _unanswered(user, overdue=True)
    return 0 if qs is None else capped_count(qs)


def todo_objection_items(user, limit: int) -> list[tuple[str, str]]:
    qs = _unanswered(user)
    if qs is None:
        return []
    return [
        (
            f"{o.household.head_name}：{o.text[:20]}（{o.due_on:%Y年%m月%d日}前答复）",
            reverse("credit_household", args=[o.household_id]),
        )
        for o in qs.select_related("household").order_by("due_on")[:limit]
    ]


def _unfinished(user, status: str):
    """An agent's households without an archive (status "none") or with one still being collected."""
    if not access.may_edit_archive(user) or user.role != "agent":
        return None
    households = access.credit_households_for(user)
    if status == "none":
        return households.filter(archive__isnull=True)
    return households.filter(archive__status=status)


def todo_unarchived(user) -> int:
    qs = _unfinished(user, "none")
    return 0 if qs is None else capped_count(qs)


def todo_drafts(user) -> int:
    qs = _unfinished(user, HouseholdArchive.Status.DRAFT)
    return 0 if qs is None else capped_count(qs)


def _unfinished_items(user, status: str, limit: int) -> list[tuple[str, str]]:
    qs = _unfinished(user, status)
    if qs is None:
        return []
    return [
        (f"{h.head_name} · {h.village.name}", reverse("credit_archive_edit", args=[h.pk]))
        for h in qs.select_related("village").order_by("code")[:limit]
    ]


def todo_unarchived_items(user, limit: int) -> list[tuple[str, str]]:
    return _unfinished_items(user, "none", limit)


def todo_draft_items(user, limit: int) -> list[tuple[str, str]]:
    return _unfinished_items(user, HouseholdArchive.Status.DRAFT, limit)


def todo_worklist_badge(user) -> int:
    """信用档案's badge: archives to verify, or an agent's archives still being collected."""
    return todo_drafts(user) if user.role == "agent" else todo_verify(user)
