"""Who sees and writes financing records: the only road to their rows (pages, exports, the API, the to-do
lines). Missing and forbidden look the same: `access_*` raise Http404.

- The office (县人民银行) and administrators see everything and write nothing here.
- A bank or the guarantee company (role 金融机构) keeps its own products; sees the demands routed to it
  (never another's) and those its own advisers posted; answers its routes; assigns its staff as 金融辅导员
  and sees their visits.
- A firm user (a public user with `user.firm`) posts and sees its own firm's demands and the answers.
- Every signed-in user of these roles reads the shelf of active products (the shelf is public, as on 信易贷).
- Member units, towns, agents and other public users: nothing here.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.core.access import bank_of, firm_of, get_or_404
from puhui.core.models import Organisation, User
from puhui.financing.models import Assignment, Demand, Product, Route, Visit
from puhui.registry.models import Firm

Role = User.Role
Kind = Organisation.Kind
BANK_KINDS = Organisation.BANK_KINDS
LENDER_KINDS = BANK_KINDS | {Kind.GUARANTEE}


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def lender_of(user) -> Organisation | None:
    """The bank or guarantee company a staff user works for (its county branch or an outlet), else None."""
    is_staff = user.is_authenticated and user.role == Role.INSTITUTION and user.organisation_id
    if is_staff and user.organisation.kind in LENDER_KINDS:
        return user.organisation
    return None


def may_see_any(user) -> bool:
    return sees_all(user) or lender_of(user) is not None or firm_of(user) is not None


def may_keep_products(user) -> bool:
    return lender_of(user) is not None


def may_post_demand(user) -> bool:
    return firm_of(user) is not None or bank_of(user) is not None


def may_see_advisers(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def _subtree(org: Organisation) -> Q:
    return Q(path__startswith=org.path)


# ---------------------------------------------------------------- products


def products_for(user) -> QuerySet[Product]:
    qs = Product.objects.select_related("owner")
    if sees_all(user) or lender_of(user) is not None:
        return qs
    if firm_of(user) is not None:
        return qs.filter(active=True)
    return qs.none()


def access_product_by_id(user, pk) -> Product:
    return get_or_404(products_for(user), pk=pk)


def may_edit_product(user, product: Product) -> bool:
    org = lender_of(user)
    return org is not None and product.owner.path.startswith(org.path)


def access_product_for_edit(user, pk) -> Product:
    product = access_product_by_id(user, pk)
    if not may_edit_product(user, product):
        raise Http404
    return product


def owners_for(user) -> QuerySet[Organisation]:
    """The organisations a user may publish products for: its own and those under it."""
    org = lender_of(user)
    if org is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(_subtree(org), kind__in=LENDER_KINDS)


# ---------------------------------------------------------------- demands and routes


def demands_for(user) -> QuerySet[Demand]:
    qs = Demand.objects.select_related("firm", "firm__town", "product")
    if sees_all(user):
        return qs
    firm = firm_of(user)
    if firm is not None:
        return qs.filter(firm=firm)
    org = lender_of(user)
    if org is not None:
        routed = Route.objects.filter(bank__path__startswith=org.path).values("demand_id")
        # By id: an API token's virtual user is unsaved (pk None), and posted nothing.
        return qs.filter(Q(pk__in=routed) | Q(posted_by_id=user.pk))
    return qs.none()


def access_demand_by_id(user, pk) -> Demand:
    return get_or_404(demands_for(user), pk=pk)


def routes_for(user) -> QuerySet[Route]:
    """The routes a user sees: all (office), its own bank's, or its own firm's demands' answers."""
    qs = Route.objects.select_related("demand", "demand__firm", "bank")
    if sees_all(user):
        return qs
    firm = firm_of(user)
    if firm is not None:
        return qs.filter(demand__firm=firm)
    org = lender_of(user)
    if org is not None:
        return qs.filter(bank__path__startswith=org.path)
    return qs.none()


def answerable_routes(user) -> QuerySet[Route]:
    org = lender_of(user)
    if org is None:
        return Route.objects.none()
    return Route.objects.filter(bank__path__startswith=org.path).select_related("demand", "bank")


def access_route_for_answer(user, pk) -> Route:
    return get_or_404(answerable_routes(user), pk=pk)


def may_withdraw(user, demand: Demand) -> bool:
    return demand.status in WITHDRAWABLE and (
        demand.posted_by_id == user.pk or (firm_of(user) is not None and demand.firm_id == user.firm_id)
    )


WITHDRAWABLE = frozenset({Demand.Status.OPEN, Demand.Status.UNMATCHED, Demand.Status.ACCEPTED})


def firms_for_demand(user) -> QuerySet[Firm]:
    """The firms a user may post a demand for: its own firm, or an adviser's assigned firms."""
    firm = firm_of(user)
    if firm is not None:
        return Firm.objects.filter(pk=firm.pk)
    if bank_of(user) is not None:
        assigned = Assignment.objects.filter(adviser=user, end__isnull=True).values("firm_id")
        return Firm.objects.filter(pk__in=assigned)
    return Firm.objects.none()


# ---------------------------------------------------------------- advisers


def assignments_for(user) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("adviser", "bank", "firm", "firm__town")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank__path__startswith=bank.path)
    return qs.none()


def access_assignment_by_id(user, pk) -> Assignment:
    return get_or_404(assignments_for(user), pk=pk)


def visits_for(user) -> QuerySet[Visit]:
    """The office all; a bank its advisers' visits; a firm the visits it received."""
    qs = Visit.objects.select_related("adviser", "bank", "firm")
    if sees_all(user):
        return qs
    firm = firm_of(user)
    if firm is not None:
        return qs.filter(firm=firm)
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank__path__startswith=bank.path)
    return qs.none()


def adviser_candidates(user) -> QuerySet[User]:
    """The staff a bank user may assign as advisers: the users of its own bank and the outlets under it."""
    bank = bank_of(user)
    if bank is None:
        return User.objects.none()
    return User.objects.filter(
        role=Role.INSTITUTION, organisation__path__startswith=bank.path, is_active=True
    ).order_by("username")


def firms_to_visit(user) -> QuerySet[Firm]:
    """The firms an adviser has been assigned (and may log visits to)."""
    if bank_of(user) is None:
        return Firm.objects.none()
    return Firm.objects.filter(pk__in=Assignment.objects.filter(adviser=user).values("firm_id"))


def may_see_overview(user) -> bool:
    return sees_all(user) or lender_of(user) is not None
