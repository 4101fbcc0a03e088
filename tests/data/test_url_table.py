"""Who reaches what in the data capability: every page (role × URL) and every API operation (token × operation).

A forbidden object answers 404 like a missing one. Each table lists every URL name of puhui.data and every
operation under /api/v1/data/; a test fails when a new one has no row. Statuses are exact, so a change of
who may see what shows here as a changed row.
"""

import io
import json

import pytest
from django.urls import reverse

from puhui.api.services import token_create
from puhui.data import derived, services
from puhui.data.models import IndicatorValue
from puhui.data.urls import urlpatterns
from tests.api.conftest import ApiClient
from tests.data.conftest import loan_row, loans_csv
from tests.url_tables import status_line

pytestmark = pytest.mark.usefixtures("catalogue")

# The columns of every row: the seven roles of the test county, then anonymous.


@pytest.fixture
def scene(users, county):
    """ABC's approved loan file for 2020Q1 with the figures computed from it, and a 2020Q3 file awaiting review."""
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel="page",
        file=loans_csv([loan_row(1)]),
        filename="abc.csv",
    )
    services.submission_review(actor=users["office"], submission=up.submission, approve=True)
    derived.compute_all()
    pending = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q3",
        channel="page",
        file=loans_csv([loan_row(2)]),
        filename="abc-q3.csv",
    )
    value = IndicatorValue.objects.filter(indicator_code="loan_balance", period__code="2020Q1")
    return {
        "upload": up.pk,
        "sub": up.submission_id,
        "pending": pending.submission_id,
        "abc_value": value.get(level="institution").pk,
        "county_value": value.get(level="county").pk,
    }


def _(key):
    return lambda s: [s[key]]


def const(*args):
    return lambda s: list(args)


#             office admin member abc town agent public anonymous
S = "302 302 302 302 302 404 404 302"  # home: each role to its own start page
INBOX = "200 200 404 404 404 404 404 302"
SUBMITTER = "404 404 404 200 404 404 404 302"  # a unit with forms to submit (ABC); the centre has none
SEES_SUB = "200 200 404 200 404 404 404 302"  # the office, the administrator, the submitting bank
FIGURES = "200 200 200 200 200 404 404 302"
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"  # login first, then the method: GET is refused for all

PAGES = [
    ("data_home", None, "get", S),
    ("data_inbox", None, "get", INBOX),
    ("data_my_forms", None, "get", SUBMITTER),
    ("data_form", const("loans", "2020Q1"), "get", SUBMITTER),
    ("data_template", const("loans", "2020Q1", "xlsx"), "get", SUBMITTER),
    ("data_template", const("loans", "2020Q1", "csv"), "get", SUBMITTER),
    # No file: the bank is sent back to its form page; nothing is stored.
    ("data_upload_new", const("loans", "2020Q1"), "post", "404 404 404 302 404 404 404 302"),
    ("data_upload_new", const("loans", "2020Q1"), "get", POST_ONLY),
    # The lists of returns: the office and the administrator all, each submitting unit its own.
    ("data_submission_list", None, "get", "200 200 200 200 404 404 404 302"),
    ("data_upload_list", None, "get", "200 200 200 200 404 404 404 302"),
    ("data_upload", _("upload"), "get", SEES_SUB),
    ("data_submission", _("sub"), "get", SEES_SUB),
    # No decision: the office is sent back to the submission; nothing changes.
    ("data_submission_review", _("sub"), "post", OFFICE_POST),
    ("data_submission_review", _("sub"), "get", POST_ONLY),
    ("data_submission_export", _("sub"), "get", SEES_SUB),
    # The original holds clear ID numbers: never the administrator's (docs/personal-data.md).
    ("data_submission_file", _("sub"), "get", "200 404 404 200 404 404 404 302"),
    ("data_targets", None, "get", FIGURES),
    ("data_target", const("agri_loan_growth"), "get", FIGURES),
    ("data_target", const("no_such_target"), "get", "404 404 404 404 404 404 404 302"),
    ("data_target_edit", const("agri_loan_growth"), "get", OFFICE_GET),
    ("data_compute", None, "post", "302 302 404 404 404 404 404 302"),  # the office and the administrator
    ("data_compute", None, "get", POST_ONLY),
    ("data_explorer", None, "get", FIGURES),
    ("data_value", _("abc_value"), "get", SEES_SUB),  # a bank's figure: the office and that bank
    ("data_value", _("county_value"), "get", FIGURES),
    ("data_catalogue", None, "get", FIGURES),
    ("data_indicator_new", None, "get", OFFICE_GET),
    ("data_indicator", const("loan_balance"), "get", FIGURES),
    ("data_indicator_edit", const("loan_balance"), "get", OFFICE_GET),
]


def test_every_url_has_a_row():
    assert {p.name for p in urlpatterns} == {row[0] for row in PAGES}


@pytest.mark.parametrize("name,args,method,expected", PAGES, ids=[f"{r[0]}-{i}" for i, r in enumerate(PAGES)])
def test_page_access(client, scene, users, name, args, method, expected):
    url = reverse(name, args=args(scene) if args else None)
    assert status_line(client, users, method, url) == expected, (url, method)


