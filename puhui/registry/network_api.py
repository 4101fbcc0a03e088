"""/api/v1/registers/: the banks keep their own service points, terminals and outlets current (batches of
upserts), and the registers are listed for the tokens that may read them.

A batch is all-or-nothing and goes through the very checks of the file import (`network_import`): its items
become the rows of a table in memory, checked and stored by the same importer, so a row refused in an Excel
file is refused here with the same Chinese reason — named by its item (第 N 条) and field. Every item is the
record's whole content (an optional field left out is stored empty). A batch is scoped to the token's own
institution: another bank's code, or a code another bank already uses, is an error naming the item, and
nothing is stored. Retries are safe: every write carries an Idempotency-Key (`puhui.api.idempotency`).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from puhui.api.auth import token_auth
from puhui.api.errors import ApiError
from puhui.api.pagination import LimitOffsetTotal
from puhui.core.access import get_or_404, service_points_for, terminals_for
from puhui.core.converters import MAX_ID
from puhui.core.exports import csv_bytes
from puhui.core.models import Organisation, ServicePoint, Terminal, User
from puhui.imports.engine import MODE_UPSERT
from puhui.registry import network, network_import
from puhui.registry.access import firms_for
from puhui.registry.models import Firm

router = Router(tags=["名录：服务点、自助机具、网点与市场主体"], auth=token_auth)
MAX_BATCH = 1000


def _named(choices, name: str):
    """Choices under a name of their own: the OpenAPI schema names an enum by its class name (two `Kind`s)."""
    return models.TextChoices(name, [(m.name, (m.value, m.label)) for m in choices])


TerminalKind = _named(Terminal.Kind, "TerminalKind")
FirmKind = _named(Firm.Kind, "FirmKind")
CODE = Field(..., min_length=1, max_length=32, title="编号")


def _date(title: str):
    return Field(None, title=title)


# ---------------------------------------------------------------- batches


class _Item(Schema):
    # A misspelt field must not be dropped silently.
    model_config = ConfigDict(extra="forbid")


class PointItem(_Item):
    code: str = CODE
    name: str = Field(..., min_length=1, max_length=100, title="名称")
    bank_code: str = Field(
        ..., max_length=32, title="签约银行机构编码", description="本机构或下属机构的机构编码"
    )
    village_code: str = Field(..., max_length=12, title="所在村（社区）代码")
    functions: list[ServicePoint.Function] = Field(..., min_length=1, max_length=10, title="服务功能")
    is_station: bool = Field(False, title="普惠金融服务站")
    opened_on: datetime.date | None = _date("设立日期")
    upgraded_on: datetime.date | None = _date("升级日期")
    suspended_on: datetime.date | None = _date("暂停营业日期")
    closed_on: datetime.date | None = _date("撤销日期")


class TerminalItem(_Item):
    code: str = CODE
    kind: TerminalKind = Field(..., title="类型")
    bank_code: str = Field(..., max_length=32, title="所属银行机构编码")
    village_code: str = Field(..., max_length=12, title="所在村（社区）代码")
    outlet_code: str | None = Field(None, max_length=32, title="所在网点编码")
    service_point_code: str | None = Field(None, max_length=32, title="所在服务点编号")
    bill_payment: bool = Field(False, title="开通实时缴费")
    bill_items: list[Terminal.BillItem] = Field(default_factory=list, max_length=10, title="缴费项目")
    bill_payment_since: datetime.date | None = _date("实时缴费开通日期")
    installed_on: datetime.date | None = _date("布放日期")
    retired_on: datetime.date | None = _date("撤除日期")


class OutletItem(_Item):
    code: str = CODE
    name: str = Field(..., min_length=1, max_length=100, title="名称")
    short_name: str | None = Field(None, max_length=40, title="简称")
    parent_code: str = Field(
        ..., max_length=32, title="上级机构编码", description="本机构或下属机构的机构编码"
    )
    uscc: str | None = Field(None, max_length=18, title="统一社会信用代码")
    division_code: str | None = Field(None, max_length=12, title="所在区划代码")
    address: str | None = Field(None, max_length=200, title="地址")
    opened_on: datetime.date | None = _date("开业日期")
    suspended_on: datetime.date | None = Field(
        None, title="暂停营业日期", description="正在暂停营业时填写；恢复营业时不填（记为当日恢复）"
    )
    closed_on: datetime.date | None = _date("撤销日期")


class PointBatch(Schema):
    items: list[PointItem] = Field(..., min_length=1, max_length=MAX_BATCH, title="服务点")


class TerminalBatch(Schema):
    items: list[TerminalItem] = Field(..., min_length=1, max_length=MAX_BATCH, title="自助机具")


class OutletBatch(Schema):
    items: list[OutletItem] = Field(..., min_length=1, max_length=MAX_BATCH, title="网点")


class BatchOut(Schema):
    rows: int = Field(..., title="条数")
    created: int = Field(..., title="新增")
    updated: int = Field(..., title="更新")
    unchanged: int = Field(..., title="未变")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(getattr(v, "value", v)) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _bank_actor(request):
    actor = request.auth
    if actor.user.role != User.Role.INSTITUTION:
        raise PermissionDenied("只有银行可以通过接口维护本机构的服务点、自助机具和网点")
    return actor


def _run(request, spec, importer, items: list[dict], fixed: dict | None = None) -> dict:
    """The batch as a table (the spec's columns, every item one row), imported in upsert mode."""
    actor = _bank_actor(request)
    fixed = fixed or {}
    keys = [c.key for c in spec.columns if c.key in fixed or c.key in items[0]]
    table = [[spec.column(k).header for k in keys]]
    table += [[_cell(fixed[k] if k in fixed else item.get(k)) for k in keys] for item in items]
    result = importer(actor=actor, file=csv_bytes(table), mode=MODE_UPSERT, filename="接口批量提交.csv")
    if not result.ok:
        details = []
        for e in result.errors.sorted():
            index = e.row - 2 if e.row and 2 <= e.row <= len(items) + 1 else None
            column = spec.match_header(e.column) if e.column else None
            key = column.key if column else None
            if index is None:
                details.append({"field": key, "message": e.reason})
                continue
            code = items[index].get("code")
            details.append(
                {
                    "field": f"items[{index}].{key}" if key else f"items[{index}]",
                    "message": f"第 {index + 1} 条（编号 {code}）：{e.column}：{e.reason}",
                }
            )
        raise ApiError(
            422, message=f"本批数据有 {result.errors.total} 处问题，未保存任何数据", details=details
        )
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


def _items(batch) -> list[dict]:
    return [item.model_dump(mode="python") for item in batch.items]


@router.post("/service-points/batch", response=BatchOut, summary="批量新增或更新本机构的服务点")
def service_points_batch(request, payload: PointBatch):
    """每条是一个服务点的完整内容（按服务点编号新增或更新）；整批检查，有任何问题则一条也不保存，逐条列出原因。"""
    return _run(request, network_import.SERVICE_POINTS, network_import.service_point_import, _items(payload))


@router.post("/terminals/batch", response=BatchOut, summary="批量新增或更新本机构的自助机具")
def terminals_batch(request, payload: TerminalBatch):
    """每条是一台机具的完整内容（按机具编号新增或更新）；整批检查，全部保存或全部不保存。"""
    return _run(request, network_import.TERMINALS, network_import.terminal_import, _items(payload))


@router.post("/outlets/batch", response=BatchOut, summary="批量新增或更新本机构的网点")
def outlets_batch(request, payload: OutletBatch):
    """网点的类型随本机构，层级为“网点”；上级机构须是本机构或下属机构。整批检查，全部保存或全部不保存。"""
    kind = request.auth.organisation.kind
    fixed = {"kind": kind, "level": "outlet"}
    return _run(request, network_import.OUTLETS, network_import.outlet_import, _items(payload), fixed)


# ---------------------------------------------------------------- lists


class PointOut(Schema):
    id: int
    code: str = Field(..., title="服务点编号")
    name: str = Field(..., title="名称")
    bank_id: int = Field(..., title="签约银行ID")
    village_code: str = Field(..., title="所在村（社区）代码")
    functions: list[str] = Field(..., title="服务功能")
    is_station: bool = Field(..., title="普惠金融服务站")
    suspended: bool = Field(..., title="暂停营业")
    opened_on: datetime.date | None = Field(None, title="设立日期")
    upgraded_on: datetime.date | None = Field(None, title="升级日期")
    closed_on: datetime.date | None = Field(None, title="撤销日期")


class PointFilters(Schema):
    on: datetime.date | None = Field(
        None, title="日期", description="给出时只列该日在册的服务点，功能和状态为该日的"
    )
    bank_id: int | None = Field(None, ge=1, le=MAX_ID, title="签约银行ID（含下属机构）")
    town: str | None = Field(None, max_length=12, title="所在镇（街道）区划代码")


class _Rows(list):
    """A list the paginator can count (it asks a queryset for `count()`)."""

    def count(self, *args):
        return super().count(*args) if args else len(self)


def _point_rows(qs, on: datetime.date) -> _Rows:
    """The points in the register on `on`, each with its state and functions of that day."""
    points = {p.pk: p for p in qs.select_related("village")}
    rows = _Rows()
    for state in network.service_points_as_of(on, qs):
        p = points[state.pk]
        rows.append(
            {
                "id": p.pk,
                "code": p.code,
                "name": p.name,
                "bank_id": p.bank_id,
                "village_code": p.village.code,
                "functions": list(state.functions),
                "is_station": state.station,
                "suspended": state.suspended,
                "opened_on": p.opened_on,
                "upgraded_on": p.upgraded_on if state.station else None,
                "closed_on": None,
            }
        )
    rows.sort(key=lambda r: r["code"])
    return rows


def _scoped(qs, request, bank_id, town):
    if bank_id is not None:
        bank = Organisation.objects.filter(pk=bank_id).first()
        qs = qs.filter(bank__path__startswith=bank.path) if bank else qs.none()
    if town:
        qs = qs.filter(village__parent__code=town)
    return qs


@router.get("/service-points", response=list[PointOut], summary="服务点名录（含变动日期，可按日期回溯）")
@paginate(LimitOffsetTotal)
def service_points(request, filters: Query[PointFilters]):
    """令牌所属机构可见的服务点；给出 on 时为该日名录（已撤销的不列，暂停营业的标出）。"""
    qs = _scoped(service_points_for(request.auth.user), request, filters.bank_id, filters.town)
    if filters.on is not None:
        return _point_rows(qs, filters.on)
    suspended = ExpressionWrapper(Q(suspended_on__isnull=False), output_field=BooleanField())
    return qs.annotate(village_code=F("village__code"), suspended=suspended).order_by("code")


class TerminalOut(Schema):
    id: int
    code: str = Field(..., title="机具编号")
    kind: str = Field(..., title="类型")
    bank_id: int = Field(..., title="所属银行ID")
    village_code: str = Field(..., title="所在村（社区）代码")
    outlet_id: int | None = Field(None, title="所在网点ID")
    service_point_id: int | None = Field(None, title="所在服务点ID")
    bill_payment: bool = Field(..., title="开通实时缴费")
    bill_items: list[str] = Field(..., title="缴费项目")
    bill_payment_since: datetime.date | None = Field(None, title="实时缴费开通日期")
    installed_on: datetime.date | None = Field(None, title="布放日期")
    retired_on: datetime.date | None = Field(None, title="撤除日期")


class TerminalFilters(Schema):
    on: datetime.date | None = Field(None, title="日期", description="给出时只列该日在用的机具（含POS机）")
    bank_id: int | None = Field(None, ge=1, le=MAX_ID, title="所属银行ID（含下属机构）")
    town: str | None = Field(None, max_length=12, title="所在镇（街道）区划代码")


@router.get("/terminals", response=list[TerminalOut], summary="自助机具名录")
@paginate(LimitOffsetTotal)
def terminals(request, filters: Query[TerminalFilters]):
    """令牌所属机构可见的机具；给出 on 时为该日在用的机具，实时缴费为该日是否已开通。"""
    qs = _scoped(terminals_for(request.auth.user), request, filters.bank_id, filters.town)
    qs = qs.annotate(village_code=F("village__code")).order_by("code")
    if filters.on is None:
        return qs
    on = {t.pk: t for t in network.terminals_as_of(filters.on, qs, pos=True)}
    rows = _Rows(t for t in qs if t.pk in on)
    for t in rows:
        t.bill_payment = on[t.pk].bill_payment
    return rows


@router.get("/terminals/{int:terminal_id}", response=TerminalOut, summary="自助机具详情")
def terminal(request, terminal_id: int):
    qs = terminals_for(request.auth.user).annotate(village_code=F("village__code"))
    return get_or_404(qs, pk=terminal_id)


class FirmOut(Schema):
    id: int
    uscc: str = Field(..., title="统一社会信用代码")
    name: str = Field(..., title="名称")
    kind: str = Field(..., title="类型")
    industry: str = Field(..., title="行业")
    village_code: str = Field(..., title="所在村（社区）代码")
    registered_on: datetime.date = Field(..., title="成立日期")
    deregistered_on: datetime.date | None = Field(None, title="注销日期")
    employees: int = Field(..., title="从业人数")
    annual_revenue: Decimal = Field(..., title="年营业收入（元）")


class FirmFilters(Schema):
    on: datetime.date | None = Field(
        None, title="日期", description="给出时只列该日在册（已成立、未注销）的市场主体"
    )
    town: str | None = Field(None, max_length=12, title="所在镇（街道）区划代码")
    kind: FirmKind | None = Field(None, title="类型")


@router.get("/firms", response=list[FirmOut], summary="市场主体名录")
@paginate(LimitOffsetTotal)
def firms(request, filters: Query[FirmFilters]):
    """人民银行（领导小组办公室）和成员单位的令牌可读；金融机构的令牌得到空列表。"""
    qs = firms_for(request.auth.user).annotate(village_code=F("village__code")).order_by("uscc")
    if filters.on is not None:
        qs = network.firms_as_of(filters.on, qs)
    if filters.town:
        qs = qs.filter(town__code=filters.town)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


@router.get("/firms/{int:firm_id}", response=FirmOut, summary="市场主体详情")
def firm(request, firm_id: int):
    qs = firms_for(request.auth.user).annotate(village_code=F("village__code"))
    return get_or_404(qs, pk=firm_id)
