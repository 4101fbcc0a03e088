"""The to-do lines of the financing app (plugin.TODO): a lender's demands waiting for its answer, and
those past the deadline. One indexed count each (Route index bank, answer, due_on)."""

from django.urls import reverse
from django.utils import timezone

from puhui.core.plugins import capped_count
from puhui.financing import access
from puhui.financing.models import Route


def _pending(user):
    return access.answerable_routes(user).filter(answer=Route.Answer.PENDING)


def pending_count(user) -> int:
    return capped_count(_pending(user).filter(due_on__gte=timezone.localdate()))


def overdue_count(user) -> int:
    return capped_count(_pending(user).filter(due_on__lt=timezone.localdate()))


def overdue_items(user, limit: int) -> list[tuple[str, str]]:
    rows = _pending(user).filter(due_on__lt=timezone.localdate()).select_related("demand__firm")
    return [
        (
            f"{r.demand.firm.name} {r.demand.amount:,.0f} 元（{r.due_on:%m月%d日}到期）",
            reverse("financing:demand", args=[r.demand_id]),
        )
        for r in rows.order_by("due_on", "id")[:limit]
    ]
