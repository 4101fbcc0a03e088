"""Rural credit over /api/v1/credit/ (read-only): rates by division and a bank's own pre-credit lines.

A token sees what its organisation's staff see on the pages (`puhui.credit.access`): a bank only its
own lines; the PBoC (the office) all. Rates are aggregate statistics, readable by every token.
"""

import datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from puhui.api.auth import token_auth
from puhui.api.errors import ApiError
from puhui.api.pagination import LimitOffsetTotal
from puhui.core.converters import MAX_ID
from puhui.credit import access, selectors

router = Router(tags=["农村信用体系"], auth=token_auth)


class RateOut(Schema):
    division_id: int = Field(..., title="区划ID")
    farm_households: int = Field(..., title="农户数（普查）")
    count: int = Field(..., title="已建档户数或有有效预授信的户数")
    rate: float | None = Field(None, title="比率")


class RateFilters(Schema):
    kind: Literal["archive", "precredit"] = Field(
        "archive", title="archive = 农户建档率；precredit = 预授信率"
    )
    level: Literal["village", "town", "county"] = Field("town", title="层级")
    on: datetime.date | None = Field(None, title="预授信率的日期（默认今天）")


class LineOut(Schema):
    id: int
    household_code: str = Field(..., alias="household.code", title="户编号")
    village_id: int = Field(..., title="村ID")
    bank_id: int = Field(..., title="授信银行ID")
    limit: Decimal = Field(..., title="授信额度（元）")
    outstanding: Decimal = Field(..., title="用信余额（元）")
    status: str = Field(..., title="状态")
    valid_from: datetime.date
    valid_until: datetime.date


@router.get("/rates", response=list[RateOut], summary="农户建档率和预授信率")
def rates(request, filters: Query[RateFilters]):
    """按村、镇（街道）或全县：建档 = 档案必填项齐全且已核实；预授信 = 在指定日期有效的预授信。分母为普查农户数。"""
    if filters.kind == "archive":
        data, key = selectors.archive_rates(filters.level), "archived"
    else:
        data, key = selectors.precredit_rates(filters.level, on=filters.on), "with_line"
    return [
        {"division_id": k, "farm_households": v["farm_households"], "count": v[key], "rate": v["rate"]}
        for k, v in sorted(data.items(), key=lambda kv: kv[0] or 0)
    ]


@router.get("/lines", response=list[LineOut], summary="预授信清单")
@paginate(LimitOffsetTotal)
def lines(request):
    """金融机构只见本机构（含下级）的预授信；人民银行见全部。"""
    return access.lines_for(request.auth.user).select_related("household").order_by("-pk")


@router.get("/lines/{int:line_id}", response=LineOut, summary="预授信详情")
def line(request, line_id: int):
    """不在本机构范围内的预授信返回 404。"""
    return get_object_or_404(access.lines_for(request.auth.user).select_related("household"), pk=line_id)


class PaymentMonthOut(Schema):
    id: int
    household_code: str = Field(..., alias="household.code", title="户编号")
    month: str = Field(..., title="月份（YYYY-MM）")
    bank_id: int | None = Field(None, title="报送机构ID")
    bank_code: str | None = Field(None, title="报送机构编码")
    inflow_count: int = Field(..., title="入账笔数")
    inflow_amount: Decimal = Field(..., title="入账金额（元）")
    outflow_count: int = Field(..., title="出账笔数")
    outflow_amount: Decimal = Field(..., title="出账金额（元）")
    bill_pay_count: int = Field(..., title="缴费笔数")
    bill_pay_amount: Decimal = Field(..., title="缴费金额（元）")

    @staticmethod
    def resolve_bank_code(obj) -> str | None:
        return obj.bank.code if obj.bank_id else None


MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class PaymentMonthFilters(Schema):
    household: str | None = Field(None, max_length=20, title="户编号")
    month_from: str | None = Field(None, pattern=MONTH, title="起始月份（含），如 2021-01")
    month_to: str | None = Field(None, pattern=MONTH, title="截止月份（含），如 2021-06")
    bank_id: int | None = Field(None, ge=1, le=MAX_ID, title="报送机构ID")


@router.get("/payment-months", response=list[PaymentMonthOut], summary="支付月度汇总")
@paginate(LimitOffsetTotal)
def payment_months(request, filters: Query[PaymentMonthFilters]):
    """每户每月在一家机构的银行卡、移动支付汇总（按授权导入）。金融机构只见本机构（含下属网点）报送的，人民银行见
    全部；其他机构为 403。按月份倒序。"""
    user = request.auth.user
    if not access.may_read_payment_months(user):
        raise ApiError(403, "forbidden", "本机构无权查看支付月度汇总（人民银行和报送数据的金融机构可以查看）")
    return selectors.payment_months_list(access.payment_months_for(user), **filters.model_dump())
