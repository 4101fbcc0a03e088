"""The places near a village: what the register and the plug-in layers offer, by distance, filtered by need."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.core.plugins import FinderLayer
from puhui.finder.needs import BY_CODE, NEEDS, meets
from puhui.finder.selectors import places as places_mod
from puhui.finder.selectors.map import village_map
from puhui.finder.selectors.places import Village, km, places_near

pytestmark = pytest.mark.django_db


def test_the_haversine_distance_matches_a_known_one():
    beijing = Village(1, "北京", 0, "", 116.4074, 39.9042)
    shanghai = Village(2, "上海", 0, "", 121.4737, 31.2304)
    assert math.isclose(km(beijing, shanghai), 1067.0, rel_tol=0.01)
    assert km(beijing, Village(3, "无坐标", 0, "", None, None)) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted({label for n in NEEDS for label in n.answers}) + ["其他"])),
       st.lists(st.sampled_from([n.code for n in NEEDS])))  # fmt: skip
def test_a_place_meets_the_needs_exactly_when_each_has_one_of_its_labels(services, codes):
    assert meets(services, codes) == all(BY_CODE[c].answers & set(services) for c in codes)
    assert meets(services, [])


def test_the_station_that_pays_electricity_across_banks_is_found_first(mapped):
    found = places_near(mapped["villages"][1].pk, ["electricity", "cross_bank"])  # from 历山2村
    assert [(p["name"], p["km"]) for p in found["places"]] == [("历山1村服务站", 3.0)]
    station = found["places"][0]
    assert (
        "电费" in station["services"]
        and station["kind"] == "普惠金融服务站"
        and "沂源农村商业银行" in station["note"]
    )
    assert [v.name for v, _ in found["villages"]] == ["历山2村", "历山1村", "鲁村1村"]  # 鲁村2村 is 30 km off


def test_without_a_need_every_open_place_nearby_is_listed_nearest_first(mapped):
    found = places_near(mapped["villages"][0].pk, [])
    names = [(p["name"], p["kind"], p["km"]) for p in found["places"]]
    assert names == [
        ("历山1村服务站", "普惠金融服务站", 0.0),
        ("农商行历山支行", "银行网点", 3.0),
        ("农行鲁村分理处", "银行网点", 6.0),  # the same distance: by name
        ("鲁村1村服务点", "助农取款服务点", 6.0),
    ]
    mapped["service_points"][1].__class__.objects.filter(code="SP2").update(suspended_on="2021-01-01")
    assert "历山1村服务站" not in [p["name"] for p in places_near(mapped["villages"][0].pk, [])["places"]]


def test_a_layer_of_another_app_joins_the_list(mapped, monkeypatch):
    layer = FinderLayer("test_layer", "测试商户", places="tests.finder.test_places.fake_places")
    monkeypatch.setattr(places_mod, "finder_layers", lambda: [layer])
    found = places_near(mapped["villages"][0].pk, ["card_shop"])
    assert [(p["name"], p["kind"], p["km"]) for p in found["places"]] == [("历山超市", "测试商户", 3.0)]


def fake_places(village_ids):
    return [{"key": "shop:1", "name": "历山超市", "village_id": village_ids[1], "town_id": None, "lon": None,
             "lat": None, "address": "", "services": ["受理银行卡", "受理二维码"], "hours": "8:00—20:00", "phone": "",
             "note": "", "url": ""}]  # fmt: skip


def test_the_map_puts_the_chosen_village_in_red_and_sizes_dots_by_places(mapped):
    found = places_near(mapped["villages"][0].pk, [])
    drawn = village_map(found)
    here = [d for d in drawn["dots"] if d["chosen"]]
    assert len(drawn["dots"]) == 3 and here[0]["name"] == "历山1村" and here[0]["count"] == 1
    assert all(0 <= d["x"] <= drawn["width"] and 0 <= d["y"] <= drawn["height"] for d in drawn["dots"])


def test_an_unknown_village_finds_nothing(mapped):
    assert places_near(999_999, []) is None
