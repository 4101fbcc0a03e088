"""Firm credit information over /api/v1/firms/, for a bank's own systems: the firms that authorised it (its
work list, with ratings) and one firm's profile as aggregates. A token sees what its organisation's staff see
(`access.firms_for`): a bank only firms whose authorisation of it is in force, and every profile it reads is
logged for the firm to see; the office every firm; anyone else 404.

A department's own system pushes what it holds on firms (`POST /firms/sources/{code}/rows` as JSON rows, or
`/file` as the same Excel or CSV the upload page takes): checked and matched by USCC exactly as an upload on
the page (services/uploads.py), stored whole or not at all."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from puhui.api.auth import token_auth
from puhui.core.exports import csv_bytes
from puhui.core.uploads import upload_limit
from puhui.firms import access
from puhui.firms.forms import parse_period
from puhui.firms.models import FirmRating, LookUp
from puhui.firms.selectors.loans import loan_summary
from puhui.firms.selectors.profile import latest_records
from puhui.firms.services.authorisations import lookup_record
from puhui.firms.services.uploads import UploadResult, department_upload
from puhui.imports.api import errors_refusal

router = Router(tags=["企业信用信息"], auth=token_auth)
LIMIT = 5000


def _user(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_firms(user):
        raise Http404
    return user


class RatingOut(Schema):
    grade: str = Field(..., title="信用等级")
    score: float = Field(..., title="评分（分）")
    version: str = Field(..., title="评分卡版本")
    rated_on: datetime.date = Field(..., title="评级日期")


class FirmOut(Schema):
    id: int = Field(..., title="企业ID")
    uscc: str = Field(..., title="统一社会信用代码")
    name: str = Field(..., title="企业名称")
    town: str = Field(..., title="镇（街道）")
    rating: RatingOut | None = Field(None, title="当前信用评级")


class SourceOut(Schema):
    source: str = Field(..., title="信息来源")
    department: str = Field(..., title="部门")
    period: datetime.date | None = Field(None, title="期间（月份的第一天）")
    values: dict = Field(..., title="内容（按来源目录的列）")


class LoansOut(Schema):
    banks: int = Field(..., title="有贷款余额的银行（家）")
    balance: str = Field(..., title="贷款余额（元）")
    overdue: str = Field(..., title="逾期余额（元）")
    npl: str = Field(..., title="不良余额（元）")
    first_issued: datetime.date | None = Field(None, title="首次获得贷款日期")


class ProfileOut(FirmOut):
    departments: list[SourceOut] = Field(..., title="部门共享信息（各来源最近一期）")
    loans: LoansOut = Field(..., title="银行贷款（汇总）")


def _rating(rating: FirmRating | None) -> dict | None:
    if rating is None:
        return None
    return {
        "grade": rating.grade,
        "score": float(rating.score),
        "version": rating.version,
        "rated_on": rating.rated_on,
    }


def _firm(firm, rating) -> dict:
    return {
        "id": firm.pk,
        "uscc": firm.uscc,
        "name": firm.name,
        "town": firm.town.name,
        "rating": _rating(rating),
    }


@router.get("/firms", response=list[FirmOut], summary="可查看的企业及其信用等级")
def firms(request):
    """For a bank: the firms whose authorisation of it is in force (its work list)."""
    rows = list(access.firms_for(_user(request)).order_by("name", "id")[:LIMIT])
    ratings = {
        r.firm_id: r for r in FirmRating.objects.filter(firm__in=rows, is_current=True).order_by("rated_on")
    }
    return [_firm(f, ratings.get(f.pk)) for f in rows]


@router.get("/firms/{firm_id}", response=ProfileOut, summary="一户企业的信用画像")
def profile(request, firm_id: int):
    """A bank's read is logged (the firm sees who looked)."""
    user = _user(request)
    firm = access.access_firm_by_id(user, firm_id)
    lookup_record(actor=user, firm=firm, what=LookUp.What.PROFILE, label=str(request.auth))
    rating = FirmRating.objects.filter(firm=firm, is_current=True).order_by("-rated_on").first()
    loans = loan_summary(firm.uscc)
    departments = [
        {"source": d["source"].name, "department": d["source"].department, "period": d["period"],
         "values": dict(d["values"])}
        for d in latest_records(firm)
    ]  # fmt: skip
    return {
        **_firm(firm, rating),
        "departments": departments,
        "loans": {"banks": loans.banks, "balance": loans.balance, "overdue": loans.overdue, "npl": loans.npl,
                  "first_issued": loans.first_issued},
    }  # fmt: skip


# ---------------------------------------------------------------- a department's push


class PushIn(Schema):
    period: str = Field(..., title="期间（月份，如 2021-06；季度写季末月，年度写 12 月）")
    rows: list[dict] = Field(..., title="数据行：键为来源目录的列键名或中文列名", max_length=50_000)


class UnmatchedOut(Schema):
    row: int = Field(..., title="行号")
    uscc: str = Field(..., title="统一社会信用代码")
    name: str = Field(..., title="企业名称")


class PushOut(Schema):
    upload_id: int = Field(..., title="上传记录ID")
    rows: int = Field(..., title="行数")
    matched: int = Field(..., title="匹配企业（户）")
    unmatched: list[UnmatchedOut] = Field(..., title="未匹配的行（来源接受部分匹配时）")
    replaced: bool = Field(..., title="替换了同一来源同一期间的原有数据")


def _period(text: str) -> datetime.date:
    try:
        return parse_period(text)
    except ValidationError as e:  # the form's message, named for the field
        raise ValidationError({"period": e.messages[0]}) from None


def _pushed(result: UploadResult):
    if not result.ok:
        raise errors_refusal(result.errors)
    upload = result.upload
    return Status(201, {"upload_id": upload.pk, "rows": result.rows, "matched": result.matched,
                        "unmatched": result.unmatched, "replaced": result.replaced})  # fmt: skip


def _cell(value) -> str:
    return "" if value is None else str(value)


@router.post("/sources/{code}/rows", response={201: PushOut}, summary="部门推送企业信息（JSON 数据行）")
def push_rows(request, code: str, payload: PushIn):
    """部门（成员单位令牌）按来源和期间推送所掌握的企业信息，与页面上传同一规则：按统一社会信用代码匹配名录，逐行检查，
    全部通过才保存，替换同一来源同一期间的原有数据。须带 Idempotency-Key 请求头。"""
    keys = list(dict.fromkeys(k for row in payload.rows for k in row))
    table = [keys, *([_cell(row.get(k)) for k in keys] for row in payload.rows)]
    result = department_upload(
        actor=request.auth, source_code=code, period=_period(payload.period), file=csv_bytes(table),
        filename="接口数据行.csv",
    )  # fmt: skip
    return _pushed(result)


@router.post("/sources/{code}/file", response={201: PushOut}, summary="部门推送企业信息（上传文件）")
@upload_limit(lambda: settings.PUHUI_IMPORT_MAX_BYTES)
def push_file(request, code: str, file: File[UploadedFile], period: Form[str]):
    """同上，以 Excel 或 CSV 文件（与页面上传同一模板）推送。须带 Idempotency-Key 请求头。"""
    result = department_upload(
        actor=request.auth,
        source_code=code,
        period=_period(period),
        file=file,
        filename=file.name or "upload.csv",
    )
    return _pushed(result)
