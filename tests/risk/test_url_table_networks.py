"""Who reaches the guarantee-network pages and API: every URL of views/networks.py × every role, and every
/api/v1/risk/networks operation × the test tokens, with the exact status. The bank (ABC) lends into groups 2
and 3 of the test network (tests/risk/networks_fixtures.py), not into group 1."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.risk.services.networks import network_build
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.risk import networks_fixtures
from tests.url_tables import status_line

pytestmark = pytest.mark.django_db
network = networks_fixtures.network
tokens = api_fixtures.tokens

#              office admin member abc town agent public anonymous
BANKS = "200 200 404 200 404 404 404 302"
OFFICE = "200 200 404 404 404 404 404 302"

PAGES = [
    ("networks", None, "", BANKS),
    ("network_groups", None, "", BANKS),
    ("group", [2], "", BANKS),
    ("group", [1], "", OFFICE),  # a group the bank does not lend into
    ("group", [99], "", "404 404 404 404 404 404 404 302"),
    ("group_graph", [2], "", OFFICE),
    ("network_firms", None, "", OFFICE),
    ("networks", None, "?period=2019Q1", "404 404 404 404 404 404 404 302"),  # no network that period
]
NAMES = {"networks", "network_groups", "group", "group_graph", "network_firms"}


@pytest.fixture
def built(network, users):
    network_build(actor=users["office"], period=network["period"])
    return network


def test_every_url_of_the_network_pages_has_a_row():
    assert {row[0] for row in PAGES} == NAMES


@pytest.mark.parametrize("name,args,query,expected", PAGES, ids=[f"{r[0]}-{r[1]}{r[2]}" for r in PAGES])
def test_page_access(client, built, users, name, args, query, expected):
    url = reverse(f"risk:{name}", args=args) + query
    assert status_line(client, users, "get", url) == expected, url


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"risk:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}

TOKENS = ["pboc", "member", "abc", "rcb", None]


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/risk/networks", "200 404 200 200 401"),
    api_row("/risk/networks/groups", "200 404 200 200 401"),
]
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens, built):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(api, method, path, expected):
    assert {who: api(who).get(path).status_code for who in TOKENS} == expected


def test_a_bank_token_sees_its_groups_with_the_others_summed(api):
    groups = api("abc").get("/risk/networks/groups", {"period": "2020Q1"}).json()
    assert [g["number"] for g in groups] == [2, 3]
    circle = groups[0]
    assert (circle["own_balance"], circle["others_balance"]) == (500_000.0, 700_000.0)
    assert "沂源" not in str(groups)  # no firm is named
    office = api("pboc").get("/risk/networks/groups").json()
    assert [g["number"] for g in office] == [1, 2, 3] and office[0]["own_balance"] is None


def test_pages_show_the_figures_with_units(client, built, users):
    client.force_login(users["office"])
    page = client.get(reverse("risk:group", args=[2]) + "?period=2020Q1").content.decode()
    assert "担保圈 1" in page and "沂源乙方果品有限公司" in page and "12,000.00 元" not in page
    assert "120.00万元" in page  # the group's exposure
    client.force_login(users["abc"])
    page = client.get(reverse("risk:group", args=[2])).content.decode()
    assert "其他银行合计（1 家）" in page and "沂源乙方果品有限公司" not in page
    groups = client.get(reverse("risk:network_groups") + "?period=2020Q1&export=xlsx")
    assert groups.status_code == 200 and "%E6%8B%85%E4%BF%9D%E7%BE%A4" in groups["Content-Disposition"]


def test_the_lists_read_a_page_in_queries_that_do_not_grow_with_its_rows(client, built, users):
    """Each group and firm links to its group page in the run's period: no query per row for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["office"])
    counts = {}
    for name, rows in (("network_groups", 3), ("network_firms", 10)):
        url = reverse(f"risk:{name}") + "?period=2020Q1"
        client.get(url)  # warm-up: the session, the key check
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert page.count("/risk/networks/groups/") >= rows
        # PostgreSQL wraps the bounded count in a savepoint and a statement timeout: count reads of tables only.
        counts[name] = sum(' FROM "' in q["sql"] for q in queries.captured_queries)
    # 13 reads for the groups page today (the menu, the list's count and page); one query per group would add 3.
    assert counts["network_groups"] <= 15 and counts["network_firms"] < counts["network_groups"] + 5, counts
