import pytest


def test_login_required(client, county):
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("who", ["office", "admin", "member", "abc", "town_lishan", "agent"])
def test_dashboard_renders_for_every_role(login, users, who):
    r = login(users[who]).get("/")
    assert r.status_code == 200
    assert "概览" in r.content.decode() and "今日待办" in r.content.decode()


def test_a_farmer_lands_on_their_own_credit_page(login, users):
    assert login(users["public"]).get("/").url == "/credit/mine/"


def test_town_official_sees_own_town_figures_only(login, users):
    cards = {c["label"]: c["value"] for c in login(users["town_lishan"]).get("/").context["cards"]}
    assert cards["村（社区）"] == 2
    assert cards["户数"] == 600
    assert cards["市场主体"] == 1


def test_bank_map_shows_own_outlets(login, users):
    series = login(users["abc"]).get("/").context["series"]
    assert series["metric"] == "本机构网点数"
    assert {d["name"]: d["value"] for d in series["data"]} == {"历山街道": 0, "鲁村镇": 1}
