"""Core pages: every role reaches what it may, and nothing of another bank or town leaks."""

import pytest
from django.urls import reverse

from puhui.core.context_processors import entries


def test_every_navigation_entry_resolves():
    for _label, name, _roles in entries():
        reverse(name)


def test_bank_sees_only_its_own_tree(login, users, county):
    client = login(users["abc"])
    html = client.get("/organisations/").content.decode()
    assert "农行鲁村分理处" in html
    assert "沂源农村商业银行" not in html and "农商行历山支行" not in html
    assert client.get(f"/organisations/{county['abc_outlet'].pk}/").status_code == 200
    assert client.get(f"/organisations/{county['rcb'].pk}/").status_code == 404
    assert client.get(f"/organisations/{county['rcb_outlet'].pk}/").status_code == 404
    assert client.get("/organisations/999999/").status_code == 404


def test_bank_sees_only_its_own_service_points(login, users):
    html = login(users["rcb"]).get("/service-points/").content.decode()
    assert "历山1村服务站" in html and "鲁村1村服务点" not in html


def test_town_official_sees_outlets_in_own_town_only(login, users, county):
    client = login(users["town_lucun"])
    html = client.get("/organisations/?level=outlet").content.decode()
    assert "农行鲁村分理处" in html and "农商行历山支行" not in html
    assert client.get(f"/organisations/{county['rcb_outlet'].pk}/").status_code == 404
    html = client.get("/service-points/").content.decode()
    assert "鲁村1村服务点" in html and "历山1村服务站" not in html


@pytest.mark.parametrize("who", ["agent", "public"])
def test_agents_and_public_see_no_organisations(login, users, county, who):
    client = login(users[who])
    assert "中国农业银行沂源县支行" not in client.get("/organisations/").content.decode()
    assert client.get(f"/organisations/{county['abc'].pk}/").status_code == 404


def test_divisions_are_listed_and_filtered(login, users):
    client = login(users["abc"])
    html = client.get("/divisions/?town=370323102000").content.decode()
    assert "鲁村1村" in html and "历山1村" not in html


@pytest.mark.parametrize("who", ["member", "abc", "town_lishan", "agent", "public"])
def test_audit_log_is_for_the_office_only(login, users, who):
    assert login(users[who]).get("/audit/").status_code == 404


def test_audit_log_filters(login, users, client):
    client.post("/login/", {"username": "office", "password": "nope"})
    office = login(users["office"])
    html = office.get("/audit/?action=login_failed").content.decode()
    assert "登录失败" in html and "office" in html
    assert "登录失败" not in office.get("/audit/?action=create").content.decode().split("<tbody>")[1]


def test_map_geojson_requires_login(client, county):
    assert client.get("/map/county.json").status_code == 302


def test_an_organisation_shows_its_first_points_and_leads_to_all_of_them(login, users, county):
    from puhui.core.models import ServicePoint

    abc, village = county["abc"], county["villages"][2]
    ServicePoint.objects.bulk_create(
        ServicePoint(
            code=f"SPX{i:03}", name=f"服务点{i}", bank=abc, village=village, functions=["withdrawal"]
        )
        for i in range(30)
    )
    client = login(users["office"])
    html = client.get(f"/organisations/{abc.pk}/").content.decode()
    assert "签约服务点（31 个）" in html and html.count("<tr><td><code>SP") == 20
    assert f'href="/service-points/?bank={abc.pk}"' in html
    listed = client.get(f"/service-points/?bank={abc.pk}").content.decode()
    assert "31 条" in listed
