"""A loan granted on a demand arrives in the lender's next approved 贷款明细表: the route takes the return's
date, amount and 借据号, the platform's first-loan computation counts it as the firm's 首贷, and the firm's
profile shows it."""

import datetime

import pytest
from django.utils import timezone

from puhui.core.audit import AuditLog
from puhui.data import services as data_services
from puhui.data.models import Submission
from puhui.financing.models import Demand
from puhui.financing.services import demands
from puhui.financing.services.arrivals import routes_match_return
from puhui.firms.selectors.profile import firm_profile
from puhui.firstloans.models import FirstLoanCount
from puhui.firstloans.services.compute import run_compute
from tests.financing.test_services import post
from tests.firstloans.conftest import approved_return, loan

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _accepted(users, firm, county):
    demand = post(users["firm_a"], firm)
    route = demand.routes.get(bank=county["abc"])
    demands.route_answer(
        actor=users["abc"], route=route, decision="accepted", amount=200_000, rate=4.2, term=12
    )
    return demand, route


def _return(
    bank, firm, county, issued, *, loan_no="JJ-001", amount=180_000, status=Submission.Status.SUBMITTED
):
    today = timezone.localdate()
    sub = approved_return(bank, f"{today.year}Q{(today.month - 1) // 3 + 1}", status=status)
    loan(sub, firm.uscc, loan_no, issued, issued + 365 * DAY, amount=amount, town=firm.town)
    return sub


def test_the_approved_return_grants_the_demand_and_it_counts_as_first_loan(
    users, shelf, county, django_capture_on_commit_callbacks
):
    firm = county["firms"][0]
    demand, route = _accepted(users, firm, county)
    sub = _return(county["abc"], firm, county, timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        data_services.submission_review(actor=users["office"], submission=sub, approve=True, recompute=False)
    route.refresh_from_db()
    demand.refresh_from_db()
    assert demand.status == Demand.Status.GRANTED
    assert (route.loan_no, route.granted_amount, route.granted_on) == (
        "JJ-001",
        180_000,
        timezone.localdate(),
    )
    assert AuditLog.objects.filter(note__contains="借据号 JJ-001").count() == 1

    run_compute(actor=users["office"])
    counted = FirstLoanCount.objects.filter(bank=county["abc"], town=firm.town)
    assert sum(counted.values_list("platform", flat=True)) == 1
    profile = firm_profile(users["office"], firm)
    assert profile["loans"].first_issued == timezone.localdate()
    [section] = [s for s in profile["sections"] if s["name"] == "financing"]
    assert any("JJ-001" in value for _label, value in section["rows"])


def test_a_loan_before_the_acceptance_or_of_another_bank_is_not_the_demands(users, shelf, county):
    firm = county["firms"][0]
    demand, route = _accepted(users, firm, county)
    earlier = _return(
        county["abc"], firm, county, demand.posted_on - 30 * DAY, status=Submission.Status.APPROVED
    )
    other_bank = _return(county["rcb"], firm, county, demand.posted_on, status=Submission.Status.APPROVED)
    assert routes_match_return(actor=users["office"], submission=earlier) == []
    assert routes_match_return(actor=users["office"], submission=other_bank) == []
    route.refresh_from_db()
    assert route.loan_no == "" and route.granted_on is None


def test_a_return_waiting_for_review_or_a_withdrawn_demand_grants_nothing(users, shelf, county):
    firm = county["firms"][0]
    demand, route = _accepted(users, firm, county)
    waiting = _return(county["abc"], firm, county, demand.posted_on)
    assert routes_match_return(actor=users["office"], submission=waiting) == []
    demands.demand_withdraw(actor=users["firm_a"], demand=demand)
    waiting.status = Submission.Status.APPROVED
    waiting.save()
    assert routes_match_return(actor=users["office"], submission=waiting) == []


def test_the_return_corrects_a_grant_the_bank_typed_and_one_loan_serves_one_demand(users, shelf, county):
    firm = county["firms"][0]
    first, route = _accepted(users, firm, county)
    demands.route_grant(actor=users["abc"], route=route, granted_on=first.posted_on, amount=200_000)
    second, other = _accepted(users, firm, county)
    sub = _return(county["abc"], firm, county, first.posted_on, status=Submission.Status.APPROVED)
    [matched] = routes_match_return(actor=users["office"], submission=sub)
    assert matched.pk == route.pk and matched.granted_amount == 180_000
    other.refresh_from_db()
    assert other.loan_no == ""  # the return's one loan went to the first demand accepted
