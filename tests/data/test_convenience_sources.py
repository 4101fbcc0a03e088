"""The catalogue indicators of the service network (issue #19) are computed from the stations', merchants' and
insurers' own records through the `DATA_SOURCES` hook, at the levels the catalogue declares."""

import datetime

import pytest

from puhui.core.models import User
from puhui.data import derived
from puhui.data.models import IndicatorValue
from puhui.insurance.services import products, reports
from puhui.merchants.services.merchants import merchant_create
from puhui.stations.services.monthly import monthly_report_save
from tests.conftest import _org
from tests.insurance.conftest import product_data, report_data
from tests.merchants.conftest import merchant_data
from tests.stations.conftest import figures

from .test_derived import loans, submit

pytestmark = pytest.mark.usefixtures("catalogue")
D = datetime.date


def value(code, period, level="county", **where):
    row = IndicatorValue.objects.filter(
        indicator_code=code, period__code=period, level=level, **where
    ).first()
    return None if row is None or row.value is None else float(row.value)


@pytest.fixture
def recorded(county, users):
    office, abc = users["office"], users["abc"]
    picc = _org("PICC-YY", "中国人民财产保险股份有限公司沂源支公司", "insurer")
    insurer = User.objects.create(username="ins_picc", role=User.Role.INSTITUTION, organisation=picc)
    for period, day in (("2020Q1", "2020-01-05"), ("2021Q1", "2021-01-05")):
        submit(abc, county["abc"], "loans", period, loans(day, 1000), approve_by=office)
    merchant_create(actor=users["rcb"], **merchant_data(county))  # signed 2020-03-15, village 0
    point = county["service_points"][0]
    for month in (D(2020, 1, 1), D(2020, 2, 1)):
        monthly_report_save(actor=abc, point=point, month=month, **figures())
    apple = products.product_create(actor=insurer, **product_data(picc))
    reports.report_save(actor=insurer, **report_data(apple, county["towns"][0]))  # 2021
    derived.compute_all(actor=office)
    return county


def test_stations_merchants_and_insurance_feed_the_catalogue(recorded):
    towns, villages = recorded["towns"], recorded["villages"]
    point = recorded["service_points"][0]
    # two months of a station: 120 + 30 + 4 + 60 = 214 transactions each
    assert value("station_transactions", "2020Q1") == 428
    assert value("station_transactions", "2020Q1", "village", division=point.village) == 428
    assert value("station_transactions", "2020Q1", "institution", organisation=recorded["abc"]) == 428
    assert value("station_withdrawal_amount", "2020Q1") == 112_000
    assert value("station_transactions", "2021Q1") == 0
    assert value("huinong_merchants", "2020Q1") == 1
    assert value("huinong_merchants", "2020Q1", "village", division=villages[0]) == 1
    assert value("huinong_villages_covered", "2020Q1", "town", division=towns[0]) == 1
    assert value("inclusive_ins_policies", "2021") == 300
    assert value("inclusive_ins_premiums", "2021", "town", division=towns[0]) == 204_120
    assert value("inclusive_ins_claims_paid", "2021") == 102_060
    assert value("agri_insured_households_records", "2021", "town", division=towns[0]) == 280
    # 280 of the town's 500 farm households
    assert value("agri_insured_rate_records", "2021", "town", division=towns[0]) == pytest.approx(56.0)
