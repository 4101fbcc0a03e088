"""The 惠农商圈 register over /api/v1/merchants, for a bank's own systems: the merchants it signed, what they
accept and offer, and (per merchant) the months reported. A token sees what its organisation's staff see
(`access.merchants_for`): a bank its own merchants, the PBoC and member units the county's; others none."""

import datetime

from django.db.models import Count
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from puhui.api.auth import token_auth
from puhui.api.pagination import LimitOffsetTotal
from puhui.merchants import access
from puhui.merchants.selectors.coverage import active_q

router = Router(tags=["惠农商圈"], auth=token_auth)


class MerchantOut(Schema):
    id: int = Field(..., title="记录ID")
    code: str = Field(..., title="商户编号")
    name: str = Field(..., title="商户名称")
    bank: str = Field(..., title="签约银行")
    town: str = Field(..., title="镇（街道）")
    village: str | None = Field(None, title="村（社区）", description="镇区商户为空")
    business_type: str = Field(..., title="经营类型")
    acceptance: list[str] = Field(..., title="受理方式", description="银行卡、二维码、POS机")
    discounts: str = Field(..., title="优惠措施")
    discount_rate: float | None = Field(None, title="消费折扣（%）")
    fee_subsidy: float | None = Field(None, title="手续费补贴（元/月）")
    signed_on: datetime.date = Field(..., title="签约日期")
    ended_on: datetime.date | None = Field(None, title="终止日期")
    months_reported: int = Field(..., title="已报送月数（个）")

    @staticmethod
    def resolve_bank(m):
        return m.bank.name

    @staticmethod
    def resolve_town(m):
        return m.town.name

    @staticmethod
    def resolve_village(m):
        return m.village.name if m.village_id else None

    @staticmethod
    def resolve_business_type(m):
        return m.get_business_type_display()

    @staticmethod
    def resolve_acceptance(m):
        return [label for label in m.acceptance_labels.split("、") if label]


class MerchantFilters(Schema):
    town: str | None = Field(None, max_length=12, title="镇（街道）区划代码")
    active_on: datetime.date | None = Field(None, title="在该日签约中的商户")


@router.get("", response=list[MerchantOut], summary="惠农商圈商户")
@paginate(LimitOffsetTotal)
def merchants(request, filters: Query[MerchantFilters]):
    """令牌所属机构可见的惠农商圈商户（银行：本行签约的商户；人民银行、成员单位：全县）。"""
    qs = access.merchants_for(request.auth.user).annotate(months_reported=Count("figures"))
    if filters.town:
        qs = qs.filter(town__code=filters.town)
    if filters.active_on:
        qs = qs.filter(active_q(filters.active_on))
    return qs.order_by("code", "pk")
