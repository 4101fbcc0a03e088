"""Coverage math from the reports (households as a share of farm households, loss ratio, the town's
agricultural households counted once), each role's scope, the plan's targets beside the figures, the data
app's sources and the Excel export."""

from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from puhui.data.models import Target
from puhui.insurance.selectors import coverage as figures

pytestmark = pytest.mark.django_db


def _row(cov, product):
    return next(r for r in cov.products if r.product == product)


def test_per_product_figures(reported, users, wheat, apple):
    cov = figures.coverage(users["office"], 2021)
    assert cov.farm_households == 1000  # two towns of 2 × 250
    row = _row(cov, wheat)
    assert (row.towns, row.policies, row.households) == (2, 700, 700)
    assert row.household_rate == pytest.approx(70.0)
    assert row.loss_ratio == pytest.approx(45 / 70 * 100)
    assert _row(cov, apple).loss_ratio == 0
    assert cov.products[0].product == apple  # local special products first


def test_the_town_counts_a_household_once_across_agricultural_products(reported, users, county):
    cov = figures.coverage(users["office"], 2021)
    towns = {t.town: t for t in cov.towns}
    # 历山: wheat 400 and apples 100 — the same farms may hold both, so 400; 鲁村: wheat 300 (the elderly
    # product is not agricultural).
    assert towns[county["towns"][0]].agri_households == 400
    assert towns[county["towns"][1]].agri_households == 300
    assert cov.farm_rate == pytest.approx(70.0)
    assert towns[county["towns"][0]].rate == pytest.approx(80.0)
    assert cov.loss_ratio == pytest.approx(46000 / 89000 * 100)


def test_each_role_sees_its_scope(reported, users, ins_users, county, wheat, elderly):
    town = figures.coverage(users["town_lishan"], 2021)
    assert town.farm_households == 500 and [t.town for t in town.towns] == [county["towns"][0]]
    assert _row(town, wheat).households == 400
    clic = figures.coverage(ins_users["clic"], 2021)
    assert [r.product for r in clic.products] == [elderly]
    assert figures.coverage(users["abc"], 2021).products == []


def test_targets_beside_the_records(reported, users):
    Target.objects.create(code="farm_insured_rate", name="2021年底农业保险参保农户覆盖率达到65%以上",
                          indicator_code="farm_insured_rate", rule="level", threshold=65, period_kind="year",
                          deadline_period="2021")  # fmt: skip
    Target.objects.create(code="crop_coverage_up", name="农作物参保率提高10个百分点", indicator_code="crop_coverage",
                          rule="change_vs_base", threshold=10, period_kind="year", base_period="2019",
                          deadline_period="2020")  # fmt: skip
    rows = {t["target"].code: t for t in figures.targets(users["office"])}
    years = {y["year"]: y for y in rows["farm_insured_rate"]["years"]}
    assert years[2021]["met"] and years[2021]["is_deadline"] and years[2021]["met_towns"] == 1
    assert not years[2020]["met"] and years[2020]["rate"] == pytest.approx(25.0)
    crop = {f["year"]: f["quantity"] for f in rows["crop_coverage_up"]["figures"]}
    assert crop == {2019: 0, 2020: Decimal("850.50")}


def test_data_sources(reported, insurers, county):
    import datetime

    start, end = datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)
    policies = {(o, t): v for o, t, _v, v in figures.policies_values(start, end)}
    assert policies[(insurers["picc"].pk, county["towns"][0].pk)] == 500
    assert sum(v for *_, v in figures.premiums_values(start, end)) == Decimal("89000")
    assert sum(v for *_, v in figures.claims_paid_values(start, end)) == Decimal("46000")
    households = {t: v for _o, t, _v, v in figures.agri_households_values(start, end)}
    assert households == {county["towns"][0].pk: 400, county["towns"][1].pk: 300}


def test_the_plugin_declares_the_sources():
    from puhui.core.plugins import data_sources

    assert {
        "insurance_policies",
        "insurance_premiums",
        "insurance_claims_paid",
        "insurance_agri_households",
    } <= set(data_sources())


def test_the_coverage_page_and_its_export(reported, client, users, apple):
    client.force_login(users["office"])
    page = client.get(reverse("insurance:coverage") + "?year=2021")
    text = page.content.decode()
    assert page.status_code == 200 and "70.0%" in text and 'data-testid="special"' in text
    response = client.get(reverse("insurance:coverage_export") + "?year=2021")
    assert "普惠保险覆盖情况_2021" in unquote(response["Content-Disposition"])
    wb = load_workbook(BytesIO(response.content))
    sheet = wb.worksheets[0]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert apple.name in names and sheet.cell(1, 9).value == "参保户数占农户数（%）"
    assert client.get(reverse("insurance:coverage") + "?year=abc").status_code == 404
