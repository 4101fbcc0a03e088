"""/api/v1/imports/: every register of the import page (IMPORT_TABLES), loaded by file through the API.

The same service as the page (`import_start`): the same roles (a token acts as its organisation's staff, so
the PBoC's token imports what the office imports and a bank's token its payment aggregates), the same checks
and Chinese reasons, all or nothing, the same audit; a file above PUHUI_IMPORT_INLINE_BYTES is sealed and
handed to a background job (202 and the run), which runs in the token's scope. Errors keep the API's format
(`puhui.api.errors`): 422 `validation_error` lists every problem with its row and column; a change that must
be confirmed is 422 `confirmation_required`. Writes carry an Idempotency-Key like every other.
"""

import datetime
from typing import Any, Literal

from django.conf import settings
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from puhui.api.auth import token_auth
from puhui.api.errors import ApiError
from puhui.core.exports import XLSX, download
from puhui.core.uploads import upload_limit
from puhui.imports.access import access_run_by_id
from puhui.imports.engine import MODE_CREATE, ImportResult
from puhui.imports.models import ImportRun
from puhui.imports.services import import_start
from puhui.imports.tables import Table, tables, tables_for

router = Router(tags=["数据导入"], auth=token_auth)
# ErrorList keeps this many (docs/imports.md); the answer lists all it kept.
ERRORS_LISTED = 10_000


def _user(request):
    return request.auth.user


def _table(request, name: str) -> Table:
    """A register this token may import; 404 for no such register, 403 for one its organisation may not."""
    table = tables().get(name)
    if table is None:
        raise ApiError(404, message=f"没有名为“{name}”的导入表，可导入的表见 GET /imports/tables")
    if name not in tables_for(_user(request)):
        raise ApiError(403, "forbidden", f"本机构无权导入“{table.title}”")
    return table


# ---------------------------------------------------------------- the registers


class ColumnOut(Schema):
    key: str = Field(..., title="英文键名（也可作列名）")
    header: str = Field(..., title="列名（模板中的中文列名）")
    required: bool = Field(..., title="必填")
    description: str = Field(..., title="可填写的内容")
    help: str = Field(..., title="说明")
    aliases: list[str] = Field(..., title="也可用的列名")


class TableOut(Schema):
    name: str = Field(..., title="表名（用于接口路径）")
    title: str = Field(..., title="中文名称")
    columns: list[ColumnOut] = Field(..., title="列")
    notes: list[str] = Field(..., title="填写说明")
    template_url: str = Field(..., title="Excel 模板的下载地址")


def _table_out(table: Table) -> dict:
    spec = table.spec
    return {
        "name": table.name,
        "title": table.title,
        "columns": [
            {
                "key": c.key,
                "header": c.header,
                "required": c.required,
                "description": c.parser.describe(),
                "help": c.help,
                "aliases": list(c.aliases),
            }
            for c in spec.columns
        ],
        "notes": list(spec.notes),
        "template_url": reverse("api-v1:import_template", kwargs={"name": table.name}),
    }


@router.get("/tables", response=list[TableOut], summary="可导入的表")
def list_tables(request):
    """令牌所属机构可以导入的表（与平台“数据导入”页面相同：人民银行可导入行政区划、机构、农户名录等，金融机构
    可导入本机构客户的支付月度汇总，成员单位没有），各表的列名、是否必填和填写要求。"""
    return [_table_out(t) for t in tables_for(_user(request)).values()]


@router.get(
    "/tables/{name}/template",
    summary="下载 Excel 模板",
    url_name="import_template",
    openapi_extra={"responses": {200: {"description": "Excel 模板（.xlsx）", "content": {XLSX: {}}}}},
)
def template(request, name: str):
    """与页面上的模板相同：含“填写说明”工作表、下拉选项和红色必填列名；文件名为中文（Content-Disposition）。"""
    table = _table(request, name)
    return download(table.template(), f"{table.title}导入模板.xlsx", XLSX)


# ---------------------------------------------------------------- importing a file


class ImportOut(Schema):
    status: str = Field(..., title="done 已导入；queued 已转入后台")
    table: str = Field(..., title="表名")
    summary: str = Field(..., title="结果")
    rows: int = Field(0, title="行数")
    created: int = Field(0, title="新增条数")
    updated: int = Field(0, title="更新条数")
    unchanged: int = Field(0, title="未变条数")
    counts: dict[str, int] = Field(default_factory=dict, title="各项条数（各表可另有条数，如农户成员）")
    run_id: int | None = Field(None, title="后台导入批次编号（大文件）")
    run_url: str | None = Field(None, title="查询后台导入结果的地址")


def _refusal(result: ImportResult) -> ApiError:
    if result.needs_confirmation:
        return ApiError(
            422,
            "confirmation_required",
            f"有 {len(result.warnings)} 处较大变化需要确认，未保存任何数据；核对无误后带 confirm=true 重新提交",
            [{"field": "confirm", "message": w} for w in result.warnings],
        )
    return errors_refusal(result.errors)


