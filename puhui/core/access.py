"""The only road to the county's tenant data: every view, API and export loads through these.

Missing and forbidden look the same: `access_*_by_id` raises Http404 for both.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.core.models import AuditLog, Division, Organisation, ServicePoint, Terminal, User

Role = User.Role
COUNTY_WIDE = {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT}


def get_or_404(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def divisions_for(user: User) -> QuerySet[Division]:
    """Division names, codes and census counts are public statistics: every signed-in user reads them."""
    if not user.is_authenticated:
        return Division.objects.none()
    return Division.objects.all()


def organisations_for(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role in COUNTY_WIDE:
        return qs
    if user.role == Role.INSTITUTION and user.organisation_id:
        return qs.filter(path__startswith=user.organisation.path)
    if user.role == Role.TOWN and user.town_id:
        # Government units, and the financial outlets located in the official's own town.
        in_town = Q(division__code__startswith=user.town.code[:9])
        return qs.filter(~Q(kind__in=Organisation.FINANCIAL_KINDS) | in_town)
    return qs.none()


def access_organisation_by_id(user: User, pk) -> Organisation:
    return get_or_404(organisations_for(user), pk=pk)


def _bank_network_for(user: User, qs: QuerySet) -> QuerySet:
    """Service points and terminals: a bank's own, a town's located there, an agent's villages (read-only:
    no page or API operation lets an agent change either)."""
    if not user.is_authenticated:
        return qs.none()
    if user.role in COUNTY_WIDE:
        return qs
    if user.role == Role.INSTITUTION and user.organisation_id:
        return qs.filter(bank__path__startswith=user.organisation.path)
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(village__parent_id=user.town_id)
    if user.role == Role.AGENT:
        return qs.filter(village__in=user.villages.all())
    return qs.none()


def institution_of(user: User) -> Organisation | None:
    """The financial institution (at any level) a user of one works for, else None."""
    if user.is_authenticated and user.role == Role.INSTITUTION and user.organisation_id:
        return user.organisation
    return None


def bank_of(user: User) -> Organisation | None:
    """The bank (at any level: a county branch or an outlet) a user works for, else None."""
    org = institution_of(user)
    return org if org is not None and org.kind in Organisation.BANK_KINDS else None


def firm_of(user: User):
    """The firm a public user acts for (a 企业 account), else None."""
    if user.is_authenticated and user.role == Role.PUBLIC and user.firm_id:
        return user.firm
    return None


def county_bank(org: Organisation | None) -> Organisation | None:
    """The county branch of the bank `org` belongs to (itself, or the branch above an outlet), else None."""
    if org is None or org.kind not in Organisation.BANK_KINDS:
        return None
    if org.level == Organisation.Level.BRANCH:
        return org
    ids = [int(part) for part in org.path.strip("/").split("/") if part]
    return (
        Organisation.objects.filter(
            pk__in=ids, level=Organisation.Level.BRANCH, kind__in=Organisation.BANK_KINDS
        )
        .order_by("-path")
        .first()
    )


def county_bank_of(user: User) -> Organisation | None:
    """The county branch of the bank a user works for (the user's own office or the branch above it)."""
    return county_bank(institution_of(user))


def service_points_for(user: User) -> QuerySet[ServicePoint]:
    return _bank_network_for(user, ServicePoint.objects.all())


def terminals_for(user: User) -> QuerySet[Terminal]:
    return _bank_network_for(user, Terminal.objects.all())


AUDIT_READERS = frozenset({Role.OFFICE, Role.ADMIN})


def can_read_audit(user: User) -> bool:
    """The audit log (and starting its chain verification) is the office's and the administrator's."""
    return user.is_authenticated and user.role in AUDIT_READERS


def require_audit_reader(user: User) -> None:
    if not can_read_audit(user):
        raise Http404


def audit_logs_for(user: User) -> QuerySet[AuditLog]:
    if can_read_audit(user):
        return AuditLog.objects.all()
    return AuditLog.objects.none()


# ---------------------------------------------------------------- user accounts: the administrator's


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def require_user_manager(user: User) -> None:
    if not can_manage_users(user):
        raise Http404


def users_for(user: User) -> QuerySet[User]:
    """The accounts this user manages: every one for the administrator, none for anybody else."""
    if can_manage_users(user):
        return User.objects.all()
    return User.objects.none()


def access_user_by_id(user: User, pk) -> User:
    return get_or_404(users_for(user), pk=pk)
