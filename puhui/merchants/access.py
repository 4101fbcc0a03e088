"""Who sees and keeps the 惠农商圈 register. The only road to its rows: pages, exports, the API and the
catalogue's lineage load here. Missing and forbidden look the same: `access_*` raise Http404.

- The office (县人民银行, lead of 十一) and administrators see every merchant and figure; the office also
  enters and corrects them for any bank.
- A bank (role 金融机构) enters, corrects and sees its own merchants (those signed by its county branch or
  anything under its organisation) and their monthly figures; another bank's merchant is 404.
- Member units (the finance centre is the partner of 十一) read the county's register and coverage.
- A town reads the merchants located in its town. Agents and the public: nothing here (the public finder
  shows the merchants' public data without figures).
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import bank_of, get_or_404
from puhui.core.models import Division, Organisation, User
from puhui.merchants.models import Merchant, MonthlyFigure

Role = User.Role
Kind = Organisation.Kind
# The banks that sign merchants for card and QR acceptance (insurers and other institutions do not acquire).
BANK_KINDS = Organisation.BANK_KINDS
COUNTY_WIDE = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT})


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in COUNTY_WIDE


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


bank_org_of = bank_of


def acquirer_of(user) -> Organisation | None:
    """The county branch that signs a bank user's merchants: its own organisation, or the branch above its
    outlet. A head office's user signs none (it names no county branch)."""
    org = bank_org_of(user)
    while org is not None and org.level == Organisation.Level.OUTLET and org.parent_id:
        org = org.parent
    return org if org is not None and org.level == Organisation.Level.BRANCH else None


def town_of(user) -> Division | None:
    if user.is_authenticated and user.role == Role.TOWN and user.town_id:
        return user.town
    return None


def merchants_for(user) -> QuerySet[Merchant]:
    qs = Merchant.objects.select_related("bank", "town", "village")
    if sees_all(user):
        return qs
    org = bank_org_of(user)
    if org is not None:
        return qs.filter(bank__path__startswith=org.path)
    town = town_of(user)
    if town is not None:
        return qs.filter(town=town)
    return qs.none()


def may_see(user) -> bool:
    return sees_all(user) or bank_org_of(user) is not None or town_of(user) is not None


def may_keep(user) -> bool:
    """Enter merchants and report their figures: the office, and a bank with a county branch."""
    return is_office(user) or acquirer_of(user) is not None


def require_keeper(user) -> None:
    if not may_keep(user):
        raise Http404


def access_merchant_by_id(user, pk) -> Merchant:
    return get_or_404(merchants_for(user), pk=pk)


def may_edit_merchant(user, merchant: Merchant) -> bool:
    if is_office(user):
        return True
    org = bank_org_of(user)
    return org is not None and acquirer_of(user) is not None and merchant.bank.path.startswith(org.path)


def access_merchant_for_edit(user, pk) -> Merchant:
    merchant = access_merchant_by_id(user, pk)
    if not may_edit_merchant(user, merchant):
        raise Http404
    return merchant


def editable_merchants(user) -> QuerySet[Merchant]:
    """The merchants whose figures a user may report (the upload looks codes up here)."""
    if is_office(user):
        return Merchant.objects.all()
    org = bank_org_of(user)
    if org is None or acquirer_of(user) is None:
        return Merchant.objects.none()
    return Merchant.objects.filter(bank__path__startswith=org.path)


def figures_for(user) -> QuerySet[MonthlyFigure]:
    return MonthlyFigure.objects.filter(merchant__in=merchants_for(user).values("pk")).select_related(
        "merchant"
    )


def access_figure_for_edit(user, pk) -> MonthlyFigure:
    figure = get_or_404(figures_for(user).select_related("merchant__bank"), pk=pk)
    if not may_edit_merchant(user, figure.merchant):
        raise Http404
    return figure


def banks_for(user) -> QuerySet[Organisation]:
    """The banks a user may pick as a merchant's acquirer or filter by: every county-level bank branch for
    the county-wide roles and a town, a bank its own branch."""
    qs = Organisation.objects.filter(kind__in=BANK_KINDS, level=Organisation.Level.BRANCH)
    if sees_all(user) or town_of(user) is not None:
        return qs
    org = bank_org_of(user)
    return qs.filter(path__startswith=org.path) if org is not None else qs.none()


def towns_for(user) -> QuerySet[Division]:
    qs = Division.objects.filter(level=Division.Level.TOWN)
    town = town_of(user)
    return qs.filter(pk=town.pk) if town is not None else qs
