"""/api/v1/evaluation/ for the units' own systems: the evaluation reports the token's organisation reads on the
pages (`access`): published reports for every staff organisation, every version for the PBoC (the office).
Read only; the figures are the report's snapshot, the files its Word document and Excel annex. Others: 404."""

import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.core.access import get_or_404
from puhui.core.exports import DOCX, XLSX, streaming_download
from puhui.evaluation import access, services

router = Router(tags=["专项评估报告"], auth=token_auth)
LIMIT = 1000


def _reports(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_reports(user):
        raise Http404
    return access.reports_for(user)


class ReportOut(Schema):
    id: int = Field(..., title="报告ID")
    period: str = Field(..., title="评估期间代码", description="年度 2021 或季度 2021Q3")
    kind: str = Field(..., title="类型", description="年度或季度")
    version: int = Field(..., title="版本")
    number: str = Field(..., title="文号")
    title: str = Field(..., title="标题")
    status: str = Field(..., title="状态", description="待发布或已发布")
    generated_at: datetime.datetime = Field(..., title="生成时间")
    published_at: datetime.datetime | None = Field(None, title="发布时间")


class ReportDetailOut(ReportOut):
    figures: dict = Field(
        ..., title="报告所用数据", description="量化目标、指数、重点任务、金融机构评价、典型案例和宣传"
    )


def _out(r) -> dict:
    return {
        "id": r.pk, "period": r.period, "kind": r.get_kind_display(), "version": r.version, "number": r.number,
        "title": r.title, "status": r.status_label, "generated_at": r.generated_at, "published_at": r.published_at,
    }  # fmt: skip


@router.get("/reports", response=list[ReportOut], summary="评估报告")
def list_reports(request, period: str | None = Query(None, title="评估期间代码", max_length=7)):
    """本机构可阅的评估报告（已发布的；人民银行看全部版本），新的在前。`period`：只看该期间的报告。"""
    qs = _reports(request)
    if period:
        qs = qs.filter(period=period.strip().upper())
    return [_out(r) for r in qs.order_by("-period", "-version")[:LIMIT]]


@router.get("/reports/{report_id}", response=ReportDetailOut, summary="一份评估报告及其数据")
def get_report(request, report_id: int):
    report = get_or_404(_reports(request), pk=report_id)
    return {**_out(report), "figures": report.figures}


@router.get(
    "/reports/{report_id}/word",
    summary="下载评估报告（Word）",
    openapi_extra={"responses": {200: {"description": "评估报告（.docx）", "content": {DOCX: {}}}}},
)
def report_docx(request, report_id: int):
    """文件名为中文（Content-Disposition）。"""
    report = get_or_404(_reports(request), pk=report_id)
    return streaming_download(services.report_chunks(report, "docx"), report.docx_name, DOCX)


@router.get(
    "/reports/{report_id}/excel",
    summary="下载评估报告附表（Excel）",
    openapi_extra={"responses": {200: {"description": "评估报告附表（.xlsx）", "content": {XLSX: {}}}}},
)
def report_xlsx(request, report_id: int):
    """每节一个工作表：量化目标、指数（镇街）、重点任务、逾期里程碑、金融机构评价、典型案例、示范区宣传。"""
    report = get_or_404(_reports(request), pk=report_id)
    return streaming_download(services.report_chunks(report, "xlsx"), report.xlsx_name, XLSX)
