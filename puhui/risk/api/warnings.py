"""Early warnings over /api/v1/risk/warnings: the list (filtered, paged) and one warning with its evidence
and follow-up.

A token sees what its organisation's staff see on the pages (`puhui.risk.access`): the PBoC every warning; a
bank those about itself or assigned to it; a member unit of the linkage mechanism those assigned to it; any
other token 404."""

import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from puhui.api.pagination import LimitOffsetTotal
from puhui.risk import access
from puhui.risk.models import Warning

router = Router()


def _user(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_warnings(user):
        raise Http404
    return user


class WarningOut(Schema):
    id: int = Field(..., title="预警ID")
    rule_code: str = Field(..., title="规则编码")
    rule: str = Field(..., title="预警规则")
    rule_version: int = Field(..., title="规则版本号")
    period: str = Field(..., title="报送期编码", description="如 2021Q1")
    subject_kind: str = Field(..., title="对象类型", description="bank 银行、town 镇（街道）、firm 企业")
    subject: str = Field(..., title="预警对象")
    severity: str = Field(..., title="严重程度", description="attention 关注、elevated 较重、serious 严重")
    value: float = Field(..., title="测量值")
    unit: str = Field(..., title="单位")
    status: str = Field(
        ..., title="状态", description="open 待处理、assigned 已指派、answered 已答复、closed 已关闭"
    )
    owner: str | None = Field(None, title="责任单位")
    raised_at: datetime.datetime = Field(..., title="发出时间")
    closed_at: datetime.datetime | None = Field(None, title="关闭时间")


class NoteOut(Schema):
    kind: str = Field(..., title="类型", description="note 跟进记录、answer 答复")
    text: str = Field(..., title="内容")
    organisation: str | None = Field(None, title="单位")
    author: str = Field(..., title="填写人")
    created_at: datetime.datetime = Field(..., title="填写时间")


class WarningDetailOut(WarningOut):
    measured: dict = Field(..., title="测量结果")
    evidence: dict = Field(
        ..., title="证据", description="columns 列名、rows 数据行（最多 50 行）、total 总行数"
    )
    closing_note: str = Field("", title="关闭说明")
    notes: list[NoteOut]


class WarningFilters(Schema):
    status: str | None = Field(None, title="状态", pattern="^(open|assigned|answered|closed)$")
    rule: str | None = Field(None, title="规则编码", max_length=40)
    severity: str | None = Field(None, title="严重程度", pattern="^(attention|elevated|serious)$")
    period: str | None = Field(None, title="报送期编码", max_length=10)


def _out(w: Warning) -> dict:
    return {
        "id": w.pk,
        "rule_code": w.rule_code,
        "rule": w.rule_name,
        "rule_version": w.rule_version.number,
        "period": w.period.code,
        "subject_kind": w.subject_kind,
        "subject": w.subject_label,
        "severity": w.severity,
        "value": w.value,
        "unit": w.unit,
        "status": w.status,
        "owner": w.owner.name if w.owner else None,
        "raised_at": w.raised_at,
        "closed_at": w.closed_at,
    }


@router.get("/warnings", response=list[WarningOut], summary="风险预警列表")
@paginate(LimitOffsetTotal)
def warnings_list(request, filters: Query[WarningFilters]):
    qs = access.warnings_for(_user(request)).order_by("-raised_at", "-id")
    for key, field in (
        ("status", "status"),
        ("rule", "rule_code"),
        ("severity", "severity"),
        ("period", "period__code"),
    ):
        value = getattr(filters, key)
        if value:
            qs = qs.filter(**{field: value})
    return _Page(qs)


class _Page:
    """The queryset as the paginator slices and counts it, each slice's rows shaped by `_out` (never the
    whole list built in Python)."""

    def __init__(self, qs):
        self.qs = qs

    def __getitem__(self, part: slice) -> list[dict]:
        return [_out(w) for w in self.qs[part]]

    def count(self) -> int:
        return self.qs.count()


@router.get("/warnings/{int:warning_id}", response=WarningDetailOut, summary="一项风险预警（证据和跟进记录）")
def warning_get(request, warning_id: int):
    w = access.warning_by_id(_user(request), warning_id)
    notes = [
        {
            "kind": n.kind,
            "text": n.text,
            "organisation": n.organisation.name if n.organisation else None,
            "author": n.author_label,
            "created_at": n.created_at,
        }
        for n in w.notes.select_related("organisation")
    ]
    return {
        **_out(w),
        "measured": w.measured,
        "evidence": w.evidence,
        "closing_note": w.closing_note,
        "notes": notes,
    }
