"""Who reaches the firms pages: every URL of puhui/firms × every role, with the exact status, and the rows of
the two users the seven role columns do not hold — the tax bureau (a member unit with catalogue sources) and
a public user acting for 沂源甲公司.

The scene: 沂源甲公司 (历山街道, the town column's town) authorised ABC, the bank column; 鲁村乙商店 authorised
nobody. The member column is the finance centre, which keeps no source: it reads profiles, uploads nothing."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.firms.models import DepartmentRecord, LookUp
from puhui.firms.services import authorisations, uploads
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.firms.conftest import stored_scorecard, xlsx
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def scene(firm_scene, county):
    firm = firm_scene["firm"]
    grant = authorisations.authorisation_grant(
        actor=firm_scene["firm_user"],
        banks=[county["abc"]],
        expires_on=datetime.date.today() + datetime.timedelta(days=60),
    )[0]
    done = uploads.department_upload(
        actor=firm_scene["tax_user"],
        source_code="tax_credit",
        period=datetime.date(2020, 12, 1),
        file=xlsx(["统一社会信用代码", "纳税信用等级"], [[firm.uscc, "A"]]),
    )
    return {
        **firm_scene,
        "firm_pk": firm.pk,
        "other_pk": firm_scene["other"].pk,
        "upload": done.upload.pk,
        "grant": grant.pk,
        "bank": county["abc"].pk,
        "scorecard": stored_scorecard().pk,
    }


#        office admin member abc town agent public anonymous
NONE = "404 404 404 404 404 404 404 302"
READERS = "200 200 200 200 200 404 404 302"
ALL_FIRMS = "200 200 200 404 404 404 404 302"
OFFICE_ADMIN = "200 200 404 404 404 404 404 302"


def _arg(key):
    return lambda s: [s[key]]


PAGES = [
    ("list", None, "get", READERS, None),
    ("profile", _arg("firm_pk"), "get", READERS, None),
    ("profile", _arg("other_pk"), "get", "200 200 200 404 404 404 404 302", None),
    ("sources", None, "get", ALL_FIRMS, None),
    ("source_partial", lambda s: ["tax_credit"], "post", "302 404 404 404 404 404 404 302", {"accepts": "1"}),
    ("template", lambda s: ["tax_credit"], "get", NONE, None),
    ("uploads", None, "get", OFFICE_ADMIN, None),
    ("upload", None, "get", NONE, None),
    ("upload", None, "post", NONE, {"source": "tax_credit", "period": "2020-12"}),
    ("upload_detail", _arg("upload"), "get", OFFICE_ADMIN, None),
    ("scorecards", None, "get", OFFICE_ADMIN, None),
    ("scorecard", _arg("scorecard"), "get", OFFICE_ADMIN, None),
    ("scorecard_promote", _arg("scorecard"), "post", "302 302 404 404 404 404 404 302", None),
    ("scorecard_retire", None, "post", "302 302 404 404 404 404 404 302", None),
    ("mine", None, "get", NONE, None),
    ("grant", None, "get", NONE, None),
    ("grant", None, "post", NONE, {"banks": ["BANK"], "expires_on": "SOON"}),
    ("revoke", _arg("grant"), "post", NONE, None),
]
# The two users outside the columns: (url name, args, method, user, status, data).
OTHERS = [
    ("template", lambda s: ["tax_credit"], "get", "tax_user", 200, None),
    ("template", lambda s: ["utility_arrears"], "get", "tax_user", 404, None),
    ("uploads", None, "get", "tax_user", 200, None),
    ("upload", None, "get", "tax_user", 200, None),
    ("upload", None, "post", "tax_user", 302, "FILE"),
    ("upload_detail", _arg("upload"), "get", "tax_user", 200, None),
    ("upload_detail", _arg("upload"), "get", "utility_user", 404, None),
    ("list", None, "get", "firm_user", 404, None),
    ("profile", _arg("firm_pk"), "get", "firm_user", 200, None),
    ("profile", _arg("other_pk"), "get", "firm_user", 404, None),
    ("mine", None, "get", "firm_user", 200, None),
    ("grant", None, "get", "firm_user", 200, None),
    ("grant", None, "post", "firm_user", 302, {"banks": ["BANK"], "expires_on": "SOON"}),
    ("grant", None, "post", "firm_user", 400, {"banks": ["BANK"], "expires_on": "2001-01-01"}),
    ("revoke", _arg("grant"), "post", "firm_user", 302, None),
    ("sources", None, "get", "firm_user", 404, None),
    ("scorecards", None, "get", "tax_user", 404, None),
    ("scorecard", _arg("scorecard"), "get", "firm_user", 404, None),
    ("scorecard_promote", _arg("scorecard"), "post", "tax_user", 404, None),
]
NAMES = {
    "list", "profile", "sources", "source_partial", "template", "uploads", "upload", "upload_detail", "mine",
    "grant", "revoke", "scorecards", "scorecard", "scorecard_promote", "scorecard_retire",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.firms.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, scene):
    if data == "FILE":
        firm = scene["firm"]
        return {
            "source": "tax_credit",
            "period": "2020-12",
            "file": xlsx(["统一社会信用代码", "纳税信用等级"], [[firm.uscc, "B"]]),
        }
    values = {
        "BANK": scene["bank"],
        "SOON": (datetime.date.today() + datetime.timedelta(days=100)).isoformat(),
    }
    return {
        k: [values.get(x, x) for x in v] if isinstance(v, list) else values.get(v, v)
        for k, v in (data or {}).items()
    } or None


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, scene, name, args, method, expected, data):
    url = reverse(f"firms:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _filled(data, scene)) == expected, (url, method)


@pytest.mark.parametrize(
    "name,args,method,who,expected,data", OTHERS, ids=[f"{r[0]}-{r[2]}-{r[3]}" for r in OTHERS]
)
def test_page_access_of_the_other_users(client, scene, name, args, method, who, expected, data):
    client.force_login(scene[who])
    url = reverse(f"firms:{name}", args=args(scene) if args else None)
    response = getattr(client, method)(url, _filled(data, scene) or {})
    assert response.status_code == expected, (url, method, who)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"firms:{n}": [r for r in PAGES if r[0] == n] + [r for r in OTHERS if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/firms/firms", "200 200 200 200 401"),
    api_row("/firms/firms/{firm_id}", "200 200 200 404 401"),
    # A department's push: none of these organisations keeps the tax source (the tax bureau's own token stores
    # it: test_push_api.py), so each is refused with the reason — and nothing is stored.
    ("post", "/firms/sources/{code}/rows", dict(zip(TOKENS, [422, 422, 422, 422, 401], strict=True))),
    ("post", "/firms/sources/{code}/file", dict(zip(TOKENS, [422, 422, 422, 422, 401], strict=True))),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/firms/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    url = path.format(firm_id=scene["firm_pk"], code="tax_credit")
    if method == "get":
        assert {who: api(who).get(url).status_code for who in TOKENS} == expected
        return
    body = {"period": "2020-12", "rows": [{"uscc": scene["firm"].uscc, "grade": "B"}]}
    answers = {who: api(who).post(url, body, key=f"push-{who}").status_code for who in TOKENS}
    assert answers == expected
    assert DepartmentRecord.objects.get().values == {"grade": "A"}  # the scene's upload, untouched


def test_the_api_gives_a_bank_its_work_list_and_logs_its_reads(scene, api):
    assert [f["name"] for f in api("abc").get("/firms/firms").json()] == [scene["firm"].name]
    assert api("rcb").get("/firms/firms").json() == []
    body = api("abc").get(f"/firms/firms/{scene['firm_pk']}").json()
    assert body["departments"][0]["values"] == {"纳税信用等级": "A"} and body["loans"]["banks"] == 0
    assert LookUp.objects.filter(firm=scene["firm"], bank_id=scene["bank"]).count() == 1
