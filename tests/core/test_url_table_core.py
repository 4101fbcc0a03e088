"""Who reaches what of the core pages and the core API: every URL name of puhui/core/urls.py × the seven
roles and an anonymous visitor, and every operation of puhui/api/endpoints.py (divisions, organisations,
service points) × the test tokens, each with the exact status.

The rules are core/access.py's and docs/architecture.md's access table: divisions are public statistics
for every signed-in user; organisations, service points by role; the audit log is the office's and the
administrator's; user accounts are the administrator's. A forbidden object answers 404 like a missing one;
anonymous visitors go to the login page. Each request runs in a savepoint that is rolled back, so a write
by one column never changes what the next one sees. `test_every_url_name_has_a_row` and
`test_every_api_operation_has_a_row` fail when a new endpoint has no row.

Set PUHUI_RECORD_TABLE=1 to print the statuses instead of checking them.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from puhui.core import password_sheets
from puhui.core.models import User
from puhui.core.urls import urlpatterns
from tests.api import conftest as api_fixtures
from tests.url_tables import COLUMNS, RECORD, check_row

# The API tests' token fixtures (a token per organisation, a client sending it).
tokens = api_fixtures.tokens
api = api_fixtures.api


@pytest.fixture
def scene(county, users):
    return {
        "pboc": county["pboc"].pk,  # a government unit: every town official sees it
        "abc": county["abc"].pk,  # ABC-YY, located in 历山街道 (v0)
        "abc_outlet": county["abc_outlet"].pk,  # ABC-YY-01 in 鲁村镇 (v2)
        "abc_head": county["abc"].parent_id,  # above ABC-YY: not in the bank's own subtree
        "rcb_outlet": county["rcb_outlet"].pk,  # RCB-YY-01 in 历山2村 (v1)
        "farmer": users["public"].pk,
        "sp_abc": county["service_points"][0].pk,  # SP1: ABC's, 鲁村1村 (v2)
        "sp_rcb": county["service_points"][1].pk,  # SP2: RCB's, 历山1村 (v0), the agent's village
        "village": county["villages"][3].code,
    }


def row(name, args, method, statuses: str, data=None):
    """statuses: one code per column of COLUMNS (office admin member_unit institution town agent public
    anonymous)."""
    codes = statuses.split()
    assert len(codes) == len(COLUMNS), name
    return (name, args, method, dict(zip(COLUMNS, codes, strict=True)), data)


def _(key):
    return lambda s: [s[key]]


#                office admin member abc town agent public anonymous
EVERYONE = "200 200 200 200 200 200 200 login"
OFFICE_ADMIN = "200 200 404 404 404 404 404 login"
ADMIN_GET = "404 200 404 404 404 404 404 login"
ADMIN_POST = "404 302 404 404 404 404 404 login"
NOBODY = "404 404 404 404 404 404 404 login"
POST_ONLY = "405 405 405 405 405 405 405 login"  # login first, then the method: GET is refused for all

CASES = [
    row("dashboard", None, "get", "200 200 200 200 200 200 302 login"),  # a farmer lands on 我的信用
    # Signed-in users are sent on to the dashboard; the visitor gets the form.
    row("login", None, "get", "302 302 302 302 302 302 302 200"),
    row("logout", None, "post", "302 302 302 302 302 302 302 login"),  # everyone to the login page
    row("logout", None, "get", "405 405 405 405 405 405 405 405"),
    row("password_change", None, "get", EVERYONE),
    row("healthz", None, "get", "200 200 200 200 200 200 200 200"),
    row("county_map", None, "get", EVERYONE),
    row("division_list", None, "get", EVERYONE),  # public statistics
    row("organisation_list", None, "get", EVERYONE),  # an empty list for agents and the public
    # organisations: office, admin, member all; institution its subtree; town government units and the
    # financial organisations located in the town; agent and public none
    row("organisation_detail", _("pboc"), "get", "200 200 200 404 200 404 404 login"),
    row("organisation_detail", _("abc"), "get", "200 200 200 200 200 404 404 login"),
    row("organisation_detail", _("abc_outlet"), "get", "200 200 200 200 404 404 404 login"),
    row("organisation_detail", _("abc_head"), "get", "200 200 200 404 404 404 404 login"),
    row("organisation_detail", _("rcb_outlet"), "get", "200 200 200 404 200 404 404 login"),
    row("organisation_detail", lambda s: [999999], "get", NOBODY),
    row("servicepoint_list", None, "get", EVERYONE),  # an empty list for the public
    row("audit_list", None, "get", OFFICE_ADMIN),
    # 立即核验: a background job, then the job's page
    row("audit_list", None, "post", "302 302 404 404 404 404 404 login"),
    row("user_list", None, "get", ADMIN_GET),
    row("user_create", None, "get", ADMIN_GET),
    row("user_create", None, "post", ADMIN_GET),  # an empty form: shown again with its errors
    row("user_edit", _("farmer"), "get", ADMIN_GET),
    row("user_edit", _("farmer"), "post", ADMIN_GET),  # an empty form: shown again with its errors
    row("user_edit", lambda s: [999999], "get", NOBODY),
    # A generated password shown once (200)
    row("user_reset_password", _("farmer"), "post", ADMIN_GET),
    row("user_reset_password", _("farmer"), "get", POST_ONLY),
    row("user_unlock", _("farmer"), "post", ADMIN_POST),
    row("user_unlock", _("farmer"), "get", POST_ONLY),
    # The initial passwords of an administrator's user import: their own sheets, each downloaded once.
    row("user_password_sheets", None, "get", ADMIN_GET),
    row(
        "user_password_sheet_download",
        lambda s: [_admin_sheet()],
        "post",
        "404 200 404 404 404 404 404 login",
    ),
    row("user_password_sheet_download", lambda s: [f"20250101000000-1-{'0' * 32}"], "post", NOBODY),
    row("user_password_sheet_download", lambda s: ["x"], "get", POST_ONLY),
]


def _admin_sheet() -> str:
    """A sheet sealed for the administrator; the first 200 deletes it, so later columns see none."""
    admin = User.objects.get(username="admin")
    return password_sheets.seal(owner=admin, rows=[("u1", "甲", "村级代办员", "x")], filename="表.csv")


def test_every_url_name_has_a_row():
    assert {p.name for p in urlpatterns} == {c[0] for c in CASES}
    assert all(set(c[3]) == set(COLUMNS) for c in CASES)


@pytest.mark.parametrize(
    "name,args,method,expected,data", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_url_access(client, scene, users, name, args, method, expected, data):
    url = reverse(name, args=args(scene) if args else None)
    check_row(client, users, name, method, url, expected, data)


# ---------------------------------------------------------------- the API: /api/v1/ (core) × tokens
# A token acts for one organisation with the scope its staff have (docs/architecture.md): the PBoC's as
# the office, the finance centre's as a member unit, a bank's as an institution.

TOKENS = ["pboc", "member", "abc", "rcb", None]  # None: no token
CORE_PREFIXES = ("/api/v1/divisions", "/api/v1/organisations", "/api/v1/service-points")


def api_row(method, path, statuses: str, *, args=None, body=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), args, body)


def point_body(s):
    """A service point of ABC's outlet: only ABC (the outlet's head) may register it."""
    return {
        "code": "SP-TABLE-1",
        "name": "鲁村2村助农取款服务点",
        "bank_id": s["abc_outlet"],
        "village_code": s["village"],
        "functions": ["withdrawal"],
        "is_station": False,
        "opened_on": "2020-06-01",
    }


API_CASES = [
    api_row("GET", "/api/v1/divisions", "200 200 200 200 401"),
    api_row("GET", "/api/v1/divisions/{code}", "200 200 200 200 401", args={"code": "village"}),
    api_row("GET", "/api/v1/divisions/{code}", "404 404 404 404 401", args={"code": "lit:000000000000"}),
    api_row("GET", "/api/v1/organisations", "200 200 200 200 401"),
    api_row("GET", "/api/v1/organisations/{org_id}", "200 200 200 404 401", args={"org_id": "abc_outlet"}),
    api_row("GET", "/api/v1/organisations/{org_id}", "200 200 404 200 401", args={"org_id": "rcb_outlet"}),
    api_row("GET", "/api/v1/organisations/{org_id}", "200 200 404 404 401", args={"org_id": "abc_head"}),
    api_row("GET", "/api/v1/service-points", "200 200 200 200 401"),
    api_row("GET", "/api/v1/service-points/{point_id}", "200 200 200 404 401", args={"point_id": "sp_abc"}),
    api_row("GET", "/api/v1/service-points/{point_id}", "200 200 404 200 401", args={"point_id": "sp_rcb"}),
    # Institutions register their own network's points (the PBoC and member units: 403). Another bank's
    # outlet is answered like a bank that does not exist: 422 on bank_id (api/services.py).
    api_row("POST", "/api/v1/service-points", "403 403 201 422 401", body=point_body),
]


def test_every_api_operation_has_a_row(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {
        (method.upper(), path)
        for path, methods in paths.items()
        if path.startswith(CORE_PREFIXES)
        for method in methods
    }
    assert operations == {(c[0], c[1]) for c in API_CASES}


def _url(path, args, scene):
    values = {}
    for name, given in (args or {}).items():
        values[name] = given[4:] if given.startswith("lit:") else scene[given]
    return path.removeprefix("/api/v1").format(**values)


@pytest.mark.parametrize(
    "method,path,expected,args,body", API_CASES, ids=[f"{c[0]} {c[1]}-{i}" for i, c in enumerate(API_CASES)]
)
def test_api_access(scene, api, method, path, expected, args, body):
    url = _url(path, args, scene)
    got = {}
    for i, who in enumerate(TOKENS):
        sid = transaction.savepoint()
        try:
            if method == "GET":
                response = api(who).get(url)
            else:
                response = api(who).post(url, body(scene), key=f"core-table-{i}")
        finally:
            transaction.savepoint_rollback(sid)
        got[who] = response.status_code
    if RECORD:
        print(f"API {method} {path}: {' '.join(str(got[t]) for t in TOKENS)}")
        return
    assert got == expected, (method, url)


# Read by tests/test_every_url_has_a_row.py: url name → its rows; (METHOD, schema path) → its rows.
URL_TABLE = {n: [c for c in CASES if c[0] == n] for n in dict.fromkeys(c[0] for c in CASES)}
API_TABLE = {k: [c for c in API_CASES if c[:2] == k] for k in dict.fromkeys(c[:2] for c in API_CASES)}
