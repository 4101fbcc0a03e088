"""Who reaches the pages of direct financing, the apple exchange and the credit mutuals: every URL of
views/financing.py × every role, with the exact status; what the pages show; and a bounded number of
queries whatever the number of records.

The office, the administrators and the finance centre (the `member` user here) read; the office and the
finance centre write; banks, towns, agents, the public — and another member unit (县财政局) — get 404.
"""

import datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from puhui.localfin.models import BondIssue
from puhui.localfin.services import financing as services
from puhui.localfin.urls import urlpatterns
from tests.conftest import _org
from tests.url_tables import status_line

pytestmark = pytest.mark.django_db
D = datetime.date
MINE = {
    "financing_overview", "bonds", "bond_add", "bond_edit", "bond_delete", "equity", "equity_add", "equity_edit",
    "equity_delete", "exchange", "mutuals", "mutual_detail", "mutual_month_add",
}  # fmt: skip


def _firm(firm):
    return {"uscc": firm.uscc, "name": firm.name, "town": firm.town, "industry": firm.industry}


def _bond_args(n: int = 0) -> dict:
    issued = D(2019, 1, 10) + datetime.timedelta(days=40 * n)
    return {
        "instrument": ["mtn", "scp", "corporate"][n % 3],
        "amount": Decimal(100_000_000 + n * 1_000_000),
        "rate": Decimal("4.5"),
        "term_months": 36,
        "issued_on": issued,
        "matures_on": services.months_later(issued, 36),
        "underwriter": "中泰证券股份有限公司",
    }


def _deal_args(n: int = 0) -> dict:
    return {
        "investor_kind": ["angel", "vc", "pe", "guidance"][n % 4],
        "investor": "鲁信创业投资集团股份有限公司",
        "amount": Decimal(10_000_000 + n * 100_000),
        "closed_on": D(2019, 2, 1) + datetime.timedelta(days=30 * n),
        "fund_project": "乡村振兴基金+苹果全产业链" if n % 2 else "",
    }


@pytest.fixture
def scene(users, firms, county):
    member = users["member"]
    bond = services.bond_add(actor=member, **_firm(firms["yiyuan"]), **_bond_args())
    deal = services.equity_add(actor=member, **_firm(firms["lucun"]), **_deal_args(1))
    services.exchange_month_save(
        actor=member,
        month=D(2020, 11, 1),
        listed_volume=Decimal("15000"),
        turnover=Decimal("75000000"),
        farmers=3600,
    )
    v = county["villages"]
    coop = _org("COOP1", "沂源县燕崖镇朱家户果品专业合作社", "credit_mutual", division=v[0])
    spare = _org("COOP2", "沂源县中庄镇富民农业专业合作社", "credit_mutual", division=v[2])
    mutual = services.mutual_add(actor=member, organisation=coop, approved_on=D(2019, 3, 1))
    services.mutual_month_save(
        actor=member,
        mutual=mutual,
        month=D(2020, 6, 1),
        members=80,
        funds=Decimal("900000"),
        loans=Decimal("600000"),
    )
    return {
        "bond": bond.pk,
        "deal": deal.pk,
        "mutual": mutual.pk,
        "spare": spare.pk,
        "town": county["towns"][0].pk,
    }


def _(key):
    return lambda s: [s[key]]


#            office admin member abc town agent public anonymous
READ = "200 200 200 404 404 404 404 302"
KEEP_GET = "200 404 200 404 404 404 404 302"
KEEP_POST = "302 404 302 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"


def BOND(s):
    return {
        "uscc": "91370323MAD062KJ1G", "name": "沂源县城市建设投资集团有限公司", "town": s["town"],
        "industry": "城市基础设施建设", "instrument": "mtn", "amount": "300000000", "rate": "4.20",
        "term_months": "60", "issued_on": "2021-05-20", "matures_on": "2026-05-20", "underwriter": "兴业银行",
    }  # fmt: skip


def DEAL(s):
    return {
        "uscc": "91370323MA3C4DB553", "name": "山东沂源药业股份有限公司", "town": s["town"], "industry": "医药制造",
        "investor_kind": "pe", "investor": "山东国惠基金管理有限公司", "amount": "50000000",
        "closed_on": "2021-03-01", "fund_project": "",
    }  # fmt: skip


EXCHANGE = {"month": "2021-10", "listed_volume": "18000", "turnover": "90000000", "farmers": "4000"}
MUTUAL = {"organisation": None, "approved_on": "2020-05-08"}  # the spare cooperative, filled in below
MONTH = {"month": "2021-01", "members": "90", "funds": "1000000", "loans": "700000"}

