"""核对: the registers' figures at the end of a period beside what the banks reported for it, the difference,
large differences flagged to the office (once), each bank seeing only its own rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from puhui.core import periods
from puhui.core.models import Notification, ServicePoint
from puhui.registry import network, reconciliation
from tests.data.conftest import catalogue  # noqa: F401 - the fixture
from tests.data.test_derived import channels, submit

D = datetime.date
STATION = list(ServicePoint.STATION_FUNCTIONS)
Q4 = periods.parse_code("2020Q4")


@pytest.fixture
def scene(county, users, catalogue):  # noqa: F811 - the fixture imported above
    """ABC: three points in 鲁村镇 by the end of 2020 (SP1 of the fixture, two dated ones), one upgraded in
    2020 and one in 2021; ABC reports 3 points and 2 stations for 2020Q4. RCB reports 9 points in 历山街道
    where the register has 1."""
    abc = users["abc"]
    for code, upgraded in (("SP-A", D(2020, 6, 1)), ("SP-B", D(2021, 2, 1))):
        point = network.service_point_open(
            actor=abc,
            code=code,
            name=code,
            bank=county["abc"],
            village=county["villages"][3],
            functions=["withdrawal"],
            opened_on=D(2019, 1, 1),
        )
        network.service_point_upgrade(actor=abc, point=point, on=upgraded, functions=STATION)
    submit(abc, county["abc"], "channels", "2020Q4", channels(("370323102000", 3, 2, 1, 0, 0, 0)))
    submit(users["rcb"], county["rcb"], "channels", "2020Q4", channels(("370323001000", 9, 1, 1, 1, 0, 0)))
    return county


def by_unit(rows):
    return {(r.org_name, r.town_name): r for r in rows}


def test_figures_side_by_side_on_the_register_of_the_period_end(scene, users):
    rows = by_unit(reconciliation.reconciliation(users["office"], Q4))
    abc = rows[("中国农业银行沂源县支行", "鲁村镇")]
    points, stations = abc.figures["service_points"], abc.figures["stations"]
    assert (points.reported, points.platform, points.difference) == (Decimal(3), 3, Decimal(0))
    # SP-B became a station in 2021: not one at the end of 2020.
    assert (stations.reported, stations.platform, stations.difference) == (Decimal(2), 1, Decimal(-1))
    assert not abc.large  # a difference of 1 is under the minimum
    rcb = rows[("沂源农村商业银行", "历山街道")]
    assert rcb.figures["service_points"].platform == 1 and rcb.figures["service_points"].large
    assert rcb.figures["terminals_bill"].platform == 1


def test_each_bank_sees_its_own_rows(scene, users, client):
    assert {r.org_name for r in reconciliation.reconciliation(users["abc"], Q4)} == {"中国农业银行沂源县支行"}
    client.force_login(users["rcb"])
    page = client.get(reverse("reconciliation"), {"period": "2020Q4"}).content.decode()
    assert "沂源农村商业银行" in page and "中国农业银行沂源县支行" not in page and "差异较大" in page
    assert "名录自身的数字" not in page  # the registers' own figures are the office's


def test_large_differences_are_flagged_to_the_office_once(scene, users, client):
    assert reconciliation.reconciliation_flag(actor=users["office"], period=Q4) == 1
    note = Notification.objects.get(user=users["office"], kind="reconciliation")
    assert "沂源农村商业银行 历山街道 助农取款服务点数：报送 9，平台登记 1" in note.body
    assert note.url == reverse("reconciliation") + "?period=2020Q4"
    # The daily job again: the same differences are not sent twice.
    call_command("reconcile", "--period", "2020Q4")
    assert Notification.objects.filter(kind="reconciliation").count() == 1
    client.force_login(users["office"])
    response = client.post(reverse("reconciliation_flag"), {"period": "2020Q4"})
    assert response.status_code == 302


def test_the_threshold_is_a_setting(scene, users, settings):
    settings.PUHUI_RECONCILE_MIN_DIFFERENCE = 1
    settings.PUHUI_RECONCILE_THRESHOLD = "0.4"
    rows = by_unit(reconciliation.reconciliation(users["office"], Q4))
    assert rows[("中国农业银行沂源县支行", "鲁村镇")].figures["stations"].large  # 1 of 2 is 50%
    settings.PUHUI_RECONCILE_THRESHOLD = "0.6"
    rows = by_unit(reconciliation.reconciliation(users["office"], Q4))
    assert not rows[("中国农业银行沂源县支行", "鲁村镇")].figures["stations"].large


def test_the_page_for_the_office(scene, users, client):
    client.force_login(users["office"])
    page = client.get(reverse("reconciliation")).content.decode()
    assert "2020年第4季度" in page and "名录自身的数字" in page and "向办公室提示" in page
