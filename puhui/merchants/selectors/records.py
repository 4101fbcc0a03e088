"""Reads for the merchant pages: the years a list filter offers, a merchant's monthly figures."""

from django.db.models import Sum
from django.utils import timezone

from puhui.merchants.models import Merchant
from puhui.merchants.services.merchants import FIRST_YEAR

LIST_FIRST_YEAR = 2019  # the 移动支付便民示范县 year before the plan; older years are left off the filter


def year_choices(user=None, values=None) -> list[tuple[int, str]]:
    return [(y, f"{y}年") for y in range(timezone.localdate().year, max(FIRST_YEAR, LIST_FIRST_YEAR) - 1, -1)]


def merchant_figures(merchant: Merchant) -> dict:
    """A merchant's months, newest first, and their totals (the merchant came through `access`)."""
    figures = list(merchant.figures.order_by("-month"))
    totals = merchant.figures.aggregate(t=Sum("transactions"), a=Sum("amount"))
    return {"figures": figures, "transactions": totals["t"] or 0, "amount": totals["a"] or 0}
