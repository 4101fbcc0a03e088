"""Who reaches the first-loan pages and API: every URL of puhui/firstloans × every role, with the exact status,
and every /api/v1/firstloans/ operation × the test tokens.

The scene: ABC lent to 鲁村丙公司; the list of the run holds 沂源甲公司 (历山街道) and 鲁村乙商店 (鲁村镇). The bank
column is ABC, which serves both towns; the firm of the rows is 沂源甲公司."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.firstloans.services.compute import run_compute
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.firstloans.conftest import D, approved_return, loan
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def scene(county, more_firms, users):
    sub = approved_return(county["abc"], "2020Q2")
    loan(sub, more_firms["borrower"].uscc, "ABC-1", D(2020, 4, 10), D(2021, 4, 10), town=county["towns"][1])
    run_compute(actor=users["office"])
    return {"firm": county["firms"][0].pk}


#        office admin member abc town agent public anonymous
SEES = "200 200 404 200 404 404 404 302"
BANK_GET = "404 404 404 200 404 404 404 302"
BANK_POST = "404 404 404 302 404 404 404 302"
OFFICE_GET = "200 200 404 404 404 404 404 302"
OFFICE_POST = "302 302 404 404 404 404 404 302"

CONTACT = {
    "contacted_on": "2021-03-02",
    "way": "visit",
    "result": "企业有流动资金需求",
    "next_step": "上门调查",
}
OUTCOME = {"status": "applied", "decided_on": "2021-04-01", "amount": "", "note": "已递交申请"}


def _firm(s):
    return [s["firm"]]


PAGES = [
    ("list", None, "get", SEES, None),
    ("firm", _firm, "get", SEES, None),
    ("contact_add", _firm, "get", BANK_GET, None),
    ("contact_add", _firm, "post", BANK_POST, CONTACT),
    ("outcome_edit", _firm, "get", BANK_GET, None),
    ("outcome_edit", _firm, "post", BANK_POST, OUTCOME),
    ("contacts", None, "get", SEES, None),
    ("first_check", None, "get", SEES, None),
    ("disagreements", None, "get", SEES, None),
    ("renewal_check", None, "get", SEES, None),
    ("renewals", None, "get", SEES, None),
    ("runs", None, "get", OFFICE_GET, None),
    ("run_start", None, "post", OFFICE_POST, {"period": ""}),
]
NAMES = {
    "list", "firm", "contact_add", "outcome_edit", "contacts", "first_check", "disagreements", "renewal_check",
    "renewals", "runs", "run_start",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.firstloans.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, scene, name, args, method, expected, data):
    url = reverse(f"firstloans:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"firstloans:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str, params=None):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)), params or {})


API_CASES = [
    api_row("/firstloans/listed", "200 404 200 200 401"),
    api_row("/firstloans/first-check", "200 404 200 200 401"),
    api_row("/firstloans/renewal-check", "200 404 200 200 401"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, *_ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/firstloans/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected,params", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected, params):
    assert {who: api(who).get(path, params).status_code for who in TOKENS} == expected


def test_the_api_gives_each_bank_the_firms_of_its_area(scene, api):
    assert {r["name"] for r in api("abc").get("/firstloans/listed").json()} == {"沂源甲公司", "鲁村乙商店"}
    assert {r["name"] for r in api("rcb").get("/firstloans/listed").json()} == {"沂源甲公司"}
    assert len(api("pboc").get("/firstloans/listed").json()) == 2


def test_a_page_cursor_beyond_any_id_is_refused_in_chinese(scene, api):
    answer = api("abc").get("/firstloans/listed", {"after": "9223372036854775808"})
    assert answer.status_code == 422 and "after" in str(answer.json())
