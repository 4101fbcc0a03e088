"""/api/v1/cases/ for the units' own systems: the typical cases and publicity records the token's organisation
sees on the pages (`access`): its own (any state) and, for cases, every published one; the PBoC everything.
Read only; attachments stay on the platform (their count is given). Towns' and others' tokens: 404."""

import datetime

from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.cases import access
from puhui.core.access import get_or_404

router = Router(tags=["典型案例和宣传"], auth=token_auth)
LIMIT = 5000


def _cases(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_cases(user):
        raise Http404
    return access.cases_for(user).annotate(file_count=Count("files"))


def _promotions(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_promotions(user):
        raise Http404
    return access.promotions_for(user).annotate(file_count=Count("files"))


class CaseOut(Schema):
    id: int = Field(..., title="案例ID")
    unit: str = Field(..., title="报送单位")
    topic: str = Field(..., title="专题")
    task: str = Field(..., title="对应实施方案任务", description="空：不对应具体任务")
    period: str = Field(..., title="所属期间代码", description="年度 2021 或季度 2021Q3")
    title: str = Field(..., title="标题")
    text: str = Field(..., title="正文")
    status: str = Field(..., title="状态", description="待审核、已退回、已采用或已发布")
    return_reason: str = Field(..., title="退回原因")
    selected_for: str = Field(..., title="入选评估报告期间代码", description="空：未入选")
    files: int = Field(..., title="附件数（个）")


class PromotionOut(Schema):
    id: int = Field(..., title="记录ID")
    unit: str = Field(..., title="单位")
    kind: str = Field(..., title="宣传方式", description="政府推介、网点宣传、集中宣讲、媒体报道或其他")
    held_on: datetime.date = Field(..., title="日期")
    topic: str = Field(..., title="主题")
    place: str = Field(..., title="地点或媒体")
    town: str = Field(..., title="镇（街道）", description="空：全县")
    audience: int | None = Field(None, title="受众人数（人）", description="媒体报道可为空")
    summary: str = Field(..., title="活动情况")
    status: str = Field(..., title="审核状态", description="待审核、已通过或已退回")
    return_reason: str = Field(..., title="退回原因")
    files: int = Field(..., title="佐证材料数（个）")


def _case_out(c) -> dict:
    return {
        "id": c.pk, "unit": c.unit.name, "topic": c.get_topic_display(), "task": c.task_label,
        "period": c.period, "title": c.title, "text": c.text, "status": c.get_status_display(),
        "return_reason": c.return_reason if c.status == "returned" else "", "selected_for": c.selected_for,
        "files": c.file_count,
    }  # fmt: skip


def _promotion_out(p) -> dict:
    return {
        "id": p.pk, "unit": p.unit.name, "kind": p.get_kind_display(), "held_on": p.held_on, "topic": p.topic,
        "place": p.place, "town": p.town.name if p.town_id else "", "audience": p.audience,
        "summary": p.summary, "status": p.get_status_display(), "return_reason": p.return_reason,
        "files": p.file_count,
    }  # fmt: skip


@router.get("/cases", response=list[CaseOut], summary="典型案例")
def list_cases(request, period: str | None = Query(None, title="所属期间代码", max_length=7)):
    """本机构报送的案例（各状态）和已发布的案例；人民银行看全部。`period`：只看该期间的案例。"""
    qs = _cases(request)
    if period:
        qs = qs.filter(period=period.strip().upper())
    return [_case_out(c) for c in qs.order_by("id")[:LIMIT]]


@router.get("/cases/{case_id}", response=CaseOut, summary="一篇典型案例")
def get_case(request, case_id: int):
    return _case_out(get_or_404(_cases(request), pk=case_id))


@router.get("/publicity", response=list[PromotionOut], summary="示范区宣传记录")
def list_publicity(request, year: int | None = Query(None, ge=2000, le=2100, title="年度")):
    """本机构登记的示范区宣传记录；人民银行看全部。`year`：只看该年度的记录。"""
    qs = _promotions(request)
    if year is not None:
        qs = qs.filter(held_on__gte=datetime.date(year, 1, 1), held_on__lte=datetime.date(year, 12, 31))
    return [_promotion_out(p) for p in qs.order_by("held_on", "id")[:LIMIT]]


@router.get("/publicity/{record_id}", response=PromotionOut, summary="一条示范区宣传记录")
def get_publicity(request, record_id: int):
    return _promotion_out(get_or_404(_promotions(request), pk=record_id))
