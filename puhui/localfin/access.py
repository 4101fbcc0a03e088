"""Who sees local finance. The only road to its rows: pages, exports and the API load here.

- The office, administrators and the finance centre (县金融证券工作服务中心, the plan's lead for 二、三、四) see
  every organisation, licence, firm and record; the office and the finance centre keep them.
- A local financial organisation's own staff see their organisation: its licence and the flags on its figures.
- Other member units and the banks see the county's totals only (`selectors.county_summary`), never an
  organisation's or a firm's row. Towns, agents and the public see nothing.
Missing and forbidden look the same: `access_*_by_id` raise Http404.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.localfin.models import (
    BondIssue,
    Candidate,
    CreditMutual,
    Enterprise,
    EquityDeal,
    ExchangeMonth,
    Licence,
    MutualMonth,
)

Role = User.Role
FINANCE_CENTRE = "县金融证券工作服务中心"  # its 方案称谓
READERS = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})


def is_finance_centre(user) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.MEMBER_UNIT
        and user.organisation_id is not None
        and user.organisation.plan_alias == FINANCE_CENTRE
    )


def sees_all(user) -> bool:
    """The office, the administrators and the finance centre: every row of local finance."""
    return (user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}) or is_finance_centre(user)


def can_manage(user) -> bool:
    """Who keeps the records: the office and the finance centre (administrators read)."""
    return (user.is_authenticated and user.role == Role.OFFICE) or is_finance_centre(user)


def can_read(user) -> bool:
    return user.is_authenticated and user.role in READERS


def require_read(user) -> None:
    if not can_read(user):
        raise Http404


def require_all(user) -> None:
    """Pages that list organisations or firms: only for those who see all of them."""
    if not sees_all(user):
        raise Http404


def may_list_organisations(user) -> bool:
    """The organisation list: for those who see all, and a local organisation's own staff (their own row)."""
    return sees_all(user) or _own_local_org(user)


def require_organisations(user) -> None:
    if not may_list_organisations(user):
        raise Http404


def require_manage(user) -> None:
    if not can_manage(user):
        raise Http404


def _own_local_org(user) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.INSTITUTION
        and user.organisation_id is not None
        and user.organisation.kind in Organisation.LOCAL_FINANCE_KINDS
    )


def organisations_for(user: User) -> QuerySet[Organisation]:
    """The local financial organisations this user may open (county level: the units that report)."""
    qs = Organisation.objects.filter(
        kind__in=Organisation.LOCAL_FINANCE_KINDS, level=Organisation.Level.BRANCH
    ).select_related("division", "localfin_licence")
    if sees_all(user):
        return qs
    if _own_local_org(user):
        return qs.filter(path__startswith=user.organisation.path)
    return qs.none()


def access_organisation_by_id(user: User, pk) -> Organisation:
    return get_or_404(organisations_for(user), pk=pk)


def licences_for(user: User) -> QuerySet[Licence]:
    return Licence.objects.filter(organisation__in=organisations_for(user).values("pk"))


def _all_or_none(user, qs: QuerySet) -> QuerySet:
    return qs if sees_all(user) else qs.none()


def enterprises_for(user: User) -> QuerySet[Enterprise]:
    return _all_or_none(user, Enterprise.objects.select_related("town"))


def access_enterprise_by_id(user: User, pk) -> Enterprise:
    return get_or_404(enterprises_for(user), pk=pk)


def candidates_for(user: User) -> QuerySet[Candidate]:
    return _all_or_none(user, Candidate.objects.select_related("enterprise", "enterprise__town"))


def access_candidate_by_id(user: User, pk) -> Candidate:
    return get_or_404(candidates_for(user), pk=pk)


def access_candidate_for_edit(user: User, pk) -> Candidate:
    require_manage(user)
    return access_candidate_by_id(user, pk)


def bonds_for(user: User) -> QuerySet[BondIssue]:
    return _all_or_none(user, BondIssue.objects.select_related("enterprise"))


def access_bond_for_edit(user: User, pk) -> BondIssue:
    require_manage(user)
    return get_or_404(bonds_for(user), pk=pk)


def equity_for(user: User) -> QuerySet[EquityDeal]:
    return _all_or_none(user, EquityDeal.objects.select_related("enterprise"))


def access_equity_for_edit(user: User, pk) -> EquityDeal:
    require_manage(user)
    return get_or_404(equity_for(user), pk=pk)


def exchange_months_for(user: User) -> QuerySet[ExchangeMonth]:
    return _all_or_none(user, ExchangeMonth.objects.all())


def mutuals_for(user: User) -> QuerySet[CreditMutual]:
    return _all_or_none(user, CreditMutual.objects.select_related("organisation", "organisation__division"))


def access_mutual_by_id(user: User, pk) -> CreditMutual:
    return get_or_404(mutuals_for(user), pk=pk)


def mutual_months_for(user: User) -> QuerySet[MutualMonth]:
    return _all_or_none(user, MutualMonth.objects.select_related("mutual__organisation"))
