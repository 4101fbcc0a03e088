"""Who reaches the cash pages and API: every URL of puhui/cash × every role, with the exact status, and every
/api/v1/cash/ operation × the test tokens.

The bank column is ABC: it registered the point at its outlet, has two units (its outlet and 鲁村1村服务点) among
the warning's recipients, and the pending booking is at its point. RCB's point is at RCB's station."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.cash.services import bookings, warnings
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.cash.conftest import booking_data, next_weekday
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def scene(users, county, abc_point, rcb_point):
    warning = warnings.warning_issue(
        actor=users["office"], title="预警", text="内容", denomination="100", features="冠字号码",
        deadline=datetime.date.today() + datetime.timedelta(days=3),
    )  # fmt: skip
    booking, code = bookings.booking_create(**booking_data(abc_point))
    return {"point": abc_point.pk, "rcb_point": rcb_point.pk, "warning": warning.pk, "booking": booking.pk,
            "code": code}  # fmt: skip


#        office admin member abc town agent public anonymous
ALL_200 = "200 200 200 200 200 200 200 200"
ALL_404 = "404 404 404 404 404 404 404 404"
READERS = "200 200 200 200 200 200 404 302"
KEEPERS_GET = "200 404 404 200 404 404 404 302"
KEEPERS_POST = "302 404 404 302 404 404 404 302"
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
WARNED = "200 200 404 200 404 404 404 302"
BANK_POST = "404 404 404 302 404 404 404 302"


def _arg(key):
    return lambda s: [s[key]]


POINT = {"kind": "new_notes", "name": "新票点", "bank": "ABC", "outlet": "ABC_OUTLET", "services": ["new"],
         "opened_on": "2021-01-04", "opens_0": "09:00", "closes_0": "16:00"}  # fmt: skip
WARNING = {"title": "预警", "denomination": "50", "features": "冠字号码", "text": "内容", "deadline": "SOON"}
BOOKING = {"service": "withdrawal", "point": "POINT", "day": "WEEKDAY", "time": "10:00", "name": "李四",
           "phone": "13900001111", "amount": "60000"}  # fmt: skip

PAGES = [
    ("points", None, "get", READERS, None),
    ("point_add", None, "get", KEEPERS_GET, None),
    ("point_add", None, "post", KEEPERS_POST, POINT),
    ("point_detail", _arg("point"), "get", READERS, None),
    ("point_edit", _arg("point"), "get", KEEPERS_GET, None),
    ("point_edit", _arg("point"), "post", KEEPERS_POST, POINT),
    ("point_edit", _arg("rcb_point"), "get", OFFICE_GET, None),
    ("warnings", None, "get", WARNED, None),
    ("warning_add", None, "get", OFFICE_GET, None),
    ("warning_add", None, "post", OFFICE_POST, WARNING),
    ("warning_detail", _arg("warning"), "get", WARNED, None),
    ("warning_acknowledge", _arg("warning"), "post", BANK_POST, {"everything": "on"}),
    ("recipients", None, "get", WARNED, None),
    ("bookings", None, "get", WARNED, None),
    ("booking_detail", _arg("booking"), "get", WARNED, None),
    (
        "booking_confirm",
        _arg("booking"),
        "post",
        BANK_POST,
        {"confirm-day": "WEEKDAY", "confirm-time": "11:00"},
    ),
    ("booking_refuse", _arg("booking"), "post", BANK_POST, {"refuse-reason": "已约满"}),
    ("booking", None, "get", ALL_200, None),
    ("booking", None, "post", ALL_200, BOOKING),  # the answer shows the code once
    ("booking_track", None, "get", ALL_200, None),
    ("booking_track", None, "post", "302 302 302 302 302 302 302 302", {"code": "CODE", "digits": "5678"}),
    ("booking_track", None, "post", ALL_404, {"code": "ABCDEFGHJKMN", "digits": "5678"}),  # forged
    ("booking_track_view", None, "get", ALL_404, None),  # nothing followed in this session
]
NAMES = {
    "points", "point_add", "point_detail", "point_edit", "warnings", "warning_add", "warning_detail",
    "warning_acknowledge", "recipients", "bookings", "booking_detail", "booking_confirm", "booking_refuse",
    "booking", "booking_track", "booking_track_view",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.cash.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, scene, county):
    values = {
        "ABC": county["abc"].pk, "ABC_OUTLET": county["abc_outlet"].pk, "POINT": scene["point"],
        "WEEKDAY": next_weekday().isoformat(), "CODE": scene["code"],
        "SOON": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
    }  # fmt: skip
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in (data or {}).items()} or None


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, users, county, scene, name, args, method, expected, data):
    url = reverse(f"cash:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _filled(data, scene, county)) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"cash:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/cash/points", "200 404 200 200 401"),
    api_row("/cash/warnings", "200 404 200 200 401"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/cash/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    assert {who: api(who).get(path).status_code for who in TOKENS} == expected


def test_the_api_gives_a_bank_its_own(scene, api, users):
    assert [p["id"] for p in api("abc").get("/cash/points").json()] == [scene["point"]]
    assert len(api("pboc").get("/cash/points").json()) == 2
    warnings.warning_acknowledge(actor=users["abc"], warning=warnings.Warning.objects.get(), everything=True)
    abc = api("abc").get("/cash/warnings").json()
    assert [(w["units"], w["acknowledged"]) for w in abc] == [(2, 2)]
    assert [(w["units"], w["acknowledged"]) for w in api("pboc").get("/cash/warnings").json()] == [(4, 2)]
    assert api("rcb").get("/cash/warnings").json()[0]["acknowledged"] == 0
