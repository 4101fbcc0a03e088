"""Who reaches the insurance pages and API: every URL of puhui/insurance × every role, with the exact status,
and every /api/v1/insurance/ operation × the test tokens.

The bank column is ABC, a bank, not an insurer: it sees nothing here. The member column is the finance centre
(member units read every product, report and the coverage). The town is 历山街道, where PICC's apple product
was reported. The insurer's own users are checked below the table."""

from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import Workbook

from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.insurance.conftest import report_data
from tests.url_tables import api_operations, status_line

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


class Upload(BytesIO):
    """A file the test client can send once per column (it reads the file for every request)."""

    name = "承保理赔.xlsx"

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _workbook(product_pk) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["产品编号", "镇（街道）", "年度", "承保件数（件）", "参保户数（户）", "承保数量", "保费（元）"]
    )
    ws.append([product_pk, "鲁村镇", 2021, 100, 90, 300, 72000])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def scene(apple, make_report, county):
    report = make_report(apple, county["towns"][0])
    return {"product": apple.pk, "report": report.pk}


#        office admin member abc town agent public anonymous
READ = "200 200 200 404 200 404 404 302"
OFFICE_GET = "200 404 404 404 404 404 404 302"
OFFICE_POST = "302 404 404 404 404 404 404 302"
EVERYONE = "200 200 200 200 200 200 200 200"


def _arg(key):
    return lambda s: [s[key]]


PRODUCT = {"insurer": "PICC", "name": "桃种植保险", "line": "fruit", "subject": "peach", "covers": "冰雹、冻害",
           "sum_insured_per_unit": "3500", "premium_rate": "6", "central_share": "0", "provincial_share": "30",
           "city_share": "10", "county_share": "30", "farmer_share": "30", "is_local_special": "on",
           "on_sale_from": "2019-01-01"}  # fmt: skip
REPORT = {"product": "PRODUCT", "town": "TOWN1", "year": "2021", "policies": "100", "households": "90",
          "quantity": "300", "premium": "72000", "claims": "0", "claims_paid": "0"}  # fmt: skip

PAGES = [
    ("coverage", None, "get", READ, None),
    ("coverage_export", None, "get", READ, None),
    ("products", None, "get", READ, None),
    ("product_add", None, "get", OFFICE_GET, None),
    ("product_add", None, "post", OFFICE_POST, PRODUCT),
    ("product_detail", _arg("product"), "get", READ, None),
    ("product_edit", _arg("product"), "get", OFFICE_GET, None),
    ("product_edit", _arg("product"), "post", OFFICE_POST, {**PRODUCT, "name": "沂源苹果种植保险"}),
    ("reports", None, "get", READ, None),
    ("report_add", None, "get", OFFICE_GET, None),
    ("report_add", None, "post", OFFICE_POST, REPORT),
    ("report_upload", None, "get", OFFICE_GET, None),
    ("report_upload", None, "post", OFFICE_POST, {"file": "FILE"}),
    ("report_template", None, "get", OFFICE_GET, None),
    ("public", None, "get", EVERYONE, None),
]
NAMES = {
    "coverage", "coverage_export", "products", "product_add", "product_detail", "product_edit", "reports",
    "report_add", "report_upload", "report_template", "public",
}  # fmt: skip


def test_every_url_of_the_app_has_a_row():
    from puhui.insurance.urls import urlpatterns

    assert {p.name for p in urlpatterns} == NAMES == {row[0] for row in PAGES}


def _filled(data, county, insurers, scene):
    values = {
        "TOWN1": county["towns"][1].pk,
        "PICC": insurers["picc"].pk,
        "PRODUCT": scene["product"],
        "FILE": Upload(_workbook(scene["product"])),
    }
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in (data or {}).items()} or None


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, users, county, insurers, scene, name, args, method, expected, data):
    url = reverse(f"insurance:{name}", args=args(scene) if args else None)
    filled = _filled(data, county, insurers, scene)
    assert status_line(client, users, method, url, filled) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"insurance:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}


def test_an_insurer_keeps_its_own_products_and_reports(client, ins_users, scene, county, insurers):
    picc, clic = ins_users["picc"], ins_users["clic"]
    edit = reverse("insurance:product_edit", args=[scene["product"]])
    client.force_login(picc)
    for name in ("coverage", "products", "reports", "report_add", "report_upload", "product_add"):
        assert client.get(reverse(f"insurance:{name}")).status_code == 200, name
    assert client.get(edit).status_code == 200
    posted = client.post(reverse("insurance:report_add"), _filled(REPORT, county, insurers, scene))
    assert posted.status_code == 302
    client.force_login(clic)
    assert client.get(edit).status_code == 404
    refused = client.post(reverse("insurance:report_add"), _filled(REPORT, county, insurers, scene))
    assert refused.status_code == 400  # PICC's product is not offered to CLIC
    listed = client.get(reverse("insurance:reports")).content.decode()
    assert "沂源苹果种植保险" not in listed


def test_refusals_show_on_the_form_in_chinese(client, users, county, insurers, scene):
    client.force_login(users["office"])
    bad = {**_filled(REPORT, county, insurers, scene), "policies": "900"}
    page = client.post(reverse("insurance:report_add"), bad)
    assert page.status_code == 400 and "不能超过鲁村镇的农户数（500 户）" in page.content.decode()
    shares = {**_filled(PRODUCT, county, insurers, scene), "farmer_share": "10"}
    page = client.post(reverse("insurance:product_add"), shares)
    assert page.status_code == 400 and "合计应为 100%" in page.content.decode()
    upload = client.post(reverse("insurance:report_upload"), {"file": Upload(b"broken")})
    assert upload.status_code == 400


# ---------------------------------------------------------------- the API

TOKENS = ["pboc", "member", "abc", "rcb", None]  # member: the finance centre


def api_row(path, statuses: str):
    return ("get", path, dict(zip(TOKENS, [int(c) for c in statuses.split()], strict=True)))


API_CASES = [
    api_row("/insurance/products", "200 200 200 200 401"),
    api_row("/insurance/coverage", "200 200 404 404 401"),
]
# Read by tests/test_every_url_has_a_row.py: (METHOD, schema path) → its rows.
API_TABLE = {(m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)] for m, p, _ in API_CASES}


@pytest.fixture
def api(tokens):
    cache.clear()
    return lambda who: ApiClient(tokens[who] if who else None)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, "/api/v1/insurance/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_access(scene, api, method, path, expected):
    assert {who: api(who).get(path).status_code for who in TOKENS} == expected


def test_the_api_coverage_is_the_pages(scene, api):
    body = api("pboc").get("/insurance/coverage?year=2021").json()
    assert body["year"] == 2021 and body["farm_households"] == 1000
    (row,) = body["products"]
    assert row["households"] == 280 and row["household_rate"] == 28.0 and row["loss_ratio"] == 50.0
    assert report_data  # the scene's report is the conftest default (premium 204,120 元, claims 102,060 元)
