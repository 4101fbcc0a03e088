"""Who reaches what over /api/v1/policy/: every operation × the test tokens (PBoC, the finance bureau that
grants the fiscal rules, a member unit that grants none, two banks, no token), on the worked-examples
evaluation. Read by tests/test_every_url_has_a_row.py through `API_TABLE`."""

import pytest

from puhui.api.services import token_create
from puhui.core.models import Organisation
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.url_tables import api_operations

tokens = api_fixtures.tokens

API_PREFIX = "/api/v1/policy/"
TOKENS = ["pboc", "finance", "member", "abc", "rcb", None]  # None: no token


def api_row(method, path, statuses: str, *, params=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), params)


API_CASES = [
    # A bank its own results, the finance bureau its rules', the PBoC all; a unit granting no rule 403.
    api_row("get", "/policy/results", "200 200 403 200 200 401"),
    api_row(
        "get",
        "/policy/results",
        "200 200 403 200 200 401",
        params={"rule": "rrr_sannong", "status": "passed"},
    ),
    api_row("get", "/policy/rules", "200 200 403 200 200 401"),
]


@pytest.fixture
def clients(worked_evaluation, tokens, users):
    org = Organisation.objects.create(
        code="CZJ", name="沂源县财政局", kind="government", plan_alias="县财政局"
    )
    org.path = org.compute_path()
    org.save(update_fields=["path"])
    finance = token_create(actor=users["admin"], organisation=org, name="财政局")[1]
    return {
        **{k: ApiClient(v) for k, v in tokens.items()},
        "finance": ApiClient(finance),
        None: ApiClient(None),
    }


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,expected,params", API_CASES, ids=[f"{c[0]} {c[1]} {i}" for i, c in enumerate(API_CASES)]
)
def test_api_access(clients, method, path, expected, params):
    got = {who: getattr(clients[who], method)(path, params).status_code for who in TOKENS}
    assert got == expected, path


# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows. No pages here.
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_CASES)
}
