"""The pure generators: deterministic by seed, valid identifiers, a map whose towns tile the county."""

import datetime
import math

import numpy as np
import pytest
from stdnum.cn import ric, uscc

from puhui.demo import county, geo, ids, network, people, roster

SCALE = 0.02
TOWNS = {
    "370323001": "历山街道",
    "370323002": "南麻街道",
    "370323102": "鲁村镇",
    "370323103": "东里镇",
    "370323104": "悦庄镇",
    "370323105": "西里镇",
    "370323106": "大张庄镇",
    "370323107": "中庄镇",
    "370323108": "张家坡镇",
    "370323109": "燕崖镇",
    "370323110": "石桥镇",
    "370323111": "南鲁山镇",
}


def _same(a, b) -> bool:
    """Deep equality for generator output: dicts and lists of numpy arrays, dates, strings."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _everything(seed: int) -> dict:
    plan = county.plan_county(seed, SCALE)
    return {
        "villages": plan.villages,
        "firms_per_town": (plan.firms, plan.individuals),
        "households": [roster.household_columns(plan, t) for t in plan.towns],
        "firms": [roster.firm_columns(plan, t) for t in plan.towns],
        "network": network.plan_network(plan),
        "users": people.plan_users(plan),
    }


def test_same_seed_gives_identical_output():
    assert _same(_everything(11), _everything(11))


def test_another_seed_gives_other_output():
    a, b = _everything(11), _everything(12)
    assert [v.name for v in a["villages"]] != [v.name for v in b["villages"]]
    assert a["households"][0]["head_name"] != b["households"][0]["head_name"]
    assert a["households"][0]["head_id_number"] != b["households"][0]["head_id_number"]
    assert a["firms"][0]["name"] != b["firms"][0]["name"]
    assert a["network"]["service_points"] != b["network"]["service_points"]
    # The divisions' codes and the towns do not depend on the seed.
    assert [v.code for v in a["villages"]] == [v.code for v in b["villages"]]


def test_towns_are_the_twelve_real_ones():
    assert {t.code: t.name for t in county.towns()} == TOWNS
    assert [t.kind for t in county.towns()][:2] == ["street", "street"]


def test_divisions_codes_counts_and_totals():
    plan = county.plan_county(2020, 1.0)
    assert len(plan.villages) == 643
    codes = [v.code for v in plan.villages]
    assert len(set(codes)) == len(codes)
    assert len({v.name for v in plan.villages}) == 643
    for v in plan.villages:
        town = plan.towns[v.town]
        assert v.code.startswith(town.code) and len(v.code) == 12
        number = int(v.code[9:])
        assert (1 <= number <= 199) if v.kind == "community" else number >= 201
    streets = {t.index for t in plan.towns if t.is_street}
    communities_in_streets = sum(1 for v in plan.villages if v.kind == "community" and v.town in streets)
    assert communities_in_streets > sum(1 for v in plan.villages if v.kind == "community") / 2
    assert sum(v.households for v in plan.villages) == 175_000
    assert 4_000 < sum(plan.firms) < 5_000 and 24_000 < sum(plan.individuals) < 26_000


def test_scale_multiplies_people_not_divisions():
    small = county.plan_county(5, SCALE)
    assert len(small.villages) == 643
    assert sum(v.households for v in small.villages) == pytest.approx(175_000 * SCALE, rel=0.01)


def test_households_are_valid_and_believable():
    plan = county.plan_county(3, 0.1)
    seen = set()
    totals = {"n": 0, "size": 0, "farm": 0}
    for town in plan.towns:
        cols = roster.household_columns(plan, town)
        n = len(cols["code"])
        totals["n"] += n
        totals["size"] += int(cols["size"].sum())
        totals["farm"] += int(cols["is_farm"].sum())
        for idn, age, male, phone in zip(
            cols["head_id_number"],
            cols["head_age"].tolist(),
            cols["male"].tolist(),
            cols["phone"],
            strict=True,
        ):
            assert ric.is_valid(idn), idn
            birth = ric.get_birth_date(idn)
            assert roster.REF_DATE.year - birth.year == age and 25 <= age <= 85
            assert idn[:6] == ("372828" if birth.year <= 1989 else "370323")
            assert int(idn[16]) % 2 == (1 if male else 0)
            assert phone == "" or (len(phone) == 11 and phone[0] == "1" and phone[1] in "3456789")
        seen.update(cols["head_id_number"])
        assert len(set(cols["code"])) == n
        assert all(c[:12] in {v.code for v in plan.villages_of(town.index)} for c in cols["code"])
        assert set(cols["size"].tolist()) <= set(range(1, 8))
        assert (cols["land_tenths"][~cols["is_farm"]] == 0).all()
    assert len(seen) == totals["n"]  # unique across towns
    assert 3.0 < totals["size"] / totals["n"] < 3.5
    assert 0.70 < totals["farm"] / totals["n"] < 0.78


def test_towns_own_disjoint_id_sequence_slices():
    used = set()
    for first, size in roster.seq_slices():
        pairs = set(range(first, first + size))
        assert size >= 20 and not pairs & used
        used |= pairs
    assert max(used) < 480  # sequence numbers 960-999 stay free


def test_id_numbers_stay_unique_when_many_share_a_birth_year():
    rng = np.random.default_rng(1)
    town = county.towns()[4]
    age = np.full(20_000, 50)
    male = rng.random(20_000) < 0.5
    numbers = roster._id_numbers(rng, town, age, male)
    assert len(set(numbers)) == 20_000
    assert all(ric.is_valid(x) for x in numbers[:2000])


def test_firms_have_valid_unique_usccs():
    plan = county.plan_county(9, 0.1)
    codes = []
    for town in plan.towns:
        cols = roster.firm_columns(plan, town)
        for code, kind, reg in zip(cols["uscc"], cols["kind"], cols["registered_on"], strict=True):
            assert uscc.is_valid(code), code
            assert code[:8] == ("92370323" if kind == "individual" else "91370323")
            assert datetime.date(1995, 1, 1) <= reg <= roster.REF_DATE
        codes += cols["uscc"]
        assert all(n.startswith("沂源县") for n in cols["name"])
    assert len(set(codes)) == len(codes)


def test_organisation_codes_carry_the_gb11714_check_character():
    for code in ids.usccs("91370323", np.arange(0, 50_000, 97)):
        body = code[8:17]
        values = [int(c) if c.isdigit() else ord(c) - 55 for c in body[:8]]
        c = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
        assert body[8] == {10: "X", 11: "0"}.get(c, str(c))


def test_network_plan():
    plan = county.plan_county(4, SCALE)
    spec = network.plan_network(plan)
    orgs = spec["organisations"]
    keys = [o["key"] for o in orgs]
    assert len(set(keys)) == len(keys)
    assert len({o["code"] for o in orgs}) == len(orgs)
    members = [o for o in orgs if o.get("is_leading_group_member")]
    assert len(members) == 27
    assert {"县人民银行", "县财政局", "团县委", "县金融证券工作服务中心", "县法院"} <= {
        o["plan_alias"] for o in members
    }
    aliases = [o["plan_alias"] for o in orgs if o.get("plan_alias")]
    assert len(set(aliases)) == len(aliases)  # the plan app resolves units by alias
    for o in orgs:
        if o.get("uscc"):
            assert uscc.is_valid(o["uscc"]), o
        if o["parent"]:
            assert keys.index(o["parent"]) < keys.index(o["key"])  # parents first
    assert all(p["functions"][0] == "withdrawal" for p in spec["service_points"])
    assert {t["kind"] for t in spec["terminals"]} == {"atm", "crs", "kiosk", "pos", "rural"}


def test_user_names_never_reuse_an_official_name():
    from puhui.demo.names import person_names, reserved_names

    rng = np.random.default_rng(0)
    generated = set(person_names(rng, rng.random(50_000) < 0.5))
    assert not generated & reserved_names()


# --- the map -------------------------------------------------------------------------------


def _segments_cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def _is_simple(ring: list) -> bool:
    pts = ring[:-1]
    n = len(pts)
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # neighbours through the closing point
            if _segments_cross(pts[i], pts[(i + 1) % n], pts[j], pts[(j + 1) % n]):
                return False
    return len(set(map(tuple, pts))) == n


def test_town_boundaries_are_closed_simple_polygons_that_tile_the_county():
    cmap = county.county_map()
    assert cmap.area_km2() == pytest.approx(county.COUNTY_AREA_KM2, rel=1e-3)
    outline = cmap.outline_geojson()
    assert outline["type"] == "Polygon"
    for i, town in enumerate(county.towns()):
        geom = cmap.cell_geojson(i)
        ring = geom["coordinates"][0]
        assert geom["type"] == "Polygon" and len(ring) >= 4 and ring[0] == ring[-1]
        assert _is_simple(ring), town.name
        assert geo.polygon_area(np.array(ring[:-1])) > 0  # counter-clockwise (RFC 7946)
        lon, lat = ring[0]
        assert 117.8 < lon < 118.55 and 35.9 < lat < 36.45
    assert sum(geo.polygon_area(c) for c in cmap.cells_km) == pytest.approx(cmap.area_km2(), rel=1e-9)
    # Every point of the county lies in exactly one town; none outside it in any town.
    rng = np.random.default_rng(0)
    lo, hi = cmap.outline_km.min(axis=0), cmap.outline_km.max(axis=0)
    pts = rng.uniform(lo, hi, size=(20_000, 2))
    covered = sum(geo.points_in_polygon(pts[:, 0], pts[:, 1], c).astype(int) for c in cmap.cells_km)
    inside = geo.points_in_polygon(pts[:, 0], pts[:, 1], cmap.outline_km)
    assert (covered[inside] == 1).all() and (covered[~inside] == 0).all()
    # Each seat is in its own cell, where the towns table puts it.
    for i, town in enumerate(county.towns()):
        seat = cmap.seats_km[i]
        assert geo.points_in_polygon([seat[0]], [seat[1]], cmap.cells_km[i])[0]
        lon, lat = cmap.projection.to_lonlat(seat[0], seat[1])
        assert math.isclose(float(lon), town.longitude, abs_tol=1e-9)
        assert math.isclose(float(lat), town.latitude, abs_tol=1e-9)


def test_villages_lie_in_their_town():
    plan = county.plan_county(2020, SCALE)
    cmap = county.county_map()
    for town in plan.towns:
        vs = plan.villages_of(town.index)
        x, y = cmap.projection.to_km([v.longitude for v in vs], [v.latitude for v in vs])
        assert geo.points_in_polygon(x, y, cmap.cells_km[town.index]).all()


def test_half_plane_clip_and_hull():
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    half = geo.clip_half_plane(square, (1.0, 0.0), 1.0)  # x <= 1
    assert geo.polygon_area(np.array(half)) == pytest.approx(2.0)
    assert geo.convex_hull([*square, (1.0, 1.0)]) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
