"""Who reaches the finder's pages and API: every URL of puhui/finder × every role, with the exact status, and
every /api/v1/finder/ operation × the test tokens. The finder and the published articles are public; the
office writes the articles ("draft" is unpublished, "published" is on the public pages)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.finder import services
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens

#            office admin member abc town agent public anonymous
ALL_200 = "200 200 200 200 200 200 200 200"
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
ARTICLE = {"title": "识别假币", "topic": "cash", "body": "一看二摸三听。"}


@pytest.fixture
def scene(users):
    draft = services.article_save(actor=users["office"], title="草稿", topic="fraud", body="正文")
    published = services.article_save(actor=users["office"], title="已发布", topic="credit", body="正文")
    services.article_publish(actor=users["office"], article=published, publish=True)
    return {"draft": draft.pk, "published": published.pk}


def _arg(key):
    return lambda s: [s[key]]


PAGES = [
    ("home", None, "get", ALL_200, None),
    ("home", None, "get", ALL_200, {"town": "TOWN0"}),
    ("home", None, "get", ALL_200, {"town": "TOWN0", "village": "VILLAGE0", "need": "withdraw"}),
    ("home", None, "get", "404 404 404 404 404 404 404 404", {"town": "999999"}),
    ("knowledge", None, "get", ALL_200, None),
    ("article", _arg("published"), "get", ALL_200, None),
    ("article", _arg("draft"), "get", "200 404 404 404 404 404 404 404", None),
    ("articles", None, "get", OFFICE_GET, None),
    ("article_add", None, "get", OFFICE_GET, None),
    ("article_add", None, "post", OFFICE_POST, ARTICLE),
    ("article_edit", _arg("draft"), "get", OFFICE_GET, None),
    ("article_edit", _arg("draft"), "post", OFFICE_POST, ARTICLE),
    ("article_publish", _arg("draft"), "post", OFFICE_POST, {"publish": "1"}),
    ("article_publish", _arg("draft"), "get", "405 405 405 405 405 405 405 302", None),
]
NAMES = {"home", "knowledge", "article", "articles", "article_add", "article_edit", "article_publish"}


def test_every_url_of_the_app_has_a_row():
    from puhui.finder.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, county):
    values = {"TOWN0": str(county["towns"][0].pk), "VILLAGE0": str(county["villages"][0].pk)}
    return {k: values.get(v, v) for k, v in (data or {}).items()} or None


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, users, county, scene, name, args, method, expected, data):
    url = reverse(f"finder:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _filled(data, county)) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"finder:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}

TOKENS = ["pboc", "member", "abc", "rcb", None]
API_CASES = [("get", "/finder/places", {"pboc": 200, "member": 200, "abc": 200, "rcb": 200, None: 401})]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/finder/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(county, api, method, path, expected):
    village = county["villages"][0].pk
    assert {who: api(who).get(path, {"village": village}).status_code for who in TOKENS} == expected
    assert api("abc").get(path, {"village": 999_999}).status_code == 404
    assert api("abc").get(path, {"village": 0}).status_code == 422
    names = [p["name"] for p in api("abc").get(path, {"village": village, "need": "withdraw"}).json()]
    assert "历山1村服务站" in names
