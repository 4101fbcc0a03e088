"""Reads of the dishonest-debtor list, through `access.py`; also what the platform's hooks read (the profile
flag on the registry's pages, the rating exclusion of the credit app)."""

from django.utils import timezone

from puhui.core.crypto import mask_id_number
from puhui.core.plugins import capped_count
from puhui.disposal import access
from puhui.disposal.models import Listing
from puhui.disposal.services.listings import window_open
from puhui.registry.models import Household, HouseholdMember

Status = Listing.Status


def debtor_code(listing: Listing, user) -> str:
    """The firm's code in full; a person's ID number masked (the office sees it on the listing page only)."""
    if listing.debtor_kind == Listing.Debtor.FIRM:
        return listing.uscc
    return mask_id_number(listing.id_number) if listing.id_number else ""


def timeline(listing: Listing):
    return listing.steps.select_related("actor").order_by("at", "id")


def actions(user, listing: Listing) -> dict[str, bool]:
    """What the viewer may do on the listing's page now (the services check again when it is done)."""
    today = timezone.localdate()
    manage = access.can_manage(user)
    status = listing.status
    return {
        "notify": manage and status == Status.PROPOSED,
        "object": status == Status.NOTIFIED
        and window_open(listing, today)
        and access.may_object(user, listing),
        "decide_list": manage
        and (status == Status.OBJECTED or (status == Status.NOTIFIED and not window_open(listing, today))),
        "decide_reject": manage and status in (Status.PROPOSED, Status.NOTIFIED, Status.OBJECTED),
        "settle": status == Status.LISTED
        and listing.settled_on is None
        and (access.is_own_proposal(user, listing) or manage),
        "remove": manage and status == Status.LISTED,
    }


def pending_count(user) -> int:
    """The office's to-do: proposals to notify, objections to decide, windows closed awaiting a decision."""
    if not access.can_manage(user):
        return 0
    today = timezone.localdate()
    qs = Listing.objects.filter(status__in=(Status.PROPOSED, Status.OBJECTED)) | Listing.objects.filter(
        status=Status.NOTIFIED, objection_until__lt=today
    )
    return capped_count(qs)


# ---------------------------------------------------------------- hooks: profile flag, rating exclusion


def flags_for(user, *, firm=None, household=None) -> list[dict]:
    """The profile flag of a firm or a household (head or member listed), for those in publication scope."""
    qs = access.published_for(user)
    if firm is not None:
        qs = qs.filter(debtor_kind=Listing.Debtor.FIRM, uscc=firm.uscc)
    elif household is not None:
        hashes = [household.head_id_hash, *household.members.values_list("id_hash", flat=True)]
        qs = qs.filter(debtor_kind=Listing.Debtor.PERSON, id_hash__in=[h for h in hashes if h])
    else:
        return []
    from django.urls import reverse

    return [
        {
            "text": "已列入逃废债黑名单",
            "detail": f"{listing.debtor_name}：{listing.bank.name}提议，{listing.decided_on:%Y-%m-%d}列入（{listing.judgment_no}）",
            "url": reverse("disposal:listing_detail", args=[listing.pk]),
        }
        for listing in qs.order_by("decided_on", "id")
    ]


def dishonest_households() -> set[int]:
    """The households whose head or a member is on the list now (已列入): excluded from rating and pre-credit.
    A few dozen listings at most, so three indexed lookups."""
    hashes = list(
        Listing.objects.filter(status=Status.LISTED, debtor_kind=Listing.Debtor.PERSON)
        .exclude(id_hash="")
        .values_list("id_hash", flat=True)
    )
    if not hashes:
        return set()
    heads = Household.objects.filter(head_id_hash__in=hashes).values_list("pk", flat=True)
    members = HouseholdMember.objects.filter(id_hash__in=hashes).values_list("household_id", flat=True)
    return set(heads) | set(members)
