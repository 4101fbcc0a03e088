"""Who sees and keeps the insurance products and reports. The only road to their rows: pages, exports, the
API and the data hooks load here. Missing and forbidden look the same: `access_*` raise Http404.

- The office (领导小组办公室), administrators and the member units (县农业农村局 leads 二十; 县财政局 pays the
  subsidies; the finance centre leads 七) read every product, report and the coverage.
- An insurer's staff keep their own institution's products and report their policies and claims; they read
  their own reports and coverage. The office keeps every product and may enter a report for an insurer.
- A town reads every product and the reports of its own town.
- Banks, agents and the public: the public page only (no sign-in).
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.insurance.models import Product, Report

Role = User.Role
INSURER = Organisation.Kind.INSURER


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT}


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def insurer_of(user) -> Organisation | None:
    """The insurer a user works for, else None."""
    if (
        user.is_authenticated
        and user.role == Role.INSTITUTION
        and user.organisation_id
        and user.organisation.kind == INSURER
    ):
        return user.organisation
    return None


def town_of(user):
    if user.is_authenticated and user.role == Role.TOWN and user.town_id:
        return user.town
    return None


def may_see_any(user) -> bool:
    """The menu and the coverage page."""
    return sees_all(user) or insurer_of(user) is not None or town_of(user) is not None


def require_any(user) -> None:
    if not may_see_any(user):
        raise Http404


# ---------------------------------------------------------------- products


def products_for(user) -> QuerySet[Product]:
    qs = Product.objects.select_related("insurer")
    return qs if may_see_any(user) else qs.none()


def access_product_by_id(user, pk) -> Product:
    return get_or_404(products_for(user), pk=pk)


def may_add_product(user) -> bool:
    return is_office(user) or insurer_of(user) is not None


def may_edit_product(user, product: Product) -> bool:
    if is_office(user):
        return True
    insurer = insurer_of(user)
    return insurer is not None and product.insurer_id == insurer.pk


def access_product_for_edit(user, pk) -> Product:
    product = access_product_by_id(user, pk)
    if not may_edit_product(user, product):
        raise Http404
    return product


def insurers_for(user) -> QuerySet[Organisation]:
    """The insurers whose products a user may keep: every insurer for the office, an insurer itself."""
    qs = Organisation.objects.filter(kind=INSURER).exclude(level=Organisation.Level.OUTLET)
    if is_office(user):
        return qs
    insurer = insurer_of(user)
    return qs.filter(pk=insurer.pk) if insurer is not None else qs.none()


# ---------------------------------------------------------------- reports


def reports_for(user) -> QuerySet[Report]:
    qs = Report.objects.select_related("product", "product__insurer", "town")
    if sees_all(user):
        return qs
    insurer = insurer_of(user)
    if insurer is not None:
        return qs.filter(product__insurer=insurer)
    town = town_of(user)
    if town is not None:
        return qs.filter(town=town)
    return qs.none()


def may_report(user) -> bool:
    return is_office(user) or insurer_of(user) is not None


def require_report(user) -> None:
    if not may_report(user):
        raise Http404


def reportable_products(user) -> QuerySet[Product]:
    """The products a user may report on: an insurer its own, the office every one."""
    qs = Product.objects.select_related("insurer")
    if is_office(user):
        return qs
    insurer = insurer_of(user)
    return qs.filter(insurer=insurer) if insurer is not None else qs.none()
