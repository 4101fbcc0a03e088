"""Read-only /api/v1/firstloans/ for the banks' and the PBoC's systems: the first-loan list of the latest
computation (a bank: the firms of its service area) and the two cross-checks. A token sees what its
organisation's staff see (`access`)."""

from django.http import Http404
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.core.converters import MAX_ID
from puhui.firstloans import access
from puhui.firstloans.selectors import figures

router = Router(tags=["首贷培植和续贷"], auth=token_auth)
PAGE = 1000


class ListedOut(Schema):
    firm_id: int = Field(..., title="企业编号")
    name: str = Field(..., title="企业名称")
    uscc: str = Field(..., title="统一社会信用代码")
    town: str = Field(..., title="镇（街道）")


class ListedQuery(Schema):
    after: int = Field(0, ge=0, le=MAX_ID, title="上一页最后一个企业编号（翻页用）")


@router.get("/listed", response=list[ListedOut], summary="首贷培植名单（最近一次计算，每页 1000 户）")
def listed(request, filters: Query[ListedQuery]):
    user = request.auth.user
    if not access.may_see(user):
        raise Http404
    qs = access.listed_for(user, figures.latest_run()).filter(firm_id__gt=filters.after).order_by("firm_id")
    return [
        {"firm_id": r.firm_id, "name": r.firm.name, "uscc": r.firm.uscc, "town": r.town.name}
        for r in qs[:PAGE]
    ]


class FirstCheckOut(Schema):
    period: str = Field(..., title="发放季度")
    bank: str = Field(..., title="银行")
    platform: int = Field(..., title="平台认定首贷（笔）")
    flagged: int = Field(..., title="银行标记首贷（笔）")
    both: int = Field(..., title="两者一致（笔）")
    flagged_not_first: int = Field(..., title="标记首贷但此前已有贷款（笔）")
    first_not_flagged: int = Field(..., title="首贷未标记（笔）")


@router.get("/first-check", response=list[FirstCheckOut], summary="首贷认定核对（按银行和季度）")
def first_check(request):
    user = request.auth.user
    if not access.may_see(user):
        raise Http404
    return [
        {"period": r["label"], "bank": r["bank__name"], "platform": r["platform"], "flagged": r["flagged"],
         "both": r["both"], "flagged_not_first": r["dis_flagged"], "first_not_flagged": r["dis_unflagged"]}
        for r in figures.first_check_table(user, figures.latest_run())
    ]  # fmt: skip


class RenewalCheckOut(Schema):
    period: str = Field(..., title="季度")
    bank: str = Field(..., title="银行")
    count: int = Field(..., title="识别续贷（笔）")
    carried: float = Field(..., title="结转余额（元）")
    balance: float = Field(..., title="识别续贷期末余额（元）")
    reported: float | None = Field(None, title="银行报送无还本续贷余额（元）")


@router.get("/renewal-check", response=list[RenewalCheckOut], summary="无还本续贷核对（按银行和季度）")
def renewal_check(request):
    user = request.auth.user
    if not access.may_see(user):
        raise Http404
    return [
        {"period": r["label"], "bank": r["bank"], "count": r["count"], "carried": r["carried"],
         "balance": r["balance"], "reported": r["reported"]}
        for r in figures.renewal_check_table(user, figures.latest_run())
    ]  # fmt: skip
