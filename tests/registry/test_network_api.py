"""/api/v1/registers/: banks upsert their own service points, terminals and outlets in batches (all or
nothing, scoped to the token's institution, idempotent), and the registers are listed for who may read them.

`API_CASES` is every operation × the test tokens; tests/registry/test_url_table.py exposes it as API_TABLE.
"""

import datetime
import json

import pytest

from puhui.core.models import Organisation, ServicePoint, ServicePointEvent, Terminal
from tests.api import conftest as api_fixtures
from tests.api.conftest import error_of
from tests.url_tables import api_operations

tokens = api_fixtures.tokens
api = api_fixtures.api

API_PREFIX = "/api/v1/registers/"
TOKENS = ["pboc", "member", "abc", "rcb", None]
STATION = [
    "withdrawal",
    "transfer",
    "remittance",
    "bill_payment",
    "cross_bank",
    "education",
    "anti_counterfeit",
    "dispute",
]


def point(code="SP-API-1", bank="ABC-YY", **kw):
    item = {
        "code": code,
        "name": f"{code}服务点",
        "bank_code": bank,
        "village_code": "370323102202",
        "functions": ["withdrawal", "transfer"],
        "opened_on": "2019-04-01",
    }
    item.update(kw)
    return item


def api_row(method, path, statuses: str, *, body=None, params=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), body, params)


API_CASES = [
    api_row("get", "/registers/service-points", "200 200 200 200 401", params={"on": "2020-12-31"}),
    api_row("get", "/registers/terminals", "200 200 200 200 401"),
    # T1 is ABC's
    api_row("get", "/registers/terminals/{terminal_id}", "200 200 200 404 401"),
    api_row("get", "/registers/firms", "200 200 200 200 401"),  # a bank's token gets an empty list
    api_row("get", "/registers/firms/{firm_id}", "200 200 404 404 401"),
    # Only a bank writes, its own: the PBoC and a member unit 403, RCB naming ABC's bank 422.
    api_row("post", "/registers/service-points/batch", "403 403 200 422 401", body={"items": [point()]}),
    api_row(
        "post",
        "/registers/terminals/batch",
        "403 403 200 422 401",
        body={
            "items": [{"code": "T-API", "kind": "atm", "bank_code": "ABC-YY", "village_code": "370323102201"}]
        },
    ),
    api_row(
        "post",
        "/registers/outlets/batch",
        "403 403 200 422 401",
        body={"items": [{"code": "ABC-YY-09", "name": "农行张家坡分理处", "parent_code": "ABC-YY"}]},
    ),
]


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,expected,body,params", API_CASES, ids=[f"{c[0]} {c[1]}" for c in API_CASES]
)
def test_api_access(county, api, method, path, expected, body, params):
    url = path.format(terminal_id=Terminal.objects.get(code="T1").pk, firm_id=county["firms"][0].pk)
    got = {}
    for who in TOKENS:
        client = api(who)
        if method == "get":
            got[who] = client.get(url, params).status_code
        else:
            got[who] = client.post(url, body, key=f"k-{who}").status_code
    assert got == expected, url


def test_a_batch_is_stored_whole_and_retried_safely(county, api):
    abc = api("abc")
    body = {
        "items": [
            point("SP-API-1"),
            point("SP-API-2", is_station=True, functions=STATION, upgraded_on="2020-10-01"),
        ]
    }
    response = abc.post("/registers/service-points/batch", body, key="batch-1")
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    again = abc.post("/registers/service-points/batch", body, key="batch-1")
    assert again.json() == response.json() and again.headers["Idempotent-Replayed"] == "true"
    assert ServicePoint.objects.filter(code__startswith="SP-API").count() == 2
    # The same batch later, one point closed: one update, one unchanged, an event.
    body["items"][0]["closed_on"] = "2021-03-31"
    response = abc.post("/registers/service-points/batch", body, key="batch-2")
    assert response.json() == {"rows": 2, "created": 0, "updated": 1, "unchanged": 1}
    closed = ServicePoint.objects.get(code="SP-API-1")
    assert closed.closed_on == datetime.date(2021, 3, 31)
    assert ServicePointEvent.objects.filter(point=closed, kind="closed").exists()
    listed = abc.get("/registers/service-points", {"on": "2021-06-30"}).json()
    assert "SP-API-1" not in {p["code"] for p in listed["items"]}


def test_every_problem_is_named_by_its_item_and_nothing_is_stored(county, api):
    body = {
        "items": [
            point("SP-OK"),
            point("SP-BAD-DATES", opened_on="2020-05-01", closed_on="2020-04-01"),
            point("SP2"),  # RCB's point: a code another bank uses
            point("SP-OTHER", bank="RCB-YY"),
        ]
    }
    response = api("abc").post("/registers/service-points/batch", body, key="bad-1")
    assert response.status_code == 422
    error = error_of(response)
    assert error["message"] == "本批数据有 3 处问题，未保存任何数据"
    messages = {d["field"]: d["message"] for d in error["details"]}
    assert (
        messages["items[1].closed_on"]
        == "第 2 条（编号 SP-BAD-DATES）：撤销日期：撤销日期（2020-04-01）早于设立日期（2020-05-01）"
    )
    assert messages["items[2].code"] == "第 3 条（编号 SP2）：服务点编号：该编号已被其他机构使用，不能修改"
    assert "不是本机构或本机构的下属机构" in messages["items[3].bank_code"]
    assert not ServicePoint.objects.filter(code__in=["SP-OK", "SP-OTHER"]).exists()
    assert ServicePoint.objects.get(code="SP2").bank.code == "RCB-YY"


def test_outlets_are_the_banks_own(county, api):
    rcb = api("rcb")
    response = rcb.post(
        "/registers/outlets/batch",
        {
            "items": [
                {
                    "code": "RCB-YY-02",
                    "name": "农商行鲁村支行",
                    "parent_code": "RCB-YY",
                    "opened_on": "2020-01-01",
                }
            ]
        },
        key="o-1",
    )
    assert response.status_code == 200, response.content
    outlet = Organisation.objects.get(code="RCB-YY-02")
    assert (outlet.kind, outlet.level, outlet.parent.code) == ("rural_bank", "outlet", "RCB-YY")
    assert outlet.path == f"{county['rcb'].path}{outlet.pk}/"
    response = rcb.post(
        "/registers/outlets/batch",
        {"items": [{"code": "ABC-YY-01", "name": "改名", "parent_code": "RCB-YY"}]},
        key="o-2",
    )
    assert response.status_code == 422
    assert "该机构编码已被其他机构使用" in json.dumps(error_of(response), ensure_ascii=False)


def test_unknown_fields_and_oversized_batches_are_refused(county, api):
    abc = api("abc")
    response = abc.post("/registers/service-points/batch", {"items": [point(colour="red")]}, key="x-1")
    assert response.status_code == 422
    response = abc.post(
        "/registers/service-points/batch", {"items": [point(f"S{i}") for i in range(1001)]}, key="x-2"
    )
    assert response.status_code == 422
