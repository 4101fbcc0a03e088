"""Scoped access to the household and firm rosters."""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import User
from puhui.registry.models import Firm, Household

Role = User.Role


def households_for(user: User) -> QuerySet[Household]:
    qs = Household.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return qs
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    if user.role == Role.AGENT:
        return qs.filter(village__in=user.villages.all())
    if user.role == Role.PUBLIC and user.household_id:
        return qs.filter(pk=user.household_id)
    return qs.none()


def access_household_by_id(user: User, pk) -> Household:
    return get_or_404(households_for(user).select_related("village", "town"), pk=pk)


def firms_for(user: User) -> QuerySet[Firm]:
    qs = Firm.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT}:
        return qs
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    return qs.none()


def access_firm_by_id(user: User, pk) -> Firm:
    return get_or_404(firms_for(user).select_related("village", "town"), pk=pk)


# Roles whose work needs clear ID numbers and phones (PIPL minimum necessary): the office, town
# officials and village agents for the households in their scope, and a farmer for their own household.
# System administrators are deliberately absent — see docs/personal-data.md.
UNMASK_ROLES = frozenset({Role.OFFICE, Role.TOWN, Role.AGENT, Role.PUBLIC})


def may_unmask(user: User) -> bool:
    """Whether the user's role may see clear personal data; the household scope is checked on access."""
    return user.is_authenticated and user.role in UNMASK_ROLES


def may_see_unmask_log(user: User) -> bool:
    """Who viewed a household's personal data in clear is shown to the office and administrators."""
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def access_household_for_unmask(user: User, pk) -> Household:
    if not may_unmask(user):
        raise Http404
    return access_household_by_id(user, pk)
