"""/api/v1/households/: the household roster for the tokens that may read it (ID numbers and phones masked),
its counts on any date, and its import — a file, or JSON rows — for the tokens that may keep it.

An import through the API is the import of the page (`household_import`): the same columns, checks and
Chinese reasons, all or nothing; JSON rows are a table whose keys are the column keys or headers (`GET
/households/columns`). A large file goes to a background job like the page's (202 and the run's id). An
import that would move a village's household count by more than PUHUI_CENSUS_CONFIRM_SHARE answers 422
`confirmation_required` with the villages, and stores nothing until sent again with `confirm`. Every write
carries an Idempotency-Key (`puhui.api.idempotency`). (The service network's operations are in
network_api.py, under /registers.)
"""

import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from puhui.api.auth import token_auth
from puhui.api.errors import ApiError
from puhui.api.pagination import LimitOffsetTotal
from puhui.core import crypto
from puhui.core.access import get_or_404
from puhui.core.exports import csv_bytes
from puhui.core.uploads import upload_limit
from puhui.imports.access import access_run_by_id
from puhui.imports.engine import MODE_CREATE, MODE_UPSERT
from puhui.imports.models import ImportRun
from puhui.imports.services import import_start
from puhui.registry import selectors
from puhui.registry.access import households_for, may_import_households
from puhui.registry.household_columns import SPEC

router = Router(tags=["名录：农户"], auth=token_auth)
MAX_ROWS = 50_000


def _user(request):
    return request.auth.user


# ---------------------------------------------------------------- reads


class MemberOut(Schema):
    name: str = Field(..., title="姓名")
    relation: str = Field(
        ..., title="与户主关系：head 户主、spouse 配偶、child 子女……（见 /households/columns）"
    )
    id_number: str = Field(..., title="身份证号（脱敏）")
    birth_date: datetime.date = Field(..., title="出生日期")
    sex: str = Field(..., title="性别：M 男，F 女")


class HouseholdOut(Schema):
    id: int
    code: str = Field(..., title="户编号")
    village_code: str = Field(..., alias="village.code", title="村（社区）代码")
    town_code: str = Field(..., alias="town.code", title="镇（街道）代码")
    head_name: str = Field(..., title="户主姓名")
    head_id_number: str = Field(..., title="户主身份证号（脱敏）")
    phone: str = Field(..., title="联系电话（脱敏）")
    size: int = Field(..., title="家庭人口")
    is_farm: bool = Field(..., title="农户")
    main_activity: str = Field(..., title="主要经营")
    land_area_mu: str = Field(..., title="承包地面积（亩）")
    status: str = Field(..., title="状态：active 现存，dissolved 已注销")
    formed_on: datetime.date | None = Field(None, title="立户日期")
    dissolved_on: datetime.date | None = Field(None, title="注销日期")

    @staticmethod
    def resolve_head_id_number(obj) -> str:
        return crypto.mask_id_number(obj.head_id_number) if obj.head_id_number else ""

    @staticmethod
    def resolve_phone(obj) -> str:
        return crypto.mask_phone(obj.phone) if obj.phone else ""

    @staticmethod
    def resolve_land_area_mu(obj) -> str:
        return str(obj.land_area_mu)


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut] = Field(..., alias="members_out", title="家庭成员")


class HouseholdFilters(Schema):
    village: str | None = Field(None, max_length=12, title="村（社区）代码")
    town: str | None = Field(None, max_length=12, title="镇（街道）代码")
    status: Literal["active", "dissolved"] | None = Field(None, title="状态")
    code: str | None = Field(None, max_length=20, title="户编号")


@router.get("", response=list[HouseholdOut], summary="农户名录")
@paginate(LimitOffsetTotal)
def list_households(request, filters: Query[HouseholdFilters]):
    """令牌所属机构可见的农户（人民银行：全县；其他机构：无）。身份证号、电话脱敏。"""
    qs = households_for(_user(request)).select_related("village", "town").order_by("code", "pk")
    if filters.village:
        qs = qs.filter(village__code=filters.village)
    if filters.town:
        qs = qs.filter(town__code=filters.town)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.code:
        qs = qs.filter(code=filters.code)
    return qs


class CensusOut(Schema):
    division_code: str = Field(..., title="区划代码")
    name: str = Field(..., title="名称")
    households: int = Field(..., title="户数")
    farm_households: int = Field(..., title="农户数")
    population: int = Field(..., title="人口")


@router.get("/as-of", response=list[CensusOut], summary="按日期统计户数")
def census_as_of(request, on: datetime.date, level: Literal["village", "town"] = "village"):
    """名录在指定日期的样子：各村（或各镇）的户数、农户数、人口（分户、合户、迁移、注销按变动日期计）。"""
    rows = selectors.census_as_of(_user(request), on)
    if level == "village":
        return [
            {
                "division_code": r["village"].code,
                "name": r["village"].name,
                "households": r["households"],
                "farm_households": r["farm"],
                "population": r["population"],
            }
            for r in rows
        ]
    towns: dict[str, dict] = {}
    for r in rows:
        t = towns.setdefault(
            r["town"].code,
            {
                "division_code": r["town"].code,
                "name": r["town"].name,
                "households": 0,
                "farm_households": 0,
                "population": 0,
            },
        )
        t["households"] += r["households"]
        t["farm_households"] += r["farm"]
        t["population"] += r["population"]
    return list(towns.values())


