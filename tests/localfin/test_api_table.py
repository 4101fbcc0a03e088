"""Every /api/v1/localfin/ operation × the test tokens (the PBoC, the finance centre, two banks, a guarantee
company, no token), with the exact status; and what each token is shown."""

import pytest
from django.core.cache import cache

from puhui.api.services import token_create
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.url_tables import api_operations

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens

API_PREFIX = "/api/v1/localfin/"
TOKENS = ["pboc", "member", "abc", "rcb", "guarantee", None]  # member: the finance centre


def api_row(path, statuses: str):
    codes = [int(c) for c in statuses.split()]
    return ("get", path, dict(zip(TOKENS, codes, strict=True)))


API_CASES = [
    api_row("/localfin/summary", "200 200 200 200 200 401"),
    api_row("/localfin/findings", "200 200 404 404 200 401"),
    api_row("/localfin/pipeline", "200 200 404 404 404 401"),
    api_row("/localfin/direct-financing", "200 200 404 404 404 401"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens, local, users):
    cache.clear()
    raw = {
        **tokens,
        "guarantee": token_create(actor=users["admin"], organisation=local["guarantee"], name="担保")[1],
    }
    return lambda who: ApiClient(raw[who] if who else None)


@pytest.fixture
def scene(returns):
    return returns


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    assert {who: api(who).get(path).status_code for who in TOKENS} == expected


def test_findings_show_each_token_its_own(scene, api):
    everything = api("member").get("/localfin/findings").json()
    assert {(f["organisation_code"], f["rule_code"], f["status"]) for f in everything} >= {
        ("GUAR", "guarantee_leverage", "breach"),
        ("MCC", "microcredit_single_client", "breach"),
    }
    own = api("guarantee").get("/localfin/findings", {"period": "2020Q4"}).json()
    assert {f["organisation_code"] for f in own} == {"GUAR"}
    leverage = next(f for f in own if f["rule_code"] == "guarantee_leverage")
    assert (leverage["value"], leverage["limit"], leverage["unit"]) == ("10.5000", "10.0000", "倍")


def test_the_summary_is_county_level_only(scene, api):
    body = api("abc").get("/localfin/summary", {"year": 2020}).json()
    assert body["year"] == 2020
    assert {"kind": "融资担保公司", "count": 1} in body["organisations"]
    assert "沂源县普惠融资担保有限公司" not in str(body)
