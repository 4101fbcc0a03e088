"""Guarantee networks over /api/v1/risk/networks: the periods with a network and their groups.

The PBoC's token reads every group; a bank's token the groups in which it lends to a firm, with its own loans
itemised and the other banks' summed; any other token 404."""

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from puhui.risk import access
from puhui.risk.selectors import networks as selectors

router = Router()


def _user(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_networks(user):
        raise Http404
    return user


class RunOut(Schema):
    period: str = Field(..., title="报送期编码")
    label: str = Field(..., title="报送期")
    groups: int = Field(..., title="可见的担保群数（个）")
    firms: int = Field(..., title="可见担保群内企业数（户）")
    circles: int = Field(..., title="可见担保群内担保圈数（个）")
    exposure: float = Field(..., title="担保总额（元）")
    npl: float = Field(..., title="群内不良贷款余额（元）")


class GroupOut(Schema):
    number: int = Field(..., title="担保群编号")
    size: int = Field(..., title="企业数（户）")
    circles: int = Field(..., title="担保圈数（个）")
    mutual: int = Field(..., title="互保对数（对）")
    chain: int = Field(..., title="最长担保链（层）")
    exposure: float = Field(..., title="担保总额（元）")
    balance: float = Field(..., title="群内贷款余额（元）")
    npl: float = Field(..., title="群内不良贷款余额（元）")
    max_loss: float = Field(..., title="单户违约最大传染损失（元）")
    own_balance: float | None = Field(None, title="本行贷款余额（元）", description="银行令牌才有")
    others_balance: float | None = Field(None, title="其他银行贷款余额合计（元）", description="银行令牌才有")


class GroupsQuery(Schema):
    period: str | None = Field(None, title="报送期编码", description="如 2021Q4；不填为最近一期")


@router.get("/networks", response=list[RunOut], summary="担保网络（各报送期）")
def networks(request):
    user = _user(request)
    out = []
    for run in selectors.run_choices(user):
        f = selectors.overview(user, run)
        out.append(
            RunOut(
                period=run.period.code, label=run.period.label, groups=f["groups"], firms=f["firms"],
                circles=f["circles"], exposure=f["exposure"] / 100, npl=f["npl"] / 100,
            )
        )  # fmt: skip
    return out


@router.get("/networks/groups", response=list[GroupOut], summary="担保群")
def groups(request, query: Query[GroupsQuery]):
    user = _user(request)
    run = selectors.run_for(user, query.period)
    if run is None:
        return []
    bank = access.bank_of(user)
    own = {}
    if bank is not None:
        own = dict(
            access.bank_rows_for(user, None).filter(group__run=run).values_list("group_id", "balance_fen")
        )
    out = []
    for g in access.groups_for(user, run).order_by("number"):
        mine = own.get(g.pk) if bank is not None else None
        out.append(
            GroupOut(
                number=g.number, size=g.size, circles=g.circles, mutual=g.mutual, chain=g.chain,
                exposure=g.exposure_fen / 100, balance=g.balance_fen / 100, npl=g.npl_fen / 100,
                max_loss=g.max_loss_fen / 100, own_balance=None if mine is None else mine / 100,
                others_balance=None if mine is None else (g.balance_fen - mine) / 100,
            )
        )  # fmt: skip
    return out
