"""The products on sale, for the public page and the API's public list: what each covers, its premium and
what the insured pays after the subsidies. Products are public information (no person, no reported figure)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from puhui.insurance.models import Product


def on_sale(day=None) -> QuerySet[Product]:
    day = day or timezone.localdate()
    return (
        Product.objects.select_related("insurer")
        .filter(on_sale_from__lte=day)
        .filter(Q(on_sale_to__isnull=True) | Q(on_sale_to__gte=day))
        .order_by("-is_local_special", "line", "name", "id")
    )


def public_row(product: Product) -> dict:
    return {
        "id": product.pk,
        "name": product.name,
        "insurer": product.insurer.short_name or product.insurer.name,
        "line": product.get_line_display(),
        "subject": product.get_subject_display(),
        "covers": product.covers,
        "unit": product.unit,
        "sum_insured_per_unit": product.sum_insured_per_unit,
        "premium_per_unit": product.premium,
        "premium_rate": product.premium_rate,
        "farmer_share": product.farmer_share,
        "farmer_pays_per_unit": product.farmer_pays,
        "subsidy": product.subsidy_text,
        "is_local_special": product.is_local_special,
        "on_sale_from": product.on_sale_from,
        "on_sale_to": product.on_sale_to,
    }
