"""Reads for the outreach pages and the home page's to-do line."""

from django.utils import timezone

from puhui.core.plugins import capped_count
from puhui.outreach import access
from puhui.outreach.models import MobileEvent, Publicity, SchoolBase, Status
from puhui.outreach.services.records import FIRST_YEAR


def year_choices(user=None, values=None) -> list[tuple[int, str]]:
    """The plan's years up to this one, newest first (a list filter's choices)."""
    return [(y, f"{y}年") for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def pending_count(user) -> int:
    """The office's to-do: records of the three kinds waiting for review — one capped count over the union of
    the three status indexes."""
    if not access.can_review(user):
        return 0
    waiting = [
        m.objects.filter(status=Status.PENDING).order_by().values("pk")
        for m in (MobileEvent, Publicity, SchoolBase)
    ]
    return capped_count(waiting[0].union(*waiting[1:], all=True))


def pending_by_kind(user) -> dict[str, int]:
    if not access.sees_all(user):
        return {}
    return {
        "events": capped_count(access.events_for(user).filter(status=Status.PENDING)),
        "publicity": capped_count(access.publicity_for(user).filter(status=Status.PENDING)),
        "schools": capped_count(access.schools_for(user).filter(status=Status.PENDING)),
    }


def event_photos(user, event: MobileEvent):
    """The photos of an event the user sees (`access_event_by_id` was passed to get `event`)."""
    return list(event.photos.order_by("id"))
