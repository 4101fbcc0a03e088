"""/api/v1/data/: forms, submissions (JSON rows or a file), review, indicators and targets.

Handlers only parse, call a service or selector, and shape the answer. Authentication, the error
format and idempotency keys come from the platform's API (`puhui/api/v1.py`).
"""

import datetime
import json
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from puhui.api.errors import ApiError
from puhui.api.idempotency import checks_before_writing
from puhui.api.pagination import LimitOffsetTotal
from puhui.core.crypto import mask_id_number
from puhui.core.periods import parse_code
from puhui.core.uploads import upload_limit
from puhui.data import access, catalogue, intake, selectors, services, targets
from puhui.data.county import county_context
from puhui.data.models import Submission, Upload
from puhui.data.specs import spec_for

router = Router(tags=["数据报送"])
MAX_JSON_ROWS = 50_000


def _user(request: HttpRequest):
    return request.auth.user


def _org(request: HttpRequest):
    return request.auth.organisation


# ---------------------------------------------------------------- schemas


class ColumnOut(Schema):
    key: str
    header: str
    required: bool
    description: str
    aliases: list[str]


class FormOut(Schema):
    code: str
    title: str
    kind: str
    frequency: str
    description: str
    applies: bool = Field(..., description="令牌所属机构是否需要报送此表")
    columns: list[ColumnOut] = []


class SubmissionOut(Schema):
    id: int
    institution_id: int
    institution: str
    form: str
    period: str
    version: int
    is_current: bool
    status: str
    status_label: str
    channel: str
    filename: str
    row_count: int
    totals: dict
    comment: str
    submitted_at: datetime.datetime
    submitted_by: str = Field(..., alias="submitted_label")
    reviewed_at: datetime.datetime | None
    review_comment: str

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period.code

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class LoanRowOut(Schema):
    row: int
    loan_no: str
    borrower_id: str = Field(..., description="掩码显示")
    borrower_type: str
    town_id: int
    village_id: int | None
    amount: Decimal
    balance: Decimal
    rate: Decimal
    issued_on: datetime.date
    due_on: datetime.date
    guarantee: str
    is_credit: bool
    is_first: bool
    is_agri: bool
    status: str
    product: str = Field("", title="贷款产品")
    collateral: str = Field("", title="押品类型")

    @staticmethod
    def resolve_borrower_id(obj) -> str:
        return mask_id_number(obj.borrower_id)


class AggregateValueOut(Schema):
    row: int
    town_code: str | None
    item: str
    value: Decimal
    note: str

    @staticmethod
    def resolve_town_code(obj) -> str | None:
        return obj.town.code if obj.town_id else None


class UploadOut(Schema):
    id: int
    status: Literal["pending", "running", "failed", "succeeded"]
    status_label: str
    form: str
    period: str
    filename: str
    rows: int
    error_total: int
    errors: list[dict]
    submission: SubmissionOut | None = None


class SubmissionIn(Schema):
    form: str = Field(..., title="报表编码", max_length=40, examples=["loans"])
    period: str = Field(..., title="报送期", max_length=10, examples=["2020Q1"])
    comment: str = Field("", title="报送说明", max_length=2000)
    rows: list[dict[str, Any]] = Field(
        ...,
        title="数据行",
        min_length=1,
        max_length=MAX_JSON_ROWS,
        description="每行一个对象，键为模板列名或列的英文键名（见 GET /data/forms/{code}）；金额请用字符串或数字",
    )

    model_config = {"extra": "forbid"}


class ReviewIn(Schema):
    decision: Literal["approve", "return"] = Field(..., title="审核结果")
    comment: str = Field("", title="审核意见", max_length=2000)

    model_config = {"extra": "forbid"}


class IndicatorOut(Schema):
    code: str
    version: int
    name: str
    definition: str
    unit: str
    direction: str
    frequency: str
    levels: list[str]
    source_kind: str
    source: str
    dimension: str
    clause: str


class ValueOut(Schema):
    indicator: str = Field(..., alias="indicator_code")
    period: str
    level: str
    organisation_id: int | None
    division_code: str | None
    name: str
    value: Decimal | None

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period.code

    @staticmethod
    def resolve_division_code(obj) -> str | None:
        return obj.division.code if obj.division_id and obj.division else None

    @staticmethod
    def resolve_name(obj) -> str:
        return selectors.unit_name(obj)


class ValueFilters(Schema):
    indicator: str = Field(..., title="指标编码")
    period: str = Field(..., title="报送期")
    level: Literal["institution", "village", "town", "county"] = Field("county", title="层级")


class SubmissionFilters(Schema):
    form: str | None = Field(None, title="报表编码")
    period: str | None = Field(None, title="报送期")
    status: Literal["submitted", "approved", "returned"] | None = Field(None, title="状态")
    current: bool | None = Field(None, title="只看最新版本")


