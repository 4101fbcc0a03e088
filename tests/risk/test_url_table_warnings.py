"""Who reaches the early-warning pages and API: every URL of views/warnings.py × every role, and every
/api/v1/risk/warnings operation × the test tokens, with the exact status. The scene: the 抽贷 warning of firm
A (tests/risk/conftest.py), assigned by the office to ABC; the member column is the finance centre, a member
unit of the linkage mechanism that has nothing assigned."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.risk.models import Warning
from puhui.risk.services import warnings as services
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.url_tables import status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens

#              office admin member abc town agent public anonymous
LIST = "200 200 200 200 404 404 404 302"
ALL = "200 200 404 404 404 404 404 302"
SEEN = "200 200 404 200 404 404 404 302"  # the office's, and ABC's: assigned to it
KEEP = "302 404 404 404 404 404 404 302"
OWNER = "404 404 404 302 404 404 404 302"
NOTE = "302 404 404 302 404 404 404 302"


def _w(scene):
    return [scene.pk]


PAGES = [
    ("warnings", None, "get", LIST, None),
    ("warnings", None, "get", LIST, {"status": "assigned", "mine": "1"}),
    ("warnings_dashboard", None, "get", ALL, None),
    ("warning_rules", None, "get", ALL, None),
    (
        "warning_rules",
        None,
        "post",
        KEEP,
        {"rule_code": "credit_withdrawal", "attention": "35", "note": "试"},
    ),
    ("warning", _w, "get", SEEN, None),
    ("warning_assign", _w, "post", KEEP, "rcb"),
    ("warning_acknowledge", _w, "post", OWNER, {}),
    ("warning_answer", _w, "post", OWNER, {"answer-text": "已核实：到期收回。"}),
    ("warning_note", _w, "post", NOTE, {"note-text": "电话了解情况。"}),
    ("warning_close", _w, "post", KEEP, {"close-note": "已核实。"}),
]
NAMES = {
    "warnings",
    "warnings_dashboard",
    "warning_rules",
    "warning",
    "warning_assign",
    "warning_acknowledge",
    "warning_answer",
    "warning_note",
    "warning_close",
}


@pytest.fixture
def scene(loans, periods, users, county):
    services.warnings_evaluate(period=periods["2021Q1"])
    w = Warning.objects.get(rule_code="credit_withdrawal")
    services.warning_assign(actor=users["office"], warning=w, owner=county["abc"])
    return w


def test_every_url_of_the_warning_pages_has_a_row():
    assert {row[0] for row in PAGES} == NAMES


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, scene, users, county, name, args, method, expected, data):
    url = reverse(f"risk:{name}", args=args(scene) if args else None)
    if data == "rcb":
        data = {"assign-owner": county["rcb"].pk}
    if method == "get" and data:
        url += "?" + "&".join(f"{k}={v}" for k, v in data.items())
        data = None
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"risk:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}

TOKENS = ["pboc", "member", "abc", "rcb", None]


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/risk/warnings", "200 200 200 200 401"),
    api_row("/risk/warnings/{warning_id}", "200 404 200 404 401"),
]
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens, scene):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(api, scene, method, path, expected):
    path = path.replace("{warning_id}", str(scene.pk))
    assert {who: api(who).get(path).status_code for who in TOKENS} == expected


def test_each_token_sees_only_its_warnings(api, scene):
    everything = api("pboc").get("/risk/warnings").json()
    # Firm A's 抽贷, and 鲁村镇's overdue ratio: 0 of 1,000 万 → 100 万 of 600 万 (+16.67 points).
    assert {(w["rule_code"], w["subject"]) for w in everything["items"]} == {
        ("credit_withdrawal", "沂源甲公司"),
        ("overdue_rise_town", "鲁村镇"),
    }
    assert api("abc").get("/risk/warnings").json()["items"][0]["owner"] == "中国农业银行沂源县支行"
    assert api("rcb").get("/risk/warnings").json()["total"] == 0
    assert api("member").get("/risk/warnings", {"status": "open"}).json()["total"] == 0
    one = api("abc").get(f"/risk/warnings/{scene.pk}").json()
    assert one["evidence"]["columns"][0] == "银行" and one["subject"] == "沂源甲公司"


def test_the_list_page_filters_counts_and_exports(client, scene, users):
    client.force_login(users["office"])
    page = client.get(reverse("risk:warnings")).content.decode()
    assert "沂源甲公司" in page and "企业被抽贷、断贷、压贷" in page
    none = client.get(reverse("risk:warnings") + "?status=closed").content.decode()
    assert "沂源甲公司" not in none
    export = client.get(reverse("risk:warnings") + "?export=xlsx")
    assert (
        export.status_code == 200 and "%E9%A3%8E%E9%99%A9%E9%A2%84%E8%AD%A6" in export["Content-Disposition"]
    )
    board = client.get(reverse("risk:warnings_dashboard")).content.decode()
    assert "0–7 天" in board and "2 项" in board
