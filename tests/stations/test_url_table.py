"""Who reaches the stations pages and API: every URL of puhui/stations × every role, with the exact status,
and every /api/v1/stations/ operation × the test tokens.

The bank column is ABC, whose service point SP1 (in 鲁村镇) has a March 2021 report, an inspection with a photo
waiting for rectification, and a current agent; the town column is 历山街道 (SP1 is not in it); the member
column is the finance centre."""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import Workbook

from puhui.core.models import ServicePoint
from puhui.stations.services import monthly, records
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.stations.conftest import figures, inspection_data, png
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens
D = datetime.date


class Upload(BytesIO):
    """A file the test client can send once per column (it reads the file for every request)."""

    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _month_file() -> bytes:
    wb = Workbook()
    wb.active.append(["服务点编号", "月份", "取款笔数（笔）", "取款金额（元）", "转账笔数（笔）", "转账金额（元）",
                      "汇款笔数（笔）", "汇款金额（元）", "缴费笔数（笔）", "缴费金额（元）", "单卡单日取款限额（元/卡/日）"])  # fmt: skip
    wb.active.append(["SP1", "2021-04", 3, 600, 0, 0, 0, 0, 1, 50, 1000])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def scene(users, county):
    abc = users["abc"]
    point = county["service_points"][0]
    ServicePoint.objects.create(
        code="SP5",
        name="鲁村2村服务点",
        bank=county["abc"],
        village=county["villages"][3],
        functions=["withdrawal"],
    )
    monthly.monthly_report_save(actor=abc, point=point, month=D(2021, 3, 1), **figures())
    inspection = records.inspection_create(actor=abc, **inspection_data(county))
    agent = records.agent_appoint(
        actor=abc, point=point, name="李代办", phone="13800001234", since=D(2020, 1, 1)
    )
    return {
        "bank": county["abc"].pk,
        "inspection": inspection.pk,
        "photo": inspection.photos.get().pk,
        "agent": agent.pk,
        "sp5": ServicePoint.objects.get(code="SP5").pk,
    }


#        office admin member abc town agent public anonymous
STAFF_READ = "200 200 200 200 200 404 404 302"
RECORDS = "200 200 404 200 200 404 404 302"
BANK_GET = "404 404 404 200 404 404 404 302"
BANK_POST = "404 404 404 302 404 404 404 302"
SEES_BANK = "200 200 404 200 404 404 404 302"


def _arg(key):
    return lambda s: [s[key]]


OFFER = {
    "functions": ["withdrawal", "transfer"],
    "bill_items": ["water"],
    "mobile_items": ["water"],
    "mobile_realtime": "on",
}
MONTH = {"point": "SP1", "month": "2021-05", **{k: str(v) for k, v in figures().items()}}
INSPECTION = {
    "point": "SP1",
    "inspected_on": "2021-05-06",
    "inspector": "王",
    "failed": [],
    "photos": "PHOTO",
}
AGENT = {"point": "SP5", "name": "赵代办", "phone": "13900001234", "since": "2021-01-01"}
SCENE = {"kind": "taxi", "name": "县出租车", "town": "TOWN0", "bank": "ABC", "since": "2020-06-01"}

PAGES = [
    ("targets", None, "get", STAFF_READ, None),
    ("billpay", None, "get", STAFF_READ, None),
    ("offers", None, "get", STAFF_READ, None),
    ("offer_edit", _arg("bank"), "get", "200 404 404 200 404 404 404 302", None),
    ("offer_edit", _arg("bank"), "post", "302 404 404 302 404 404 404 302", OFFER),
    ("monthly", None, "get", RECORDS, None),
    ("monthly_add", None, "get", BANK_GET, None),
    ("monthly_add", None, "post", BANK_POST, MONTH),
    ("monthly_upload", None, "get", BANK_GET, None),
    ("monthly_upload", None, "post", BANK_POST, {"file": "FILE"}),
    ("monthly_template", None, "get", BANK_GET, None),
    ("inspections", None, "get", RECORDS, None),
    ("inspection_add", None, "get", BANK_GET, None),
    ("inspection_add", None, "post", BANK_POST, INSPECTION),
    ("inspection_detail", _arg("inspection"), "get", SEES_BANK, None),
    ("inspection_rectify", _arg("inspection"), "post", BANK_POST, {"on": "2021-04-20", "note": "已更换标识"}),
    ("photo", _arg("photo"), "get", SEES_BANK, None),
    ("agents", None, "get", SEES_BANK, None),
    ("agent_add", None, "get", BANK_GET, None),
    ("agent_add", None, "post", BANK_POST, AGENT),
    ("agent_end", _arg("agent"), "post", BANK_POST, {"on": "2021-06-30"}),
    ("scenes", None, "get", STAFF_READ, None),
    ("scene_add", None, "get", "200 404 404 200 404 404 404 302", None),
    ("scene_add", None, "post", "302 404 404 302 404 404 404 302", SCENE),
]
NAMES = {
    "targets", "billpay", "offers", "offer_edit", "monthly", "monthly_add", "monthly_upload", "monthly_template",
    "inspections", "inspection_add", "inspection_detail", "inspection_rectify", "photo", "agents", "agent_add",
    "agent_end", "scenes", "scene_add",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.stations.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, county, scene):
    values = {
        "TOWN0": county["towns"][0].pk,
        "ABC": county["abc"].pk,
        "SP1": county["service_points"][0].pk,
        "SP5": scene["sp5"],
        "PHOTO": Upload(png(), "现场.png"),
        "FILE": Upload(_month_file(), "四月.xlsx"),
    }
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in (data or {}).items()} or None


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, county, scene, name, args, method, expected, data):
    url = reverse(f"stations:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _filled(data, county, scene)) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"stations:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str, params=None):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)), params or {})


API_CASES = [
    api_row("/stations/targets", "200 200 200 200 401", {"on": "2021-03-31"}),
    api_row("/stations/monthly", "200 404 200 200 401", {"month": "2021-03"}),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, *_ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/stations/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected,params", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected, params):
    assert {who: api(who).get(path, params).status_code for who in TOKENS} == expected


def test_the_api_gives_a_bank_its_own_months_and_the_targets(scene, api):
    body = api("abc").get("/stations/monthly", {"month": "2021-03"}).json()
    assert [(r["point_code"], r["withdrawal_count"], r["over_limit"]) for r in body] == [("SP1", 120, False)]
    assert api("rcb").get("/stations/monthly", {"month": "2021-03"}).json() == []
    targets = api("pboc").get("/stations/targets", {"on": "2021-03-31"}).json()
    assert targets["county"]["points"] == 3 and targets["realtime_target"] == 95
    assert {t["town"] for t in targets["towns"]} == {"历山街道", "鲁村镇"}