# ---------------------------------------------------------------- API: token of an organisation × operation

TOKENS = {"pboc": "pboc", "member": "finance_centre", "abc": "abc", "rcb": "rcb"}
# The order requests are made in: the one allowed write (the office's review) comes last.
TOKEN_ORDER = ["none", "member", "rcb", "abc", "pboc"]


@pytest.fixture
def clients(county, users):
    out = {"none": ApiClient(None)}
    for key, org in TOKENS.items():
        _token, raw = token_create(actor=users["admin"], organisation=county[org], name=f"表 {key}")
        out[key] = ApiClient(raw)
    return out


def _loan_body():
    return {"form": "loans", "period": "2020Q2", "rows": [loan_row(7)]}


def _file_post(api: ApiClient, path: str, key: str):
    f = io.BytesIO(loans_csv([loan_row(8)]))
    f.name = "loans.csv"
    headers = api._headers({"Idempotency-Key": key})
    return api.client.post(
        f"/api/v1{path}", {"form": "loans", "period": "2020Q2", "file": f}, headers=headers
    )


VALUES = {"indicator": "loan_balance", "period": "2020Q1", "level": "county"}

#          (method, schema path, path for the request, body or query)
#   expected per token: pboc (office), member (金融证券工作服务中心), abc, rcb, none
OPERATIONS = [
    ("GET", "/api/v1/data/forms", lambda s: "/data/forms", None, "200 200 200 200 401"),
    ("GET", "/api/v1/data/forms/{code}", lambda s: "/data/forms/loans", None, "200 200 200 200 401"),
    # Only units with the form submit it: the PBoC and the centre are refused, both banks store a version.
    ("POST", "/api/v1/data/submissions", lambda s: "/data/submissions", _loan_body, "403 403 201 201 401"),
    (
        "POST",
        "/api/v1/data/submissions/file",
        lambda s: "/data/submissions/file",
        "file",
        "403 403 201 201 401",
    ),
    (
        "GET",
        "/api/v1/data/uploads/{upload_id}",
        lambda s: f"/data/uploads/{s['upload']}",
        None,
        "200 404 200 404 401",
    ),
    ("GET", "/api/v1/data/submissions", lambda s: "/data/submissions", None, "200 200 200 200 401"),
    (
        "GET",
        "/api/v1/data/submissions/{submission_id}",
        lambda s: f"/data/submissions/{s['sub']}",
        None,
        "200 404 200 404 401",
    ),
    (
        "GET",
        "/api/v1/data/submissions/{submission_id}/rows",
        lambda s: f"/data/submissions/{s['sub']}/rows",
        None,
        "200 404 200 404 401",
    ),
    (
        "GET",
        "/api/v1/data/submissions/{submission_id}/values",
        lambda s: f"/data/submissions/{s['sub']}/values",
        None,
        "200 404 200 404 401",
    ),
    # The bank sees its submission but may not review it (403); the office returns it (200).
    (
        "POST",
        "/api/v1/data/submissions/{submission_id}/review",
        lambda s: f"/data/submissions/{s['pending']}/review",
        lambda: {"decision": "return", "comment": "请核对"},
        "200 404 403 404 401",
    ),
    ("GET", "/api/v1/data/indicators", lambda s: "/data/indicators", None, "200 200 200 200 401"),
    ("GET", "/api/v1/data/values", lambda s: "/data/values", VALUES, "200 200 200 200 401"),
    ("GET", "/api/v1/data/targets", lambda s: "/data/targets", None, "200 200 200 200 401"),
]
COLUMNS = ["pboc", "member", "abc", "rcb", "none"]


def test_every_operation_has_a_row(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    schema = {(m.upper(), p) for p, ops in paths.items() if p.startswith("/api/v1/data/") for m in ops}
    assert schema == {(row[0], row[1]) for row in OPERATIONS}


@pytest.mark.parametrize(
    "method,schema_path,path,body,expected", OPERATIONS, ids=[f"{r[0]} {r[1]}" for r in OPERATIONS]
)
def test_operation_access(scene, clients, method, schema_path, path, body, expected):
    url = path(scene)
    got = {}
    for n, who in enumerate(TOKEN_ORDER):
        api = clients[who]
        if method == "GET":
            response = api.get(url, body)
        elif body == "file":
            response = _file_post(api, url, key=f"k{n}")
        else:
            response = api.post(url, body(), key=f"k{n}")
        got[who] = str(response.status_code)
        if response.status_code >= 400:
            assert set(json.loads(response.content)) == {"error"}, (who, url)
    assert " ".join(got[c] for c in COLUMNS) == expected, (method, url)


# Read by tests/test_every_url_has_a_row.py: url name → its rows; (METHOD, schema path) → its rows.
URL_TABLE = {n: [r for r in PAGES if r[0] == n] for n in dict.fromkeys(r[0] for r in PAGES)}
API_TABLE = {k: [r for r in OPERATIONS if r[:2] == k] for k in dict.fromkeys(r[:2] for r in OPERATIONS)}