PAGES = [
    ("financing_overview", None, "get", READ, None),
    ("bonds", None, "get", READ, None),
    ("bonds", None, "get", READ, {"export": "xlsx"}),
    ("bond_add", None, "get", KEEP_GET, None),
    ("bond_add", None, "post", KEEP_POST, BOND),
    ("bond_edit", _("bond"), "get", KEEP_GET, None),
    ("bond_edit", _("bond"), "post", KEEP_POST, BOND),
    ("bond_delete", _("bond"), "post", KEEP_POST, None),
    ("bond_delete", _("bond"), "get", POST_ONLY, None),
    ("equity", None, "get", READ, None),
    ("equity", None, "get", READ, {"export": "xlsx"}),
    ("equity_add", None, "get", KEEP_GET, None),
    ("equity_add", None, "post", KEEP_POST, DEAL),
    ("equity_edit", _("deal"), "get", KEEP_GET, None),
    ("equity_edit", _("deal"), "post", KEEP_POST, DEAL),
    ("equity_delete", _("deal"), "post", KEEP_POST, None),
    ("equity_delete", _("deal"), "get", POST_ONLY, None),
    ("exchange", None, "get", READ, None),
    ("exchange", None, "post", KEEP_POST, EXCHANGE),
    ("mutuals", None, "get", READ, None),
    ("mutuals", None, "post", KEEP_POST, MUTUAL),
    ("mutual_detail", _("mutual"), "get", READ, None),
    ("mutual_month_add", _("mutual"), "post", KEEP_POST, MONTH),
    ("mutual_month_add", _("mutual"), "get", POST_ONLY, None),
]


def _data(data, scene):
    if callable(data):
        return data(scene)
    if data and "organisation" in data:
        return {**data, "organisation": scene["spare"]}
    return data


def test_every_url_of_the_block_has_a_row():
    names = {p.name for p in urlpatterns}
    assert names >= MINE and {row[0] for row in PAGES} == MINE


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, scene, users, name, args, method, expected, data):
    url = reverse(f"localfin:{name}", args=args(scene) if args else None)
    assert status_line(client, users, method, url, _data(data, scene)) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"localfin:{n}": [r for r in PAGES if r[0] == n] for n in dict.fromkeys(r[0] for r in PAGES)}


def test_another_member_unit_gets_404_everywhere(client, scene, local):
    client.force_login(local["czj_user"])
    for name, args, method, expected, data in PAGES:
        url = reverse(f"localfin:{name}", args=args(scene) if args else None)
        response = getattr(client, method)(url, _data(data, scene) or {})
        assert response.status_code == (405 if expected == POST_ONLY else 404), (url, method)
    assert BondIssue.objects.count() == 1


# ---------------------------------------------------------------- what the pages do


def test_bond_with_maturity_before_issue_is_refused_on_the_page(client, scene, users):
    client.force_login(users["member"])
    data = {**BOND(scene), "issued_on": "2021-05-20", "matures_on": "2021-01-20"}
    response = client.post(reverse("localfin:bond_add"), data)
    assert response.status_code == 400
    assert "到期日期须晚于发行日期" in response.content.decode()
    assert (
        BondIssue.objects.count() == 1
        and not BondIssue.objects.filter(enterprise__uscc=data["uscc"]).exists()
    )


def test_bond_list_filters_by_year_and_exports_under_a_chinese_name(client, scene, users, firms):
    member = users["member"]
    services.bond_add(actor=member, **_firm(firms["lucun"]), **_bond_args(12))  # issued in 2020
    client.force_login(member)
    page = client.get(reverse("localfin:bonds"), {"year": "2020"}).content.decode()
    assert "沂源鲁村果业有限公司" in page and "山东沂源药业股份有限公司" not in page
    assert "100,000,000.00" not in page and "112,000,000.00" in page
    found = client.get(reverse("localfin:bonds"), {"q": "山东沂源"}).content.decode()
    assert "山东沂源药业股份有限公司" in found and "沂源鲁村果业有限公司" not in found
    export = client.get(reverse("localfin:bonds"), {"export": "xlsx"})
    assert "债券和债务融资工具发行_" in unquote(export["Content-Disposition"])


def test_overview_shows_each_year_in_wan_yuan(client, scene, users):
    client.force_login(users["office"])
    page = client.get(reverse("localfin:financing_overview")).content.decode()
    assert "2019年" in page and "10,000万元" in page  # the 1亿元 bond of 2019
    assert "1,010万元" in page and "11,010万元" in page  # the deal of 2019; the year's direct total


def test_exchange_page_saves_a_month(client, scene, users):
    client.force_login(users["member"])
    response = client.post(reverse("localfin:exchange"), {**EXCHANGE, "month": "2999-01"})
    assert response.status_code == 400 and "不能晚于本月" in response.content.decode()
    assert client.post(reverse("localfin:exchange"), EXCHANGE).status_code == 302
    assert "2021年10月" in client.get(reverse("localfin:exchange")).content.decode()


def test_mutual_month_with_loans_above_funds_is_refused_on_the_page(client, scene, users):
    client.force_login(users["member"])
    url = reverse("localfin:mutual_month_add", args=[scene["mutual"]])
    response = client.post(url, {**MONTH, "loans": "2000000"})
    assert response.status_code == 400 and "不能超过互助金总额" in response.content.decode()


# ---------------------------------------------------------------- queries


def _queries(client, url) -> int:
    client.get(url)  # warm up: sessions, caches, the navigation's first reads
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _add_records(users, firms, n: int) -> None:
    member = users["member"]
    for i in range(n):
        firm = _firm(firms["yiyuan" if i % 2 else "lucun"])
        services.bond_add(actor=member, **firm, **_bond_args(i))
        services.equity_add(actor=member, **firm, **_deal_args(i))


@pytest.mark.parametrize("name", ["financing_overview", "bonds", "equity"])
def test_pages_run_a_bounded_number_of_queries(client, users, firms, name):
    client.force_login(users["member"])
    url = reverse(f"localfin:{name}")
    _add_records(users, firms, 3)
    few = _queries(client, url)
    _add_records(users, firms, 27)
    many = _queries(client, url)
    assert many == few and many <= 25, (few, many)
