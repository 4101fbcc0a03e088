"""Who reaches the disposal pages and API: every URL of puhui/disposal × every role, with the exact status,
and every /api/v1/disposal/ operation × the test tokens.

The member column is the finance centre, a unit of the linkage mechanism: it owns a step of one case and
sees the published list. The bank (ABC) proposed the listed debtor; RCB proposed the others. The public user
("farmer") heads the household whose head was notified (a debtor sees their own notice and objects)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from puhui.api.services import token_create
from puhui.disposal.services import cases as case_services
from puhui.disposal.services import listings as listing_services
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.disposal.conftest import evidence, person_evidence
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens
D = datetime.date


@pytest.fixture
def scene(users, units, county, walk):
    office, today = users["office"], timezone.localdate()
    case = case_services.case_open(
        actor=office, subject_kind="firm", firm=county["firms"][0], title="甲公司风险处置",
        measures=["restructuring"], opened_on=D(2021, 5, 6),
    )  # fmt: skip
    mine = case_services.step_add(
        actor=office, case=case, what="协调重组", owner=units["centre"], working_days=10
    )
    case_services.step_add(actor=office, case=case, what="审查", owner=units["court"], working_days=10)
    empty = case_services.case_open(
        actor=office, subject_kind="group", group_label="担保群 2", title="担保群风险隔断",
        measures=["isolation"], opened_on=D(2021, 5, 6),
    )  # fmt: skip
    listed = walk("listed")  # proposed by ABC
    proposed = listing_services.listing_propose(
        actor=users["rcb"], **evidence(uscc="92370323MA3C4DB61L", debtor_name="鲁村乙商店")
    )
    person = listing_services.listing_propose(actor=users["rcb"], **person_evidence())
    person = listing_services.listing_notify(actor=office, listing=person, notified_on=today, means="post")
    return {
        "case": case.pk,
        "empty": empty.pk,
        "step": mine.pk,
        "listed": listed.pk,
        "proposed": proposed.pk,
        "person": person.pk,
    }


#              office admin member abc town agent public anonymous
STAFF = "200 200 200 200 404 404 404 302"
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731

CASE = {"title": "新案", "subject_kind": "group", "group_label": "担保群 5", "measures": ["isolation"],
        "opened_on": "2021-05-06"}  # fmt: skip
PROPOSE = {"debtor_kind": "firm", "debtor_name": "沂源丙公司", "uscc": "91370323MA3D8KX71U",
           "judgment_no": "（2021）鲁0323民初88号", "amount_owed": "500000", "judgment_date": "2021-03-01",
           "enforcement_date": "2021-04-01"}  # fmt: skip


def _arg(key):
    return lambda s: [s[key]]


PAGES = [
    ("cases", None, "get", STAFF, None),
    ("case_add", None, "get", OFFICE_GET, None),
    ("case_add", None, "post", OFFICE_POST, CASE),
    ("case_detail", _arg("case"), "get", "200 200 200 404 404 404 404 302", None),
    ("step_add", _arg("case"), "post", OFFICE_POST, None),  # data filled in below (needs an owner pk)
    (
        "case_close",
        _arg("empty"),
        "post",
        OFFICE_POST,
        {"close-outcome": "已隔断", "close-amount_resolved": "0", "close-closed_on": "2021-06-01"},
    ),
    (
        "step_report",
        _arg("step"),
        "post",
        "302 404 302 404 404 404 404 302",
        {"report": "已召开协调会", "done_on": "2021-05-20"},
    ),
    ("listings", None, "get", "200 200 200 200 404 404 200 302", None),
    ("listing_propose", None, "get", "404 404 404 200 404 404 404 302", None),
    ("listing_propose", None, "post", "404 404 404 302 404 404 404 302", PROPOSE),
    ("listing_detail", _arg("listed"), "get", STAFF, None),
    ("listing_detail", _arg("proposed"), "get", "200 200 404 404 404 404 404 302", None),
    ("listing_detail", _arg("person"), "get", "200 200 404 404 404 404 200 302", None),
    (
        "listing_notify",
        _arg("proposed"),
        "post",
        OFFICE_POST,
        {"notice-notified_on": "TODAY", "notice-means": "post"},
    ),
    (
        "listing_object",
        _arg("person"),
        "post",
        "302 404 404 404 404 404 302 302",
        {"objection-objection": "借款已展期", "objection-on": "TODAY"},
    ),
    (
        "listing_decide",
        _arg("proposed"),
        "post",
        OFFICE_POST,
        {"decision-decision": "reject", "decision-reason": "证据不足", "decision-on": "TODAY"},
    ),
    (
        "listing_settle",
        _arg("listed"),
        "post",
        "302 404 404 302 404 404 404 302",
        {"settle-settled_on": "TODAY", "settle-note": "已全额清偿"},
    ),
    (
        "listing_remove",
        _arg("listed"),
        "post",
        OFFICE_POST,
        {"remove-removal": "appeal", "remove-reason": "申诉成立", "remove-on": "TODAY"},
    ),
]
NAMES = {
    "cases", "case_add", "case_detail", "step_add", "case_close", "step_report", "listings", "listing_propose",
    "listing_detail", "listing_notify", "listing_object", "listing_decide", "listing_settle", "listing_remove",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.disposal.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, units, scene, name, args, method, expected, data):
    url = reverse(f"disposal:{name}", args=args(scene) if args else None)
    data = {k: (TODAY() if v == "TODAY" else v) for k, v in (data or {}).items()} or None
    if name == "step_add":
        data = {"step-what": "冻结账户", "step-owner": units["court"].pk, "step-working_days": "5"}
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"disposal:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", "czj", None]  # member: the finance centre; czj: outside the scope


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/disposal/listings", "200 200 200 200 404 401"),
    api_row("/disposal/listings/{listing_id}", "200 200 200 200 404 401"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens, units, users):
    cache.clear()
    raw = {**tokens, "czj": token_create(actor=users["admin"], organisation=units["czj"], name="财政")[1]}
    return lambda who: ApiClient(raw[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/disposal/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    url = path.format(listing_id=scene["listed"])
    assert {who: api(who).get(url).status_code for who in TOKENS} == expected


def test_the_api_publishes_listed_entries_only(scene, api):
    body = api("rcb").get("/disposal/listings").json()
    assert [row["id"] for row in body] == [scene["listed"]]
    assert body[0]["debtor_name"] == "沂源甲公司" and body[0]["amount_owed"] == "1250000.00"
    assert api("abc").get(f"/disposal/listings/{scene['proposed']}").status_code == 404
    assert api("pboc").get(f"/disposal/listings/{scene['person']}").status_code == 404
