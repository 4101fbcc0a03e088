"""The indicators local finance feeds through the `DATA_SOURCES` hook: computed with the others by the data
capability, rolled up to the levels declared, and their lineage leads back to the records."""

import datetime

import pytest
from django.urls import reverse

from puhui.core.models import Organisation
from puhui.data import catalogue as data_catalogue
from puhui.data import derived
from puhui.data import services as data_services
from puhui.data.models import IndicatorValue
from tests.conftest import _org
from tests.localfin.returns import guarantee_items, submit

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def computed(local, county, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    office = users["office"]
    data_services.catalogue_sync(actor=office)
    v = county["villages"]
    picc = _org("PICC-YY", "人保财险沂源支公司", "insurer", division=v[0])
    for n, (village, opened, closed) in enumerate(
        [(v[0], D(2010, 1, 1), None), (v[1], D(2020, 5, 1), None), (v[2], D(2015, 1, 1), D(2020, 12, 1))],
        start=1,
    ):
        _org(f"PICC-YY-{n}", f"人保财险营销服务部{n}", "insurer", parent=picc, level="outlet", division=village,
             opened_on=opened, closed_on=closed)  # fmt: skip
    submit(
        local["guarantee_user"],
        office,
        local["guarantee"],
        "guarantee",
        "2020Q1",
        guarantee_items(2000, 9000),
    )
    submit(
        local["guarantee_user"],
        office,
        local["guarantee"],
        "guarantee",
        "2021Q1",
        guarantee_items(2000, 9000),
    )
    derived.compute_all(actor=office)
    return county


def _value(code, period, level="county", division=None):
    qs = IndicatorValue.objects.filter(indicator_code=code, period__code=period, level=level)
    if division is not None:
        qs = qs.filter(division=division)
    return qs.values_list("value", flat=True).first()


def test_insurance_outlets_are_counted_as_at_each_period_end(computed):
    towns = computed["towns"]
    assert _value("insurance_outlets", "2020Q1") == 2  # the 2020-05 outlet is not open yet
    assert _value("insurance_outlets", "2020Q2") is None  # no return for that quarter: not computed
    assert _value("insurance_outlets", "2021Q1") == 2  # the third closed in 2020-12
    assert _value("insurance_outlets", "2021Q1", "town", towns[0]) == 2
    assert _value("insurance_outlets", "2020Q1", "town", towns[1]) == 1
    assert _value("insurance_outlets", "2020") == 2  # a year: as at 31 December


def test_the_items_feed_institution_and_county_values(computed, local):
    value = IndicatorValue.objects.get(
        indicator_code="guarantee_leverage", period__code="2021Q1", level="institution",
        organisation=local["guarantee"],
    )  # fmt: skip
    assert value.value == 4.5


def test_the_lineage_of_a_hooked_figure_leads_to_its_records(computed, users, client):
    value = IndicatorValue.objects.get(
        indicator_code="insurance_outlets", period__code="2021Q1", level="county"
    )
    client.force_login(users["office"])
    page = client.get(reverse("data_value", args=[value.pk])).content.decode()
    assert f'href="{reverse("localfin:insurance")}?year=2021"' in page


def test_an_unknown_platform_source_names_the_hooked_ones():
    with pytest.raises(ValueError) as e:
        data_catalogue.source_levels("platform", "no_such_source")
    assert "insurance_outlets" in str(e.value) and "direct_financing" in str(e.value)


def test_local_finance_kinds_are_financial_organisations():
    assert Organisation.LOCAL_FINANCE_KINDS <= Organisation.FINANCIAL_KINDS
