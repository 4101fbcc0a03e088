"""Who reaches what of the county index: every URL of puhui.index × every role, with the exact status.

The index is public statistics of the demonstration zone (puhui/index/access.py): the office, the
administrator, member units and town officials see every town; institutions the county figures and the
methodology only; village agents and the public nothing. Draft runs, publishing and recomputation are
the office's and the administrator's. A forbidden object answers 404 like a missing one; a test fails
when a new URL has no row.

The API (/api/v1/index/) × the test tokens: a token acts as its organisation's staff — the PBoC as the
office, the finance centre as a member unit, a bank as an institution, an organisation of no known kind
("other") as the public. It reads published runs only. `test_every_api_operation_has_a_row` fails when
a new operation has no row.
"""

import pytest
from django.urls import reverse

from puhui.index import services
from puhui.index.urls import urlpatterns
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db

LISHAN, LUCUN = "370323001000", "370323102000"
# The columns of every row: the seven roles of the test county, then anonymous.


@pytest.fixture
def scene(published, users):
    fw = published[0].framework
    draft = services.run_compute(actor=users["office"], framework=fw, last_year=2020, uncertainty_runs=0)
    return {"published": published[0].pk, "draft": draft.pk}


def _(key):
    return lambda s: [s[key]]


def const(*args):
    return lambda s: list(args)


#                office admin member abc town agent public anonymous
COUNTY = "200 200 200 200 200 404 404 302"  # the county figures and the methodology
TOWNS = "200 200 200 404 200 404 404 302"  # the ranking, every town, every indicator
MANAGE_GET = "200 200 404 404 404 404 404 302"
MANAGE_POST = "302 302 404 404 404 404 404 302"
NOBODY = "404 404 404 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"  # login first, then the method: GET is refused for all

PAGES = [
    ("overview", None, "get", COUNTY),
    ("overview", lambda s: {"run": s["draft"]}, "get", MANAGE_GET),  # ?run=<draft>
    ("town", const(LUCUN), "get", TOWNS),  # a town official opens another town's page too
    ("town", const(LISHAN), "get", TOWNS),
    ("town", const("370323001201"), "get", NOBODY),  # a village, not a town
    ("indicator", const("A1"), "get", TOWNS),
    ("indicator", const("NOPE"), "get", NOBODY),
    ("methodology", None, "get", COUNTY),
    ("export", _("published"), "get", TOWNS),
    ("export", _("draft"), "get", MANAGE_GET),
    ("compare", _("draft"), "get", MANAGE_GET),
    ("compare", _("published"), "get", MANAGE_GET),
    ("publish", _("published"), "post", MANAGE_POST),
    ("publish", _("published"), "get", POST_ONLY),
    ("rebuild", None, "post", MANAGE_POST),
    ("rebuild", None, "get", POST_ONLY),
]


def test_every_url_has_a_row():
    assert {p.name for p in urlpatterns} == {row[0] for row in PAGES}


@pytest.mark.parametrize("name,args,method,expected", PAGES, ids=[f"{r[0]}-{i}" for i, r in enumerate(PAGES)])
def test_page_access(client, scene, users, name, args, method, expected):
    query = {}
    positional = None
    if args:
        given = args(scene)
        query, positional = (given, None) if isinstance(given, dict) else ({}, given)
    url = reverse(f"index:{name}", args=positional)
    assert status_line(client, users, method, url, query) == expected, (url, query, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"index:{n}": [r for r in PAGES if r[0] == n] for n in dict.fromkeys(r[0] for r in PAGES)}


# ---------------------------------------------------------------- the API: /api/v1/index/ × tokens

API_PREFIX = "/api/v1/index/"
TOKENS = ["pboc", "member", "abc", "rcb", "other", None]  # None: no token

#                    pboc member abc rcb other none
API_COUNTY = "200 200 200 200 404 401"  # the runs, the county's scores, the framework
API_TOWNS = "200 200 404 404 404 401"  # the towns: rank intervals, a town's scores
API_NOBODY = "404 404 404 404 404 401"  # a draft: the API is the published index, for the office too


def api_row(method, path, statuses: str, *, run="published", params=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), run, params)


API_CASES = [
    api_row("get", "/index/runs", API_COUNTY),
    api_row("get", "/index/runs/{run_id}/scores", API_COUNTY),
    api_row("get", "/index/runs/{run_id}/scores", API_TOWNS, params={"town": LUCUN}),
    api_row("get", "/index/runs/{run_id}/scores", API_NOBODY, run="draft"),
    api_row("get", "/index/runs/{run_id}/ranks", API_TOWNS),
    api_row("get", "/index/runs/{run_id}/ranks", API_NOBODY, run="draft"),
    api_row("get", "/index/frameworks/{version}", API_COUNTY),
]


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,expected,run,params",
    API_CASES,
    ids=[f"{c[0]} {c[1]} {c[3]}-{i}" for i, c in enumerate(API_CASES)],
)
def test_api_access(scene, api, method, path, expected, run, params):
    url = path.format(run_id=scene[run], version=1)
    got = {who: getattr(api(who), method)(url, params).status_code for who in TOKENS}
    assert got == expected, (url, params)


# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_CASES)
}
