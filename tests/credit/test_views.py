"""Pages and their permission leaks: another bank's customer, another town's or village's household → 404."""

import datetime

import pytest

from puhui.core.models import AuditLog
from puhui.credit import services
from puhui.credit.models import HouseholdArchive, PreCreditLine


def test_agent_creates_archive_via_form(county, users, login, complete):
    hh = county["households"][0]
    c = login(users["agent"])
    assert c.get("/credit/").status_code == 200
    assert c.get(f"/credit/households/{hh.pk}/archive/").status_code == 200
    data = {k: ("true" if v is True else "false" if v is False else v) for k, v in complete.items()}
    data.update(
        {
            "m-TOTAL_FORMS": "1",
            "m-INITIAL_FORMS": "0",
            "m-0-name": "户主0",
            "m-0-relation": "户主",
            "m-0-id_number": "370323199001011234",
            "m-0-age": "40",
            "m-0-is_labour": "on",
        }
    )
    r = c.post(f"/credit/households/{hh.pk}/archive/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    a = HouseholdArchive.objects.get(household=hh)
    assert a.is_complete and a.status == "submitted" and a.members.count() == 1
    r = c.post(f"/credit/households/{hh.pk}/archive/", {**data, "m-0-id_number": "370323199001011235"})
    assert r.status_code == 200 and "身份证" in r.content.decode()


def test_bank_verifies_and_rates_then_household_sees_reasons(county, users, login, complete, next_year):
    hh = county["households"][0]
    services.archive_save(actor=users["agent"], household=hh, data=complete)
    bank = login(users["abc"])
    assert hh.code in bank.get("/credit/").content.decode()  # the verification queue
    assert bank.get(f"/credit/households/{hh.pk}/").status_code == 200
    r = bank.post(f"/credit/households/{hh.pk}/verify/", follow=True)
    assert "评级结果" in r.content.decode()
    r = bank.post(f"/credit/households/{hh.pk}/offer/", {"valid_until": next_year.isoformat()}, follow=True)
    assert "已预授信" in r.content.decode()
    line = PreCreditLine.objects.get()
    farmer = login(users["public"])
    page = farmer.get(f"/credit/households/{hh.pk}/").content.decode()
    assert "主要失分原因" in page and "村委会评议" not in page
    farmer.post(f"/credit/lines/{line.pk}/respond/", {"accept": "1"})
    line.refresh_from_db()
    assert line.status == "accepted"
    farmer.post(f"/credit/lines/{line.pk}/move/", {"kind": "draw", "amount": "5000"})
    line.refresh_from_db()
    assert line.outstanding == 5000
    r = farmer.post(f"/credit/households/{hh.pk}/objection/", {"text": "资产少算了"}, follow=True)
    assert "书面答复" in r.content.decode() or "前书面答复" in r.content.decode()


def test_every_archive_view_logged_and_visible_to_office(county, users, login, archived):
    hh = archived(0)
    login(users["town_lishan"]).get(f"/credit/households/{hh.pk}/")
    logs = AuditLog.objects.filter(
        object_type="credit.HouseholdArchive", object_id=str(hh.pk), note="查看信用档案"
    )
    assert logs.filter(actor=users["town_lishan"]).exists()
    page = login(users["office"]).get("/credit/access-log/").content.decode()
    assert "lishan" in page
    assert login(users["agent"]).get("/credit/access-log/").status_code == 404


@pytest.mark.parametrize(
    "who,index,status",
    [
        ("agent", 0, 200),
        ("agent", 1, 404),
        ("agent", 2, 404),
        ("town_lishan", 1, 200),
        ("town_lishan", 2, 404),
        ("town_lucun", 0, 404),
        ("abc", 0, 200),
        ("rcb", 0, 404),
        ("rcb", 2, 404),
        ("public", 0, 200),
        ("public", 1, 404),
        ("member", 0, 404),
        ("office", 3, 200),
    ],
)
def test_household_page_scopes(county, users, login, archived, who, index, status):
    archived(0)  # verified by ABC: ABC's customer; not RCB's
    archived(1, verifier="office")
    archived(2, verifier="office")
    archived(3, verifier="office")
    hh = county["households"][index]
    assert login(users[who]).get(f"/credit/households/{hh.pk}/").status_code == status


def test_leaks_on_write_endpoints(county, users, login, archived, next_year):
    hh0 = archived(0)
    hh2 = archived(2, verifier="office")
    line = services.line_offer(actor=users["abc"], household=hh0, valid_until=next_year)
    rcb = login(users["rcb"])
    # another bank's line and customer
    assert rcb.post(f"/credit/lines/{line.pk}/move/", {"kind": "draw", "amount": "1"}).status_code == 404
    assert rcb.post(f"/credit/households/{hh0.pk}/offer/", {"valid_until": next_year}).status_code == 404
    assert "H0" not in rcb.get("/credit/lines/").content.decode()
    assert "H0" in login(users["abc"]).get("/credit/lines/").content.decode()
    # another village / town
    agent = login(users["agent"])
    assert agent.get(f"/credit/households/{hh2.pk}/archive/").status_code == 404
    assert agent.post(f"/credit/households/{hh2.pk}/consent/", {}).status_code == 404
    town = login(users["town_lucun"])
    assert town.post(f"/credit/households/{hh0.pk}/verify/").status_code == 404
    assert town.post(f"/credit/households/{hh0.pk}/rate/").status_code == 404
    # banks never edit archives; farmers never respond for another household
    assert login(users["abc"]).get(f"/credit/households/{hh0.pk}/archive/").status_code == 404
    o = services.objection_raise(actor=users["public"], household=hh0, text="x")
    assert (
        login(users["town_lucun"]).post(f"/credit/objections/{o.pk}/answer/", {"answer": "y"}).status_code
        == 404
    )
    farmer_other = login(users["public"])
    assert farmer_other.post(f"/credit/households/{hh2.pk}/objection/", {"text": "x"}).status_code == 404
    # office-only pages
    for url in ("/credit/scorecards/", "/credit/access-log/"):
        assert login(users["abc"]).get(url).status_code == 404
    assert login(users["abc"]).post("/credit/rate-all/").status_code == 404


def test_village_page_scopes_and_gap(county, users, login, archived):
    archived(0)
    v0, v2 = county["villages"][0], county["villages"][2]
    page = login(users["agent"]).get(f"/credit/villages/{v0.pk}/").content.decode()
    assert "还差" in page and "信用户占农户比例" in page
    assert login(users["agent"]).get(f"/credit/villages/{v2.pk}/").status_code == 404
    assert login(users["town_lishan"]).get(f"/credit/villages/{v2.pk}/").status_code == 404
    assert login(users["public"]).get(f"/credit/villages/{v0.pk}/").status_code == 404
    assert login(users["abc"]).get(f"/credit/villages/{v0.pk}/").status_code == 200
    assert login(users["office"]).get(f"/credit/villages/{county['towns'][0].pk}/").status_code == 404


def test_office_pages_and_jobs(county, users, login):
    c = login(users["office"])
    assert "rural-household-default" in c.get("/credit/scorecards/").content.decode()
    r = c.post("/credit/designations/evaluate/", {"year": str(datetime.date.today().year)}, follow=True)
    assert "评定完成" in r.content.decode()
    r = c.post("/credit/rate-all/", follow=True)
    assert "已提交后台任务" in r.content.decode()


def test_mine_redirects_farmer_only(county, users, login):
    r = login(users["public"]).get("/credit/mine/")
    assert r.status_code == 302 and r["Location"].endswith(
        f"/credit/households/{county['households'][0].pk}/"
    )
    assert login(users["agent"]).get("/credit/mine/").status_code == 404
