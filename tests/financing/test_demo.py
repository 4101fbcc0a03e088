"""The demo county's financing (puhui/financing/demo.py) on a small demo county: the plan's named products and a
product per pledge type, demands in every state written through the services, advisers some of whom meet the
quarterly visit target, figures for the indicator catalogue; the pages answer."""

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from puhui.core.models import Organisation, User
from puhui.engines.matching.vocabulary import COLLATERAL
from puhui.financing.demo import COUNT_LABELS
from puhui.financing.models import Demand, Product, Route, Visit
from puhui.financing.selectors import figures

NAMED = {"鲁担惠农贷", "担保贷", "鲁担巾帼贷", "巾帼信用贷", "鲁青基准贷", "源青创业贷", "人才贷"}


def test_the_plans_products_and_every_pledge_type_are_on_the_shelf(in_demo):
    shelf = Product.objects.select_related("owner")
    assert {p.name for p in shelf} >= NAMED
    assert {p.owner.kind for p in shelf if p.name.startswith("鲁担")} == {Organisation.Kind.GUARANTEE}
    offered = {code for p in shelf.filter(active=True) for code in p.collateral}
    assert offered == set(COLLATERAL)
    assert shelf.filter(active=False).exists()
    assert len({p.owner_id for p in shelf}) >= 6


def test_demands_in_every_state(in_demo):
    today = timezone.localdate()
    assert set(Demand.objects.values_list("status", flat=True)) == set(Demand.Status.values)
    pending = Route.objects.filter(answer=Route.Answer.PENDING)
    assert pending.filter(due_on__lt=today).exists() and pending.filter(due_on__gte=today).exists()
    late = [r for r in Route.objects.exclude(answer=Route.Answer.PENDING) if r.answered_on > r.due_on]
    assert late and Route.objects.filter(answered_on__lte=F("due_on")).exists()
    partly = Demand.objects.filter(status=Demand.Status.OPEN, routes__answer=Route.Answer.DECLINED)
    assert partly.exists()
    for route in Route.objects.filter(granted_on__isnull=False).select_related("demand"):
        assert route.answered_on <= route.granted_on <= today and route.answer == Route.Answer.ACCEPTED
    assert Demand.objects.filter(by_adviser=True).exists()
    if User.objects.filter(role=User.Role.PUBLIC, firm__isnull=False).exists():  # the firms demo's firm_01…
        assert Demand.objects.filter(by_adviser=False).exists()
    assert in_demo["counts"]["financing.demands"] == Demand.objects.count()
    assert set(COUNT_LABELS) >= {k.split(".", 1)[1] for k in in_demo["counts"] if k.startswith("financing.")}


def test_some_banks_meet_the_quarterly_visit_target_and_others_do_not(in_demo):
    office = User.objects.get(username="office")
    rows = figures.adviser_quarter(office, "2021Q2")
    assert any(r.met for r in rows) and not all(r.met for r in rows)
    assert not Visit.objects.filter(visited_on__gt=timezone.localdate()).exists()


def test_the_figures_for_the_catalogue(in_demo):
    start, end = datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)
    posted = figures.demands_values(start, end)
    met = figures.demands_met_values(start, end)
    amount = figures.amount_granted_values(start, end)
    visits = figures.adviser_visits_values(start, end)
    assert (
        sum(v for *_k, v in posted)
        == Demand.objects.filter(posted_on__year=2021).exclude(status="withdrawn").count()
    )
    assert sum(v for *_k, v in met) == Route.objects.filter(granted_on__year=2021).count() > 0
    assert sum(v for *_k, v in amount) > 0 and all(org is not None for org, *_r in amount)
    assert sum(v for *_k, v in visits) == Visit.objects.filter(visited_on__year=2021).count() > 0


def test_the_pages_and_api_answer_for_the_office_a_bank_and_the_guarantee_company(in_demo, client):
    for username in ("office", "bank_rcb", "bank_guar"):
        client.force_login(User.objects.get(username=username))
        for name in ("home", "products", "demands", "advisers"):
            expected = 404 if (username, name) == ("bank_guar", "advisers") else 200
            assert client.get(reverse(f"financing:{name}")).status_code == expected, (username, name)
    demand = Route.objects.filter(bank__code__startswith="RCB").first().demand
    client.force_login(User.objects.get(username="bank_rcb"))
    assert client.get(reverse("financing:demand", args=[demand.pk])).status_code == 200


def test_the_quarterly_visit_target_is_computed_from_the_logs(in_demo):
    """The plan's target (金融辅导员每季度到企业蹲点调研至少1次) reads the catalogue's logged rate, the same rule as the
    advisers' page."""
    from puhui.data.models import Target

    assert Target.objects.get(code="adviser_quarterly_visit", is_current=True).indicator_code == (
        "adviser_visit_rate_logged"
    )
    rows = {r.bank.pk: r for r in figures.adviser_quarter(User.objects.get(username="office"), "2021Q2")}
    start, end = datetime.date(2021, 4, 1), datetime.date(2021, 6, 30)
    assigned = {bank: n for bank, _t, _v, n in figures.advisers_assigned_values(start, end)}
    visiting = {bank: n for bank, _t, _v, n in figures.advisers_visiting_values(start, end)}
    assert assigned == {pk: r.advisers for pk, r in rows.items()}
    assert visiting == {pk: r.advisers_visited for pk, r in rows.items()}
