"""Who reaches the local-finance overview, organisations, findings and insurance pages: every URL of
views/orgs.py × every role, with the exact status. The member column is the finance centre (it sees and
keeps everything, as the office does); the bank (ABC) reads the county's totals only."""

import pytest
from django.urls import reverse

from tests.localfin.test_api_table import API_TABLE  # noqa: F401 (read by tests/test_every_url_has_a_row.py)
from tests.url_tables import status_line

pytestmark = pytest.mark.django_db

#              office admin member abc town agent public anonymous
READ = "200 200 200 200 404 404 404 302"
ALL = "200 200 200 404 404 404 404 302"
MANAGE_GET = "200 404 200 404 404 404 404 302"
MANAGE_POST = "302 404 302 404 404 404 404 302"

LICENCE = {
    "licence_no": "鲁融担〔2016〕0031号",
    "licensed_on": "2016-05-10",
    "supervisor": "县金融证券工作服务中心",
    "registered_capital": "200000000",
    "leverage_cap": "10",
    "scope": "融资担保业务",
}


def _guarantee(s):
    return [s["guarantee"].pk]


PAGES = [
    ("home", None, "get", READ, None),
    ("organisations", None, "get", ALL, None),
    ("organisation", _guarantee, "get", ALL, None),
    ("licence_edit", _guarantee, "get", MANAGE_GET, None),
    ("licence_edit", _guarantee, "post", MANAGE_POST, LICENCE),
    ("breaches", None, "get", ALL, None),
    ("insurance", None, "get", ALL, None),
]
NAMES = {"home", "organisations", "organisation", "licence_edit", "breaches", "insurance"}


def test_every_url_of_the_organisation_pages_has_a_row():
    assert {row[0] for row in PAGES} == NAMES


@pytest.mark.parametrize("name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{r[2]}" for r in PAGES])
def test_page_access(client, local, users, name, args, method, expected, data):
    url = reverse(f"localfin:{name}", args=args(local) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"localfin:{n}": [r for r in PAGES if r[0] == n] for n in NAMES}
