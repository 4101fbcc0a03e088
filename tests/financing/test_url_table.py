"""Who reaches the financing pages and API: every URL of puhui/financing × every role, with the exact status,
and every /api/v1/financing/ operation × the test tokens.

The scene (tests/financing/conftest.py): ABC (the bank column) is adviser to 沂源甲公司 and has posted a demand
for it (a young founder: routed to ABC and to RCB for its 源青创业贷); 鲁村乙商店's own user posted a demand on credit, routed
to ABC only (RCB does not serve 鲁村镇). The office and the administrator read everything and write nothing;
the member unit, the town, the agent and the farmer see nothing here. Firm users and the other lenders have
rows of their own below (they are not columns of the shared table)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.financing.services import advisers, demands
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.financing.conftest import product_data
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens
D = datetime.date


@pytest.fixture
def scene(users, shelf, county):
    abc = users["abc"]
    firm_a, firm_b = county["firms"]
    advisers.assignment_create(actor=abc, adviser=abc, firm=firm_a, start=D(2021, 1, 4))
    advisers.visit_create(actor=abc, firm=firm_a, visited_on=D(2021, 2, 1), done="了解融资需求")
    by_adviser = demands.demand_post(
        actor=abc, firm=firm_a, amount=200_000, term=12, purpose="购置设备", collateral=["credit", "guarantee"],
        youth=True,
    )  # fmt: skip
    by_firm = demands.demand_post(
        actor=users["firm_b"], firm=firm_b, amount=100_000, term=12, purpose="进货", collateral=["credit"]
    )
    accepted = by_firm.routes.get(bank=county["abc"])
    demands.route_answer(actor=abc, route=accepted, decision="accepted", amount=100_000, rate="4.5", term=12)
    return {
        "by_adviser": by_adviser.pk,
        "by_firm": by_firm.pk,
        "abc_route": by_adviser.routes.get(bank=county["abc"]).pk,
        "accepted": accepted.pk,
        "product": shelf["products"]["abc_loan"].pk,
        "firm_a": firm_a,
    }


#        office admin member abc town agent public anonymous
READ = "200 200 404 200 404 404 404 302"  # the office and administrator, and a lender
LENDER_GET = "404 404 404 200 404 404 404 302"
LENDER_POST = "404 404 404 302 404 404 404 302"
NOTHING = "404 404 404 404 404 404 404 302"
TODAY = datetime.date.today().isoformat()

PRODUCT = {
    **product_data(name="人才贷", rule="talent"),
    "owner": "ABC_ORG",
    "collateral": ["credit"],
    "active": "on",
}
DEMAND = {"firm": "FIRM_A", "amount": "300000", "term": "12", "purpose": "流动资金", "collateral": ["credit"]}
ANSWER = {"decision": "declined", "reason": "经营流水不足"}
GRANT = {"granted_on": TODAY, "amount": "100000"}
ASSIGN = {"adviser": "ABC_USER", "firm_uscc": "92370323MA3C4DB61L", "start": "2021-03-01"}
VISIT = {"firm": "FIRM_A", "visited_on": "2021-05-10", "done": "送达产品手册", "follow_up": ""}


def _arg(key):
    return lambda s: [s[key]]


PAGES = [
    ("home", None, "get", READ, None),
    ("products", None, "get", READ, None),
    ("product_add", None, "get", LENDER_GET, None),
    ("product_add", None, "post", LENDER_POST, PRODUCT),
    ("product_edit", _arg("product"), "get", LENDER_GET, None),
    ("product_edit", _arg("product"), "post", LENDER_POST, {**PRODUCT, "name": "担保贷"}),
    ("demands", None, "get", READ, None),
    ("demand_add", None, "get", LENDER_GET, None),  # an adviser posts for its assigned firms
    ("demand_add", None, "post", LENDER_POST, DEMAND),
    ("demand", _arg("by_adviser"), "get", READ, None),
    ("demand", _arg("by_firm"), "get", READ, None),
    ("demand_withdraw", _arg("by_adviser"), "post", LENDER_POST, None),  # ABC posted it
    ("demand_withdraw", _arg("by_firm"), "post", NOTHING, None),  # only the firm withdraws its own
    ("route_answer", _arg("abc_route"), "post", LENDER_POST, ANSWER),
    ("route_grant", _arg("accepted"), "post", LENDER_POST, GRANT),
    ("advisers", None, "get", READ, None),
    ("assignment_add", None, "get", LENDER_GET, None),
    ("assignment_add", None, "post", LENDER_POST, ASSIGN),
    ("visit_add", None, "get", LENDER_GET, None),
    ("visit_add", None, "post", LENDER_POST, VISIT),
]
NAMES = {
    "home", "products", "product_add", "product_edit", "demands", "demand_add", "demand", "demand_withdraw",
    "route_answer", "route_grant", "advisers", "assignment_add", "visit_add",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.financing.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, scene, users):
    values = {
        "FIRM_A": scene["firm_a"].pk,
        "ABC_USER": users["abc"].pk,
        "ABC_ORG": users["abc"].organisation_id,
    }
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in (data or {}).items()} or None


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, scene, name, args, method, expected, data):
    url = reverse(f"financing:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _filled(data, scene, users)) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"financing:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the users who are not columns

#        firm_a firm_b rcb guarantee
OTHERS = [
    ("home", None, "get", "404 404 200 200"),
    ("products", None, "get", "200 200 200 200"),
    ("product_add", None, "get", "404 404 200 200"),
    ("product_edit", _arg("product"), "get", "404 404 404 404"),  # ABC's product
    ("demands", None, "get", "200 200 200 200"),
    (
        "demand_add",
        None,
        "get",
        "200 200 200 404",
    ),  # a bank's staff may be advisers; the guarantee company's not
    ("demand", _arg("by_adviser"), "get", "200 404 200 404"),  # routed to ABC and RCB, for 沂源甲公司
    ("demand", _arg("by_firm"), "get", "404 200 404 404"),  # routed to ABC only
    ("advisers", None, "get", "404 404 200 404"),
]


@pytest.mark.parametrize("name,args,method,expected", OTHERS, ids=[f"{r[0]}-{r[2]}" for r in OTHERS])
def test_firm_users_and_other_lenders(client, users, scene, name, args, method, expected):
    url = reverse(f"financing:{name}", args=args(scene) if args else None)
    got = []
    for who in ("firm_a", "firm_b", "rcb", "guarantee"):
        client.force_login(users[who])
        got.append(str(getattr(client, method)(url).status_code))
    assert " ".join(got) == expected, url


def test_a_firm_withdraws_its_own_demand_and_another_firm_gets_404(client, users, scene):
    url = reverse("financing:demand_withdraw", args=[scene["by_firm"]])
    client.force_login(users["firm_a"])
    assert client.post(url).status_code == 404
    client.force_login(users["firm_b"])
    assert client.post(url).status_code == 302


# ---------------------------------------------------------------- the API: /api/v1/financing/ × tokens

API_PREFIX = "/api/v1/financing/"
TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre; None: no token
ANSWER_BODY = {"decision": "accepted", "amount": "200000", "rate": "4.35", "term": 12}


def api_row(method, path, statuses: str, *, demand="by_firm", body=None):
    codes = [int(c) for c in statuses.split()]
    return (method, path, dict(zip(TOKENS, codes, strict=True)), demand, body)


API_CASES = [
    api_row("get", "/financing/products", "200 404 200 200 401"),
    api_row("get", "/financing/demands", "200 404 200 200 401"),
    api_row("get", "/financing/demands/{demand_id}", "200 404 200 404 401"),  # routed to ABC only
    api_row("get", "/financing/demands/{demand_id}", "200 404 200 200 401", demand="by_adviser"),
    # the PBoC sees the demand but was not asked (403); RCB was asked and answers; ABC answers once
    api_row(
        "post",
        "/financing/demands/{demand_id}/answer",
        "403 404 200 200 401",
        demand="by_adviser",
        body=ANSWER_BODY,
    ),  # fmt: skip
    api_row("post", "/financing/demands/{demand_id}/answer", "403 404 422 404 401", body=ANSWER_BODY),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_CASES)
}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,expected,demand,body", API_CASES, ids=[f"{c[0]} {c[1]} {c[3]}" for c in API_CASES]
)
def test_api_access(scene, api, method, path, expected, demand, body):
    url = path.format(demand_id=scene[demand])
    got = {}
    for who in TOKENS:
        client = api(who)
        response = client.get(url) if method == "get" else client.post(url, body, key=f"k-{who}")
        got[who] = response.status_code
    assert got == expected, url
