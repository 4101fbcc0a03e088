"""Scoped access to the household and firm rosters."""

from django.db.models import QuerySet

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
