"""The published county index over /api/v1/index/ (read-only): runs, scores, rank intervals, frameworks.

A token sees what its organisation's staff see on the index pages (`puhui.index.access`): the PBoC (as
the office), member units and — like town officials — every town; a bank (as an institution) the county
figures and the framework only; an organisation of any other kind nothing (404, like the pages). The API
reads published runs only: drafts stay on the pages, for the office.
"""

import datetime
from typing import Literal

from django.db.models import F
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from puhui.api.auth import token_auth
from puhui.api.pagination import LimitOffsetTotal
from puhui.index import access, selectors

router = Router(tags=["普惠金融指数"], auth=token_auth)

Frequency = Literal["year", "quarter"]
PERIOD = r"^[0-9]{4}(Q[1-4])?$"


def _user(request: HttpRequest):
    return request.auth.user


# ------------------------------------------------------------------------------------------- schemas


class IndexRunOut(Schema):
    id: int = Field(..., title="计算批次ID")
    framework_version: int = Field(..., alias="framework.version", title="指标框架版本")
    framework: str = Field(..., alias="framework.name", title="指标框架名称")
    frequency: Frequency = Field(..., title="频度", description="year 年度、quarter 季度")
    frequency_label: str = Field(..., title="频度名称")
    periods: list[str] = Field(..., title="期间", description="年度如 2021，季度如 2021Q4，由早到晚")
    data_through: str = Field(..., title="数据截至", description="最后一个数据已报送并审核通过的期间")
    base_period: str = Field(..., title="基期")
    indicators_used: list[str] = Field(..., alias="used", title="计入指数的指标代码")
    uncertainty_runs: int = Field(..., title="不确定性分析（蒙特卡洛）次数")
    published_at: datetime.datetime = Field(..., title="发布时间")

    @staticmethod
    def resolve_frequency_label(obj) -> str:
        return obj.get_frequency_display()


class IndexRunFilters(Schema):
    frequency: Frequency | None = Field(None, title="频度", description="year 年度、quarter 季度；默认全部")


class IndexScoreOut(Schema):
    period: str = Field(..., title="期间")
    town_code: str | None = Field(None, title="镇（街道）区划代码", description="全县的行为 null")
    town: str = Field(..., title="镇（街道）名称", description="全县的行为“全县”")
    code: str = Field(..., title="指标代码", description="Index 为总指数，其余为维度、指标或背景指标的代码")
    name: str = Field(..., title="名称")
    level: Literal["index", "pillar", "indicator", "context"] = Field(
        ...,
        title="层级",
        description="index 总指数、pillar 维度、indicator 指标、context 背景指标（不计入指数）",
    )
    score: float | None = Field(
        None,
        title="得分",
        description="第2版起：起点为 0、目标为 100（超过目标计 100）；第1版：基期最差值为 0、最好值为 100",
    )
    rank: int | None = Field(None, title="排名", description="在各镇（街道）中的名次；全县的行为 null")
    contribution: float | None = Field(None, title="对总指数的贡献")
    raw: float | None = Field(None, title="原始值")
    unit: str = Field(..., title="原始值单位")
    estimate: Literal["", "carry", "interp", "partial"] = Field(
        ...,
        title="数据状态",
        description="空为当期实测；carry 沿用相邻期数据（见 as_of）；interp 前后期插值；partial 由含推算值的指标汇总而来",
    )
    as_of: str = Field(..., title="沿用的期间", description="estimate 为 carry 时数据所属的期间，否则为空")

    @staticmethod
    def resolve_town_code(obj) -> str | None:
        return obj.town.code if obj.town_id else None

    @staticmethod
    def resolve_town(obj) -> str:
        return obj.town.name if obj.town_id else "全县"


class IndexScoreFilters(Schema):
    period: str | None = Field(
        None, title="期间", pattern=PERIOD, description="如 2021 或 2021Q4；默认全部期间"
    )
    town: str | None = Field(
        None,
        title="镇（街道）",
        pattern=r"^([0-9]{12}|county)$",
        description="12 位区划代码，或 county 只看全县；默认全县和各镇（街道）",
    )
    level: Literal["index", "pillar", "indicator", "context"] | None = Field(
        None, title="层级", description="index 总指数、pillar 维度、indicator 指标、context 背景指标"
    )
    code: str | None = Field(None, title="指标代码", pattern=r"^[A-Za-z0-9_]{1,20}$")


class IndexRankOut(Schema):
    period: str = Field(..., title="期间")
    town_code: str = Field(..., alias="town.code", title="镇（街道）区划代码")
    town: str = Field(..., alias="town.name", title="镇（街道）名称")
    nominal: float | None = Field(None, title="名义排名")
    mean: float | None = Field(None, title="平均排名")
    median: float | None = Field(None, title="排名中位数")
    q5: float | None = Field(None, title="排名区间下限（5%分位）")
    q95: float | None = Field(None, title="排名区间上限（95%分位）")


class IndexRankFilters(Schema):
    period: str | None = Field(
        None, title="期间", pattern=PERIOD, description="如 2021 或 2021Q4；默认全部期间"
    )


class IndexPillarOut(Schema):
    code: str = Field(..., title="维度代码")
    name: str = Field(..., title="维度名称")
    weight: float = Field(..., title="框架中的权重")
    effective_weight: float = Field(
        ..., title="实际权重", description="在总指数中的权重；没有计入的指标时为 0"
    )


