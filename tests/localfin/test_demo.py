"""The demo county's local finance (puhui/localfin/demo*.py and the local organisations' returns of
puhui/data/demo_finance.py) on a small demo county, as the issue's “done when” reads it: the finance centre's
pages show every organisation, the steered breaches, the pipeline board and the direct-financing share for
2019–2021; the catalogue holds the indicators these records feed, with lineage back to the records; another
member unit and a bank see county figures only.

The county is generated once for the module inside a transaction rolled back at the end (as
tests/demo/test_command.py does); each test runs in its own savepoint through pytest-django's `db` fixture.
"""

import datetime
import re
from decimal import Decimal

import lxml.html
import pytest
from django.db.models import Sum
from django.urls import reverse

from puhui.core.models import Organisation, User
from puhui.data.models import IndicatorValue
from puhui.localfin.demo import LICENCES
from puhui.localfin.models import BondIssue, Candidate, CreditMutual, EquityDeal, Stage, StageChange
from puhui.localfin.selectors.orgs import insurer_outlets_open

YEARS = (2019, 2020, 2021)
CATALOGUE = ("direct_financing", "direct_financing_share", "listed_firms", "insurance_outlets")


@pytest.fixture(autouse=True)
def finance_centre():
    """Replaces tests/localfin/conftest.py's hand-made county: the demo names its own finance centre."""
    return None


def _as(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def _page(client, url) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content.decode())


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _testid(doc, testid: str):
    found = doc.xpath(f'//*[@data-testid="{testid}"]')
    assert found, testid
    return found[0]


def _local_orgs():
    return Organisation.objects.filter(
        kind__in=Organisation.LOCAL_FINANCE_KINDS, level=Organisation.Level.BRANCH
    ).select_related("localfin_licence")


def _county_value(code: str, year: int) -> IndicatorValue | None:
    """The county's yearly value of an indicator from the latest run that computed it."""
    return (
        IndicatorValue.objects.filter(
            indicator_code=code,
            level=IndicatorValue.Level.COUNTY,
            period__kind="year",
            period__year=year,
        )
        .order_by("-run_id")
        .first()
    )


# ---------------------------------------------------------------- the finance centre's pages


def test_every_local_organisation_is_listed(in_demo, client):
    orgs = list(_local_orgs())
    # The core network's seven (the licences' codes) and the three credit-mutual cooperatives.
    assert {o.code for o in orgs} >= set(LICENCES) and len(orgs) == len(LICENCES) + 3
    doc = _page(_as(client, "member_jrzx"), reverse("localfin:organisations"))
    rows = {
        _text(tr.xpath("./td")[0]): _text(tr.xpath("./td")[2])
        for tr in _testid(doc, "list-table").xpath(".//tbody/tr")
    }
    assert set(rows) == {o.name for o in orgs}
    # Every organisation the demo licenses shows its licence number.
    for org in orgs:
        if org.code in LICENCES:
            assert rows[org.name] == LICENCES[org.code][0] == org.localfin_licence.licence_no, org.code


def test_every_local_organisation_has_a_licence(in_demo, client):
    assert CreditMutual.objects.count() == 3
    doc = _page(_as(client, "member_jrzx"), reverse("localfin:organisations"))
    licences = [_text(tr.xpath("./td")[2]) for tr in _testid(doc, "list-table").xpath(".//tbody/tr")]
    assert len(licences) == _local_orgs().count()
    assert all(number and number != "—" for number in licences), licences


def test_the_steered_breaches_show(in_demo, client):
    finance = _as(client, "member_jrzx")
    guarantee = Organisation.objects.get(code="GUAR-YY")
    doc = _page(finance, reverse("localfin:organisation", args=[guarantee.pk]))
    assert "鲁融担〔2016〕0031号" in _text(_testid(doc, "licence"))
    breached = _text(_testid(doc, "quarter-2021Q2"))
    assert "2021年第2季度" in breached and "超限" in breached and "融资担保放大倍数" in breached
    assert "超限" not in _text(_testid(doc, "quarter-2021Q1"))  # the breach is the steered quarter's only

    doc = _page(finance, reverse("localfin:breaches") + "?period=2020Q4")
    rows = [_text(tr) for tr in _testid(doc, "breaches").xpath(".//tbody/tr")]
    microcredit = Organisation.objects.get(code="MCC-YY").name
    assert [r for r in rows if microcredit in r and "单一借款人集中度" in r], rows
    # The other steered breaches are not in this quarter.
    assert not [r for r in rows if guarantee.name in r]


def test_the_listing_board_has_every_stage(in_demo, client):
    doc = _page(_as(client, "member_jrzx"), reverse("localfin:listing_board"))
    columns = _testid(doc, "board").xpath('.//div[contains(concat(" ", @class, " "), " card ")]')
    assert [_text(c.xpath('.//div[contains(@class, "card-header")]/span')[0]) for c in columns] == list(
        Stage.labels
    )
    for column, stage in zip(columns, Stage.values, strict=True):
        shown = {_text(a) for a in column.xpath(".//li/a")}
        stored = set(Candidate.objects.filter(stage=stage).values_list("enterprise__name", flat=True))
        assert shown == stored and stored, stage
    assert Candidate.objects.count() == 20