@router.get("/columns", response=list[dict[str, Any]], summary="导入的列")
def columns(request):
    """导入文件（或 JSON 行）的列：列名、英文键名、是否必填、填写要求。"""
    return [
        {
            "key": c.key,
            "header": c.header,
            "required": c.required,
            "description": c.parser.describe(),
            "help": c.help,
        }
        for c in SPEC.columns
    ]


@router.get("/{int:household_id}", response=HouseholdDetailOut, summary="农户详情")
def get_household(request, household_id: int):
    """不在令牌所属机构范围内的农户返回 404。"""
    h = get_or_404(households_for(_user(request)).select_related("village", "town"), pk=household_id)
    h.members_out = [
        {
            "name": m.name,
            "relation": m.relation,
            "id_number": crypto.mask_id_number(m.id_number) if m.id_number else "",
            "birth_date": m.birth_date,
            "sex": m.sex,
        }
        for m in h.members.order_by("id")
    ]
    return h


# ---------------------------------------------------------------- import


class ImportOut(Schema):
    status: str = Field(..., title="done 已导入；queued/running 后台处理中；failed 未导入")
    summary: str = Field(..., title="结果")
    run_id: int | None = Field(None, title="后台导入批次编号（大文件）")
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_removed: int = 0


class RowsIn(Schema):
    mode: Literal["create", "upsert"] = Field(MODE_CREATE, title="create 仅新增；upsert 新增或更新")
    confirm: bool = Field(False, title="确认户数的较大变化")
    rows: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_ROWS, title="数据行（每名成员一行）")


def _may_import(request) -> None:
    if not may_import_households(_user(request)):
        raise ApiError(403, "forbidden", "本机构无权导入农户名录（由领导小组办公室即人民银行导入）")


def _answer(result, *, json_rows: bool):
    if isinstance(result, ImportRun):
        return Status(
            202, {"status": result.status, "summary": "文件较大，已转入后台检查和保存", "run_id": result.pk}
        )
    if result.needs_confirmation:
        raise ApiError(
            422,
            "confirmation_required",
            f"有 {len(result.warnings)} 个村的户数变化超过规定比例，未保存任何数据；核对无误后带 confirm=true 重新提交",
            [{"field": "confirm", "message": w} for w in result.warnings],
        )
    if not result.ok:
        details = []
        for e in result.errors.sorted()[:500]:
            if json_rows and e.row:
                field, where = f"rows[{e.row - 2}]", f"第 {e.row - 1} 条（rows[{e.row - 2}]）"
            else:
                field, where = "file", f"第 {e.row} 行" if e.row else ""
            shown = f"（值：{e.value}）" if e.value else ""
            column = f"“{e.column}”" if e.column else ""
            details.append({"field": field, "message": f"{where}{column}{shown}：{e.reason}".lstrip("：")})
        raise ApiError(
            422, "validation_error", f"共有 {result.errors.total} 处问题，没有保存任何数据", details
        )
    counts = ("created", "updated", "unchanged", "members_created", "members_updated", "members_removed")
    return Status(
        201, {"status": "done", "summary": result.summary, **{k: getattr(result, k) for k in counts}}
    )


@router.post("/import", response={201: ImportOut, 202: ImportOut}, summary="导入农户名录（上传文件）")
@upload_limit(lambda: settings.PUHUI_IMPORT_MAX_BYTES)
def import_file(
    request,
    file: File[UploadedFile],
    mode: Form[Literal["create", "upsert"]] = MODE_CREATE,
    confirm: Form[bool] = False,
):
    """上传农户名录（CSV 或 Excel，每名成员一行，列见 GET /households/columns）。小文件当场检查：通过 201，未通过 422
    （逐行列出问题，不保存任何数据）；大文件在后台检查，返回 202 和批次编号，用 GET /households/imports/{run_id} 查询。
    须带 Idempotency-Key 请求头。"""
    _may_import(request)
    try:
        result = import_start(
            actor=request.auth,
            kind=SPEC.name,
            file=file,
            mode=mode,
            filename=file.name or "upload.csv",
            confirm=confirm,
        )
    except PermissionDenied:
        raise ApiError(403, "forbidden", "本机构无权导入农户名录") from None
    return _answer(result, json_rows=False)


@router.post("/rows", response={201: ImportOut}, summary="导入农户名录（JSON 数据行）")
def import_rows(request, payload: RowsIn):
    """每名成员一行（最多 50,000 行，更多请用文件接口）；键为列的英文键名或中文列名。全部通过才保存。
    须带 Idempotency-Key 请求头。"""
    _may_import(request)
    keys = list(dict.fromkeys(k for row in payload.rows for k in row))
    table = [keys, *([_cell(row.get(k)) for k in keys] for row in payload.rows)]
    result = import_start(
        actor=request.auth,
        kind=SPEC.name,
        file=csv_bytes(table),
        mode=payload.mode if payload.mode == MODE_UPSERT else MODE_CREATE,
        filename="接口数据行.csv",
        confirm=payload.confirm,
    )
    return _answer(result, json_rows=True)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class RunOut(Schema):
    id: int
    status: str = Field(..., title="queued 排队；running 处理中；done 已导入；failed 未导入")
    summary: str
    error_total: int = Field(..., title="问题处数")
    errors: list[list[Any]] = Field(..., title="前 500 处问题：[行, 列, 值, 原因]")


@router.get("/imports/{int:run_id}", response=RunOut, summary="后台导入的结果")
def import_run(request, run_id: int):
    run = access_run_by_id(_user(request), run_id)
    if run.table != SPEC.name:
        raise ApiError(404)
    return {
        "id": run.pk,
        "status": run.status,
        "summary": run.summary,
        "error_total": run.error_total,
        "errors": run.errors,
    }
