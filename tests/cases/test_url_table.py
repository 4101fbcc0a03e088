"""Who reaches the case and publicity pages and API: every URL of puhui/cases × every role, with the exact
status, and every /api/v1/cases/ operation × the test tokens.

The bank column is ABC, which sent the waiting case (with a PDF) and the waiting publicity record (with a PDF);
RCB's case is published, so every staff column reads it. The member column is the finance centre: a unit of
its own, it sends cases and publicity, and reads published cases only. Towns, agents and the public: nothing."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.cases.services import cases
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.cases.conftest import PDF
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def scene(users, make_case, make_promotion):
    draft = make_case()
    published = make_case(user=users["rcb"], title="农商行的案例")
    cases.case_review(actor=users["office"], case=published, decision="publish")
    promotion = make_promotion(files=[("现场.pdf", PDF)])
    return {
        "draft": draft.pk,
        "published": published.pk,
        "file": draft.files.get().pk,
        "promotion": promotion.pk,
        "promotion_file": promotion.files.get().pk,
    }


#        office admin member abc town agent public anonymous
STAFF = "200 200 200 200 404 404 404 302"
UNIT_GET = "200 404 200 200 404 404 404 302"
UNIT_POST = "302 404 302 302 404 404 404 302"
BANK_GET = "404 404 404 200 404 404 404 302"
BANK_POST = "404 404 404 302 404 404 404 302"
SEES_BANK = "200 200 404 200 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"

CASE = {"title": "新案例", "topic": "station", "period": "2021Q1", "text": "做法和成效"}
PROMOTION = {"kind": "outlet", "held_on": "2021-05-06", "topic": "网点宣传示范区", "place": "营业大厅",
             "audience": "30", "summary": "发放宣传折页"}  # fmt: skip


def _arg(key):
    return lambda s: [s[key]]


PAGES = [
    ("cases", None, "get", STAFF, None),
    ("case_add", None, "get", UNIT_GET, None),
    ("case_add", None, "post", UNIT_POST, CASE),
    ("case_detail", _arg("draft"), "get", SEES_BANK, None),
    ("case_detail", _arg("published"), "get", STAFF, None),
    ("case_edit", _arg("draft"), "get", BANK_GET, None),
    ("case_edit", _arg("draft"), "post", BANK_POST, CASE),
    ("case_edit", _arg("published"), "get", "404 404 404 404 404 404 404 302", None),
    ("case_review", _arg("draft"), "post", OFFICE_POST, {"review-decision": "accept"}),
    ("case_select", _arg("published"), "post", OFFICE_POST, {"select-period": "2021"}),
    ("case_file", _arg("file"), "get", SEES_BANK, None),
    ("publicity", None, "get", STAFF, None),
    ("publicity_add", None, "get", UNIT_GET, None),
    ("publicity_add", None, "post", UNIT_POST, PROMOTION),
    ("publicity_detail", _arg("promotion"), "get", SEES_BANK, None),
    ("publicity_edit", _arg("promotion"), "get", BANK_GET, None),
    ("publicity_edit", _arg("promotion"), "post", BANK_POST, PROMOTION),
    ("publicity_review", _arg("promotion"), "post", OFFICE_POST, {"review-decision": "approve"}),
    ("publicity_file", _arg("promotion_file"), "get", SEES_BANK, None),
    ("summary", None, "get", "200 200 404 404 404 404 404 302", None),
]
NAMES = {
    "cases", "case_add", "case_detail", "case_edit", "case_review", "case_select", "case_file", "publicity",
    "publicity_add", "publicity_detail", "publicity_edit", "publicity_review", "publicity_file", "summary",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.cases.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, scene, name, args, method, expected, data):
    url = reverse(f"cases:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"cases:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str, key: str = ""):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)), key)


API_CASES = [
    api_row("/cases/cases", "200 200 200 200 401"),
    api_row("/cases/cases/{case_id}", "200 404 200 404 401", "draft"),
    api_row("/cases/cases/{case_id}", "200 200 200 200 401", "published"),
    api_row("/cases/publicity", "200 200 200 200 401"),
    api_row("/cases/publicity/{record_id}", "200 404 200 404 401", "promotion"),
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
    assert api_operations(client, "/api/v1/cases/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected,key", API_CASES, ids=[f"{c[1]} {c[3]}" for c in API_CASES])
def test_api_access(scene, api, method, path, expected, key):
    url = path.format(case_id=scene.get(key), record_id=scene.get(key))
    assert {who: api(who).get(url).status_code for who in TOKENS} == expected


def test_the_api_gives_a_unit_its_own_and_the_published(scene, api):
    body = api("abc").get("/cases/cases").json()
    assert [row["id"] for row in body] == [scene["draft"], scene["published"]]
    assert body[0]["status"] == "待审核" and body[0]["files"] == 1 and body[0]["period"] == "2021Q2"
    assert [row["id"] for row in api("rcb").get("/cases/cases").json()] == [scene["published"]]
    assert api("abc").get("/cases/publicity?year=2020").json() == []
    assert api("abc").get("/cases/publicity?year=2021").json()[0]["kind"] == "集中宣讲"
