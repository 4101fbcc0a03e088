"""Read-only /api/v1/bankeval/ for the banks' and the PBoC's systems: published evaluation results. A token sees
what its organisation's staff see (`access`): the office every bank, a bank only its own result and rank."""

from django.http import Http404
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth

from . import access

router = Router(tags=["普惠金融综合评价"], auth=token_auth)
PAGE = 500


class ResultOut(Schema):
    id: int = Field(..., title="结果编号")
    period: str = Field(..., title="评价期编码（如 2021、2021Q2）")
    kind: str = Field(..., title="类型：annual 年度评价，monitoring 季度监测")
    indicator_set_version: int = Field(..., title="指标体系版本")
    bank_id: int = Field(..., title="银行（机构编号）")
    bank: str = Field(..., title="银行名称")
    total: float = Field(..., title="总分（分）")
    grade: str = Field(..., title="等级")
    rank: int = Field(..., title="名次")
    banks: int = Field(..., title="参评银行（家）")
    county_average: float | None = Field(None, title="全县平均总分（分）")


class ScoreOut(Schema):
    code: str = Field(..., title="指标编码")
    value: float | None = Field(None, title="数值（定量指标，按指标单位）")
    points: float | None = Field(None, title="得分（分）")
    status: str = Field(..., title="scored 已计分，absent 无数据，na 不适用")
    county_average_points: float | None = Field(None, title="全县平均得分（分）")


class ResultDetailOut(ResultOut):
    scores: list[ScoreOut] = Field(..., title="各项指标")


class ResultQuery(Schema):
    period: str = Field("", title="评价期编码；不填为全部")


def _f(text):
    return None if text in (None, "") else float(text)


def _out(r) -> dict:
    run = r.run
    return {
        "id": r.pk, "period": run.period.code, "kind": run.kind, "indicator_set_version": run.indicator_set.version,
        "bank_id": r.bank_id, "bank": r.bank.name, "total": float(r.total), "grade": r.grade, "rank": r.rank,
        "banks": run.banks, "county_average": _f(run.averages.get("total")),
    }  # fmt: skip


def _published(user):
    if not access.may_see(user):
        raise Http404
    return access.results_for(user).filter(run__published_at__isnull=False)


@router.get("/results", response=list[ResultOut], summary="已发布的综合评价结果（银行只见本机构）")
def results(request, filters: Query[ResultQuery]):
    qs = _published(request.auth.user)
    if filters.period:
        qs = qs.filter(run__period__code=filters.period)
    return [_out(r) for r in qs.order_by("-run__period__end", "run_id", "rank")[:PAGE]]


@router.get("/results/{result_id}", response=ResultDetailOut, summary="一家银行的综合评价结果和各项得分")
def result(request, result_id: int):
    r = _published(request.auth.user).filter(pk=result_id).first()
    if r is None:
        raise Http404
    averages = r.run.averages
    scores = [
        {"code": code, "value": _f(s.get("value")), "points": _f(s.get("points")), "status": s["status"],
         "county_average_points": _f((averages.get(code) or {}).get("points"))}
        for code, s in r.scores.items()
    ]  # fmt: skip
    return {**_out(r), "scores": scores}
