"""The monetary policy tools over /api/v1/monetary/: the relending ledger, the rate monitoring figures, the LPR.

A token sees what its organisation's staff see on the pages (`puhui.monetary.access`): the PBoC (as the
office), member units — every bank; a bank its own lines and its own rates beside the county's; other
organisations nothing (404). Only the PBoC's token records a draw; another token that can read the line
gets 403 with the reason.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from puhui.api.auth import token_auth
from puhui.monetary import access, selectors, services

router = Router(tags=["货币政策工具"], auth=token_auth)


def _user(request: HttpRequest):
    return request.auth.user


class LineOut(Schema):
    id: int = Field(..., title="额度ID")
    bank_code: str = Field(..., title="金融机构代码")
    bank: str = Field(..., title="金融机构名称")
    kind: str = Field(
        ...,
        title="工具类型代码",
        description="agri 支农再贷款、small 支小再贷款、poverty 扶贫再贷款、rediscount 再贴现、other 其他",
    )
    kind_label: str = Field(..., title="工具类型")
    amount: Decimal = Field(..., title="额度（元）")
    rate: Decimal = Field(..., title="利率（%）")
    granted_on: datetime.date = Field(..., title="发放日期")
    due_on: datetime.date = Field(..., title="到期日期")
    doc_no: str = Field(..., title="文号")
    drawn: Decimal = Field(..., title="已支用（元）")
    repaid: Decimal = Field(..., title="已归还（元）")
    outstanding: Decimal = Field(..., title="余额（元）")
    financed: Decimal = Field(..., title="支持的贷款（元）")
    agri_share: float | None = Field(None, title="支持贷款中涉农贷款占比（%）")
    small_share: float | None = Field(None, title="支持贷款中小微企业和个体工商户占比（%）")


def _line_out(line) -> dict:
    t = line.totals
    return {
        "id": line.pk,
        "bank_code": line.bank.code,
        "bank": line.bank.name,
        "kind": line.kind,
        "kind_label": line.get_kind_display(),
        "amount": t.yuan("granted"),
        "rate": line.rate,
        "granted_on": line.granted_on,
        "due_on": line.due_on,
        "doc_no": line.doc_no,
        "drawn": t.yuan("drawn"),
        "repaid": t.yuan("repaid"),
        "outstanding": t.yuan("outstanding"),
        "financed": t.yuan("financed"),
        "agri_share": round(t.agri_share, 4) if t.agri_share is not None else None,
        "small_share": round(t.small_share, 4) if t.small_share is not None else None,
    }


# Not paginated: a county has a few dozen lines, and the rate rows are bounded by banks × quarters × categories.
@router.get("/lines", response=list[LineOut], summary="再贷款再贴现额度")
def list_lines(request):
    """本机构可见的额度及其支用、归还、余额和支持贷款的结构；人民银行看全部，银行只看本机构的。"""
    user = _user(request)
    access.require_read(user)
    return [_line_out(line) for line in selectors.ledger(user)["lines"]]


class DrawIn(Schema):
    amount: Decimal = Field(..., title="支用金额（元）", gt=0, max_digits=16, decimal_places=2)
    drawn_on: datetime.date = Field(..., title="支用日期")
    due_on: datetime.date = Field(..., title="到期日期")
    note: str = Field("", title="备注", max_length=200)


class DrawOut(Schema):
    id: int = Field(..., title="支用ID")
    line: int = Field(..., title="额度ID")
    amount: Decimal = Field(..., title="支用金额（元）")
    drawn_on: datetime.date = Field(..., title="支用日期")
    due_on: datetime.date = Field(..., title="到期日期")


@router.post("/lines/{line_id}/draws", response={201: DrawOut}, summary="登记支用")
def add_draw(request, line_id: int, payload: DrawIn):
    """人民银行登记一笔支用：累计支用不能超过额度，支用日期不能早于额度发放日期。须带 Idempotency-Key 请求头。"""
    user = _user(request)
    line = access.access_line_by_id(user, line_id)
    if not access.can_manage(user):
        raise PermissionDenied("只有人民银行（领导小组办公室）可以登记再贷款支用。")
    draw = services.draw_add(
        actor=request.auth,
        line=line,
        amount=payload.amount,
        drawn_on=payload.drawn_on,
        due_on=payload.due_on,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": draw.pk,
            "line": line.pk,
            "amount": draw.amount,
            "drawn_on": draw.drawn_on,
            "due_on": draw.due_on,
        },
    )


class RateOut(Schema):
    quarter: str = Field(..., title="季度", description="如 2021Q2")
    bank_code: str | None = Field(None, title="金融机构代码", description="全县的行为 null")
    bank: str = Field(..., title="金融机构名称", description="全县的行为“全县”")
    dimension: str = Field(..., title="分类", description="all 合计、borrower 借款人类型、guarantee 担保方式")
    category: str = Field(..., title="类别代码")
    category_label: str = Field(..., title="类别")
    loans: int = Field(..., title="发放笔数（笔）")
    amount: Decimal = Field(..., title="发放金额（元）")
    rate: float = Field(..., title="加权平均利率（%）")
    spread: float | None = Field(
        None,
        title="较1年期LPR利差（个百分点）",
        description="发放月份没有 LPR（2019年8月前）的贷款不计入；都没有时为 null",
    )


class RateFilters(Schema):
    quarter: str | None = Field(
        None, title="季度", pattern=r"^[0-9]{4}Q[1-4]$", description="如 2021Q2；默认全部季度"
    )


@router.get("/rates", response=list[RateOut], summary="贷款利率监测")
def list_rates(request, filters: Query[RateFilters]):
    """各季度发放贷款的加权平均利率（按金额加权）及较1年期LPR的利差：全县，以及本机构可见的各银行。"""
    user = _user(request)
    return selectors.api_rates(user, quarter=filters.quarter)


class LprOut(Schema):
    month: str = Field(..., title="月份", description="如 2020-04")
    one_year: Decimal = Field(..., title="1年期LPR（%）")
    five_year: Decimal = Field(..., title="5年期以上LPR（%）")


@router.get("/lpr", response=list[LprOut], summary="贷款市场报价利率")
def list_lpr(request):
    """2019年8月LPR改革以来各月的1年期和5年期以上LPR（全国银行间同业拆借中心每月20日公布）。"""
    access.require_read(_user(request))
    return [
        {"month": q.month.strftime("%Y-%m"), "one_year": q.one_year, "five_year": q.five_year}
        for q in selectors.lpr_quotes()
    ]
