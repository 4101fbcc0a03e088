"""Who reaches the evaluation report pages and API: every URL of puhui/evaluation × every role, with the exact
status, and every /api/v1/evaluation/ operation × the test tokens.

The scene: a published 2021 report and a draft 2021Q4 report. The office generates and publishes; the
administrator reads every version; member units and banks read the published report only; towns, agents and
the public nothing. A generate POST by the office redirects to the new report (200 for a refused period)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.evaluation import services
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def scene(figures, users):
    published = services.report_generate(actor=users["office"], period="2021")
    services.report_publish(actor=users["office"], report=published)
    draft = services.report_generate(actor=users["office"], period="2021Q4")
    return {"published": published.pk, "draft": draft.pk}


#        office admin member abc town agent public anonymous
STAFF = "200 200 200 200 404 404 404 302"
SEES_DRAFTS = "200 200 404 404 404 404 404 302"
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
NOBODY_POST = "404 404 404 404 404 404 404 302"


def _arg(key):
    return lambda s: [s[key]]


PAGES = [
    ("reports", None, "get", STAFF, None),
    ("report_generate", None, "get", OFFICE_GET, None),
    ("report_generate", None, "post", OFFICE_POST, {"period": "2021Q3"}),
    ("report_generate", None, "post", "400 404 404 404 404 404 404 302", {"period": "2030"}),
    ("report_detail", _arg("published"), "get", STAFF, None),
    ("report_detail", _arg("draft"), "get", SEES_DRAFTS, None),
    ("report_publish", _arg("draft"), "post", OFFICE_POST, None),
    ("report_publish", _arg("published"), "post", NOBODY_POST, None),
    ("report_docx", _arg("published"), "get", STAFF, None),
    ("report_docx", _arg("draft"), "get", SEES_DRAFTS, None),
    ("report_xlsx", _arg("published"), "get", STAFF, None),
    ("report_xlsx", _arg("draft"), "get", SEES_DRAFTS, None),
]
NAMES = {"reports", "report_generate", "report_detail", "report_publish", "report_docx", "report_xlsx"}


def test_every_url_of_the_app_has_a_row():
    from puhui.evaluation.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, scene, name, args, method, expected, data):
    url = reverse(f"evaluation:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"evaluation:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


def test_the_pages_show_the_figures_and_name_the_files_in_chinese(client, users, scene):
    client.force_login(users["abc"])
    page = client.get(reverse("evaluation:report_detail", args=[scene["published"]])).content.decode()
    assert "农户建档率" in page and "本期未开展" in page
    listed = client.get(reverse("evaluation:reports")).content.decode()
    assert "（2021年）" in listed and "2021年第4季度" not in listed  # the draft is the office's
    response = client.get(reverse("evaluation:report_docx", args=[scene["published"]]))
    assert "filename*=utf-8''%E6%B2%82%E6%BA%90" in response["Content-Disposition"]  # 沂源…
    client.force_login(users["office"])
    refused = client.post(reverse("evaluation:report_generate"), {"period": "2030"})
    assert "没有可用的指标数据或尚未结束" in refused.content.decode()


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str, key: str = ""):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)), key)


API_ROWS = [
    api_row("/evaluation/reports", "200 200 200 200 401"),
    api_row("/evaluation/reports/{report_id}", "200 200 200 200 401", "published"),
    api_row("/evaluation/reports/{report_id}", "200 404 404 404 401", "draft"),
    api_row("/evaluation/reports/{report_id}/word", "200 200 200 200 401", "published"),
    api_row("/evaluation/reports/{report_id}/word", "200 404 404 404 401", "draft"),
    api_row("/evaluation/reports/{report_id}/excel", "200 200 200 200 401", "published"),
    api_row("/evaluation/reports/{report_id}/excel", "200 404 404 404 401", "draft"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_ROWS if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_ROWS)
}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/evaluation/") == {(c[0], c[1]) for c in API_ROWS}


@pytest.mark.parametrize("method,path,expected,key", API_ROWS, ids=[f"{c[1]} {c[3]}" for c in API_ROWS])
def test_api_access(scene, api, method, path, expected, key):
    url = path.format(report_id=scene.get(key))
    assert {who: api(who).get(url).status_code for who in TOKENS} == expected


def test_the_api_gives_the_figures(scene, api):
    body = api("abc").get("/evaluation/reports").json()
    assert [r["id"] for r in body] == [scene["published"]] and body[0]["status"] == "已发布"
    detail = api("abc").get(f"/evaluation/reports/{scene['published']}").json()
    assert [r["code"] for r in detail["figures"]["targets"]["rows"]] == ["archive_rate", "npl"]
    assert len(api("pboc").get("/evaluation/reports?period=2021Q4").json()) == 1
