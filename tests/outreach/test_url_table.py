"""Who reaches the outreach pages and API: every URL of puhui/outreach × every role, with the exact status,
and every /api/v1/outreach/ operation × the test tokens.

The bank column is ABC, which entered the pending event, the approved one (in 历山街道, the town column's
town) and a publicity session; the agent entered a session in its own village; the office entered a school
base paired with RCB. The member column is the finance centre, which is not the education bureau: it sees
nothing here."""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.outreach.services import records
from puhui.outreach.services.review import record_review
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.outreach.conftest import event_data, png, publicity_data, school_data
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens
D = datetime.date


class Upload(BytesIO):
    """A photo the test client can send once per column (it reads the file for every request)."""

    name = "现场.png"

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


@pytest.fixture
def scene(users, county):
    abc, office = users["abc"], users["office"]
    pending = records.event_create(actor=abc, **event_data(county))
    approved = records.event_create(actor=abc, **event_data(county, town=county["towns"][0]))
    record_review(actor=office, record=approved, decision="approve")
    talk = records.publicity_create(actor=abc, **publicity_data(county))
    agent_talk = records.publicity_create(
        actor=users["agent"], **publicity_data(county, village=county["villages"][0])
    )
    school = records.school_create(actor=office, **school_data(county))
    return {
        "pending": pending.pk,
        "approved": approved.pk,
        "photo": pending.photos.get().pk,
        "talk": talk.pk,
        "agent_talk": agent_talk.pk,
        "school": school.pk,
    }


#        office admin member abc town agent public anonymous
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
BANK_GET = "404 404 404 200 404 404 404 302"
BANK_POST = "404 404 404 302 404 404 404 302"
SEES_BANK = "200 200 404 200 404 404 404 302"  # a bank's record not yet approved
LISTS = "200 200 404 200 200 404 404 302"


def _arg(key):
    return lambda s: [s[key]]


EVENT = {"held_on": "2021-05-06", "place_type": "community", "town": "TOWN0", "place": "南麻社区",
         "services": ["cash"], "people_served": "80", "photos": "PHOTO"}  # fmt: skip
TALK = {"held_on": "2021-06-01", "channel": "outlet", "audience_group": "low_income", "topic": "防诈骗",
        "town": "TOWN0", "village": "VILLAGE0", "audience": "40"}  # fmt: skip
SCHOOL = {"school": "南麻中学", "town": "TOWN0", "year": "2021", "curriculum": "综合实践课", "lectures": "2",
          "practice_days": "1", "teachers_trained": "3"}  # fmt: skip
REVIEW = {"review-decision": "return", "review-reason": "请补充照片"}

PAGES = [
    ("targets", None, "get", "200 200 404 200 200 200 404 302", None),
    ("events", None, "get", LISTS, None),
    ("event_add", None, "get", BANK_GET, None),
    ("event_add", None, "post", BANK_POST, EVENT),
    ("event_detail", _arg("pending"), "get", SEES_BANK, None),
    ("event_detail", _arg("approved"), "get", LISTS, None),
    ("event_edit", _arg("pending"), "get", BANK_GET, None),
    ("event_edit", _arg("pending"), "post", BANK_POST, {**EVENT, "photos": ""}),
    ("event_edit", _arg("approved"), "get", "404 404 404 404 404 404 404 302", None),
    ("event_review", _arg("pending"), "post", OFFICE_POST, REVIEW),
    ("photo", _arg("photo"), "get", SEES_BANK, None),
    ("publicity", None, "get", "200 200 404 200 200 200 404 302", None),
    ("publicity_add", None, "get", "404 404 404 200 404 200 404 302", None),
    ("publicity_add", None, "post", "404 404 404 302 404 302 404 302", TALK),
    ("publicity_detail", _arg("talk"), "get", SEES_BANK, None),
    ("publicity_detail", _arg("agent_talk"), "get", "200 200 404 404 404 200 404 302", None),
    ("publicity_edit", _arg("talk"), "get", BANK_GET, None),
    ("publicity_edit", _arg("talk"), "post", BANK_POST, TALK),
    ("publicity_review", _arg("talk"), "post", OFFICE_POST, REVIEW),
    ("schools", None, "get", LISTS, None),
    ("school_add", None, "get", OFFICE_GET, None),
    ("school_add", None, "post", OFFICE_POST, SCHOOL),
    ("school_detail", _arg("school"), "get", "200 200 404 404 404 404 404 302", None),
    ("school_edit", _arg("school"), "get", OFFICE_GET, None),
    ("school_edit", _arg("school"), "post", OFFICE_POST, {**SCHOOL, "school": "沂源县实验小学"}),
    ("school_review", _arg("school"), "post", OFFICE_POST, REVIEW),
]
NAMES = {
    "targets", "events", "event_add", "event_detail", "event_edit", "event_review", "photo", "publicity",
    "publicity_add", "publicity_detail", "publicity_edit", "publicity_review", "schools", "school_add",
    "school_detail", "school_edit", "school_review",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.outreach.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, county):
    values = {"TOWN0": county["towns"][0].pk, "VILLAGE0": county["villages"][0].pk, "PHOTO": Upload(png())}
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in (data or {}).items()} or None


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, county, scene, name, args, method, expected, data):
    url = reverse(f"outreach:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _filled(data, county)) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"outreach:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/outreach/events", "200 404 200 200 401"),
    api_row("/outreach/events/{event_id}", "200 404 200 404 401"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/outreach/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    url = path.format(event_id=scene["pending"])
    assert {who: api(who).get(url).status_code for who in TOKENS} == expected


def test_the_api_gives_a_bank_its_own_events(scene, api):
    body = api("abc").get("/outreach/events?year=2021").json()
    assert [row["id"] for row in body] == sorted([scene["pending"], scene["approved"]])
    assert body[0]["photos"] == 1 and body[0]["place_type"] == "农村" and body[0]["people_served"] == 120
    assert api("rcb").get("/outreach/events").json() == []
    assert api("abc").get("/outreach/events?year=2020").json() == []