def test_the_direct_financing_share_by_year_with_lineage(in_demo, client):
    finance = _as(client, "member_jrzx")
    doc = _page(finance, reverse("localfin:financing_overview"))
    for year in YEARS:
        cell = _testid(doc, f"share-{year}")
        assert re.fullmatch(r"\d+\.\d\d%", _text(cell)), (year, _text(cell))
        share = _county_value("direct_financing_share", year)
        assert cell.xpath(".//a")[0].get("href") == reverse("data_value", args=[share.pk])
        lineage = _page(finance, reverse("data_value", args=[share.pk]))
        records = _testid(lineage, "lineage-records").xpath(".//a")[0].get("href")
        assert records.endswith(f"?year={year}")
        assert finance.get(records).status_code == 200


def test_the_catalogue_holds_what_the_records_feed(in_demo):
    for code in CATALOGUE:
        for year in YEARS if code != "listed_firms" else (2021,):  # 2019, 2020: the test below
            assert _county_value(code, year) is not None, (code, year)
    for year in YEARS:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        bonds = BondIssue.objects.filter(issued_on__range=(start, end)).aggregate(s=Sum("amount"))["s"]
        equity = EquityDeal.objects.filter(closed_on__range=(start, end)).aggregate(s=Sum("amount"))["s"]
        assert _county_value("direct_financing", year).value == bonds + equity, year
        share = _county_value("direct_financing_share", year).value
        assert Decimal(0) < share < Decimal(100), year
        outlets = Organisation.objects.filter(insurer_outlets_open(end)).count()
        assert _county_value("insurance_outlets", year).value == outlets, year
    # The demo's five listed firms all reached 上市挂牌 in 2021, one after another.
    listed = sorted(StageChange.objects.filter(to_stage=Stage.LISTED).values_list("on", flat=True))
    assert len(listed) == 5 and listed[0].year == 2021
    assert _county_value("listed_firms", 2021).value == 5


def test_listed_firms_is_zero_before_the_first_listing(in_demo):
    for year in (2019, 2020):
        value = _county_value("listed_firms", year)
        assert value is not None and value.value == 0, year


# ---------------------------------------------------------------- everyone else: county figures only

OTHER_PAGES = [
    ("localfin:organisations", None),
    ("localfin:organisation", "org"),
    ("localfin:licence_edit", "org"),
    ("localfin:breaches", None),
    ("localfin:insurance", None),
    ("localfin:listing_board", None),
    ("localfin:listing_firms", None),
    ("localfin:listing_add", None),
    ("localfin:listing_goals", None),
    ("localfin:candidate_detail", "candidate"),
    ("localfin:financing_overview", None),
    ("localfin:bonds", None),
    ("localfin:bond_add", None),
    ("localfin:equity", None),
    ("localfin:equity_add", None),
    ("localfin:exchange", None),
    ("localfin:mutuals", None),
    ("localfin:mutual_detail", "mutual"),
]


@pytest.mark.parametrize("username", ["member_czj", "bank_abc"])
def test_others_see_county_figures_only(in_demo, client, username):
    user = User.objects.get(username=username)
    assert user.organisation.kind not in Organisation.LOCAL_FINANCE_KINDS
    reader = _as(client, username)
    doc = _page(reader, reverse("localfin:home"))
    kinds = {
        _text(tr.xpath("./td")[0]): _text(tr.xpath("./td")[1]) for tr in _testid(doc, "kinds").xpath(".//tr")
    }
    assert kinds["融资担保公司"] == "1 家" and kinds["小额贷款公司"] == "2 家", kinds
    assert _testid(doc, "county-figures") is not None
    html = lxml.html.tostring(doc, encoding="unicode")
    orgs = list(_local_orgs())
    assert [o.name for o in orgs if o.name in html] == []
    assert [o.short_name for o in orgs if o.short_name and o.short_name in html] == []
    args = {
        "org": Organisation.objects.get(code="GUAR-YY").pk,
        "candidate": Candidate.objects.first().pk,
        "mutual": CreditMutual.objects.first().pk,
    }
    for name, arg in OTHER_PAGES:
        url = reverse(name, args=[args[arg]] if arg else [])
        assert reader.get(url).status_code == 404, url


def test_the_county_figures_show_the_demo_years(in_demo, client):
    doc = _page(_as(client, "member_czj"), reverse("localfin:home"))
    table = _testid(doc, "county-figures")
    headers = [_text(th) for th in table.xpath(".//thead//th")][1:]
    assert "2021 年" in headers, headers
    values = [_text(td) for tr in table.xpath(".//tbody/tr") for td in tr.xpath("./td")[1:]]
    assert [v for v in values if v != "—"], values
