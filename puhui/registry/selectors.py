"""Reads for the household and firm rosters, each scoped through `access`.

Personal data leaves this module masked: templates get `MaskedHousehold` views, never model
instances holding clear ID numbers or phones.
"""

import re
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from puhui.core import crypto
from puhui.core.access import audit_logs_for, divisions_for
from puhui.core.models import AuditLog, Division, User
from puhui.core.selectors import villages_in_scope
from puhui.registry.access import firms_for, households_for
from puhui.registry.models import Firm, Household

Role = User.Role
PAGE_SIZE = 50
# Counting stops here: a COUNT over a filter that no index serves (activity, name) reads every row,
# about 0.3 s at 1.75 million households on SQLite. Nobody pages past 200 pages; they narrow the filter.
COUNT_CAP = 10_000

MASKERS = {"head_id_number": crypto.mask_id_number, "phone": crypto.mask_phone}
PERSONAL_FIELDS = {"head_id_number": "户主身份证号", "phone": "联系电话"}
# Terms searched through the keyed hashes: ID numbers (18 or old 15 digits) and mobile numbers.
_ID_TERM = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_PHONE_TERM = re.compile(r"^1\d{10}$")
_USCC_TERM = re.compile(r"^[0-9A-Za-z]{18}$")


class MaskedHousehold:
    """A read-only view of a household for templates: personal fields come out masked, hashes never."""

    def __init__(self, household: Household):
        self._household = household

    def __getattr__(self, name):
        if name in MASKERS:
            value = getattr(self._household, name)
            return MASKERS[name](value) if value else ""
        if name.endswith("_hash"):
            raise AttributeError(name)
        return getattr(self._household, name)


class CappedPaginator(Paginator):
    """A paginator whose count stops at `COUNT_CAP` rows (the page then says "超过 10,000 条")."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMIT subquery: the database stops reading at cap + 1 rows. Unordered, so
        # PostgreSQL may count from any index instead of walking the page order.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if not self.capped else max(1, -(-self.cap // self.per_page))


def paginate(queryset, page_number, per_page: int = PAGE_SIZE):
    return CappedPaginator(queryset, per_page).get_page(page_number)


# ----- households -----


def towns_in_scope(user: User) -> QuerySet[Division]:
    towns = divisions_for(user).filter(level=Division.Level.TOWN)
    if user.role == Role.TOWN:
        return towns.filter(pk=user.town_id)
    if user.role == Role.AGENT:
        return towns.filter(pk__in=user.villages.values("parent_id"))
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return towns
    return towns.none()


def household_villages_in_scope(user: User) -> QuerySet[Division]:
    if user.role not in {Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT}:
        return Division.objects.none()
    return villages_in_scope(user)


def main_activities() -> list[str]:
    """The roster's distinct main activities; a full scan, so cached for an hour (county-wide categories)."""
    values = cache.get("registry:main_activities")
    if values is None:
        values = sorted(
            Household.objects.exclude(main_activity="")
            .values_list("main_activity", flat=True)
            .distinct()
            .order_by()
        )
        cache.set("registry:main_activities", values, 3600)
    return values


def personal_lookup_key(term: str) -> str | None:
    """The look-up hash of an ID number or mobile number, or None when the term is neither."""
    term = crypto.normalise(term)
    if _ID_TERM.match(term) or _PHONE_TERM.match(term):
        return crypto.lookup_hash(term)
    return None


def personal_lookup_keys(term: str) -> list[str]:
    """The look-up hashes of an ID number or mobile number under every active key (a key rotation keeps
    the old key's hash on rows not yet rotated); empty when the term is neither."""
    term = crypto.normalise(term)
    if _ID_TERM.match(term) or _PHONE_TERM.match(term):
        return crypto.lookup_hashes(term)
    return []


def household_search(
    user: User,
    *,
    town: Division | None = None,
    village: Division | None = None,
    is_farm: bool | None = None,
    main_activity: str = "",
    q: str = "",
    key: str = "",
) -> QuerySet[Household]:
    """Households in the user's scope, ordered along the (town, village) index so every page is an index walk."""
    qs = households_for(user)
    if town is not None:
        qs = qs.filter(town_id=town.pk)
    if village is not None:
        qs = qs.filter(village_id=village.pk)
    if is_farm is not None:
        qs = qs.filter(is_farm=is_farm)
    if main_activity:
        qs = qs.filter(main_activity=main_activity)
    # Never decrypt rows to search: ID numbers and phones are found by their keyed hash only.
    if key:
        qs = qs.filter(Q(head_id_hash=key) | Q(phone_hash=key))
    q = q.strip()
    if q:
        digests = personal_lookup_keys(q)
        if digests:
            qs = qs.filter(Q(head_id_hash__in=digests) | Q(phone_hash__in=digests))
        elif q.isascii():
            qs = qs.filter(code__in={q, q.upper()})
        else:
            qs = qs.filter(head_name__contains=q)
    return qs.select_related("village", "town").order_by("town_id", "village_id", "id")


def masked_page(page):
    """Replace the page's households by masked views (decrypting 50 rows, not the roster)."""
    page.object_list = [MaskedHousehold(h) for h in page.object_list]
    return page


def household_clear_value(household: Household, field: str) -> str:
    if field not in PERSONAL_FIELDS:
        raise ValueError(field)
    return getattr(household, field) or ""


def household_unmask_log(user: User, household: Household) -> QuerySet[AuditLog]:
    """Who viewed this household's personal data in clear, newest first (office and admin only)."""
    return (
        audit_logs_for(user)
        .filter(action=AuditLog.Action.UNMASK, object_type=Household._meta.label, object_id=str(household.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )


# ----- firms -----


def firm_towns_in_scope(user: User) -> QuerySet[Division]:
    towns = divisions_for(user).filter(level=Division.Level.TOWN)
    if user.role == Role.TOWN:
        return towns.filter(pk=user.town_id)
    if user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT}:
        return towns
    return towns.none()


def firm_industries() -> list[str]:
    values = cache.get("registry:firm_industries")
    if values is None:
        values = sorted(Firm.objects.values_list("industry", flat=True).distinct().order_by())
        cache.set("registry:firm_industries", values, 3600)
    return values


def firm_search(
    user: User, *, town: Division | None = None, kind: str = "", industry: str = "", q: str = ""
) -> QuerySet[Firm]:
    qs = firms_for(user)
    if town is not None:
        qs = qs.filter(town_id=town.pk)
    if kind:
        qs = qs.filter(kind=kind)
    if industry:
        qs = qs.filter(industry=industry)
    q = q.strip()
    if _USCC_TERM.match(q):
        qs = qs.filter(uscc=q.upper())
    elif q:
        qs = qs.filter(name__contains=q)
    return qs.select_related("village", "town").order_by("uscc")
