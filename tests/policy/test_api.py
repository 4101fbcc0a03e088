"""GET /api/v1/policy/results and /rules with real tokens: a bank sees only its own results, the finance
bureau the results of the rules it grants, the PBoC (the office) all; no token is 401, a member unit that
grants no rule 403. The role × URL rows are in tests/policy/test_api_table.py."""

import pytest
from django.utils import timezone

from puhui.api.services import token_create
from puhui.core.models import Organisation
from puhui.policy import services
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient, error_of
from tests.policy.conftest import result_of

tokens = api_fixtures.tokens
api = api_fixtures.api

RULES = ["startup_award", "new_rural_subsidy", "new_outlet_grant", "rrr_sannong", "rrr_local_lending"]
INSTITUTIONS = 6  # the worked examples' banks


@pytest.fixture
def finance(county, users):
    """A token of the county finance bureau, which the fiscal rules name as their grantor (县财政局)."""
    org = Organisation.objects.create(
        code="CZJ", name="沂源县财政局", kind="government", plan_alias="县财政局"
    )
    org.path = org.compute_path()
    org.save(update_fields=["path"])
    return ApiClient(token_create(actor=users["admin"], organisation=org, name="财政局")[1])


def _all(client, **params) -> list[dict]:
    r = client.get("/policy/results", {"limit": 500, **params})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def test_a_bank_token_sees_only_its_own_results(worked_evaluation, api):
    abc = _all(api("abc"))
    assert {i["institution_code"] for i in abc} == {"ABC-YY"}
    assert sorted(i["rule"] for i in abc) == sorted(RULES)
    rcb = _all(api("rcb"))
    assert {i["institution_code"] for i in rcb} == {"RCB-YY"} and len(rcb) == len(RULES)
    everything = _all(api("pboc"))
    assert len(everything) == INSTITUTIONS * len(RULES)
    assert {i["institution_name"] for i in everything} >= {"示例甲村镇银行", "中国农业银行沂源县支行"}


def test_a_result_carries_its_conditions_and_grant(worked_evaluation, api):
    (sannong,) = _all(api("abc"), rule="rrr_sannong")
    assert sannong["year"] == 2020 and sannong["evaluation_id"] == worked_evaluation.pk
    assert sannong["status"] == "passed" and sannong["status_label"] == "符合"
    assert sannong["kind"] == "monetary" and sannong["grantor"] == "县人民银行"
    assert float(sannong["ratio"]) == 2 and sannong["amount"] is None
    assert [
        (c["code"], float(c["value"]), c["op"], c["unit"], c["status_label"]) for c in sannong["conditions"]
    ] == [
        ("ldr", 65.0, ">=", "%", "符合"),
        ("agri_growth", 12.0, ">=", "%", "符合"),
    ]
    assert sannong["decision"] == "pending" and sannong["decision_label"] == "待审定"
    (vb,) = _all(api("pboc"), rule="new_rural_subsidy", status="failed")
    assert vb["institution_name"] == "示例甲村镇银行"
    ldr = next(c for c in vb["conditions"] if c["code"] == "ldr")
    assert ldr["value"] == "43.3333" and ldr["threshold"] == "50" and ldr["status"] == "failed"
    (rb,) = _all(api("rcb"), rule="rrr_local_lending")
    assert {k: float(v) for k, v in rb["values"].items()} == {
        "new_deposits": 100000000,
        "new_loanable": 70500000,
        "new_local_loans": 49350000,
    }


def test_decisions_and_payments_show(worked_evaluation, users, api):
    outlet = result_of(worked_evaluation, "CB", "new_outlet_grant")
    services.result_decide(
        actor=users["office"], result=outlet, approve=True, approval_no="沂财金〔2021〕5号"
    )
    services.result_pay(actor=users["office"], result=outlet, paid_on=timezone.localdate(), amount="100000")
    (item,) = _all(api("pboc"), rule="new_outlet_grant", status="passed")
    assert float(item["amount"]) == 150000 and float(item["decided_amount"]) == 150000
    assert item["decision"] == "approved" and item["approval_no"] == "沂财金〔2021〕5号"
    assert item["paid_on"] == timezone.localdate().isoformat() and float(item["paid_amount"]) == 100000


def test_filters_and_the_default_year(worked_evaluation, api):
    assert len(_all(api("pboc"), status="passed")) == 7  # the 符合 rows of worked_examples_expected.csv
    assert _all(api("pboc"), year=2019) == []
    assert len(_all(api("pboc"), year=2020)) == len(_all(api("pboc")))
    r = api("pboc").get("/policy/results", {"status": "won"})
    assert r.status_code == 422 and error_of(r)["code"] == "validation_error"


def test_the_grantor_sees_the_rules_it_grants(worked_evaluation, finance):
    items = _all(finance)
    assert {i["grantor"] for i in items} == {"县财政局"}
    assert {i["rule"] for i in items} == {"startup_award", "new_rural_subsidy", "new_outlet_grant"}
    assert len(items) == INSTITUTIONS * 3


def test_no_token_and_a_unit_that_grants_nothing(worked_evaluation, api):
    for path in ("/policy/results", "/policy/rules"):
        r = api(None).get(path)
        assert r.status_code == 401 and error_of(r)["code"] == "unauthorized"
        r = api("member").get(path)  # the finance centre grants no rule
        assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
        assert "无权查看政策激励" in error_of(r)["message"]


def test_no_evaluation_yet_is_an_empty_list(county, api):
    assert _all(api("pboc")) == []


def test_the_current_rules(worked_evaluation, api):
    r = api("abc").get("/policy/rules")
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "2020.1" and body["name"] == "沂源县普惠金融政策激励规则"
    assert "rrr_local_lending" in body["text"]
    assert [rule["code"] for rule in body["rules"]] == RULES
    outlet = body["rules"][2]
    assert outlet == {
        "code": "new_outlet_grant",
        "name": "新设网点开办费补助",
        "kind": "fiscal",
        "kind_label": "财政奖补",
        "grantor": "县财政局",
        "source": "实施方案第十八条",
        "note": "在本县镇、村新设分（支）行、分公司，开业当年一次性补助：镇级10万元、村级5万元。",
    }


def test_the_schema_literals_are_the_models_choices():
    """The API writes the choices as literals (an enum would clash by name in the schema); they must stay
    the model's."""
    from typing import get_args

    from puhui.policy import api as policy_api
    from puhui.policy.models import Result

    assert set(get_args(policy_api.STATUS)) == set(Result.Status.values)
    assert set(get_args(policy_api.KIND)) == set(Result.Kind.values)
    assert set(get_args(policy_api.DECISION)) == set(Result.Decision.values)
