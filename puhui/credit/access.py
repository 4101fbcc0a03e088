"""Scoped access to credit archives, ratings and pre-credit lines (the only road to them).

Agents: their villages; town officials: their town; the office: everything; a bank: only its
customers — households it offered a pre-credit line to, or whose archive it verified; a farmer:
their own household. Member units see nothing here (personal credit data, minimum necessary).

Verification queue: a bank (banks only, not insurers or other institutions) also opens complete
archives waiting for verification in its service area — towns where it (or one of its outlets) has an
office, and villages where it runs an open service point; a town official their town; the office all.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from puhui.core.access import get_or_404
from puhui.core.models import Division, Organisation, ServicePoint, User
from puhui.credit import selectors
from puhui.credit.models import HouseholdArchive, Objection, PreCreditLine, Rating
from puhui.registry.access import may_unmask
from puhui.registry.models import Household

Role = User.Role
STAFF_EDIT_ROLES = {Role.AGENT, Role.TOWN, Role.OFFICE}


# Institutions that verify archives (the plan's 十四: the county's banks, led by the rural commercial
# bank and the village bank); insurers, guarantors and other institutions do not.
VERIFYING_KINDS = frozenset(
    {
        Organisation.Kind.POLICY_BANK,
        Organisation.Kind.COMMERCIAL_BANK,
        Organisation.Kind.RURAL_BANK,
        Organisation.Kind.VILLAGE_BANK,
    }
)


def _bank_path(user: User) -> str | None:
    if user.role == Role.INSTITUTION and user.organisation_id:
        return user.organisation.path
    return None


def bank_ids(user: User) -> list[int]:
    """The bank user's organisation and its outlets (a handful of ids, read once per request)."""
    path = _bank_path(user)
    if path is None:
        return []
    cached = getattr(user, "_credit_bank_ids", None)
    if cached is None or cached[0] != path:
        ids = list(Organisation.objects.filter(path__startswith=path).values_list("pk", flat=True))
        cached = (path, ids)
        user._credit_bank_ids = cached
    return cached[1]


# A bank with fewer lines plus verified archives than this is "small": its customers are read as one
# set (a UNION the database hashes); a larger one is read household by household along the page's
# order (an EXISTS probe per household on two primary-key/FK indexes), which stops after one page.
SMALL_BANK = 20_000


def _is_small_bank(user: User, ids: list[int]) -> bool:
    cached = getattr(user, "_credit_small_bank", None)
    if cached is None or cached[0] != ids:
        n = PreCreditLine.objects.filter(bank_id__in=ids)[:SMALL_BANK].count()
        if n < SMALL_BANK:
            n += HouseholdArchive.objects.filter(verified_bank_id__in=ids)[: SMALL_BANK - n].count()
        cached = (ids, n < SMALL_BANK)
        user._credit_small_bank = cached
    return cached[1]


def bank_customer_filter(user: User) -> Q:
    """The bank user's customers as a filter on Household (a subquery, never materialised)."""
    ids = bank_ids(user)
    if not ids:
        return Q(pk__in=[])
    offered = PreCreditLine.objects.filter(bank_id__in=ids)
    verified = HouseholdArchive.objects.filter(verified_bank_id__in=ids)
    if _is_small_bank(user, ids):
        return Q(pk__in=offered.values("household_id").union(verified.values("household_id")))
    return Q(Exists(verified.filter(household_id=OuterRef("pk")))) | Q(
        Exists(offered.filter(household_id=OuterRef("pk")))
    )


def bank_customer_ids(user: User) -> QuerySet:
    """Household ids that are the bank user's customers (subquery, never materialised)."""
    return Household.objects.filter(bank_customer_filter(user)).values("pk")


def is_bank_customer(user: User, household_id) -> bool:
    ids = bank_ids(user)
    return bool(ids) and (
        HouseholdArchive.objects.filter(household_id=household_id, verified_bank_id__in=ids).exists()
        or PreCreditLine.objects.filter(household_id=household_id, bank_id__in=ids).exists()
    )


def may_verify_as_bank(user: User) -> bool:
    return (
        _bank_path(user) is not None
        and user.organisation.kind in VERIFYING_KINDS
        and user.organisation.closed_on is None
    )


def bank_service_area(user: User) -> tuple[list[int], list[int]]:
    """(town ids, village ids) where the bank works: towns of its open offices (the county branch and
    its outlets: an office serves its whole town) and villages of its open service points."""
    if not may_verify_as_bank(user):
        return [], []
    today = timezone.localdate()
    open_ = Q(closed_on__isnull=True) | Q(closed_on__gt=today)
    offices = Organisation.objects.filter(open_, pk__in=bank_ids(user), division__isnull=False)
    towns = set()
    for level, division_id, parent_id in offices.values_list(
        "division__level", "division_id", "division__parent_id"
    ):
        if level == Division.Level.TOWN:
            towns.add(division_id)
        elif level == Division.Level.VILLAGE:
            towns.add(parent_id)
    villages = set(
        ServicePoint.objects.filter(open_, bank_id__in=bank_ids(user)).values_list("village_id", flat=True)
    )
    return sorted(towns), sorted(villages)


def verification_queue_for(user: User) -> QuerySet[HouseholdArchive]:
    """Complete archives waiting for verification that the user may open and verify."""
    qs = HouseholdArchive.objects.filter(status=HouseholdArchive.Status.SUBMITTED, is_complete=True)
    if not user.is_authenticated:
        return qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return qs
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    if user.role == Role.INSTITUTION:
        towns, villages = bank_service_area(user)
        if not towns and not villages:
            return qs.none()
        return qs.filter(Q(town_id__in=towns) | Q(village_id__in=villages))
    return qs.none()


