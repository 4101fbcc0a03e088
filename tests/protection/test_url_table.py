"""Who reaches the protection pages and API: every URL of puhui/protection × every role, with the exact
status, and every /api/v1/protection/ operation × the test tokens.

The member column is the finance centre (not the court, not 县司法局: they are tested in test_access.py).
The complaint "abc" was filed anonymously against ABC; "own" by the public user against RCB; "escalated"
against ABC and brought to the PBoC; "mediation" is an escalated complaint in mediation with an agreement."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from puhui.api.services import token_create
from puhui.protection.models import TypicalCase
from puhui.protection.services import complaints as cs
from puhui.protection.services import mediation as ms
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.protection.conftest import complaint_data
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


def _escalated(users, file):
    complaint, _ = file()
    cs.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="不予退费。", answered_on=timezone.localdate()
    )
    return cs.complaint_escalate(actor=None, complaint=complaint, reason="不满意")


@pytest.fixture
def scene(users, county, units, file):
    abc, code = file()
    own, _ = cs.complaint_file(actor=users["public"], institution=county["rcb"], **complaint_data())
    escalated = _escalated(users, file)
    case = ms.mediation_open(
        actor=users["office"],
        complaint=_escalated(users, file),
        org=units["org"],
        opened_on=timezone.localdate(),
    )
    ms.session_add(actor=users["office"], case=case, held_on=timezone.localdate(), note="面对面调解")
    ms.agreement_make(
        actor=users["office"], case=case, terms="退还 200 元", amount=None, agreement_on=timezone.localdate(),
        applicant_consents=True, institution_consents=True,
    )  # fmt: skip
    typical = TypicalCase.objects.create(
        title="案例", business="02", cause="11", summary="案情", outcome="结果", author=users["office"]
    )
    return {"abc": abc.pk, "code": code, "own": own.pk, "escalated": escalated.pk, "case": case.pk,
            "typical": typical.pk}  # fmt: skip


#            office admin member abc town agent public anonymous
ALL_200 = "200 200 200 200 200 200 200 200"
ALL_404 = "404 404 404 404 404 404 404 404"
LOGIN_404 = "404 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
BANK_STAFF = "200 200 404 200 404 404 404 302"
TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731
FILE = {"institution": "ABC", "business_channel": "101", "business": "02", "cause": "11", "name": "张三", "phone": "13912345678",
        "content": "多收费用"}  # fmt: skip


def _pk(key):
    return lambda s: [s[key]]


def _act(key, action):
    return lambda s: [s[key], action]


PAGES = [
    ("public", None, "get", ALL_200, None),
    ("file", None, "get", ALL_200, None),
    ("file", None, "post", ALL_200, FILE),  # the answer shows the code once
    ("track", None, "get", ALL_200, None),
    ("track", None, "post", "302 302 302 302 302 302 302 302", {"code": "CODE", "digits": "0000"}),
    ("track", None, "post", ALL_404, {"code": "ABCDEFGHJKMN", "digits": "0000"}),  # forged
    ("track_view", None, "get", ALL_404, None),  # nothing followed in this session
    ("track_act", lambda s: ["feedback"], "post", ALL_404, {"feedback-feedback": "satisfied"}),
    ("complaints", None, "get", "200 200 404 200 404 404 200 302", None),
    ("board", None, "get", BANK_STAFF, None),
    ("complaint_add", None, "get", "200 404 404 200 404 404 404 302", None),
    ("complaint_detail", _pk("abc"), "get", BANK_STAFF, None),
    ("complaint_detail", _pk("own"), "get", "200 200 404 404 404 404 200 302", None),
    ("complaint_unmask", _pk("abc"), "post", "200 404 404 200 404 404 404 302", {"field": "phone"}),
    ("complaint_unmask", _pk("abc"), "get", "405 405 405 405 405 405 405 302", None),
    ("complaint_act", _act("abc", "answer"), "post", "404 404 404 302 404 404 404 302",
     {"answer-answer": "已退费", "answer-answered_on": "TODAY"}),
    ("complaint_act", _act("abc", "extend"), "post", "404 404 404 400 404 404 404 302",
     {"extend-until": "2000-01-01", "extend-reason": "复杂", "extend-approver": "王某"}),
    ("complaint_act", _act("abc", "transfer"), "post", "302 404 404 302 404 404 404 302",
     {"transfer-to": "RCB", "transfer-reason": "不属本行"}),
    ("complaint_act", _act("escalated", "close"), "post", OFFICE_POST,
     {"close-conclusion": "已核实", "close-closed_on": "TODAY"}),
    ("complaint_act", _act("escalated", "refer"), "post", "404 404 404 404 404 404 404 302", None),
    ("complaint_act", _act("abc", "nonsense"), "post", LOGIN_404, None),
    ("statistics", None, "get", BANK_STAFF, None),
    ("mediations", None, "get", "200 200 404 200 404 404 200 302", None),
    ("mediation_add", None, "get", "200 404 404 200 404 404 404 302", None),
    ("mediation_detail", _pk("case"), "get", BANK_STAFF, None),
    ("agreement", _pk("case"), "get", BANK_STAFF, None),
    ("mediation_act", _act("case", "confirm_apply"), "post", OFFICE_POST, {"confirm_apply-applied_on": "TODAY"}),
    ("mediation_act", _act("case", "rule"), "post", LOGIN_404, None),
    ("orgs", None, "get", BANK_STAFF, None),
    ("typical", None, "get", "200 200 404 404 404 404 404 302", None),
    ("typical", None, "post", OFFICE_POST, {"title": "新案例", "business": "02", "cause": "11", "summary": "案情",
                                            "outcome": "结果"}),
    ("typical_publish", _pk("typical"), "post", OFFICE_POST, None),
]  # fmt: skip
NAMES = {
    "public", "file", "track", "track_view", "track_act", "complaints", "board", "complaint_add",
    "complaint_detail", "complaint_unmask", "complaint_act", "statistics", "mediations", "mediation_add", "mediation_detail",
    "agreement", "mediation_act", "orgs", "typical", "typical_publish",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.protection.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _data(data, scene, county, units):
    swap = {"TODAY": TODAY(), "CODE": scene["code"], "ABC": county["abc"].pk, "RCB": county["rcb"].pk}
    return {k: swap.get(v, v) for k, v in (data or {}).items()} or None


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, users, county, units, scene, name, args, method, expected, data):
    url = reverse(f"protection:{name}", args=args(scene) if args else None)
    data = _data(data, scene, county, units)
    if name == "complaint_act" and args(scene)[1] == "refer":
        data = {"refer-org": units["org"].pk, "refer-opened_on": TODAY()}
        expected = OFFICE_POST
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"protection:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", "czj", None]  # member: the finance centre; czj: another unit


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/protection/complaints", "200 404 200 200 404 401"),
    api_row("/protection/complaints/{complaint_id}", "200 404 200 404 404 401"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens, units, users, county):
    from tests.conftest import _org

    cache.clear()
    czj = _org("CZJ", "沂源县财政局", "government", plan_alias="县财政局")
    raw = {**tokens, "czj": token_create(actor=users["admin"], organisation=czj, name="财政")[1]}
    return lambda who: ApiClient(raw[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/protection/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    url = path.format(complaint_id=scene["abc"])
    assert {who: api(who).get(url).status_code for who in TOKENS} == expected


def test_the_api_gives_the_bank_its_own_complaints_masked(scene, api):
    body = api("abc").get("/protection/complaints").json()
    assert {row["id"] for row in body} == {scene["abc"], scene["escalated"]} | {
        row["id"] for row in body if row["status"] == "已转调解"
    }
    assert all("****" in row["phone"] for row in body)
    assert [row["id"] for row in api("rcb").get("/protection/complaints").json()] == [scene["own"]]