class TargetOut(Schema):
    code: str
    name: str
    clause: str
    indicator: str
    status: str
    status_label: str
    measure: str
    unit: str
    figure: float | None
    figure_period: str
    threshold: Decimal
    comparator: str
    deadline: str
    trend: str
    projection: float | None


# ---------------------------------------------------------------- helpers


def _upload_out(u: Upload) -> dict:
    return {
        "id": u.pk,
        "status": u.status,
        "status_label": u.get_status_display(),
        "form": u.form,
        "period": u.period.code,
        "filename": u.filename,
        "rows": u.rows_read,
        "error_total": u.error_total,
        "errors": [{"row": e[0], "column": e[1], "value": e[2], "reason": e[3]} for e in u.errors],
        "submission": u.submission if u.submission_id else None,
    }


def _refused(upload: Upload, *, json_rows: bool) -> ApiError:
    details = []
    for row, column, value, reason in upload.errors:
        if json_rows:
            field = f"rows[{row - 1}].{column}" if row else ("comment" if column == "报送说明" else "rows")
            where = f"第 {row} 行（rows[{row - 1}]）" if row else ""
        else:
            field = "file" if column != "报送说明" else "comment"
            where = f"第 {row} 行" if row else ""
        col = f"“{column}”" if column else ""
        shown = f"（值：{value}）" if value else ""
        details.append({"field": field, "message": f"{where}{col}{shown}：{reason}".lstrip("：")})
    more = f"（仅列出前 {len(details)} 处）" if upload.error_total > len(details) else ""
    return ApiError(
        422,
        "validation_error",
        f"报送未通过检查，共 {upload.error_total} 处问题{more}，没有保存任何数据",
        details,
    )


def _start(request, **kwargs) -> Upload:
    org = _org(request)
    try:
        return services.upload_start(actor=request.auth, institution=org, **kwargs)
    except PermissionDenied as e:
        raise ApiError(403, "forbidden", str(e)) from None


def _finish(upload: Upload, *, json_rows: bool):
    if upload.status == Upload.Status.SUCCEEDED:
        return Status(201, _upload_out(upload))
    if upload.status == Upload.Status.FAILED:
        refusal = _refused(upload, json_rows=json_rows)
        # The handler ran outside a transaction (`checks_before_writing`): nothing of a refused request
        # is kept, as the idempotency wrapper's rollback would have done.
        upload.delete()
        raise refusal
    return Status(202, _upload_out(upload))


# ---------------------------------------------------------------- endpoints


@router.get("/forms", response=list[FormOut], summary="报表列表")
def list_forms(request):
    """全部报表；`applies` 表示令牌所属机构是否需要报送。"""
    org = _org(request)
    return [
        {
            "code": f.code,
            "title": f.title,
            "kind": f.kind,
            "frequency": f.frequency,
            "description": f.description,
            "applies": f.applies_to(org),
        }
        for f in catalogue.forms().values()
    ]


@router.get("/forms/{code}", response=FormOut, summary="报表的列")
def get_form(request, code: str, period: str = "2020Q1"):
    """报表的列（列名、英文键名、是否必填、填写要求），JSON 报送时每行的键用列名或英文键名均可。"""
    form = catalogue.form(code)
    if form is None:
        raise ApiError(404)
    try:
        p = parse_code(period)
    except ValueError as e:
        raise ApiError(422, message=str(e)) from None
    spec = spec_for(form, ctx=county_context(), period=p)
    return {
        "code": form.code,
        "title": form.title,
        "kind": form.kind,
        "frequency": form.frequency,
        "description": form.description,
        "applies": form.applies_to(_org(request)),
        "columns": [
            {
                "key": c.key,
                "header": c.header,
                "required": c.required,
                "description": c.parser.describe(),
                "aliases": list(c.aliases),
            }
            for c in spec.columns
        ],
    }


@router.post("/submissions", response={201: UploadOut, 202: UploadOut}, summary="报送（JSON 数据行）")
@checks_before_writing  # rows are checked with no write lock held; stored in short batches, hidden until one final transaction publishes them
def submit_rows(request, payload: SubmissionIn):
    """报送一张报表的全部数据行（最多 50,000 行；更多请用文件接口）。

    全部检查通过才保存（新版本，等待审核），返回 201；否则返回 422，`details` 逐项列出行、列和原因，不保存任何数据。
    须带 Idempotency-Key 请求头。
    """
    # Re-read the body keeping decimals as text: 1234.10 must not pass through a binary float.
    raw = json.loads(request.body, parse_float=str)
    upload = _start(
        request,
        form_code=payload.form,
        period_code=payload.period,
        channel=Submission.Channel.API,
        rows=raw.get("rows", []),
        comment=payload.comment,
    )
    return _finish(upload, json_rows=True)


