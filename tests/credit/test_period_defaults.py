"""Credit pages open on the latest year with credit data, offer only years that have data, say so for a
year without any, and the county, town and village pages count 建档 and 预授信 with one rule — the one
the data capability's derived indicators (the target page) use for the period ending that day."""

import datetime
import re
import types

import pytest
from django.utils import timezone

from puhui.credit import selectors, services
from puhui.credit.models import HouseholdArchive, PreCreditLine
from puhui.data import derived

DAY = datetime.date(2020, 6, 1)
YEAR_END = datetime.date(2020, 12, 31)


@pytest.fixture
def in_2020(county, users, archived):
    """Household 0 archived in 2020 with a line valid from July 2020 to June 2021; nothing since."""
    hh = archived(0)
    services.line_offer(actor=users["abc"], household=hh, valid_until=timezone.localdate().replace(year=2099))
    at = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(10)))
    HouseholdArchive.objects.filter(household=hh).update(verified_at=at)
    PreCreditLine.objects.filter(household=hh).update(
        valid_from=datetime.date(2020, 7, 1), valid_until=datetime.date(2021, 6, 30), offered_at=at
    )
    return hh


def shown(page: str, name: str) -> str:
    m = re.search(rf'data-testid="{name}">([^<]*)<', page)
    return m.group(1).strip() if m else ""


def options(page: str, name: str = "year") -> list[str]:
    m = re.search(rf'<select id="period-picker-{name}" name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]+)"', m.group(1)) if m else []


def test_years_with_credit_data(in_2020):
    assert selectors.credit_years() == [2020]


def test_pages_open_on_the_latest_year_with_data(in_2020, users, login):
    town, village = in_2020.town, in_2020.village
    client = login(users["office"])
    for url in ("/credit/towns/", f"/credit/towns/{town.pk}/", f"/credit/villages/{village.pk}/"):
        page = client.get(url).content.decode()
        assert "· 2020年" in page, url
        assert options(page) == ["2020"], url  # only years with data are offered
        assert 'data-testid="period-notice"' not in page, url


def test_town_village_and_county_agree_with_the_derived_indicator(in_2020, users, login):
    town, village = in_2020.town, in_2020.village
    client = login(users["office"])
    town_page = client.get(f"/credit/towns/{town.pk}/").content.decode()
    village_page = client.get(f"/credit/villages/{village.pk}/").content.decode()
    county_page = client.get("/credit/towns/").content.decode()
    # 1 archived household with a line live at the end of 2020: of 500 farm households in the town,
    # 250 in the village, 1,000 in the county.
    assert shown(town_page, "precredit-rate") == shown(town_page, "archive-rate") == "0.2%"
    assert shown(village_page, "precredit-rate") == shown(village_page, "archive-rate") == "0.4%"
    assert shown(county_page, "total-precredit-rate") == shown(county_page, "total-archive-rate") == "0.1%"
    # The same counts as the derived indicators of the period ending 2020-12-31 (the target page).
    out: dict = {}
    derived._credit_values({"credit_archived", "credit_precredit"}, types.SimpleNamespace(end=YEAR_END), out)
    rows = selectors.village_rows(town.children.all(), year=2020)
    for key, col in (("credit_archived", "archived"), ("credit_precredit", "with_line")):
        by_village = out[f"platform:{key}"]["village"]
        assert {r["pk"]: r[col] for r in rows if r[col]} == {village.pk: int(by_village[village.pk])}
    page = selectors.village_page(village, year=2020)
    assert (page["archive"]["archived"], page["precredit"]["with_line"]) == (1, 1)


def test_a_year_without_data_says_so_and_links_to_the_latest(in_2020, users, login):
    town = in_2020.town
    page = login(users["office"]).get(f"/credit/towns/{town.pk}/?year=2025").content.decode()
    assert "· 2025年" in page
    assert "2025年没有数据，最近有数据的是2020年。" in page
    assert 'href="?year=2020" data-testid="period-latest">查看2020年<' in page
    assert options(page) == ["2025", "2020"]  # the year asked for stays selected
    assert shown(page, "precredit-rate") == "0.0%"  # the line ended in June 2021


def test_the_village_page_reads_the_year_it_shows(in_2020, users, login):
    """Before: the village page counted lines live today whatever the year; now the year's end."""
    village = in_2020.village
    client = login(users["office"])
    assert (
        shown(client.get(f"/credit/villages/{village.pk}/?year=2020").content.decode(), "precredit-rate")
        == "0.4%"
    )
    assert (
        shown(client.get(f"/credit/villages/{village.pk}/?year=2019").content.decode(), "precredit-rate")
        == "0.0%"
    )


def test_a_malformed_year_is_a_404(in_2020, users, login):
    client = login(users["office"])
    for value in ("abc", "1999", "２０２０"):
        assert client.get(f"/credit/towns/{in_2020.town.pk}/", {"year": value}).status_code == 404


def test_no_credit_data_at_all(county, users, login):
    page = login(users["office"]).get("/credit/towns/").content.decode()
    this_year = timezone.localdate().year
    assert f"· {this_year}年" in page
    assert "还没有任何一期的数据。" in page and 'data-testid="period-latest"' not in page


def test_the_years_run_from_the_first_to_the_last_year_of_work(in_2020, county, users, archived):
    archived(1)  # verified today
    this_year = timezone.localdate().year
    assert selectors.credit_years() == list(range(this_year, 2019, -1))


def test_a_large_county_keeps_its_years_for_a_while(in_2020, monkeypatch, django_assert_max_num_queries):
    from django.core.cache import cache

    cache.delete("puhui.credit.years")
    monkeypatch.setattr(selectors, "YEARS_CACHE_ABOVE", 0)
    assert selectors.credit_years() == [2020]
    with django_assert_max_num_queries(1):  # the size probe only
        assert selectors.credit_years() == [2020]
    cache.delete("puhui.credit.years")
