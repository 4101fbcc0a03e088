"""Financing services: products refuse bad rules, demands are ranked and routed to the lenders serving the
firm's town, answers and loans follow their rules, refusals store nothing, and banks see only their routes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from puhui.core.audit import AuditLog
from puhui.core.workdays import add_working_days
from puhui.financing import access
from puhui.financing.models import Assignment, Demand, Product, Route, Visit
from puhui.financing.selectors import figures
from puhui.financing.services import advisers, demands, products
from tests.financing.conftest import product_data

pytestmark = pytest.mark.django_db
D = datetime.date


def post(user, firm, **kw):
    data = dict(amount=200_000, term=12, purpose="购置设备", collateral=["credit", "guarantee"])
    return demands.demand_post(actor=user, firm=firm, **{**data, **kw})


def test_a_rule_that_does_not_parse_is_refused_naming_the_problem(users, shelf):
    before = Product.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as e:
        products.product_create(
            actor=users["abc"], **product_data(name="人才贷", rule="talent and amount <=")
        )
    assert "准入规则有误" in e.value.message_dict["rule"][0]
    with pytest.raises(ValidationError) as e:
        products.product_create(actor=users["abc"], **product_data(name="人才贷", rule="firm_kind == 1"))
    assert "“firm_kind”不是可用字段" in e.value.message_dict["rule"][0]
    assert (Product.objects.count(), AuditLog.objects.count()) == before


def test_ranges_and_owner_are_checked(users, shelf):
    with pytest.raises(ValidationError) as e:
        products.product_create(actor=users["abc"], **product_data(name="x", amount_min=5, amount_max=1))
    assert "最高金额" in e.value.message_dict["amount_max"][0]
    with pytest.raises(ValidationError):
        products.product_create(actor=users["public"], **product_data(name="x"))
    with pytest.raises(ValidationError):
        products.product_update(
            actor=users["rcb"], product=shelf["products"]["abc_loan"], **product_data(name="改")
        )


def test_demand_is_ranked_and_routed_to_lenders_serving_the_town(users, shelf, county):
    firm = county["firms"][0]  # 历山街道: ABC, RCB and the guarantee company serve it
    demand = post(users["firm_a"], firm, female=True, youth=True)
    p = shelf["products"]
    assert demand.ranked == [p["rcb_youth"].pk, p["abc_credit"].pk, p["abc_loan"].pk]
    routes = {r.bank_id: r for r in demand.routes.all()}
    assert set(routes) == {county["abc"].pk, county["rcb"].pk}
    assert routes[county["abc"].pk].products == [p["abc_credit"].pk, p["abc_loan"].pk]
    assert routes[county["abc"].pk].due_on == add_working_days(demand.posted_on, 5)
    assert demand.status == Demand.Status.OPEN and not demand.by_adviser


def test_rcb_does_not_serve_lucun_and_agri_firms_reach_the_guarantee_company(users, shelf, county):
    firm = county["firms"][1]  # 鲁村镇: ABC has an outlet there, RCB nothing
    demand = post(users["firm_b"], firm, youth=True, agri=True, collateral=["guarantee"])
    assert {r.bank.name for r in demand.routes.all()} == {"中国农业银行沂源县支行", shelf["guarantee"].name}


def test_a_demand_for_a_product_the_firm_does_not_fit_is_refused_and_nothing_stored(users, shelf, county):
    before = Demand.objects.count(), Route.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as e:
        post(users["firm_a"], county["firms"][0], product=shelf["products"]["ldhn"])
    got = e.value.message_dict["product"][0]
    assert got == "沂源甲公司不符合“鲁担惠农贷”的条件：不符合准入条件“agri”。"
    assert (Demand.objects.count(), Route.objects.count(), AuditLog.objects.count()) == before


def test_a_demand_with_no_fitting_product_is_kept_unmatched(users, shelf, county):
    demand = post(users["firm_a"], county["firms"][0], amount=50_000_000)
    assert demand.status == Demand.Status.UNMATCHED and not demand.routes.exists()


def test_only_own_firm_or_assigned_firm(users, shelf, county):
    with pytest.raises(ValidationError) as e:
        post(users["firm_a"], county["firms"][1])
    assert "只能为本企业或结对辅导的企业" in e.value.message_dict["firm"][0]
    advisers.assignment_create(
        actor=users["abc"], adviser=users["abc"], firm=county["firms"][1], start=D(2021, 1, 4)
    )
    assert post(users["abc"], county["firms"][1]).by_adviser


def test_answers_settle_the_demand_and_time_to_loan_is_measured(users, shelf, county):
    demand = post(users["firm_a"], county["firms"][0], female=True, youth=True)
    abc = demand.routes.get(bank=county["abc"])
    rcb = demand.routes.get(bank=county["rcb"])
    with pytest.raises(ValidationError):
        demands.route_answer(actor=users["abc"], route=abc, decision="declined", reason="")
    demands.route_answer(actor=users["rcb"], route=rcb, decision="declined", reason="经营年限不足")
    demand.refresh_from_db()
    assert demand.status == Demand.Status.OPEN
    with pytest.raises(ValidationError):  # a bank answers only its own route
        demands.route_answer(actor=users["rcb"], route=abc, decision="declined", reason="x")
    demands.route_answer(
        actor=users["abc"], route=abc, decision="accepted", amount=200_000, rate="4.20", term=12
    )
    demand.refresh_from_db()
    assert demand.status == Demand.Status.ACCEPTED
    with pytest.raises(ValidationError):
        demands.route_answer(actor=users["abc"], route=abc, decision="declined", reason="再答一次")
    demands.route_grant(actor=users["abc"], route=abc, granted_on=demand.posted_on, amount=200_000)
    demand.refresh_from_db()
    assert demand.status == Demand.Status.GRANTED
    [abc_row] = [o for o in figures.outcomes(users["office"]) if o.bank == county["abc"]]
    assert (abc_row.accepted, abc_row.granted, abc_row.days_to_loan) == (1, 1, [0])


def test_grant_needs_acceptance_and_a_past_date(users, shelf, county):
    demand = post(users["firm_a"], county["firms"][0])
    route = demand.routes.get(bank=county["abc"])
    with pytest.raises(ValidationError):
        demands.route_grant(actor=users["abc"], route=route, granted_on=demand.posted_on, amount=1)
    demands.route_answer(actor=users["abc"], route=route, decision="accepted", amount=1, rate=4, term=12)
    with pytest.raises(ValidationError) as e:
        demands.route_grant(
            actor=users["abc"],
            route=route,
            granted_on=demand.posted_on + datetime.timedelta(days=3),
            amount=1,
        )
    assert "不能晚于今天" in e.value.message_dict["granted_on"][0]


def test_overdue_answers_are_listed_and_on_the_banks_todo(users, shelf, county):
    from puhui.financing.selectors import todo

    demand = post(users["firm_a"], county["firms"][0])
    Route.objects.filter(demand=demand).update(due_on=D(2021, 1, 4))
    assert todo.overdue_count(users["abc"]) == 1 and todo.pending_count(users["abc"]) == 0
    assert [r.bank for r in figures.overdue_routes(users["abc"])] == [county["abc"]]
    assert len(figures.overdue_routes(users["office"])) == 1
    assert todo.overdue_count(users["rcb"]) == 0


def test_a_bank_never_sees_a_demand_not_routed_to_it(users, shelf, county):
    demand = post(users["firm_b"], county["firms"][1], collateral=["credit"])  # 鲁村镇: routed to ABC only
    assert not demand.routes.filter(bank=county["rcb"]).exists()
    with pytest.raises(Http404):
        access.access_demand_by_id(users["rcb"], demand.pk)
    with pytest.raises(Http404):
        access.access_demand_by_id(users["firm_a"], demand.pk)
    assert access.access_demand_by_id(users["abc"], demand.pk) == demand


def test_visits_refuse_future_dates_and_unassigned_firms_and_feed_the_quarter(users, shelf, county):
    firm = county["firms"][0]
    with pytest.raises(ValidationError):
        advisers.visit_create(actor=users["abc"], firm=firm, visited_on=D(2021, 2, 1), done="走访")
    advisers.assignment_create(actor=users["abc"], adviser=users["abc"], firm=firm, start=D(2021, 1, 4))
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as e:
        advisers.visit_create(actor=users["abc"], firm=firm, visited_on=tomorrow, done="走访")
    assert "不能晚于今天" in e.value.message_dict["visited_on"][0]
    assert not Visit.objects.exists()
    advisers.visit_create(actor=users["abc"], firm=firm, visited_on=D(2021, 2, 1), done="了解融资需求")
    [row] = figures.adviser_quarter(users["office"], "2021Q1")
    assert (row.advisers, row.advisers_visited, row.pairs, row.pairs_visited, row.met) == (1, 1, 1, 1, True)
    [row] = figures.adviser_quarter(users["office"], "2021Q2")
    assert (row.pairs, row.pairs_visited, row.met) == (1, 0, False)
    assert Assignment.objects.count() == 1
