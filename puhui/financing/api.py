"""/api/v1/financing/ for the banks' and the guarantee company's systems: the shelf of loan products, the
financing demands routed to the token's institution, and its answers. A token sees what its organisation's
staff see on the pages (`access`): a lender the shelf and the demands routed to it (404 for any other), the
PBoC every demand (reading only); member units and others nothing (404). Answers go through the same
service as the page (`services.demands.route_answer`); a write needs an Idempotency-Key header."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.engines.matching.vocabulary import COLLATERAL
from puhui.financing import access
from puhui.financing.models import Demand, Product, Route
from puhui.financing.services import demands as services

router = Router(tags=["融资对接"], auth=token_auth)
COLLATERAL_CODES = "、".join(f"{code} {label}" for code, label in COLLATERAL.items())
LIMIT = 5000


def _user(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_any(user):
        raise Http404
    return user


# ---------------------------------------------------------------- products


class ProductOut(Schema):
    id: int = Field(..., title="产品ID")
    owner_code: str = Field(..., title="发布机构代码")
    owner: str = Field(..., title="发布机构")
    name: str = Field(..., title="产品名称")
    amount_min: Decimal = Field(..., title="最低金额（元）")
    amount_max: Decimal = Field(..., title="最高金额（元）")
    term_min: int = Field(..., title="最短期限（月）")
    term_max: int = Field(..., title="最长期限（月）")
    rate_min: Decimal = Field(..., title="最低年利率（%）")
    rate_max: Decimal = Field(..., title="最高年利率（%）")
    collateral: list[str] = Field(..., title="接受的担保方式代码", description=COLLATERAL_CODES)
    collateral_labels: str = Field(..., title="接受的担保方式")
    towns: list[str] = Field(
        ..., title="服务镇（街道）", description="空：发布机构服务范围内的全部镇（街道）"
    )
    rule: str = Field(
        ..., title="准入规则", description="见 docs/matching-engine.md 的字段表；空：无附加条件"
    )
    description: str = Field(..., title="产品说明")
    active: bool = Field(..., title="上架")


class ProductFilters(Schema):
    active: bool | None = Field(None, title="只看上架（true）或下架（false）的产品；默认全部")


def _product_out(p: Product) -> dict:
    return {
        "id": p.pk, "owner_code": p.owner.code, "owner": p.owner.name, "name": p.name,
        "amount_min": p.amount_min, "amount_max": p.amount_max, "term_min": p.term_min, "term_max": p.term_max,
        "rate_min": p.rate_min, "rate_max": p.rate_max, "collateral": list(p.collateral),
        "collateral_labels": p.collateral_labels, "towns": [t.name for t in p.towns.all()], "rule": p.rule,
        "description": p.description, "active": p.active,
    }  # fmt: skip


@router.get("/products", response=list[ProductOut], summary="贷款产品货架")
def list_products(request, filters: Query[ProductFilters]):
    """本机构可见的贷款产品：银行、融资担保公司和人民银行看全部（含下架），按发布机构和产品名称排序。"""
    qs = access.products_for(_user(request)).prefetch_related("towns")
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return [_product_out(p) for p in qs.order_by("owner__name", "name", "id")[:LIMIT]]


# ---------------------------------------------------------------- demands and answers


class RouteOut(Schema):
    id: int = Field(..., title="推送ID")
    bank_code: str = Field(..., title="机构代码")
    bank: str = Field(..., title="机构")
    products: list[int] = Field(..., title="本机构符合条件的产品ID（按排序）")
    due_on: datetime.date = Field(..., title="答复期限")
    overdue: bool = Field(..., title="逾期未答复")
    answer: str = Field(..., title="答复代码", description="pending 待答复、accepted 同意、declined 不予支持")
    answer_label: str = Field(..., title="答复")
    offered_amount: Decimal | None = Field(None, title="批复金额（元）")
    offered_rate: Decimal | None = Field(None, title="年利率（%）")
    offered_term: int | None = Field(None, title="期限（月）")
    decline_reason: str = Field(..., title="不予支持的原因")
    answered_on: datetime.date | None = Field(None, title="答复日期")
    granted_on: datetime.date | None = Field(None, title="放款日期")
    granted_amount: Decimal | None = Field(None, title="放款金额（元）")
    loan_no: str = Field(..., title="借据号（贷款明细表显示放款后）")
    loan_seen_in: str = Field(..., title="显示放款的贷款明细表期间")


class DemandOut(Schema):
    id: int = Field(..., title="需求ID")
    firm_uscc: str = Field(..., title="企业统一社会信用代码")
    firm: str = Field(..., title="企业名称")
    town: str = Field(..., title="镇（街道）")
    posted_on: datetime.date = Field(..., title="发布日期")
    by_adviser: bool = Field(..., title="由金融辅导员代为发布")
    amount: Decimal = Field(..., title="申请金额（元）")
    term: int = Field(..., title="申请期限（月）")
    purpose: str = Field(..., title="资金用途")
    collateral: list[str] = Field(..., title="可提供的担保方式代码", description=COLLATERAL_CODES)
    flags: list[str] = Field(..., title="申报情形", description="涉农、巾帼、青年、人才、首贷中申报的")
    product: int | None = Field(None, title="意向产品ID")
    ranked: list[int] = Field(..., title="符合条件的产品ID（按排序，只含本机构可见的）")
    status: str = Field(
        ..., title="状态代码", description="open、accepted、granted、declined、unmatched、withdrawn"
    )
    status_label: str = Field(..., title="状态")
    routes: list[RouteOut] = Field(..., title="推送到本机构的答复", description="人民银行看全部机构的")


FLAG_LABELS = {"agri": "涉农", "female": "巾帼", "youth": "青年", "talent": "人才", "first_loan": "首贷"}


def _route_out(r: Route, today: datetime.date) -> dict:
    return {
        "id": r.pk, "bank_code": r.bank.code, "bank": r.bank.name, "products": r.products, "due_on": r.due_on,
        "overdue": r.answer == Route.Answer.PENDING and r.due_on < today, "answer": r.answer,
        "answer_label": r.get_answer_display(), "offered_amount": r.offered_amount,
        "offered_rate": r.offered_rate, "offered_term": r.offered_term, "decline_reason": r.decline_reason,
        "answered_on": r.answered_on, "granted_on": r.granted_on, "granted_amount": r.granted_amount,
        "loan_no": r.loan_no, "loan_seen_in": r.loan_seen_in,
    }  # fmt: skip


def _demands_out(user, demands: list[Demand]) -> list[dict]:
    """The demands with the routes the user sees, three queries whatever their number."""
    today = timezone.localdate()
    shown = set(access.products_for(user).values_list("pk", flat=True))
    routes: dict[int, list[dict]] = {}
    for r in access.routes_for(user).filter(demand__in=[d.pk for d in demands]).order_by("best_rank", "id"):
        routes.setdefault(r.demand_id, []).append(_route_out(r, today))
    return [
        {
            "id": d.pk,
            "firm_uscc": d.firm.uscc,
            "firm": d.firm.name,
            "town": d.firm.town.name,
            "posted_on": d.posted_on,
            "by_adviser": d.by_adviser,
            "amount": d.amount,
            "term": d.term,
            "purpose": d.purpose,
            "collateral": list(d.collateral),
            "flags": [label for name, label in FLAG_LABELS.items() if getattr(d, name)],
            "product": d.product_id,
            "ranked": [p for p in d.ranked if p in shown],
            "status": d.status,
            "status_label": d.get_status_display(),
            "routes": routes.get(d.pk, []),
        }  # fmt: skip
        for d in demands
    ]


# The model's choices as a literal: an enum in the schema is named by its class, and ProgressReport.Status is
# already "Status" there (tests/api/test_openapi.py).
DEMAND_STATUS = Literal["open", "accepted", "granted", "declined", "unmatched", "withdrawn"]


class DemandFilters(Schema):
    status: DEMAND_STATUS | None = Field(None, title="状态", description="open 待答复等，见 status 字段")
    since: datetime.date | None = Field(None, title="发布日期不早于")


@router.get("/demands", response=list[DemandOut], summary="推送到本机构的融资需求")
def list_demands(request, filters: Query[DemandFilters]):
    """推送到本机构（含下属网点）的融资需求及本机构的答复，按发布日期排序，最多 5000 条（用 since 翻页）。"""
    user = _user(request)
    qs = access.demands_for(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.since:
        qs = qs.filter(posted_on__gte=filters.since)
    return _demands_out(user, list(qs.order_by("posted_on", "id")[:LIMIT]))


@router.get("/demands/{demand_id}", response=DemandOut, summary="一笔融资需求")
def get_demand(request, demand_id: int):
    user = _user(request)
    return _demands_out(user, [access.access_demand_by_id(user, demand_id)])[0]


class AnswerIn(Schema):
    decision: Literal["accepted", "declined"] = Field(
        ...,
        title="答复",
        description="accepted 同意（须填批复金额、年利率、期限）、declined 不予支持（须填原因）",
    )
    amount: Decimal | None = Field(None, title="批复金额（元）", gt=0, max_digits=14, decimal_places=2)
    rate: Decimal | None = Field(None, title="年利率（%）", gt=0, max_digits=5, decimal_places=2)
    term: int | None = Field(None, title="期限（月）", ge=1, le=360)
    reason: str = Field("", title="不予支持的原因", max_length=200)


@router.post("/demands/{demand_id}/answer", response=RouteOut, summary="答复融资需求")
def answer_demand(request, demand_id: int, payload: AnswerIn):
    """本机构对推送给它的融资需求答复一次：同意（批复金额、年利率、期限）或不予支持（原因）。
    能看到但不是推送对象的（人民银行）得到 403。"""
    user = _user(request)
    demand = access.access_demand_by_id(user, demand_id)
    # The token's own route first, then an outlet's; a pending one before one already answered.
    org = access.lender_of(user)
    routes = sorted(
        access.answerable_routes(user).filter(demand=demand),
        key=lambda r: (r.answer != Route.Answer.PENDING, r.bank_id != getattr(org, "pk", None), r.best_rank),
    )
    if not routes:
        raise PermissionDenied("只有融资需求推送到的银行或融资担保公司可以答复。")
    route = services.route_answer(actor=request.auth, route=routes[0], **payload.model_dump())
    route.refresh_from_db()
    return _route_out(route, timezone.localdate())
