"""Who sees what of the monetary policy tools: the only road to the ledger and to the rate figures.

The PBoC county branch (the office role) records and edits the ledger and the LPR table and sees every
bank; the administrator and member units read everything; a bank (institution) reads only its own lines
and its own rate figures beside the county's; towns, village agents and the public see nothing (404).
A line another bank holds answers 404, like a missing one. An API token acts as its organisation's staff.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.monetary.models import RelendingLine

Role = User.Role
READ_ROLES = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})
COUNTY_ROLES = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT})  # every bank
MANAGE_ROLES = frozenset({Role.OFFICE})
# Rebuilding the rate summary is a system job: the office and the administrator start it (as the data
# app's recomputation, `data/access.py` RECOMPUTE_ROLES), from the rates page and the job page alike.
REFRESH_ROLES = frozenset({Role.OFFICE, Role.ADMIN})


# Banks, not insurers: relending and loan rates concern lenders.
BANK_KINDS = Organisation.BANK_KINDS


def can_read(user) -> bool:
    return user.is_authenticated and user.role in READ_ROLES


def can_manage(user) -> bool:
    return user.is_authenticated and user.role in MANAGE_ROLES


def can_refresh(user) -> bool:
    return user.is_authenticated and user.role in REFRESH_ROLES


def sees_every_bank(user) -> bool:
    return user.is_authenticated and user.role in COUNTY_ROLES


def require_read(user) -> None:
    if not can_read(user):
        raise Http404


def require_manage(user) -> None:
    if not can_manage(user):
        raise Http404


def _bank_filter(user, qs: QuerySet, field: str) -> QuerySet:
    if not can_read(user):
        return qs.none()
    if sees_every_bank(user):
        return qs
    if user.role == Role.INSTITUTION and user.organisation_id:
        return qs.filter(**{f"{field}__path__startswith": user.organisation.path})
    return qs.none()


def lines_for(user) -> QuerySet[RelendingLine]:
    return _bank_filter(user, RelendingLine.objects.select_related("bank"), "bank")


def access_line_by_id(user, pk) -> RelendingLine:
    return get_or_404(lines_for(user), pk=pk)


def access_line_for_edit(user, pk) -> RelendingLine:
    require_manage(user)
    return access_line_by_id(user, pk)


def banks_for(user) -> QuerySet[Organisation]:
    """The banks whose figures this user reads: every bank for the county-wide roles, a bank its own."""
    qs = Organisation.objects.filter(kind__in=BANK_KINDS)
    if not can_read(user):
        return qs.none()
    if sees_every_bank(user):
        return qs
    if user.role == Role.INSTITUTION and user.organisation_id:
        return qs.filter(path__startswith=user.organisation.path)
    return qs.none()


def lender_choices() -> QuerySet[Organisation]:
    """The banks a line may be granted to: county-level financial organisations (no head offices, no
    outlets — the county branch or the county's own legal-person bank holds the line)."""
    return Organisation.objects.filter(kind__in=BANK_KINDS, level=Organisation.Level.BRANCH).order_by("code")
