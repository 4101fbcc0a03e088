"""Local finance over /api/v1/localfin/: the county's totals, the prudential findings, the listing pipeline and
direct financing by year.

A token sees what its organisation's staff see on the pages (`puhui.localfin.access`): every reader the
county's totals; the PBoC and the finance centre every organisation's findings, the pipeline and the
financing records; a local financial organisation its own findings; anyone else 404 for those.
"""

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.data.models import ReportingPeriod
from puhui.localfin import access
from puhui.localfin.selectors import financing, listing
from puhui.localfin.selectors import orgs as selectors

router = Router(tags=["地方金融"], auth=token_auth)


def _user(request: HttpRequest):
    return request.auth.user


class KindCount(Schema):
    kind: str = Field(..., title="机构类型")
    count: int = Field(..., title="在营机构数（家）")


class CountyFigure(Schema):
    code: str = Field(..., title="指标编码")
    name: str = Field(..., title="指标")
    unit: str = Field(..., title="单位")
    value: Decimal | None = Field(None, title="数值", description="没有数据时为空")


class SummaryOut(Schema):
    year: int = Field(..., title="年度")
    organisations: list[KindCount]
    figures: list[CountyFigure]


class YearQuery(Schema):
    year: int = Field(None, title="年度", description="默认为上一年", ge=2000, le=2100)


@router.get("/summary", response=SummaryOut, summary="全县地方金融概况（县级合计）")
def summary(request, query: Query[YearQuery]):
    access.require_read(_user(request))
    year = query.year or timezone.localdate().year - 1
    data = selectors.county_summary([year])
    return {
        "year": year,
        "organisations": [{"kind": label, "count": n} for label, n in data["kinds"]],
        "figures": [
            {"code": ind.code, "name": ind.name, "unit": ind.unit, "value": values[0]}
            for ind, values in data["rows"]
        ],
    }


class FindingOut(Schema):
    organisation_code: str = Field(..., title="机构编码")
    organisation: str = Field(..., title="机构名称")
    period: str = Field(..., title="报送期", description="如 2021Q1")
    rule_code: str = Field(..., title="指标编码")
    rule: str = Field(..., title="指标")
    severity: str = Field(..., title="严重程度")
    value: Decimal | None = Field(None, title="数值")
    limit: Decimal | None = Field(None, title="限额")
    unit: str = Field(..., title="单位")
    status: str = Field(..., title="结果", description="ok 合规、breach 超限、missing 缺少数据")
    submission_id: int = Field(..., title="报送ID")


class PeriodQuery(Schema):
    period: str = Field("", title="报送期", description="如 2021Q1；默认为全部季度", max_length=8)


@router.get("/findings", response=list[FindingOut], summary="地方金融组织监管指标核查结果")
def findings(request, query: Query[PeriodQuery]):
    user = _user(request)
    access.require_organisations(user)
    periods = None
    if query.period:
        periods = list(ReportingPeriod.objects.filter(code=query.period))
    rets = selectors.returns(list(access.organisations_for(user).order_by("path")), periods=periods)
    return [
        {
            "organisation_code": f.ret.organisation.code,
            "organisation": f.ret.organisation.name,
            "period": f.ret.period.code,
            "rule_code": f.finding.rule.code,
            "rule": f.finding.rule.name,
            "severity": f.finding.rule.severity_label,
            "value": f.finding.value,
            "limit": f.finding.limit,
            "unit": f.finding.rule.unit,
            "status": f.finding.status,
            "submission_id": f.ret.submission_id,
        }
        for f in selectors.findings(rets)
    ]


class CandidateOut(Schema):
    uscc: str = Field(..., title="统一社会信用代码")
    name: str = Field(..., title="企业名称")
    town: str = Field(..., title="所在镇（街道）")
    stage: str = Field(..., title="所处阶段")
    stage_since: datetime.date = Field(..., title="进入本阶段日期")
    days_in_stage: int = Field(..., title="本阶段已用天数（天）")
    board: str = Field(..., title="目标板块")
    deadline: datetime.date | None = Field(None, title="本阶段计划完成日期")


@router.get("/pipeline", response=list[CandidateOut], summary="上市后备企业库")
def pipeline(request):
    user = _user(request)
    access.require_all(user)
    return [
        {
            "uscc": c.enterprise.uscc,
            "name": c.enterprise.name,
            "town": c.enterprise.town.name,
            "stage": c.get_stage_display(),
            "stage_since": c.stage_since,
            "days_in_stage": listing.days_in_stage(c),
            "board": c.get_board_display(),
            "deadline": c.deadline,
        }
        for c in access.candidates_for(user).order_by("enterprise__name")
    ]


class FinancingYearOut(Schema):
    year: int = Field(..., title="年度")
    bonds: Decimal = Field(..., title="债券和债务融资工具发行额（元）")
    equity: Decimal = Field(..., title="股权融资额（元）")
    direct: Decimal = Field(..., title="直接融资额（元）")
    bond_count: int = Field(..., title="发行笔数（笔）")
    deal_count: int = Field(..., title="股权融资笔数（笔）")


@router.get("/direct-financing", response=list[FinancingYearOut], summary="直接融资（按年度）")
def direct_financing(request):
    user = _user(request)
    if not access.sees_all(user):
        raise Http404
    data = financing.financing_by_year(user, financing.overview_years())
    return [
        {
            "year": y.year,
            "bonds": y.bonds,
            "equity": y.equity,
            "direct": y.direct,
            "bond_count": y.bond_count,
            "deal_count": y.deal_count,
        }
        for y in data["years"]
    ]
