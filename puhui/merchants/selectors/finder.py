"""The public finder's merchants layer (`FinderLayer` in plugin.py): what a farmer may know about a shop that
takes cards and phones — its name, place, what it accepts and the discounts it offers. Public data only: no
figure a bank reported, no person."""

from django.db.models import Q
from django.utils import timezone

from puhui.core.models import Division
from puhui.merchants.models import Merchant
from puhui.merchants.selectors.coverage import active_q

MAX_PLACES = 2000  # a phone page never lists more


def _services(m: Merchant) -> list[str]:
    out = [f"受理{label}" for label in m.acceptance_labels.split("、") if label]
    out.append(m.get_business_type_display())
    return out


def _note(m: Merchant) -> str:
    parts = []
    if m.discount_rate:
        parts.append(f"非现金支付享 {m.discount_rate.normalize():f}% 优惠")
    if m.discounts:
        parts.append(m.discounts)
    return "；".join(parts)


def finder_places(village_ids: list[int]) -> list[dict]:
    """Active merchants in these villages, and those in the seats of their towns (no village)."""
    ids = [int(v) for v in village_ids]
    if not ids:
        return []
    town_ids = set(Division.objects.filter(pk__in=ids).values_list("parent_id", flat=True))
    qs = (
        Merchant.objects.filter(active_q(timezone.localdate()))
        .filter(Q(village_id__in=ids) | Q(village__isnull=True, town_id__in=town_ids))
        .select_related("town", "village")
        .order_by("town__code", "village__code", "name", "pk")
    )
    return [
        {
            "key": f"merchant:{m.pk}",
            "name": m.name,
            "village_id": m.village_id,
            "town_id": m.town_id,
            "lon": None,
            "lat": None,
            "address": m.address or m.place_name,
            "services": _services(m),
            "hours": "",
            "phone": "",
            "note": _note(m),
            "url": "",
        }
        for m in qs[:MAX_PLACES]
    ]
