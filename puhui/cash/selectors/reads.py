"""Reads of the cash services. The to-do counts go through `access.py` and stop at `plugins.TODO_CAP`."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from puhui.cash import access
from puhui.cash.models import Booking, CashPoint, Recipient, Service, Warning
from puhui.cash.rules import hours_text
from puhui.core.plugins import capped_count


def open_points(day: datetime.date | None = None):
    """The cash points in service on `day` (default today): opened by then and not closed."""
    day = day or timezone.localdate()
    return CashPoint.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day), opened_on__lte=day)


def finder_places(village_ids: list[int]) -> list[dict]:
    """The public finder's layer (`plugins.FinderLayer`): open cash points in those villages, and those known
    only by their town in the villages' towns. Public data only: no person, no figure a bank reported."""
    from puhui.core.models import Division

    towns = set(Division.objects.filter(pk__in=village_ids).values_list("parent_id", flat=True))
    qs = (
        open_points()
        .filter(Q(village_id__in=village_ids) | Q(village__isnull=True, town_id__in=towns))
        .select_related("bank", "outlet", "service_point")
        .prefetch_related("hours")
        .order_by("pk")
    )
    labels = dict(Service.choices)
    booking = reverse("cash:booking")
    return [
        {
            "key": f"cash:{p.pk}",
            "name": p.name,
            "village_id": p.village_id,
            "town_id": p.town_id,
            "lon": None,
            "lat": None,
            "address": p.place_label,
            "services": [labels.get(s, s) for s in p.services],
            "hours": hours_text({h.weekday: (h.opens, h.closes) for h in p.hours.all()}),
            "phone": p.phone,
            "note": f"{p.get_kind_display()}（{p.bank.name}）",
            "url": f"{booking}?point={p.pk}",
        }
        for p in qs
    ]


def bank_warning_count(user) -> int:
    """A bank's units that have not yet acknowledged a warning (to-do line)."""
    if access.bank_of(user) is None:
        return 0
    return capped_count(access.recipients_for(user).filter(acknowledged_at__isnull=True))


def bank_booking_count(user) -> int:
    if access.bank_of(user) is None:
        return 0
    return capped_count(access.bookings_for(user).filter(status=Booking.Status.PENDING))


def office_overdue_count(user) -> int:
    """Units past a warning's deadline without acknowledging: the office's to-do line."""
    if not access.is_office(user):
        return 0
    today = timezone.localdate()
    return capped_count(
        access.recipients_for(user).filter(acknowledged_at__isnull=True, warning__deadline__lt=today)
    )


def warning_figures(user, warning: Warning) -> dict:
    """Units sent, acknowledged and not, within what the user sees (a bank: its own units)."""
    qs = access.recipients_for(user).filter(warning=warning)
    counts = qs.aggregate(total=Count("pk"), done=Count("pk", filter=Q(acknowledged_at__isnull=False)))
    total, done = counts["total"], counts["done"]
    return {
        "total": total,
        "done": done,
        "left": total - done,
        "share": round(100 * done / total, 1) if total else 0.0,
        "overdue": warning.deadline < timezone.localdate() and done < total,
    }


def my_units(user, warning: Warning, limit: int = 500) -> list[Recipient]:
    """A bank's own units of a warning, unacknowledged first (the acknowledgement form)."""
    return list(
        access.recipients_for(user)
        .filter(warning=warning)
        .order_by("acknowledged_at", "unit_name", "pk")[:limit]
    )