def credit_households_for(user: User) -> QuerySet[Household]:
    qs = Household.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return qs
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    if user.role == Role.AGENT:
        return qs.filter(village__in=user.villages.all())
    if user.role == Role.INSTITUTION:
        return qs.filter(bank_customer_filter(user))
    if user.role == Role.PUBLIC and user.household_id:
        return qs.filter(pk=user.household_id)
    return qs.none()


def access_credit_household_by_id(user: User, pk) -> Household:
    return get_or_404(credit_households_for(user).select_related("village", "town"), pk=pk)


def archives_for(user: User) -> QuerySet[HouseholdArchive]:
    return HouseholdArchive.objects.filter(household__in=credit_households_for(user))


def may_edit_archive(user: User) -> bool:
    return user.is_authenticated and user.role in STAFF_EDIT_ROLES


def access_household_for_archive_edit(user: User, pk) -> Household:
    """Agents collect archives; town officials and the office may correct them. Banks and farmers may not."""
    if not may_edit_archive(user):
        raise Http404
    return access_credit_household_by_id(user, pk)


def access_household_for_archive_unmask(user: User, pk) -> Household:
    """The archive form's 显示明文: a role that edits archives and may see clear personal data
    (`registry.access.UNMASK_ROLES`), for a household in its scope. Anything else is 404."""
    if not may_unmask(user):
        raise Http404
    return access_household_for_archive_edit(user, pk)


def may_verify(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.INSTITUTION:
        return may_verify_as_bank(user)
    return user.role in {Role.TOWN, Role.OFFICE}


def access_archive_for_verify(user: User, pk) -> HouseholdArchive:
    """A bank may verify a complete archive waiting for verification in its service area (that makes
    the household its customer) or its own customer's archive sent back for verification — never
    another party's verified archive; a town official any archive in their town; the office all."""
    if not may_verify(user):
        raise Http404
    qs = HouseholdArchive.objects.select_related("household")
    if user.role == Role.TOWN:
        qs = qs.filter(town_id=user.town_id)
    elif user.role == Role.INSTITUTION:
        archive = get_or_404(qs, household_id=pk)
        waiting = archive.status == HouseholdArchive.Status.SUBMITTED and archive.is_complete
        if waiting and verification_queue_for(user).filter(pk=archive.pk).exists():
            return archive
        if waiting and is_bank_customer(user, archive.pk):
            return archive
        raise Http404
    return get_or_404(qs, household_id=pk)


def ratings_for(user: User) -> QuerySet[Rating]:
    return Rating.objects.filter(household__in=credit_households_for(user))


def lines_for(user: User) -> QuerySet[PreCreditLine]:
    """A bank sees only its own lines, even for a shared customer."""
    qs = PreCreditLine.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.INSTITUTION:
        ids = bank_ids(user)
        return qs.filter(bank_id__in=ids) if ids else qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return qs  # no IN over every household
    # The line's own village and town (copied from the household at the offer): an index read, not an
    # IN over the scope's households.
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    if user.role == Role.AGENT:
        return qs.filter(village_id__in=user.villages.values("pk"))
    if user.role == Role.PUBLIC and user.household_id:
        return qs.filter(household_id=user.household_id)
    return qs.none()


def access_line_by_id(user: User, pk) -> PreCreditLine:
    return get_or_404(lines_for(user).select_related("household", "bank"), pk=pk)


def may_offer(user: User) -> bool:
    return _bank_path(user) is not None


def access_household_for_offer(user: User, pk) -> Household:
    """A bank may offer a line to any household with a counted archive in the county."""
    if not may_offer(user):
        raise Http404
    return get_or_404(
        Household.objects.filter(selectors.archived_q("archive__")),
        pk=pk,
    )


def offering_bank(user: User) -> Organisation:
    return user.organisation


def objections_for(user: User) -> QuerySet[Objection]:
    if user.is_authenticated and user.role == Role.INSTITUTION:
        return Objection.objects.none()
    return Objection.objects.filter(household__in=credit_households_for(user))


def may_answer_objection(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.TOWN}


def access_objection_for_answer(user: User, pk) -> Objection:
    if not may_answer_objection(user):
        raise Http404
    return get_or_404(objections_for(user), pk=pk)


def may_manage_credit(user: User) -> bool:
    """Scorecards, rules, bulk rating, designations and the archive access log: the office."""
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


# ---------------------------------------------------------------- village and town credit pages
# Aggregate figures only (counts and rates, no household): agents their villages, town officials their
# town, the office, member units and banks every village and town; farmers none.


def may_see_village(user: User, village: Division) -> bool:
    if not user.is_authenticated or user.role == Role.PUBLIC:
        return False
    if user.role == Role.AGENT:
        return user.villages.filter(pk=village.pk).exists()
    if user.role == Role.TOWN:
        return village.parent_id == user.town_id
    return user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION}


def credit_towns_for(user: User) -> QuerySet[Division]:
    """Towns whose credit page the user may open. An agent sees no town page: it shows every village
    of the town, and an agent's scope is their own villages."""
    qs = Division.objects.filter(level=Division.Level.TOWN)
    if not user.is_authenticated:
        return qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION}:
        return qs
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(pk=user.town_id)
    return qs.none()


def may_see_town(user: User, town: Division) -> bool:
    return credit_towns_for(user).filter(pk=town.pk).exists()


def access_credit_village_by_id(user: User, pk) -> Division:
    village = get_or_404(
        Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent"), pk=pk
    )
    if not may_see_village(user, village):
        raise Http404
    return village


def access_credit_town_by_id(user: User, pk) -> Division:
    return get_or_404(credit_towns_for(user).select_related("parent"), pk=pk)
