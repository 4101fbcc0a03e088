"""Who reaches the 惠农商圈 pages and API: every URL of puhui/merchants × every role, with the exact status,
and every /api/v1/merchants operation × the test tokens.

The bank column is ABC, which signed a merchant in 鲁村镇 (with a reported month); RCB signed one in 历山街道,
the town column's town. The member column is the finance centre, which reads the county's register."""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.merchants.services.figures import figure_report
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.merchants.conftest import xlsx
from tests.url_tables import status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens
D = datetime.date


class Upload(BytesIO):
    """A file the test client can send once per column (it reads the file for every request)."""

    name = "月度交易.xlsx"

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


@pytest.fixture
def scene(make_merchant, users, county):
    abc_m = make_merchant(
        users["abc"],
        code="ABC-0001",
        name="鲁村1村饭店",
        village=county["villages"][2],
        town=county["towns"][1],
    )
    rcb_m = make_merchant()
    figure = figure_report(actor=users["abc"], merchant=abc_m, month=D(2021, 3, 1), transactions=5, amount=50)
    return {"abc_m": abc_m.pk, "rcb_m": rcb_m.pk, "figure": figure.pk}


#        office admin member abc town agent public anonymous
KEEPER_GET = "200 404 404 200 404 404 404 302"
KEEPER_POST = "302 404 404 302 404 404 404 302"
READERS = "200 200 200 200 200 404 404 302"


def _arg(key):
    return lambda s: [s[key]]


MERCHANT = {"code": "ABC-0099", "name": "鲁村2村超市", "bank": "BANK", "town": "TOWN1", "village": "",
            "business_type": "supermarket", "acceptance": ["accepts_card"], "signed_on": "2021-01-04"}  # fmt: skip
EDIT = {
    **MERCHANT,
    "code": "ABC-0001",
    "name": "鲁村1村饭店",
    "village": "VILLAGE2",
    "ended_on": "2021-09-01",
}
FIGURE = {"month": "2021-04", "transactions": "9", "amount": "90"}
FILE = {"file": "FILE"}

PAGES = [
    ("list", None, "get", READERS, None),
    ("merchant_add", None, "get", KEEPER_GET, None),
    ("merchant_add", None, "post", KEEPER_POST, MERCHANT),
    ("merchant_detail", _arg("abc_m"), "get", "200 200 200 200 404 404 404 302", None),
    ("merchant_detail", _arg("rcb_m"), "get", "200 200 200 404 200 404 404 302", None),
    ("merchant_edit", _arg("abc_m"), "get", KEEPER_GET, None),
    ("merchant_edit", _arg("abc_m"), "post", KEEPER_POST, EDIT),
    ("merchant_edit", _arg("rcb_m"), "get", "200 404 404 404 404 404 404 302", None),
    ("figure_add", _arg("abc_m"), "post", KEEPER_POST, FIGURE),
    ("figure_add", _arg("rcb_m"), "post", "302 404 404 404 404 404 404 302", FIGURE),
    ("figure_add", _arg("abc_m"), "get", "405 405 405 405 405 405 405 302", None),
    ("figure_edit", _arg("figure"), "get", KEEPER_GET, None),
    ("figure_edit", _arg("figure"), "post", KEEPER_POST, {"transactions": "6", "amount": "60"}),
    ("figures_upload", None, "get", KEEPER_GET, None),
    ("figures_upload", None, "post", KEEPER_GET, FILE),
    ("figures_template", None, "get", KEEPER_GET, None),
    ("coverage", None, "get", READERS, None),
]
NAMES = {
    "list", "merchant_add", "merchant_detail", "merchant_edit", "figure_add", "figure_edit", "figures_upload",
    "figures_template", "coverage",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.merchants.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, county):
    upload = Upload(xlsx([("ABC-0001", "2021-05", 3, 30)]).getvalue())
    values = {
        "TOWN1": county["towns"][1].pk,
        "VILLAGE2": county["villages"][2].pk,
        "BANK": county["abc"].pk,
        "FILE": upload,
    }
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in (data or {}).items()} or None


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, county, scene, name, args, method, expected, data):
    url = reverse(f"merchants:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _filled(data, county)) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"merchants:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [api_row("/merchants", "200 200 200 200 401")]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {
        (method, path.removeprefix("/api/v1"))
        for path, methods in paths.items()
        if path == "/api/v1/merchants" or path.startswith("/api/v1/merchants/")
        for method in methods
    }
    assert operations == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    assert {who: api(who).get(path).status_code for who in TOKENS} == expected


def test_the_api_gives_a_bank_its_own_merchants(scene, api, county):
    body = api("abc").get("/merchants").json()
    assert body["total"] == 1
    row = body["items"][0]
    assert (row["code"], row["bank"], row["town"], row["village"]) == (
        "ABC-0001",
        "中国农业银行沂源县支行",
        "鲁村镇",
        "鲁村1村",
    )
    assert (
        row["acceptance"] == ["银行卡", "二维码"]
        and row["months_reported"] == 1
        and row["discount_rate"] == 5.0
    )
    assert api("pboc").get("/merchants").json()["total"] == 2
    assert api("pboc").get("/merchants", {"town": county["towns"][0].code}).json()["total"] == 1
    assert api("rcb").get("/merchants", {"active_on": "2020-01-01"}).json()["total"] == 0
