"""Town and county credit pages with maps, the village page's map, and their leaks for every role."""

import datetime
import json

import pytest

from puhui.credit import access, selectors, services

YEAR = datetime.date.today().year


def square(x, y, size=0.1):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


@pytest.fixture
def mapped(county):
    """Town boundaries and village seats, as the demo generator stores them (no village boundaries)."""
    for i, t in enumerate(county["towns"]):
        t.boundary = square(118.0 + 0.1 * i, 36.0)
        t.save()
    for i, v in enumerate(county["villages"]):
        v.longitude, v.latitude = 118.02 + 0.03 * i, 36.05
        v.save()
    return county


def map_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="area-map-data" type="application/json">') + len(
        '<script id="area-map-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_town_page_figures_villages_and_map(mapped, users, login, archived, next_year):
    hh = archived(0)  # 历山1村: archived, verified by ABC, rated
    services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    services.designations_evaluate(actor=users["office"], year=YEAR)
    town, v0, v1 = mapped["towns"][0], mapped["villages"][0], mapped["villages"][1]
    r = login(users["office"]).get(f"/credit/towns/{town.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    # 1 counted archive and 1 line among 500 farm households of the town's two villages
    assert 'data-testid="archive-rate">0.2%' in page and 'data-testid="precredit-rate">0.2%' in page
    assert 'data-testid="credit-households">1<' in page
    assert "0 / 2" in page  # credit villages of the stored evaluation
    assert f"{YEAR}年评定未达标" in page
    assert f'href="/credit/villages/{v0.pk}/"' in page and f'href="/credit/villages/{v1.pk}/"' in page
    assert "鲁村1村" not in page
    assert "信用村占行政村比例" in page
    data = map_data(r)
    assert data["mode"] == "points" and data["geo"]["features"][0]["geometry"] == town.boundary
    by_name = {i["name"]: i for i in data["items"]}
    assert set(by_name) == {"历山1村", "历山2村"}
    assert by_name["历山1村"]["values"]["archive_rate"] == pytest.approx(1 / 250)
    assert by_name["历山1村"]["values"]["credit_households"] == 1
    assert by_name["历山2村"]["values"]["archive_rate"] == 0
    assert by_name["历山1村"]["coord"] == [118.02, 36.05]
    assert by_name["历山1村"]["url"] == f"/credit/villages/{v0.pk}/"
    assert [m["key"] for m in data["metrics"]][:2] == ["archive_rate", "precredit_rate"]
    # the figures are the shared selectors' figures
    assert selectors.archive_rates("town")[town.pk]["rate"] == pytest.approx(0.002)


def test_town_page_year_without_evaluation(mapped, users, login):
    town = mapped["towns"][0]
    page = login(users["office"]).get(f"/credit/towns/{town.pk}/?year=2019").content.decode()
    assert "2019年尚未评定" in page and "未评定" in page
    assert login(users["office"]).get(f"/credit/towns/{town.pk}/?year=abc").status_code == 404


def test_village_boundaries_make_an_area_map(mapped, users, login):
    town = mapped["towns"][0]
    for v in mapped["villages"][:2]:
        v.boundary = square(float(v.longitude), 36.0, 0.02)
        v.save()
    data = map_data(login(users["office"]).get(f"/credit/towns/{town.pk}/"))
    assert data["mode"] == "regions"
    assert {f["properties"]["name"] for f in data["geo"]["features"]} == {"历山1村", "历山2村"}


def test_no_boundaries_no_map(county, users, login):
    r = login(users["office"]).get(f"/credit/towns/{county['towns'][0].pk}/")
    assert 'data-testid="no-map"' in r.content.decode() and "area-map-data" not in r.content.decode()
    r = login(users["office"]).get("/credit/towns/")
    assert 'data-testid="no-map"' in r.content.decode()


def test_county_overview_town_map(mapped, users, login, archived):
    archived(0)
    r = login(users["office"]).get("/credit/towns/")
    assert r.status_code == 200
    page = r.content.decode()
    for t in mapped["towns"]:
        assert f'href="/credit/towns/{t.pk}/"' in page
    data = map_data(r)
    assert data["mode"] == "regions"
    assert {f["properties"]["name"] for f in data["geo"]["features"]} == {"历山街道", "鲁村镇"}
    by_name = {i["name"]: i for i in data["items"]}
    assert by_name["历山街道"]["values"]["archive_rate"] == pytest.approx(1 / 500)
    assert by_name["鲁村镇"]["values"]["archive_rate"] == 0


def test_village_page_map_and_town_link(mapped, users, login, archived):
    archived(0)
    v0, v1 = mapped["villages"][0], mapped["villages"][1]
    town = mapped["towns"][0]
    r = login(users["office"]).get(f"/credit/villages/{v0.pk}/")
    page = r.content.decode()
    assert f'href="/credit/towns/{town.pk}/"' in page
    data = map_data(r)
    by_name = {i["name"]: i for i in data["items"]}
    assert set(by_name) == {"历山1村", "历山2村"}
    assert by_name["历山1村"]["highlight"] and not by_name["历山2村"]["highlight"]
    assert by_name["历山2村"]["url"] == f"/credit/villages/{v1.pk}/"
    # the agent: their own village only, no town page
    r = login(users["agent"]).get(f"/credit/villages/{v0.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-testid="town-link"' not in page and "历山2村" not in page
    assert [i["name"] for i in map_data(r)["items"]] == ["历山1村"]


def assert_no_household(response, hh):
    page = response.content.decode()
    assert f">{hh.code}<" not in page and hh.head_name not in page
    assert f"/credit/households/{hh.pk}/" not in page


ALL_ROLES = ["office", "admin", "member", "abc", "rcb", "town_lishan", "town_lucun", "agent", "public"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_leaks_town_pages(mapped, users, login, archived, role):
    hh = archived(0)
    lishan, lucun = mapped["towns"]
    c = login(users[role])
    overview = c.get("/credit/towns/")
    own_town = c.get(f"/credit/towns/{lishan.pk}/")
    other_town = c.get(f"/credit/towns/{lucun.pk}/")
    if role in {"office", "admin", "member", "abc", "rcb"}:
        assert overview.status_code == own_town.status_code == other_town.status_code == 200
        assert "鲁村镇" in overview.content.decode() and "历山街道" in overview.content.decode()
    elif role == "town_lishan":  # the overview opens the official's own town
        assert overview.status_code == 302 and overview.url == f"/credit/towns/{lishan.pk}/"
        assert own_town.status_code == 200 and other_town.status_code == 404
        assert "鲁村镇" not in own_town.content.decode()
    elif role == "town_lucun":
        assert overview.status_code == 302 and overview.url == f"/credit/towns/{lucun.pk}/"
        assert other_town.status_code == 200 and own_town.status_code == 404
    else:  # agent (their villages only), farmer (no aggregates)
        assert overview.status_code == own_town.status_code == other_town.status_code == 404
    # aggregate figures only: never a household
    for r in (overview, own_town, other_town):
        if r.status_code == 200:
            assert_no_household(r, hh)
    # a village is not a town
    assert c.get(f"/credit/towns/{mapped['villages'][0].pk}/").status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_leaks_village_page_map(mapped, users, login, archived, role):
    hh = archived(0)
    v0, v2 = mapped["villages"][0], mapped["villages"][2]
    c = login(users[role])
    r0, r2 = c.get(f"/credit/villages/{v0.pk}/"), c.get(f"/credit/villages/{v2.pk}/")
    expected = {
        "office": (200, 200),
        "admin": (200, 200),
        "member": (200, 200),
        "abc": (200, 200),
        "rcb": (200, 200),
        "town_lishan": (200, 404),
        "town_lucun": (404, 200),
        "agent": (200, 404),
        "public": (404, 404),
    }[role]
    assert (r0.status_code, r2.status_code) == expected
    for r in (r0, r2):
        if r.status_code == 200:
            assert_no_household(r, hh)
            names = {i["name"] for i in map_data(r)["items"]}
            # the map never shows a village the viewer may not open
            for v in mapped["villages"]:
                assert (v.name in names) <= access.may_see_village(users[role], v)


def test_anonymous_redirected(mapped, client):
    for url in ("/credit/towns/", f"/credit/towns/{mapped['towns'][0].pk}/"):
        r = client.get(url)
        assert r.status_code == 302 and "/login/" in r["Location"]


def test_town_access_functions(county, users):
    lishan, lucun = county["towns"]
    assert access.may_see_town(users["town_lishan"], lishan)
    assert not access.may_see_town(users["town_lishan"], lucun)
    assert not access.may_see_town(users["agent"], lishan)
    assert not access.may_see_town(users["public"], lishan)
    assert access.may_see_town(users["member"], lucun)
    assert set(access.credit_towns_for(users["abc"])) == {lishan, lucun}