class IndexIndicatorOut(Schema):
    code: str = Field(..., title="指标代码")
    name: str = Field(..., title="指标名称")
    pillar: str = Field(..., title="所属维度代码")
    unit: str = Field(..., title="单位")
    direction: Literal[1, -1] = Field(
        ..., title="方向", description="1 正向（越高越好），-1 负向（越低越好）"
    )
    weight: float = Field(..., title="框架中的权重", description="维度内的相对权重")
    source: str = Field(..., title="数据来源键")
    included: bool = Field(..., title="是否计入指数", description="数据来源尚未接入或没有数据的指标不计入")
    weight_in_pillar: float = Field(..., title="维度内实际权重")
    weight_in_index: float = Field(..., title="总指数中实际权重")
    worst: float | None = Field(
        None, title="基期最差值（阈值）", description="原始值单位；没有已发布的计算时为 null"
    )
    best: float | None = Field(
        None, title="基期最好值（阈值）", description="原始值单位；没有已发布的计算时为 null"
    )


class IndexContextOut(Schema):
    code: str = Field(..., title="背景指标代码")
    name: str = Field(..., title="背景指标名称")
    unit: str = Field(..., title="单位")
    source: str = Field(..., title="数据来源键")


class IndexFrameworkOut(Schema):
    version: int = Field(..., title="版本")
    name: str = Field(..., title="名称")
    note: str = Field(..., title="说明")
    base_year: int = Field(..., title="基期年份")
    frequency: Frequency = Field(..., title="频度", description="实际权重和阈值取自此频度的计算")
    run_id: int | None = Field(
        None, title="计算批次ID", description="提供实际权重和阈值的已发布计算；尚无时为 null，阈值为 null"
    )
    pillars: list[IndexPillarOut] = Field(..., title="维度")
    indicators: list[IndexIndicatorOut] = Field(..., title="指标")
    context: list[IndexContextOut] = Field(..., title="背景指标（不计入指数）")


class IndexFrameworkFilters(Schema):
    frequency: Frequency = Field("year", title="频度", description="实际权重和阈值取自此频度最新发布的计算")


# ------------------------------------------------------------------------------------------- endpoints


@router.get("/runs", response=list[IndexRunOut], summary="已发布的指数计算")
@paginate(LimitOffsetTotal)
def list_runs(request, filters: Query[IndexRunFilters]):
    """已发布的各次计算，框架版本高的在前、发布晚的在前。人民银行、成员单位和金融机构的令牌可以读取。"""
    user = _user(request)
    access.require_county(user)
    qs = access.published_runs_for(user)
    if filters.frequency:
        qs = qs.filter(frequency=filters.frequency)
    return qs.order_by("-framework__version", F("published_at").desc(nulls_last=True), "-id")


@router.get("/runs/{int:run_id}/scores", response=list[IndexScoreOut], summary="指数得分")
@paginate(LimitOffsetTotal)
def list_scores(request, run_id: int, filters: Query[IndexScoreFilters]):
    """一次计算的得分、排名、贡献和原始值：按期间，全县在前、各镇（街道）按代码，总指数、维度、指标、背景指标依次排列。

    金融机构的令牌只见全县的行（与页面相同），按镇（街道）筛选返回 404。"""
    user = _user(request)
    run = access.access_published_run_by_id(user, run_id)
    town = None
    if filters.town and filters.town != "county":
        town = access.access_town_by_code(user, filters.town)
    return selectors.api_scores(
        access.scores_for(user, run),
        run,
        period=filters.period,
        town=town,
        county=filters.town == "county",
        level=filters.level,
        code=filters.code,
    )


@router.get("/runs/{int:run_id}/ranks", response=list[IndexRankOut], summary="排名区间")
@paginate(LimitOffsetTotal)
def list_ranks(request, run_id: int, filters: Query[IndexRankFilters]):
    """各镇（街道）排名的蒙特卡洛统计（5%–95%分位区间）。金融机构的令牌返回 404（与页面相同）。"""
    user = _user(request)
    run = access.access_published_run_by_id(user, run_id)
    access.require_towns(user)
    qs = access.rank_intervals_for(user, run).select_related("town")
    if filters.period:
        qs = qs.filter(period=filters.period)
    return qs.order_by("period", F("nominal").asc(nulls_last=True), "town__code")


@router.get("/frameworks/{int:version}", response=IndexFrameworkOut, summary="指标框架")
def get_framework(request, version: int, filters: Query[IndexFrameworkFilters]):
    """指标框架的维度和指标：方向、框架权重，以及该频度最新发布的计算实际采用的权重和基期阈值（与“编制方法”页面相同）。"""
    user = _user(request)
    framework = access.access_framework_by_version(user, version)
    run = selectors.published_run_of(user, framework, filters.frequency)
    ctx = selectors.methodology(framework, run)
    return {
        "version": framework.version,
        "name": framework.name,
        "note": framework.note,
        "base_year": ctx["base_year"],
        "frequency": filters.frequency,
        "run_id": run.pk if run else None,
        "pillars": [
            {
                "code": p["code"],
                "name": p["name"],
                "weight": float(p.get("weight", 1)),
                "effective_weight": p["effective_weight"],
            }
            for p in ctx["pillars"]
        ],
        "indicators": [
            {
                "code": i["code"],
                "name": i["name"],
                "pillar": i["pillar"],
                "unit": str(i.get("unit") or ""),
                "direction": 1 if int(i.get("direction", 1)) > 0 else -1,
                "weight": float(i.get("weight", 1)),
                "source": i["source"],
                "included": i["on"],
                "weight_in_pillar": i["weight_in_pillar"],
                "weight_in_index": i["weight_in_index"],
                "worst": i["worst"],
                "best": i["best"],
            }
            for p in ctx["pillars"]
            for i in p["indicators"]
        ],
        "context": [
            {"code": c["code"], "name": c["name"], "unit": str(c.get("unit") or ""), "source": c["source"]}
            for c in ctx["context"]
        ],
    }