@router.post("/submissions/file", response={201: UploadOut, 202: UploadOut}, summary="报送（上传文件）")
@checks_before_writing
@upload_limit(intake.max_bytes)  # stopped while it arrives (413) when larger
def submit_file(
    request, form: Form[str], period: Form[str], file: File[UploadedFile], comment: Form[str] = ""
):
    """上传本表的 Excel 模板或 CSV 文件（multipart/form-data：form、period、file、comment）。

    小文件当场检查：通过返回 201，未通过返回 422。大文件在后台检查，返回 202 和上传编号，
    用 GET /data/uploads/{id} 查询结果。须带 Idempotency-Key 请求头。
    """
    upload = _start(
        request,
        form_code=form,
        period_code=period,
        channel=Submission.Channel.API_FILE,
        file=file,
        filename=file.name or "upload",
        comment=comment,
    )
    return _finish(upload, json_rows=False)


@router.get("/uploads/{int:upload_id}", response=UploadOut, summary="上传的检查结果")
def get_upload(request, upload_id: int):
    return _upload_out(access.access_upload_by_id(_user(request), upload_id))


@router.get("/submissions", response=list[SubmissionOut], summary="报送列表")
@paginate(LimitOffsetTotal)
def list_submissions(request, filters: Query[SubmissionFilters]):
    """令牌所属机构可见的报送：金融机构只见本机构的，人民银行可见全部。"""
    qs = access.submissions_for(_user(request)).order_by("-submitted_at", "-id")
    if filters.form:
        qs = qs.filter(form=filters.form)
    if filters.period:
        qs = qs.filter(period__code=filters.period)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.current is not None:
        qs = qs.filter(is_current=filters.current)
    return qs


@router.get("/submissions/{int:submission_id}", response=SubmissionOut, summary="报送详情")
def get_submission(request, submission_id: int):
    return access.access_submission_by_id(_user(request), submission_id)


@router.get("/submissions/{int:submission_id}/rows", response=list[LoanRowOut], summary="贷款明细的数据行")
@paginate(LimitOffsetTotal)
def submission_rows(request, submission_id: int):
    """贷款明细表的数据行，按行号排列；证件号码以掩码显示。其他报表的数据用 /values。"""
    sub = access.access_submission_by_id(_user(request), submission_id)
    return selectors.loan_rows(sub)


@router.get(
    "/submissions/{int:submission_id}/values", response=list[AggregateValueOut], summary="汇总报表的数值"
)
@paginate(LimitOffsetTotal)
def submission_values(request, submission_id: int):
    user = _user(request)
    sub = access.access_submission_by_id(user, submission_id)
    return selectors.submission_values(user, sub)


@router.post("/submissions/{int:submission_id}/review", response=SubmissionOut, summary="审核报送")
def review_submission(request, submission_id: int, payload: ReviewIn):
    """领导小组办公室（人民银行令牌）审核通过或退回。须带 Idempotency-Key 请求头。"""
    sub = access.access_submission_by_id(_user(request), submission_id)
    try:
        sub = services.submission_review(
            actor=request.auth, submission=sub, approve=payload.decision == "approve", comment=payload.comment
        )
    except PermissionDenied as e:
        raise ApiError(403, "forbidden", str(e)) from None
    return access.access_submission_by_id(_user(request), sub.pk)


@router.get("/indicators", response=list[IndicatorOut], summary="指标目录")
def list_indicators(request):
    return [{k: getattr(i, k) for k in IndicatorOut.model_fields} for i in selectors.indicators()]


@router.get("/values", response=list[ValueOut], summary="指标值")
@paginate(LimitOffsetTotal)
def list_values(request, filters: Query[ValueFilters]):
    """一个指标在一个报送期、一个层级的全部数值（按令牌可见范围）。"""
    qs = (
        access.indicator_values_for(_user(request))
        .filter(indicator_code=filters.indicator, period__code=filters.period, level=filters.level)
        .select_related("period", "organisation", "division")
        .order_by("organisation_id", "division__code")
    )
    return qs


@router.get("/targets", response=list[TargetOut], summary="目标完成情况")
def list_targets(request, as_of: str | None = None):
    user = _user(request)
    access.require_figures_reader(user)  # 404, like a missing row
    period = None
    if as_of:
        period = access.periods_for(user).filter(code=as_of).first()
        if period is None:
            raise ApiError(404, message=f"报送期 {as_of} 没有指标数据")
    else:
        period = targets.latest_period()
    statuses = targets.evaluate_all(as_of=period) if period else []
    return [
        {
            "code": s.target.code,
            "name": s.target.name,
            "clause": s.target.clause,
            "indicator": s.target.indicator_code,
            "status": s.status,
            "status_label": s.label,
            "measure": s.measure_name,
            "unit": s.measure_unit,
            "figure": s.figure,
            "figure_period": s.figure_period,
            "threshold": s.target.threshold,
            "comparator": s.target.comparator,
            "deadline": s.deadline_label,
            "trend": s.trend,
            "projection": s.projection,
        }
        for s in statuses
    ]
