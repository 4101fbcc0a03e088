"""Scoped access to the household and firm rosters."""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404, organisations_for, service_points_for, terminals_for
from puhui.core.models import Organisation, ServicePoint, Terminal, User
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


# Who keeps the household roster: the office and administrators import the whole county, a town official
# its own town's villages (each row is scope-checked). Splits, merges, moves and dissolutions are the
# office's and the town's (their business, not the system administrator's).
HOUSEHOLD_IMPORTERS = frozenset({Role.OFFICE, Role.ADMIN, Role.TOWN})
HOUSEHOLD_EDITORS = frozenset({Role.OFFICE, Role.TOWN})


def may_import_households(user: User) -> bool:
    if not user.is_authenticated or user.role not in HOUSEHOLD_IMPORTERS:
        return False
    return user.role != Role.TOWN or bool(user.town_id)


def may_change_households(user: User) -> bool:
    if not user.is_authenticated or user.role not in HOUSEHOLD_EDITORS:
        return False
    return user.role != Role.TOWN or bool(user.town_id)


def access_household_for_change(user: User, pk) -> Household:
    """An active household this user may split, merge into, move or dissolve; 404 otherwise."""
    if not may_change_households(user):
        raise Http404
    return get_or_404(
        households_for(user).filter(status=Household.Status.ACTIVE).select_related("village", "town"), pk=pk
    )


# ---------------------------------------------------------------- the service network (service points,
# terminals, outlets): who reads is `core.access.service_points_for` / `terminals_for`; who changes them is
# here. The office keeps every bank's register; a bank's staff (and its API token) its own subtree's. Agents
# and towns read only.

NETWORK_EDITORS = frozenset({Role.OFFICE, Role.INSTITUTION})
BANK_KINDS = Organisation.BANK_KINDS


def may_edit_network(user: User) -> bool:
    return bool(getattr(user, "role", None) in NETWORK_EDITORS) and (
        user.role == Role.OFFICE or bool(user.organisation_id)
    )


def network_banks_for(user: User) -> QuerySet[Organisation]:
    """The banks (any level) whose service points, terminals and outlets this user may change."""
    if not may_edit_network(user):
        return Organisation.objects.none()
    qs = Organisation.objects.filter(kind__in=BANK_KINDS)
    if user.role == Role.OFFICE:
        return qs
    return qs.filter(path__startswith=user.organisation.path)


def access_service_point_by_id(user: User, pk) -> ServicePoint:
    return get_or_404(service_points_for(user).select_related("bank", "village", "village__parent"), pk=pk)


def access_service_point_for_edit(user: User, pk) -> ServicePoint:
    if not may_edit_network(user):
        raise Http404
    return get_or_404(
        service_points_for(user)
        .filter(bank__in=network_banks_for(user))
        .select_related("bank", "village", "village__parent"),
        pk=pk,
    )


def access_outlet_by_id(user: User, pk) -> Organisation:
    """An outlet (网点) the user may read (`organisations_for`: the office all, a bank its own, a town those
    located in it); any other organisation is 404 here (its page is core's `organisation_detail`)."""
    qs = organisations_for(user).filter(level=Organisation.Level.OUTLET)
    return get_or_404(qs.select_related("parent", "division"), pk=pk)


def access_outlet_for_edit(user: User, pk) -> Organisation:
    """An outlet whose suspension the user may record: the office's, or the bank's own."""
    if not may_edit_network(user):
        raise Http404
    outlet = access_outlet_by_id(user, pk)
    if not network_banks_for(user).filter(pk=outlet.pk).exists():
        raise Http404
    return outlet


def access_terminal_by_id(user: User, pk) -> Terminal:
    return get_or_404(
        terminals_for(user).select_related("bank", "village", "village__parent", "outlet", "service_point"),
        pk=pk,
    )


def access_terminal_for_edit(user: User, pk) -> Terminal:
    if not may_edit_network(user):
        raise Http404
    return get_or_404(terminals_for(user).filter(bank__in=network_banks_for(user)), pk=pk)


def may_edit_firms(user: User) -> bool:
    """The firm register is the office's to keep (from the 市场监管局's files); others read it."""
    return user.is_authenticated and user.role == Role.OFFICE


def may_see_census(user: User) -> bool:
    """The roster's counts per village on any date: those who keep or read the roster (their own scope)."""
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT}
