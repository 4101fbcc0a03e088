"""Who reaches what of the monetary policy tools: every URL of puhui.monetary × every role, with the exact
status, and every /api/v1/monetary/ operation × the test tokens.

The office (the PBoC county branch) records and edits; the administrator and member units read
everything; a bank (ABC here) reads its own lines and rates — RCB's line answers it 404; towns, agents
and the public get 404 everywhere. The scene: a 支农再贷款 line for RCB, a 支小再贷款 line for ABC with a
draw, a repayment and a financed loan, and the rate summary built from one approved return.
"""

import datetime

import pytest
from django.urls import reverse

from puhui.monetary import services
from puhui.monetary.urls import urlpatterns
from tests.api import conftest as api_fixtures
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens
api = api_fixtures.api
D = datetime.date


@pytest.fixture
def scene(lines, users, loans, county):
    office, line = users["office"], lines["abc"]
    draw = services.draw_add(
        actor=office, line=line, amount=100_000, drawn_on=D(2020, 3, 5), due_on=D(2020, 9, 5)
    )
    repayment = services.repayment_add(actor=office, line=line, amount=10_000, repaid_on=D(2020, 4, 5))
    financed = services.financed_loan_add(
        actor=office, line=line, loan_no="JJ-9", amount=50_000, borrower_type="small", is_agri=False
    )
    loans(county["abc"], "2020Q1", [("JJ-9", "small", "credit", 50_000, "5.5", D(2020, 2, 1), False)])
    services.rate_cells_refresh(actor=office)
    return {
        "abc_line": line.pk,
        "rcb_line": lines["rcb"].pk,
        "draw": draw.pk,
        "repayment": repayment.pk,
        "financed": financed.pk,
    }


def _(key):
    return lambda s: [s[key]]


#              office admin member abc town agent public anonymous
READ = "200 200 200 200 404 404 404 302"
COUNTY_READ = "200 200 200 404 404 404 404 302"  # another bank's line
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
REFRESH = "302 302 404 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"

DRAW = {"amount": "1000", "drawn_on": "2020-06-01", "due_on": "2020-12-01"}
REPAY = {"amount": "100", "repaid_on": "2020-07-01"}
FINANCED = {"loan_no": "JJ-10", "amount": "100", "borrower_type": "farm", "is_agri": "on"}
LPR = {"month": "2022-01", "one_year": "3.70", "five_year": "4.60"}
LINE = {
    "bank": None,  # filled in by the test: RCB
    "kind": "rediscount",
    "amount": "200000",
    "rate": "2.0",
    "granted_on": "2020-07-01",
    "due_on": "2021-06-30",
}
EDIT = {
    "kind": "small",
    "amount": "600000",
    "rate": "2.25",
    "granted_on": "2020-03-01",
    "due_on": "2021-02-28",
}

PAGES = [
    ("lines", None, "get", READ, None),
    ("ledger_export", None, "get", READ, None),
    ("line", _("abc_line"), "get", READ, None),
    ("line", _("rcb_line"), "get", COUNTY_READ, None),
    ("line_create", None, "get", OFFICE_GET, None),
    ("line_create", None, "post", OFFICE_POST, LINE),
    ("line_edit", _("abc_line"), "get", OFFICE_GET, None),
    ("line_edit", _("abc_line"), "post", OFFICE_POST, EDIT),
    ("draw_add", _("abc_line"), "post", OFFICE_POST, DRAW),
    ("draw_add", _("abc_line"), "get", POST_ONLY, None),
    ("repayment_add", _("abc_line"), "post", OFFICE_POST, REPAY),
    ("repayment_add", _("abc_line"), "get", POST_ONLY, None),
    ("financed_add", _("abc_line"), "post", OFFICE_POST, FINANCED),
    ("financed_add", _("abc_line"), "get", POST_ONLY, None),
    ("financed_rematch", _("abc_line"), "post", OFFICE_POST, None),
    ("draw_delete", _("draw"), "post", OFFICE_POST, None),
    ("repayment_delete", _("repayment"), "post", OFFICE_POST, None),
    ("financed_delete", _("financed"), "post", OFFICE_POST, None),
    ("lpr", None, "get", READ, None),
    ("lpr_save", None, "post", OFFICE_POST, LPR),
    ("lpr_save", None, "get", POST_ONLY, None),
    ("rates", None, "get", READ, None),
    ("rates_export", None, "get", READ, None),
    ("rates_refresh", None, "post", REFRESH, None),
    ("rates_refresh", None, "get", POST_ONLY, None),
]


def test_every_url_has_a_row():
    assert {p.name for p in urlpatterns} == {row[0] for row in PAGES}


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, scene, users, county, name, args, method, expected, data):
    url = reverse(f"monetary:{name}", args=args(scene) if args else None)
    if data and "bank" in data:
        data = {**data, "bank": county["rcb"].pk}
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"monetary:{n}": [r for r in PAGES if r[0] == n] for n in dict.fromkeys(r[0] for r in PAGES)}


# ---------------------------------------------------------------- the API: /api/v1/monetary/ × tokens

API_PREFIX = "/api/v1/monetary/"
TOKENS = ["pboc", "member", "abc", "rcb", None]  # None: no token


def api_row(method, path, statuses: str, *, line="abc_line", body=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), line, body)


API_CASES = [
    api_row("get", "/monetary/lines", "200 200 200 200 401"),
    api_row("get", "/monetary/rates", "200 200 200 200 401"),
    api_row("get", "/monetary/lpr", "200 200 200 200 401"),
    # the PBoC records; a bank reading its own line is told why not (403); RCB cannot see ABC's line (404)
    api_row("post", "/monetary/lines/{line_id}/draws", "201 403 403 404 401", body=DRAW),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_CASES)
}


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,expected,line,body", API_CASES, ids=[f"{c[0]} {c[1]}" for c in API_CASES]
)
def test_api_access(scene, api, method, path, expected, line, body):
    url = path.format(line_id=scene[line])
    got = {}
    for who in TOKENS:
        client = api(who)
        response = client.get(url) if method == "get" else client.post(url, body, key=f"k-{who}")
        got[who] = response.status_code
    assert got == expected, url


def test_api_lines_and_rates_show_each_token_its_own(scene, api):
    lines = {
        who: [r["bank"] for r in api(who).get("/monetary/lines").json()] for who in ["pboc", "abc", "rcb"]
    }
    assert (
        len(lines["pboc"]) == 2
        and lines["abc"] == ["中国农业银行沂源县支行"]
        and lines["rcb"] == ["沂源农村商业银行"]
    )
    rates = api("rcb").get("/monetary/rates", {"quarter": "2020Q1"}).json()
    assert {r["bank"] for r in rates} == {"全县"}  # RCB issued nothing that quarter: the county's rows only
