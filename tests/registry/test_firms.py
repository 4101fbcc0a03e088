import pytest
from django.urls import reverse

URL = "/registry/firms/"


def names(response) -> set[str]:
    return {f.name for f in response.context["page"]}


def test_url_name():
    assert reverse("firm_list") == URL


@pytest.mark.parametrize("who", ["office", "admin", "member"])
def test_county_wide_roles_see_every_firm(login, users, county, who):
    assert names(login(users[who]).get(URL)) == {"沂源甲公司", "鲁村乙商店"}


def test_town_official_sees_own_town_only(login, users, county):
    client = login(users["town_lishan"])
    assert names(client.get(URL)) == {"沂源甲公司"}
    assert names(client.get(URL, {"q": "92370323MA3C4DB61L"})) == set()
    lucun_firm = county["firms"][1]
    assert client.get(f"/registry/firms/{lucun_firm.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["abc", "agent", "public"])
def test_other_roles_get_no_firms(login, users, county, who):
    client = login(users[who])
    assert names(client.get(URL)) == set()
    assert client.get(f"/registry/firms/{county['firms'][0].pk}/").status_code == 404


def test_filters_and_search(login, users, county):
    client = login(users["office"])
    assert names(client.get(URL, {"kind": "individual"})) == {"鲁村乙商店"}
    assert names(client.get(URL, {"town": county["towns"][0].pk})) == {"沂源甲公司"}
    assert names(client.get(URL, {"industry": "制造业"})) == {"沂源甲公司", "鲁村乙商店"}
    assert names(client.get(URL, {"q": "91370323ma3c4db553"})) == {"沂源甲公司"}
    assert names(client.get(URL, {"q": "乙商"})) == {"鲁村乙商店"}
    assert names(client.get(URL, {"kind": "nonsense"})) == {"沂源甲公司", "鲁村乙商店"}


def test_detail(login, users, county):
    firm = county["firms"][0]
    r = login(users["town_lishan"]).get(f"/registry/firms/{firm.pk}/")
    assert r.status_code == 200
    assert "91370323MA3C4DB553" in r.content.decode()
    assert login(users["office"]).get("/registry/firms/999999/").status_code == 404
