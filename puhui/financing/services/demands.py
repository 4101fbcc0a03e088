"""Financing demands: posted by a firm's user or an adviser for an assigned firm, ranked against the shelf
and routed to every lender serving the firm's town that has a fitting product; answered by each lender
within `FINANCING_ANSWER_WORKING_DAYS` working days (setting, default 5); the loan recorded when granted."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.api.access import acting_user
from puhui.core.audit import audit_changed, snapshot
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within
from puhui.core.workdays import add_working_days
from puhui.financing import access
from puhui.financing.models import Demand, Product, Route
from puhui.financing.selectors import matching
from puhui.financing.services.products import MAX_AMOUNT, MAX_RATE, MAX_TERM, _number, collateral_checked

DEFAULT_ANSWER_DAYS = 5
FLAGS = ("agri", "female", "youth", "talent", "first_loan")
Status = Demand.Status
Answer = Route.Answer


def answer_working_days() -> int:
    return int(getattr(settings, "FINANCING_ANSWER_WORKING_DAYS", DEFAULT_ANSWER_DAYS))


def _term(value, field="term", label="申请期限") -> int:
    term = _number(value, field, label, "个月", high=MAX_TERM)
    if term != int(term):
        raise ValidationError({field: f"{label}须为整月数。"})
    return int(term)


def _firm(actor, firm):
    if firm is None or not access.firms_for_demand(actor).filter(pk=firm.pk).exists():
        raise ValidationError({"firm": "只能为本企业或结对辅导的企业发布融资需求。"})
    return firm


@transaction.atomic
def demand_post(
    *, actor, firm, amount, term, purpose, collateral, product: Product | None = None, posted_on=None, **flags
):
    """The demand, ranked and routed; refused (nothing stored) when the asked-for product does not fit.
    `posted_on`: the day the firm asked (default today; an adviser may enter a demand taken on a visit);
    the firm's age, the deadline and the figures count from it."""
    firm = _firm(actor, firm)
    amount = _number(amount, "amount", "申请金额", "元", high=MAX_AMOUNT)
    term = _term(term)
    purpose = text_within(purpose, "purpose", "资金用途", limit=200)
    collateral = collateral_checked(collateral)
    posted = timezone.localdate() if posted_on is None else not_future(posted_on, "posted_on", "发布日期")
    declared = {name: bool(flags.get(name)) for name in FLAGS}
    fields = matching.demand_fields(
        firm, amount=amount, term=term, flags=declared, on=posted, rating=matching.firm_rating(firm)
    )
    fitting, _shelf = matching.ranked_products(firm, fields, collateral)
    if product is not None and product not in fitting:
        reasons = "；".join(matching.why_not(firm, fields, collateral, product))
        raise ValidationError({"product": f"{firm.name}不符合“{product.name}”的条件：{reasons}。"})
    demand = Demand.objects.create(
        firm=firm, posted_by=actor, by_adviser=access.firm_of(actor) is None, amount=amount, term=term,
        purpose=purpose, collateral=collateral, product=product, ranked=[p.pk for p in fitting],
        status=Status.OPEN if fitting else Status.UNMATCHED, posted_on=posted, **declared,
    )  # fmt: skip
    due = add_working_days(posted, answer_working_days())
    by_owner: dict[int, list[int]] = {}
    for rank, p in enumerate(fitting, start=1):
        by_owner.setdefault(p.owner_id, []).append((rank, p.pk))
    Route.objects.bulk_create(
        Route(
            demand=demand,
            bank_id=owner,
            products=[pk for _, pk in ranked],
            best_rank=ranked[0][0],
            due_on=due,
        )
        for owner, ranked in by_owner.items()
    )
    audit_changed(
        actor=actor, obj=demand, before=None,
        note=f"发布融资需求：符合条件的产品 {len(fitting)} 个，推送 {len(by_owner)} 家机构，答复期限 {date_cn(due)}",
    )  # fmt: skip
    return demand


def status_from_routes(demand: Demand) -> None:
    """The demand's state from its routes' answers (granted > accepted > all declined > open)."""
    answers = list(demand.routes.values_list("answer", "granted_on"))
    if any(granted for _, granted in answers):
        demand.status = Status.GRANTED
    elif any(a == Answer.ACCEPTED for a, _ in answers):
        demand.status = Status.ACCEPTED
    elif answers and all(a == Answer.DECLINED for a, _ in answers):
        demand.status = Status.DECLINED
    else:
        demand.status = Status.OPEN
    demand.save(update_fields=["status"])


