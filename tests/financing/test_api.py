"""/api/v1/financing/: a bank's token reads the shelf and the demands routed to it (never another's), and
answers through the same service as the page — once, with terms or a reason; a refusal names the field and
stores nothing."""

import pytest
from django.core.cache import cache

from puhui.core.audit import AuditLog
from puhui.financing.models import Demand, Route
from puhui.financing.services import demands
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient, error_of

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


@pytest.fixture
def posted(users, shelf, county):
    """沂源甲公司's demand (routed to ABC and RCB) and 鲁村乙商店's (routed to ABC only)."""
    young = demands.demand_post(
        actor=users["firm_a"], firm=county["firms"][0], amount=200_000, term=12, purpose="购置设备",
        collateral=["credit", "guarantee"], female=True, youth=True,
    )  # fmt: skip
    lucun = demands.demand_post(
        actor=users["firm_b"], firm=county["firms"][1], amount=100_000, term=12, purpose="进货",
        collateral=["credit"],
    )  # fmt: skip
    return young, lucun


def test_the_shelf_and_the_demands_each_token_sees(api, posted, shelf):
    young, lucun = posted
    names = {p["name"] for p in api("abc").get("/financing/products").json()}
    assert names == {"巾帼信用贷", "担保贷", "源青创业贷", "鲁担惠农贷"}
    assert [d["id"] for d in api("rcb").get("/financing/demands").json()] == [young.pk]
    rows = api("abc").get("/financing/demands", {"status": "open"}).json()
    assert [d["id"] for d in rows] == [young.pk, lucun.pk]
    first = rows[0]
    assert (
        first["firm"] == "沂源甲公司"
        and first["flags"] == ["巾帼", "青年"]
        and first["status_label"] == "待答复"
    )
    assert [r["bank"] for r in first["routes"]] == ["中国农业银行沂源县支行"]  # ABC's own route only
    assert first["routes"][0]["products"] == [
        shelf["products"]["abc_credit"].pk,
        shelf["products"]["abc_loan"].pk,
    ]
    every = api("pboc").get(f"/financing/demands/{young.pk}").json()
    assert {r["bank"] for r in every["routes"]} == {"中国农业银行沂源县支行", "沂源农村商业银行"}


def test_a_bank_answers_once_through_its_token(api, posted, county):
    young, _lucun = posted
    audits = AuditLog.objects.count()
    refused = api("abc").post(f"/financing/demands/{young.pk}/answer", {"decision": "accepted"}, key="a1")
    assert refused.status_code == 422
    assert error_of(refused)["details"][0] == {"field": "amount", "message": "请填写批复金额（元）。"}
    assert AuditLog.objects.count() == audits
    assert Route.objects.get(demand=young, bank=county["abc"]).answer == Route.Answer.PENDING
    body = {"decision": "accepted", "amount": "200000", "rate": "4.35", "term": 12}
    done = api("abc").post(f"/financing/demands/{young.pk}/answer", body, key="a2")
    assert done.status_code == 200, done.content
    assert done.json()["answer_label"] == "同意" and done.json()["offered_rate"] == "4.35"
    route = Route.objects.get(demand=young, bank=county["abc"])
    assert route.answered_by is None and route.offered_amount == 200_000
    assert Demand.objects.get(pk=young.pk).status == Demand.Status.ACCEPTED
    assert "接口令牌" in AuditLog.objects.order_by("-id").first().actor_label
    again = api("abc").post(
        f"/financing/demands/{young.pk}/answer", {"decision": "declined", "reason": "x"}, key="a3"
    )
    assert again.status_code == 422 and error_of(again)["details"][0]["message"] == "本机构已答复该融资需求。"


def test_a_decline_needs_a_reason_and_others_cannot_answer(api, posted):
    young, lucun = posted
    no_reason = api("rcb").post(f"/financing/demands/{young.pk}/answer", {"decision": "declined"}, key="d1")
    assert error_of(no_reason)["details"][0]["field"] == "reason"
    ok = api("rcb").post(
        f"/financing/demands/{young.pk}/answer", {"decision": "declined", "reason": "经营年限不足"}, key="d2"
    )
    assert ok.json()["decline_reason"] == "经营年限不足"
    assert (
        api("rcb")
        .post(f"/financing/demands/{lucun.pk}/answer", {"decision": "declined", "reason": "x"}, key="d3")
        .status_code
        == 404
    )
    forbidden = api("pboc").post(
        f"/financing/demands/{lucun.pk}/answer", {"decision": "declined", "reason": "x"}, key="d4"
    )
    assert forbidden.status_code == 403 and "推送到的" in error_of(forbidden)["message"]


def test_the_status_filter_offers_every_state_of_a_demand():
    import typing

    from puhui.financing.api import DEMAND_STATUS
    from puhui.financing.models import Demand

    assert set(typing.get_args(DEMAND_STATUS)) == set(Demand.Status.values)