def errors_refusal(errors) -> ApiError:
    """422 for a table refused whole: every problem (the first ERRORS_LISTED) with its row and column."""
    listed = errors.sorted()[:ERRORS_LISTED]
    details = [_detail(e.row, e.column, e.value, e.reason) for e in listed]
    more = f"（仅列出前 {len(details)} 处）" if errors.total > len(details) else ""
    return ApiError(422, "validation_error", f"共有 {errors.total} 处问题{more}，没有保存任何数据", details)


def _detail(row, column, value, reason) -> dict:
    """The API's error detail (field, message), with the row and column also given on their own."""
    where = f"第 {row} 行" if row else ""
    col = f"“{column}”" if column else ""
    shown = f"（值：{value}）" if value else ""
    message = f"{where}{col}{shown}：{reason}".lstrip("：")
    return {
        "field": "file",
        "message": message,
        "row": row,
        "column": column,
        "value": value,
        "reason": reason,
    }


def _run_url(run: ImportRun) -> str:
    return reverse("api-v1:import_run", kwargs={"run_id": run.pk})


@router.post(
    "/tables/{name}",
    response={201: ImportOut, 202: ImportOut},
    summary="导入一张表（上传文件）",
)
@upload_limit(lambda: settings.PUHUI_IMPORT_MAX_BYTES)
def import_file(
    request,
    name: str,
    file: File[UploadedFile],
    mode: Form[Literal["create", "upsert"]] = MODE_CREATE,
    confirm: Form[bool] = False,
):
    """上传 CSV 或 Excel 文件（列见 GET /imports/tables，模板见 …/template）。与“数据导入”页面是同一个导入服务：
    小文件当场检查，全部通过才保存，返回 201 和各项条数；有任何问题返回 422 `validation_error`，`details` 逐处列出
    行、列、值和原因，不保存任何数据；需要确认的较大变化（如农户名录使某村户数变化超过规定比例）返回 422
    `confirmation_required`，核对后带 `confirm=true` 重新提交。大文件转入后台，返回 202 和批次编号，用
    GET /imports/runs/{run_id} 查询。本机构无权导入该表为 403。须带 Idempotency-Key 请求头。"""
    table = _table(request, name)
    result = import_start(
        actor=request.auth,
        kind=table.name,
        file=file,
        mode=mode,
        filename=file.name or "upload.csv",
        confirm=confirm,
    )
    if isinstance(result, ImportRun):
        url = _run_url(result)
        summary = "文件较大，已转入后台检查和保存"
        return Status(
            202,
            {
                "status": result.status,
                "table": table.name,
                "summary": summary,
                "run_id": result.pk,
                "run_url": url,
            },
        )
    if not result.ok:
        raise _refusal(result)
    counts = result.counts()
    return Status(
        201,
        {
            "status": "done",
            "table": table.name,
            "summary": result.summary,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "counts": counts,
        },
    )


# ---------------------------------------------------------------- a background run


class ProgressOut(Schema):
    done: int = Field(..., title="已处理")
    total: int = Field(..., title="总量")
    percent: int = Field(..., title="完成百分比")
    message: str = Field(..., title="进度说明")


class RunErrorOut(Schema):
    row: int | None = Field(None, title="行（Excel 行号；整份文件的问题为空）")
    column: str = Field(..., title="列")
    value: str = Field(..., title="值")
    reason: str = Field(..., title="原因")


class RunOut(Schema):
    id: int
    table: str = Field(..., title="表名")
    title: str = Field(..., title="中文名称")
    mode: str = Field(..., title="create 仅新增；upsert 新增或更新")
    filename: str = Field(..., title="文件名")
    status: str = Field(..., title="queued 排队；running 处理中；done 已导入；failed 未导入")
    status_label: str = Field(..., title="状态（中文）")
    progress: ProgressOut | None = Field(None, title="进度（后台任务报告的）")
    summary: str = Field(..., title="结果")
    needs_confirmation: bool = Field(
        ..., title="有较大变化需要确认（errors 中为需确认的内容），带 confirm=true 重新上传"
    )
    error_total: int = Field(..., title="问题处数")
    errors: list[RunErrorOut] = Field(..., title="前 500 处问题")
    created_at: datetime.datetime = Field(..., title="提交时间")
    finished_at: datetime.datetime | None = Field(None, title="完成时间")


def _run_out(run: ImportRun) -> dict[str, Any]:
    job = run.job
    progress = (
        {"done": job.done, "total": job.total, "percent": job.percent, "message": job.message}
        if job
        else None
    )
    return {
        "id": run.pk,
        "table": run.table,
        "title": run.title,
        "mode": run.mode,
        "filename": run.filename,
        "status": run.status,
        "status_label": run.get_status_display(),
        "progress": progress,
        "summary": run.summary,
        "needs_confirmation": run.needs_confirmation,
        "error_total": run.error_total,
        "errors": [{"row": e[0], "column": e[1], "value": e[2], "reason": e[3]} for e in run.errors],
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


@router.get("/runs/{int:run_id}", response=RunOut, summary="后台导入的进度和结果", url_name="import_run")
def run_detail(request, run_id: int):
    """提交该批次的令牌可以查询（人民银行的令牌可查询全部，与页面相同）；其他为 404。状态为 done 时保存完毕，
    failed 时未保存任何数据，errors 列出前 500 处问题。"""
    return _run_out(access_run_by_id(request.auth, run_id))