def _not_before_posting(route: Route, day, field: str, label: str) -> datetime.date:
    day = not_future(day, field, label)
    if day < route.demand.posted_on:
        raise ValidationError({field: f"{label}不能早于需求发布日期（{date_cn(route.demand.posted_on)}）。"})
    return day


def _open_route(actor, route: Route) -> Route:
    """The route locked, if the actor (a lender's staff, or its API token) may answer it."""
    route = Route.objects.select_for_update().select_related("demand").get(pk=route.pk)
    if not access.answerable_routes(acting_user(actor)).filter(pk=route.pk).exists():
        raise ValidationError("只能答复推送给本机构的融资需求。")
    if route.demand.status == Status.WITHDRAWN:
        raise ValidationError("企业已撤回该融资需求。")
    return route


@transaction.atomic
def route_answer(
    *, actor, route: Route, decision: str, amount=None, rate=None, term=None, reason: str = "", on=None
):
    """A lender's answer: accept with terms (amount, rate, term) or decline with a reason; once. `actor`: a
    staff user, or an API token (TokenActor) of the lender. `on`: the day of the answer (default today; an
    answer given by telephone is entered afterwards), not before the demand was posted."""
    route = _open_route(actor, route)
    if route.answer != Answer.PENDING:
        raise ValidationError("本机构已答复该融资需求。")
    before = snapshot(route)
    if decision == Answer.ACCEPTED:
        route.offered_amount = _number(amount, "amount", "批复金额", "元", high=MAX_AMOUNT)
        route.offered_rate = _number(rate, "rate", "年利率", "%", high=MAX_RATE)
        route.offered_term = _term(term, "term", "期限")
    elif decision == Answer.DECLINED:
        route.decline_reason = text_within(reason, "reason", "不予支持的原因", limit=200)
    else:
        raise ValidationError({"decision": "请选择同意或不予支持。"})
    # An API token answers for its organisation: no person to name (the audit record names the token).
    answered_by = actor if getattr(actor, "is_authenticated", False) else None
    answered_on = timezone.localdate() if on is None else _not_before_posting(route, on, "on", "答复日期")
    route.answer, route.answered_on, route.answered_by = decision, answered_on, answered_by
    route.save()
    status_from_routes(route.demand)
    late = "（逾期答复）" if route.answered_on > route.due_on else ""
    audit_changed(
        actor=actor, obj=route, before=before, note=f"答复融资需求：{route.get_answer_display()}{late}"
    )
    return route


@transaction.atomic
def route_grant(*, actor, route: Route, granted_on: datetime.date, amount) -> Route:
    """The loan granted on an accepted route (the date and amount the bank paid out)."""
    route = _open_route(actor, route)
    if route.answer != Answer.ACCEPTED:
        raise ValidationError("只有已同意的融资需求才能登记放款。")
    if route.granted_on is not None:
        raise ValidationError("该笔贷款已登记放款。")
    granted_on = _not_before_posting(route, granted_on, "granted_on", "放款日期")
    if route.answered_on and granted_on < route.answered_on:
        raise ValidationError({"granted_on": f"放款日期不能早于答复日期（{date_cn(route.answered_on)}）。"})
    before = snapshot(route)
    route.granted_on = granted_on
    route.granted_amount = _number(amount, "amount", "放款金额", "元", high=MAX_AMOUNT)
    route.save(update_fields=["granted_on", "granted_amount"])
    status_from_routes(route.demand)
    audit_changed(actor=actor, obj=route, before=before, note=f"登记放款：{route.granted_amount:,.2f} 元")
    return route


@transaction.atomic
def demand_withdraw(*, actor, demand: Demand) -> Demand:
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not access.may_withdraw(actor, demand):
        raise ValidationError("该融资需求不能撤回。")
    before = snapshot(demand)
    demand.status = Status.WITHDRAWN
    demand.save(update_fields=["status"])
    audit_changed(actor=actor, obj=demand, before=before, note="撤回融资需求")
    return demand
