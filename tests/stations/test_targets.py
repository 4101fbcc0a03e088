"""The targets computed from the register against hand-computed figures, each user counting what it sees; the
to-do counts and the data app's sources."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from puhui.core.models import ServicePoint, Terminal
from puhui.stations import rules
from puhui.stations.models import PaymentScene
from puhui.stations.selectors import figures
from puhui.stations.selectors import targets as selectors
from puhui.stations.services import monthly, records
from tests.stations.conftest import figures as month_figures
from tests.stations.conftest import inspection_data

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def network(county):
    """历山街道: SP2 (station, cross-bank, from the fixture), SP3 (cross-bank, a station only from 2021-02-01),
    SP4 (closed on 2020-12-31: not counted that day). 鲁村镇: SP1 (withdrawal only)."""
    v = county["villages"]
    rcb = county["rcb"]
    ServicePoint.objects.create(
        code="SP3", name="历山2村服务点", bank=rcb, village=v[1], functions=["withdrawal", "cross_bank"],
        opened_on=D(2019, 1, 1), is_station=True, upgraded_on=D(2021, 2, 1),
    )  # fmt: skip
    ServicePoint.objects.create(
        code="SP4", name="历山2村旧点", bank=rcb, village=v[1], functions=["withdrawal"],
        opened_on=D(2015, 1, 1), closed_on=D(2020, 12, 31),
    )  # fmt: skip
    # T1 (ABC ATM, no bill-pay) and T2 (RCB kiosk, bill-pay) come with the fixture.
    Terminal.objects.create(
        code="T3", kind="crs", bank=rcb, village=v[1], bill_payment=True, bill_payment_since=D(2021, 6, 1),
        installed_on=D(2020, 1, 1),
    )  # fmt: skip
    Terminal.objects.create(code="T4", kind="pos", bank=rcb, village=v[1], installed_on=D(2020, 1, 1))
    Terminal.objects.create(
        code="T5", kind="atm", bank=rcb, village=v[0], installed_on=D(2018, 1, 1), retired_on=D(2021, 6, 30)
    )
    return county


def _by_name(rows):
    return {r.name: r for r in rows}


def test_upgrade_and_cross_bank_shares_at_the_end_of_2020(network, users):
    t = selectors.station_targets(users["office"], rules.STATION_TARGET_DAY)
    towns = _by_name(t["rows"])
    lishan, lucun = towns["历山街道"], towns["鲁村镇"]
    assert (lishan.points, lishan.stations, lishan.cross_bank) == (2, 1, 2)
    assert (lishan.station_share, lishan.cross_bank_share) == (50.0, 100.0)
    assert not lishan.stations_met and lishan.cross_bank_met
    assert (lucun.points, lucun.stations, lucun.cross_bank, lucun.station_share) == (1, 0, 0, 0.0)
    county = t["county"]
    assert (county.points, county.stations, county.cross_bank) == (3, 1, 2)
    assert (county.station_share, county.cross_bank_share) == (33.3, 66.7)
    assert (t["met_stations"], t["met_cross_bank"]) == (0, 1)


def test_the_upgrade_counts_from_its_day(network, users):
    towns = _by_name(selectors.station_targets(users["office"], D(2021, 3, 1))["rows"])
    assert towns["历山街道"].stations == 2 and towns["历山街道"].stations_met
    assert towns["历山街道"].points == 2  # SP4 closed


def test_each_user_counts_what_it_sees(network, users):
    abc = selectors.station_targets(users["abc"], D(2021, 3, 1))
    assert [r.name for r in abc["rows"]] == ["鲁村镇"] and abc["county"].points == 1
    town = selectors.station_targets(users["town_lishan"], D(2021, 3, 1))
    assert [r.name for r in town["rows"]] == ["历山街道"]


def test_realtime_bill_pay_against_95_percent(network, users):
    b = selectors.billpay_targets(users["office"], rules.BILLPAY_TARGET_DAY)
    banks = _by_name(b["banks"])
    assert (banks["中国农业银行沂源县支行"].terminals, banks["中国农业银行沂源县支行"].realtime) == (1, 0)
    rcb = banks["沂源农村商业银行"]
    assert (rcb.terminals, rcb.realtime, rcb.share, rcb.met) == (2, 2, 100.0, True)  # POS and T5 left out
    assert (b["county"].terminals, b["county"].realtime, b["county"].share, b["county"].met) == (
        3,
        2,
        66.7,
        False,
    )
    early = selectors.billpay_targets(users["office"], D(2021, 1, 1))["county"]
    assert (early.terminals, early.realtime) == (4, 1)  # T5 still in place, T3 not yet billing


def test_scene_coverage(network, users):
    town, other = network["towns"]
    PaymentScene.objects.create(
        kind="taxi", name="出租车", town=town, bank=network["rcb"], since=D(2020, 6, 1)
    )
    PaymentScene.objects.create(
        kind="parking", name="停车场", town=other, bank=network["abc"], since=D(2021, 3, 1)
    )
    PaymentScene.objects.create(
        kind="cinema", name="影院", town=town, bank=network["rcb"], since=D(2020, 1, 1), until=D(2020, 10, 1)
    )
    c = selectors.scene_coverage(users["office"], rules.SCENES_TARGET_DAY)
    rows = {r["kind"]: r for r in c["rows"]}
    assert (rows["taxi"]["count"], rows["taxi"]["towns"], rows["taxi"]["town_share"]) == (1, 1, 50.0)
    assert rows["parking"]["count"] == 0 and rows["cinema"]["count"] == 0
    assert (c["planned_met"], c["planned"]) == (1, 4)
    assert selectors.scene_coverage(users["office"], D(2021, 6, 1))["planned_met"] == 2
    assert figures.payment_scenes_values(D(2021, 1, 1), D(2021, 12, 31)) == [
        (network["abc"].pk, other.pk, None, 1),
        (network["rcb"].pk, town.pk, None, 1),
    ]


def test_monthly_sources_and_totals(network, users):
    point = network["service_points"][0]
    for month in (D(2021, 1, 1), D(2021, 2, 1), D(2021, 4, 1)):
        monthly.monthly_report_save(actor=users["abc"], point=point, month=month, **month_figures())
    rows = figures.station_transactions_values(D(2021, 1, 1), D(2021, 3, 31))
    assert rows == [(network["abc"].pk, point.village.parent_id, point.village_id, 2 * 214)]
    amounts = figures.station_withdrawal_amount_values(D(2021, 1, 1), D(2021, 12, 31))
    assert amounts[0][3] == 3 * 56000.0
    totals = figures.monthly_totals(users["office"], D(2021, 2, 1))
    assert (totals["stations"], totals["bill_amount"], totals["over_limit"]) == (1, Decimal("5400.50"), 0)
    assert figures.monthly_totals(users["rcb"], D(2021, 2, 1))["stations"] == 0


def test_the_banks_to_do(network, users):
    abc = users["abc"]
    assert figures.missing_last_month(abc) == 1  # SP1, no report for last month
    last = rules.previous_month(timezone.localdate())
    monthly.monthly_report_save(actor=abc, point=network["service_points"][0], month=last, **month_figures())
    assert figures.missing_last_month(abc) == 0
    assert figures.missing_last_month(users["office"]) == 0
    assert figures.overdue_rectifications(abc) == 0
    records.inspection_create(actor=abc, **inspection_data(network))  # rectify by 2021-04-30, not done
    assert figures.overdue_rectifications(abc) == 1
    assert figures.overdue_rectifications(users["rcb"]) == 0


@pytest.mark.parametrize(
    "part,whole,expected", [(0, 0, None), (1, 3, 33.3), (2, 3, 66.7), (3, 3, 100.0), (0, 5, 0.0)]
)
def test_share(part, whole, expected):
    assert rules.share(part, whole) == expected
