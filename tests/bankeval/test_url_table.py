"""Who reaches the evaluation's pages and API: every URL of puhui/bankeval × every role, with the exact status,
and every /api/v1/bankeval/ operation × the test tokens.

The scene: 2021 scored and published (ABC 2nd, RCB 1st), 2021Q2 monitored and not published, one evidence file.
The office writes and reads everything; the administrator reads everything and writes nothing; a bank (ABC,
the bank column) reads the published runs, in them only its own result; the member unit, the town, the agent
and the farmer see nothing here."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.bankeval.services.qualitative import qualitative_set
from puhui.bankeval.services.runs import run_compute, run_publish
from puhui.data.models import ReportingPeriod
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.bankeval.conftest import score_all, write_figures
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def scene(users, county):
    write_figures(county)
    office = users["office"]
    stored = score_all(office, county, 2021)
    score = qualitative_set(actor=office, indicator_set=stored, bank=county["abc"], year=2021, item="policy",
                            points="4.5", reason="材料齐全", files=[("政策实施.pdf", PDF)])  # fmt: skip
    annual = run_publish(
        actor=office, run=run_compute(actor=office, period=ReportingPeriod.objects.get(code="2021"))
    )
    quarter = run_compute(actor=office, period=ReportingPeriod.objects.get(code="2021Q2"))
    return {
        "annual": annual.pk,
        "quarter": quarter.pk,
        "abc_result": annual.results.get(bank=county["abc"]).pk,
        "rcb_result": annual.results.get(bank=county["rcb"]).pk,
        "abc_quarter": quarter.results.get(bank=county["abc"]).pk,
        "evidence": score.evidence.get().pk,
        "abc": county["abc"].pk,
    }


#        office admin member abc town agent public anonymous
READ = "200 200 404 200 404 404 404 302"
STAFF_READ = "200 200 404 404 404 404 404 302"
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
SCORE = {"points": "3.5", "reason": "调整评分"}


def _arg(*keys):
    """URL arguments: a key of the scene, or a literal (a year, an item code in a tuple)."""
    return lambda s: [k[0] if isinstance(k, tuple) else s[k] if isinstance(k, str) else k for k in keys]


PAGES = [
    ("home", None, "get", READ, None),
    ("set", None, "get", READ, None),
    (
        "set_add",
        None,
        "post",
        OFFICE_POST,
        None,
    ),  # no file: the office is sent back to the page with the error
    ("qualitative", None, "get", STAFF_READ, None),
    ("qualitative_edit", _arg(2021, "abc", ("innovation",)), "get", OFFICE_GET, None),
    ("qualitative_edit", _arg(2021, "abc", ("innovation",)), "post", OFFICE_POST, SCORE),
    ("evidence", _arg("evidence"), "get", STAFF_READ, None),
    ("run_start", None, "post", OFFICE_POST, {"period": "2021", "version": "1"}),
    ("run", _arg("annual"), "get", READ, None),
    ("run", _arg("quarter"), "get", STAFF_READ, None),  # not published: no bank sees it
    ("run_publish", _arg("quarter"), "post", OFFICE_POST, None),
    ("bulletin", _arg("annual"), "get", STAFF_READ, None),
    ("result", _arg("abc_result"), "get", READ, None),
    ("result", _arg("rcb_result"), "get", STAFF_READ, None),  # another bank's detail: 404 for ABC
    ("result", _arg("abc_quarter"), "get", STAFF_READ, None),  # its own, but not published
]
NAMES = {"home", "set", "set_add", "qualitative", "qualitative_edit", "evidence", "run_start", "run", "run_publish",
         "bulletin", "result"}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.bankeval.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, scene, name, args, method, expected, data):
    url = reverse(f"bankeval:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"bankeval:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API: /api/v1/bankeval/ × tokens

API_PREFIX = "/api/v1/bankeval/"
TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre; None: no token


def api_row(method, path, statuses: str, *, result="abc_result"):
    codes = [int(c) for c in statuses.split()]
    return (method, path, dict(zip(TOKENS, codes, strict=True)), result)


API_CASES = [
    api_row("get", "/bankeval/results", "200 404 200 200 401"),
    api_row("get", "/bankeval/results/{result_id}", "200 404 200 404 401"),  # ABC's: RCB gets 404
    api_row(
        "get", "/bankeval/results/{result_id}", "404 404 404 404 401", result="abc_quarter"
    ),  # unpublished
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_CASES)
}


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected,result", API_CASES, ids=[f"{c[1]} {c[3]}" for c in API_CASES])
def test_api_access(scene, tokens, method, path, expected, result):
    cache.clear()
    url = path.format(result_id=scene[result])
    got = {who: ApiClient(tokens[who] if who else None).get(url).status_code for who in TOKENS}
    assert got == expected, url
