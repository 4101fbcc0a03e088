"""Policy incentives over /api/v1/policy/ (read-only): a year's evaluation results and the current rules.

A token sees what its organisation's staff see on the pages (`puhui.policy.access`): a bank only its own
results, the unit that grants a rule (县财政局) the results of its rules, the PBoC (the office) all. A
member unit that grants no rule has no access to the incentives (403). Decisions, payments and
objections are made on the pages, not through the API.
"""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from puhui.api.auth import token_auth
from puhui.api.errors import ApiError
from puhui.api.pagination import LimitOffsetTotal
from puhui.engines.policy import RULE_KINDS, STATUS_LABELS
from puhui.policy import access, selectors
from puhui.policy.models import Result

router = Router(tags=["政策激励"], auth=token_auth)

# The models' choices as literals: an enum in the schema is named by its class, and ProgressReport.Status
# is already "Status" there (tests/api/test_openapi.py).
STATUS = Literal["passed", "failed", "not_applicable", "missing"]
KIND = Literal["fiscal", "monetary"]
DECISION = Literal["pending", "approved", "rejected"]
FORBIDDEN = "本机构无权查看政策激励（人民银行、审定激励资金的单位和被评价的金融机构可以查看）"


# ------------------------------------------------------------------------------------------- schemas


class ConditionOut(Schema):
    code: str = Field(..., title="条件编码")
    name: str = Field(..., title="条件")
    value: Decimal | None = Field(None, title="数值", description="单位见 unit；缺少数据或不适用时为 null")
    op: str = Field(..., title="比较符", description=">=、>、<=、<、==、!=")
    threshold: Decimal | None = Field(None, title="阈值")
    unit: str = Field("", title="单位")
    status: STATUS = Field(..., title="结果")
    status_label: str = Field(..., title="结果（中文）")


class ResultOut(Schema):
    id: int
    evaluation_id: int = Field(..., title="评价ID")
    year: int = Field(..., alias="evaluation.year", title="评价年度")
    institution_id: int = Field(..., title="机构ID")
    institution_code: str = Field(..., alias="institution.code", title="机构编码")
    institution_name: str = Field(..., alias="institution.name", title="机构名称")
    rule: str = Field(..., alias="rule_code", title="规则编码")
    rule_name: str = Field(..., title="规则")
    kind: KIND = Field(..., title="类型", description="fiscal 财政奖补；monetary 货币政策")
    grantor: str = Field(..., title="审定单位")
    source: str = Field(..., title="依据")
    status: STATUS = Field(..., title="评价结果")
    status_label: str = Field(..., title="评价结果（中文）")
    amount: Decimal | None = Field(None, title="测算金额（元）", description="财政奖补且符合条件时")
    ratio: Decimal | None = Field(None, title="优惠幅度（百分点）", description="货币政策且符合条件时")
    conditions: list[ConditionOut] = Field(..., title="条件明细")
    values: dict[str, Decimal | None] = Field(
        ..., title="中间值", description="名称 → 数值（见 /rules 的规则文本）"
    )
    decision: DECISION = Field(..., title="审定")
    decision_label: str = Field(..., title="审定（中文）")
    decided_amount: Decimal | None = Field(None, title="核定金额（元）")
    approval_no: str = Field("", title="批复文号")
    decided_at: datetime.datetime | None = Field(None, title="审定时间")
    standard_ratio: Decimal | None = Field(None, title="同类机构存款准备金率（%）")
    applied_ratio: Decimal | None = Field(None, title="适用存款准备金率（%）")
    paid_on: datetime.date | None = Field(None, title="拨付日期")
    paid_amount: Decimal | None = Field(None, title="拨付金额（元）")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_decision_label(obj) -> str:
        return obj.get_decision_display()

    @staticmethod
    def resolve_conditions(obj) -> list[dict]:
        return [
            {**c, "status_label": STATUS_LABELS.get(c.get("status"), "")}
            for c in (obj.detail or {}).get("conditions") or []
        ]

    @staticmethod
    def resolve_values(obj) -> dict:
        return dict((obj.detail or {}).get("values") or {})


class ResultFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, title="评价年度", description="缺省为最近评价的年度")
    rule: str | None = Field(None, max_length=40, title="规则编码", description="见 /rules")
    status: STATUS | None = Field(None, title="评价结果")


class RuleOut(Schema):
    code: str = Field(..., title="规则编码")
    name: str = Field(..., title="规则")
    kind: str = Field(..., title="类型", description="fiscal 财政奖补；monetary 货币政策")
    kind_label: str = Field(..., title="类型（中文）")
    grantor: str = Field(..., title="审定单位")
    source: str = Field(..., title="依据")
    note: str = Field("", title="说明")


class RulesOut(Schema):
    id: int
    version: str = Field(..., title="版本")
    name: str = Field(..., title="名称")
    change_note: str = Field("", title="修改说明")
    created_at: datetime.datetime = Field(..., title="创建时间")
    text: str = Field(..., title="规则（YAML）", description="格式见平台文档 docs/policy.md")
    rules: list[RuleOut] = Field(..., title="规则")

    @staticmethod
    def resolve_rules(obj) -> list[dict]:
        return [
            {
                "code": r.code,
                "name": r.name,
                "kind": r.kind,
                "kind_label": RULE_KINDS.get(r.kind, r.kind),
                "grantor": r.grantor,
                "source": r.source,
                "note": r.note,
            }
            for r in obj.parsed.rules
        ]


# ------------------------------------------------------------------------------------------ handlers


def _reader(request):
    user = request.auth.user
    if not access.can_read_policy(user):
        raise ApiError(403, "forbidden", FORBIDDEN)
    return user


@router.get("/results", response=list[ResultOut], summary="政策激励评价结果")
@paginate(LimitOffsetTotal)
def list_results(request, filters: Query[ResultFilters]):
    """某年度当前评价的结果（每个机构每条规则一项），含每个条件的数值、阈值和结论，测算金额或优惠幅度，审定
    和拨付情况。金融机构只见本机构（含下级）的结果，审定单位见其审定的规则，人民银行见全部。`year` 缺省为最近
    评价的年度；该年度没有评价时返回空列表。"""
    user = _reader(request)
    year = filters.year
    if year is None:
        year = max(selectors.current_evaluation_ids(), default=None)
    evaluation = selectors.current_evaluation(year) if year is not None else None
    if evaluation is None:
        return Result.objects.none()
    return selectors.evaluation_results(
        user, evaluation, rule=filters.rule or "", status=filters.status or ""
    ).select_related("institution", "evaluation")


@router.get("/rules", response=RulesOut, summary="当前激励规则")
def current_rules(request):
    """当前使用的激励规则版本：规则文本（YAML）和每条规则的编码、名称、类型、审定单位及依据。"""
    _reader(request)
    current = selectors.rules_current()
    if current is None:
        raise ApiError(404, "not_found", "还没有激励规则")
    return current
