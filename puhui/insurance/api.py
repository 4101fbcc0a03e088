"""Inclusive insurance over /api/v1/insurance/: the products on sale (the public page's fields, for any
token) and the coverage of a year, scoped as the token's organisation's staff are (`access.reports_for`): the
PBoC and member units the county, an insurer its own products; a bank 404."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.insurance import access
from puhui.insurance.selectors import coverage as figures
from puhui.insurance.selectors.products import on_sale, public_row

router = Router(tags=["普惠保险"], auth=token_auth)


class ProductOut(Schema):
    id: int = Field(..., title="产品编号")
    name: str = Field(..., title="产品名称")
    insurer: str = Field(..., title="保险机构")
    line: str = Field(..., title="险种")
    subject: str = Field(..., title="保险标的")
    covers: str = Field(..., title="保障内容")
    unit: str = Field(..., title="单位", description="亩、头、户、台或人")
    sum_insured_per_unit: Decimal = Field(..., title="单位保险金额（元）")
    premium_per_unit: Decimal = Field(..., title="单位保费（元）")
    premium_rate: Decimal | None = Field(None, title="保险费率（%）")
    farmer_share: Decimal = Field(..., title="农户自缴比例（%）")
    farmer_pays_per_unit: Decimal = Field(..., title="农户自缴保费（元/单位）")
    subsidy: str = Field(..., title="财政补贴")
    is_local_special: bool = Field(..., title="地方特色险种")
    on_sale_from: datetime.date = Field(..., title="开办日期")
    on_sale_to: datetime.date | None = Field(None, title="停办日期")


@router.get("/products", response=list[ProductOut], summary="在售的普惠保险产品")
def products(request):
    """The products on sale today, with the fields the public page shows."""
    return [public_row(p) for p in on_sale()]


class ProductCoverageOut(Schema):
    product_id: int = Field(..., title="产品编号")
    product: str = Field(..., title="产品名称")
    is_local_special: bool = Field(..., title="地方特色险种")
    towns: int = Field(..., title="覆盖镇（街道）（个）")
    policies: int = Field(..., title="承保件数（件）")
    households: int = Field(..., title="参保户数（户）")
    household_rate: float | None = Field(None, title="参保户数占农户数（%）")
    premium: Decimal = Field(..., title="保费（元）")
    claims: int = Field(..., title="赔付件数（件）")
    claims_paid: Decimal = Field(..., title="赔款（元）")
    loss_ratio: float | None = Field(None, title="简单赔付率（%）")


class CoverageOut(Schema):
    year: int = Field(..., title="年度")
    farm_households: int = Field(..., title="农户数（户）")
    agri_households: int = Field(..., title="农业保险参保户数（户）")
    farm_rate: float | None = Field(None, title="参保农户覆盖率（%）")
    premium: Decimal = Field(..., title="保费合计（元）")
    claims_paid: Decimal = Field(..., title="赔款合计（元）")
    loss_ratio: float | None = Field(None, title="简单赔付率（%）")
    products: list[ProductCoverageOut] = Field(..., title="分产品")


def _r(value):
    return None if value is None else round(value, 2)


@router.get("/coverage", response=CoverageOut, summary="普惠保险覆盖情况")
def coverage(request, year: int | None = Query(None, ge=2000, le=2100, title="年度")):
    """`year`: default the last year."""
    user = request.auth.user
    if not access.may_see_any(user):
        raise Http404
    cov = figures.coverage(user, year or timezone.localdate().year - 1)
    return {
        "year": cov.year,
        "farm_households": cov.farm_households,
        "agri_households": cov.agri_households,
        "farm_rate": _r(cov.farm_rate),
        "premium": cov.premium,
        "claims_paid": cov.claims_paid,
        "loss_ratio": _r(cov.loss_ratio),
        "products": [
            {
                "product_id": r.product.pk,
                "product": r.product.name,
                "is_local_special": r.product.is_local_special,
                "towns": r.towns,
                "policies": r.policies,
                "households": r.households,
                "household_rate": _r(r.household_rate),
                "premium": r.premium,
                "claims": r.claims,
                "claims_paid": r.claims_paid,
                "loss_ratio": _r(r.loss_ratio),
            }
            for r in cov.products
        ],
    }
