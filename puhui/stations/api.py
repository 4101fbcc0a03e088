"""Read-only /api/v1/stations/ for the banks' and the PBoC's systems: the plan's targets computed from the
register on a day, and a bank's monthly station figures. A token sees what its organisation's staff see
(`access`): a bank its own stations, the PBoC every bank's, member units the targets only."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.stations import access, rules
from puhui.stations.selectors import targets as selectors
from puhui.stations.services.monthly import parse_month

router = Router(tags=["便民服务"], auth=token_auth)


class TargetRow(Schema):
    town: str = Field(..., title="镇（街道）")
    points: int = Field(..., title="在册服务点（个）")
    stations: int = Field(..., title="普惠金融服务站（个）")
    station_share: float | None = Field(None, title="升级占比（%）")
    cross_bank: int = Field(..., title="实现跨行支付（个）")
    cross_bank_share: float | None = Field(None, title="跨行占比（%）")


class TargetsOut(Schema):
    on: datetime.date = Field(..., title="统计日期")
    county: TargetRow = Field(..., title="全县合计")
    towns: list[TargetRow] = Field(..., title="各镇（街道）")
    terminals: int = Field(..., title="自助机具（台，不含POS）")
    terminals_realtime: int = Field(..., title="开通实时缴费（台）")
    realtime_share: float | None = Field(None, title="实时缴费占比（%）")
    realtime_target: int = Field(..., title="实时缴费目标（%）")


def _row(r) -> dict:
    return {
        "town": r.name,
        "points": r.points,
        "stations": r.stations,
        "station_share": r.station_share,
        "cross_bank": r.cross_bank,
        "cross_bank_share": r.cross_bank_share,
    }


class TargetsQuery(Schema):
    on: datetime.date | None = Field(None, title="统计日期（默认今天）")


@router.get("/targets", response=TargetsOut, summary="服务站升级、跨行支付和实时缴费目标")
def targets(request, filters: Query[TargetsQuery]):
    user = request.auth.user
    if not access.may_see_targets(user):
        raise Http404
    day = min(filters.on or timezone.localdate(), timezone.localdate())
    t = selectors.station_targets(user, day)
    b = selectors.billpay_targets(user, day)
    return {
        "on": day,
        "county": _row(t["county"]),
        "towns": [_row(r) for r in t["rows"]],
        "terminals": b["county"].terminals,
        "terminals_realtime": b["county"].realtime,
        "realtime_share": b["county"].share,
        "realtime_target": rules.BILLPAY_TARGET_SHARE,
    }


class MonthOut(Schema):
    point_code: str = Field(..., title="服务点编号")
    point: str = Field(..., title="服务点")
    bank: str = Field(..., title="报送银行")
    month: str = Field(..., title="月份")
    withdrawal_count: int = Field(..., title="取款笔数（笔）")
    withdrawal_amount: Decimal = Field(..., title="取款金额（元）")
    transfer_count: int = Field(..., title="转账笔数（笔）")
    transfer_amount: Decimal = Field(..., title="转账金额（元）")
    remittance_count: int = Field(..., title="汇款笔数（笔）")
    remittance_amount: Decimal = Field(..., title="汇款金额（元）")
    bill_count: int = Field(..., title="缴费笔数（笔）")
    bill_amount: Decimal = Field(..., title="缴费金额（元）")
    daily_limit: Decimal = Field(..., title="单卡单日取款限额（元/卡/日）")
    over_limit: bool = Field(..., title="超过规定限额")


@router.get("/monthly", response=list[MonthOut], summary="服务站月度交易")
def monthly(request, month: str = Query(..., title="月份，如 2021-03")):
    user = request.auth.user
    if not (access.sees_all(user) or access.may_report(user)):
        raise Http404
    try:
        first = parse_month(month)
    except ValueError:
        raise Http404 from None
    limit = rules.daily_limit_rule()
    qs = access.monthly_for(user).filter(month=first).order_by("point__code")
    return [
        {
            "point_code": r.point.code,
            "point": r.point.name,
            "bank": r.bank.name,
            "month": f"{r.month:%Y-%m}",
            **{
                name: getattr(r, name)
                for name in MonthOut.model_fields
                if name.endswith(("_count", "_amount"))
            },
            "daily_limit": r.daily_limit,
            "over_limit": r.daily_limit > limit,
        }
        for r in qs[:20000]
    ]
