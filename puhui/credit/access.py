"""Scoped access to credit archives, ratings and pre-credit lines (the only road to them).

Agents: their villages; town officials: their town; the office: everything; a bank: only its
customers — households it offered a pre-credit line to, or whose archive it verified; a farmer:
their own household. Member units see nothing here (personal credit data, minimum necessary).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.credit.models import HouseholdArchive, Objection, PreCreditLine, Rating
from puhui.registry.models import Household

Role = User.Role
STAFF_EDIT_ROLES = {Role.AGENT, Role.TOWN, Role.OFFICE}


def _bank_path(user: User) -> str | None:
    if user.role == Role.INSTITUTION and user.organisation_id:
        return user.organisation.path
    return None


def bank_customer_ids(user: User) -> QuerySet:
    """Household ids that are the bank user's customers (subquery, never materialised)."""
    path = _bank_path(user)
    if path is None:
        return Household.objects.none().values("pk")
    offered = PreCreditLine.objects.filter(bank__path__startswith=path).values("household_id")
    verified = HouseholdArchive.objects.filter(verified_bank__path__startswith=path).values("household_id")
    return Household.objects.filter(Q(pk__in=offered) | Q(pk__in=verified)).values("pk")


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
        return qs.filter(pk__in=bank_customer_ids(user))
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


def may_verify(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.INSTITUTION, Role.TOWN, Role.OFFICE}


def access_archive_for_verify(user: User, pk) -> HouseholdArchive:
    """A bank may verify any archive in the county (that makes the household its customer);
    a town official only in their town; the office all."""
    if not may_verify(user):
        raise Http404
    qs = HouseholdArchive.objects.select_related("household")
    if user.role == Role.TOWN:
        qs = qs.filter(town_id=user.town_id)
    return get_or_404(qs, household_id=pk)


def ratings_for(user: User) -> QuerySet[Rating]:
    return Rating.objects.filter(household__in=credit_households_for(user))


def lines_for(user: User) -> QuerySet[PreCreditLine]:
    """A bank sees only its own lines, even for a shared customer."""
    qs = PreCreditLine.objects.all()
    path = _bank_path(user)
    if path is not None:
        return qs.filter(bank__path__startswith=path)
    if user.is_authenticated and user.role == Role.INSTITUTION:
        return qs.none()
    if user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}:
        return qs  # no IN over every household
    return qs.filter(household__in=credit_households_for(user))


def access_line_by_id(user: User, pk) -> PreCreditLine:
    return get_or_404(lines_for(user).select_related("household", "bank"), pk=pk)


def may_offer(user: User) -> bool:
    return _bank_path(user) is not None


def access_household_for_offer(user: User, pk) -> Household:
    """A bank may offer a line to any household with a counted archive in the county."""
    if not may_offer(user):
        raise Http404
    return get_or_404(
        Household.objects.filter(archive__is_complete=True, archive__status=HouseholdArchive.Status.VERIFIED),
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
