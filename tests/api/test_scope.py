"""What a token sees is what its organisation's staff see: the access layer decides, the API only filters.

Every endpoint gets a leak test: another bank's rows are absent from lists and 404 when asked for by id.
"""

import pytest

from tests.api.conftest import error_of


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_bank_lists_only_its_own_institution_tree(api, county):
    seen = ids(api("abc").get("/organisations"))
    assert seen == {county["abc"].pk, county["abc_outlet"].pk}
    assert county["rcb"].pk not in seen and county["rcb_outlet"].pk not in seen


@pytest.mark.parametrize("name", ["rcb", "rcb_outlet", "pboc", "finance_centre"])
def test_bank_cannot_read_other_organisations(api, county, name):
    r = api("abc").get(f"/organisations/{county[name].pk}")
    assert r.status_code == 404
    assert error_of(r)["code"] == "not_found"


def test_forbidden_and_missing_organisations_look_the_same(api, county):
    forbidden = api("abc").get(f"/organisations/{county['rcb'].pk}")
    missing = api("abc").get("/organisations/999999")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


def test_bank_reads_its_own_organisation(api, county):
    r = api("abc").get(f"/organisations/{county['abc_outlet'].pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "农行鲁村分理处"
    assert body["parent_id"] == county["abc"].pk
    assert body["division_code"] == county["villages"][2].code


def test_bank_lists_and_reads_only_its_own_service_points(api, county):
    sp_abc, sp_rcb = county["service_points"]
    assert ids(api("abc").get("/service-points")) == {sp_abc.pk}
    assert ids(api("rcb").get("/service-points")) == {sp_rcb.pk}
    assert api("abc").get(f"/service-points/{sp_rcb.pk}").status_code == 404
    assert api("abc").get(f"/service-points/{sp_abc.pk}").status_code == 200
    # Filtering by another bank's id finds nothing rather than leaking it.
    assert api("abc").get("/service-points", {"bank_id": county["rcb"].pk}).json()["total"] == 0


def test_pboc_token_sees_everything(api, county):
    all_orgs = {county[k].pk for k in ("pboc", "finance_centre", "abc", "abc_outlet", "rcb", "rcb_outlet")}
    assert all_orgs <= ids(api("pboc").get("/organisations", {"limit": 500}))
    assert ids(api("pboc").get("/service-points")) == {sp.pk for sp in county["service_points"]}
    assert api("pboc").get(f"/organisations/{county['rcb'].pk}").status_code == 200


def test_member_unit_token_sees_the_county_like_member_unit_staff(api, county):
    assert county["rcb"].pk in ids(api("member").get("/organisations", {"limit": 500}))
    assert len(ids(api("member").get("/service-points"))) == 2


def test_divisions_are_public_statistics_for_every_token(api, county):
    for name in ("abc", "rcb", "pboc", "member"):
        r = api(name).get("/divisions")
        assert r.json()["total"] == 7  # county, 2 towns, 4 villages


def test_filters(api, county):
    r = api("pboc").get("/organisations", {"kind": "rural_bank"})
    assert {o["code"] for o in r.json()["items"]} == {"RCB-YY", "RCB-YY-01"}
    r = api("pboc").get("/organisations", {"level": "outlet"})
    assert {o["code"] for o in r.json()["items"]} == {"ABC-YY-01", "RCB-YY-01"}
    r = api("abc").get("/divisions", {"parent": "370323102000"})
    assert [d["name"] for d in r.json()["items"]] == ["鲁村1村", "鲁村2村"]
    r = api("abc").get("/divisions", {"q": "历山"})
    assert {d["code"] for d in r.json()["items"]} == {"370323001000", "370323001201", "370323001202"}
    r = api("abc").get("/divisions", {"level": "village", "q": "370323102"})
    assert r.json()["total"] == 2
    r = api("pboc").get("/service-points", {"is_station": "true"})
    assert [p["code"] for p in r.json()["items"]] == ["SP2"]
    r = api("pboc").get("/service-points", {"town": "370323102000"})
    assert [p["code"] for p in r.json()["items"]] == ["SP1"]


def test_division_detail_and_missing_division(api, county):
    r = api("abc").get("/divisions/370323102201")
    assert r.status_code == 200
    assert r.json()["parent_code"] == "370323102000"
    assert r.json()["level"] == "village"
    assert api("abc").get("/divisions/370323999999").status_code == 404


def test_pagination_reports_total_limit_offset(api, county):
    r = api("pboc").get("/divisions", {"limit": 2, "offset": 1})
    body = r.json()
    assert (body["total"], body["limit"], body["offset"]) == (7, 2, 1)
    assert [d["code"] for d in body["items"]] == ["370323001000", "370323001201"]
    assert api("pboc").get("/divisions", {"offset": 100}).json()["items"] == []


@pytest.mark.parametrize("path", ["/divisions", "/organisations", "/service-points"])
def test_list_queries_do_not_grow_with_rows(api, county, path, django_assert_max_num_queries):
    # token lookup + last_used (first call only) + count + page: never one query per row.
    client = api("pboc")
    client.get(path)
    with django_assert_max_num_queries(3):
        assert client.get(path, {"limit": 500}).status_code == 200
