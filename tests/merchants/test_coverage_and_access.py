"""Coverage by town and village from the register, the catalogue's figures, the public finder's layer, and who
sees which merchant (a bank its own; another bank's is 404)."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from puhui.core import plugins
from puhui.merchants.selectors import coverage, finder_places
from puhui.merchants.services.figures import figure_report

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def scene(make_merchant, users, county):
    v = county["villages"]
    rcb_card = make_merchant()  # 历山1村, card + QR, since 2020-03-15
    make_merchant(
        code="RCB-0002", name="历山1村药店", business_type="pharmacy"
    )  # a second in the same village
    pos_only = make_merchant(code="RCB-0003", name="历山2村摊位", village=v[1], acceptance=["accepts_pos"])
    make_merchant(
        users["abc"], code="ABC-0001", name="鲁村1村饭店", village=v[2], town=county["towns"][1],
        signed_on=D(2020, 1, 5), ended_on=D(2021, 7, 1),
    )  # fmt: skip
    seat = make_merchant(
        users["abc"], code="ABC-0002", name="鲁村镇加油站", village=None, town=county["towns"][1],
        business_type="fuel", acceptance=["accepts_qr"], signed_on=D(2021, 2, 1),
    )  # fmt: skip
    for month, t, a in ((D(2021, 3, 1), 100, "5000"), (D(2021, 4, 1), 50, "2500.50")):
        figure_report(actor=users["rcb"], merchant=rcb_card, month=month, transactions=t, amount=a)
    figure_report(actor=users["abc"], merchant=seat, month=D(2021, 3, 1), transactions=7, amount="700")
    figure_report(actor=users["rcb"], merchant=pos_only, month=D(2020, 12, 1), transactions=1, amount="9")
    return {"rcb": rcb_card, "seat": seat, "pos": pos_only}


def test_coverage_by_town_for_the_office(scene, users, county):
    data = coverage.coverage(users["office"], 2021, D(2021, 12, 31))
    lishan, lucun = data["rows"]
    # 历山街道: 历山1村 covered (card/QR), 历山2村 only a POS-only stall → 1 of 2
    assert (lishan.villages, lishan.covered, lishan.merchants, lishan.households) == (2, 1, 3, 600)
    assert lishan.share == 50.0 and lishan.per_1000 == pytest.approx(5.0)
    assert (lishan.transactions, lishan.amount) == (150, Decimal("7500.50"))
    assert lishan.months[D(2021, 4, 1)] == (50, Decimal("2500.50"))
    # 鲁村镇: the 鲁村1村 restaurant ended on 2021-07-01, the petrol station sits in the town seat → 0 villages
    assert (lucun.villages, lucun.covered, lucun.merchants) == (2, 0, 1)
    assert lucun.share == 0.0
    total = data["total"]
    assert (total.villages, total.covered, total.merchants, total.transactions) == (4, 1, 4, 157)
    assert total.cells[2] == (107, Decimal("5700.00"))
    # on 2021-06-30 the restaurant still covered 鲁村1村
    assert coverage.coverage(users["office"], 2021, D(2021, 6, 30))["rows"][1].covered == 1
    villages = coverage.villages_of(users["office"], county["towns"][0], D(2021, 12, 31))
    assert [(v.village.name, v.merchants, v.covering, v.covered) for v in villages] == [
        ("历山1村", 2, 2, True),
        ("历山2村", 1, 0, False),
    ]


def test_a_bank_and_a_town_count_what_they_see(scene, users):
    abc = coverage.coverage(users["abc"], 2021, D(2021, 6, 30))
    assert [r.merchants for r in abc["rows"]] == [0, 2] and abc["total"].transactions == 7
    town = coverage.coverage(users["town_lishan"], 2021, D(2021, 12, 31))
    assert [r.town.name for r in town["rows"]] == ["历山街道"] and town["total"].covered == 1


def test_the_catalogue_figures(scene, county):
    v, t = county["villages"], county["towns"]
    assert sorted(coverage.merchants_values(D(2021, 1, 1), D(2021, 12, 31))) == sorted(
        [
            (county["rcb"].pk, t[0].pk, v[0].pk, 2),
            (county["rcb"].pk, t[0].pk, v[1].pk, 1),
            (county["abc"].pk, t[1].pk, None, 1),
        ]
    )
    assert coverage.villages_covered_values(D(2021, 1, 1), D(2021, 12, 31)) == [(None, t[0].pk, v[0].pk, 1)]
    assert coverage.villages_covered_values(D(2020, 1, 1), D(2020, 12, 31)) == sorted(
        [(None, t[0].pk, v[0].pk, 1), (None, t[1].pk, v[2].pk, 1)]
    )
    q1 = coverage.noncash_transactions_values(D(2021, 1, 1), D(2021, 3, 31))
    assert sorted(q1) == sorted(
        [(county["rcb"].pk, t[0].pk, v[0].pk, 100), (county["abc"].pk, t[1].pk, None, 7)]
    )
    assert coverage.noncash_amount_values(D(2020, 1, 1), D(2020, 12, 31)) == [
        (county["rcb"].pk, t[0].pk, v[1].pk, 9.0)
    ]
    sources = plugins.data_sources()
    assert sources["huinong_merchants"].levels == ("institution", "village", "town", "county")
    assert sources["huinong_villages_covered"].link == "merchants:coverage"


def test_the_finder_shows_public_data_only(scene, county):
    v = county["villages"]
    places = finder_places([v[0].pk, v[2].pk])
    names = [p["name"] for p in places]
    # 鲁村1村's restaurant has ended; the town seat's petrol station shows with 鲁村1村's town
    assert names == ["历山1村便民超市", "历山1村药店", "鲁村镇加油站"]
    first = places[0]
    assert set(first) == {
        "key",
        "name",
        "village_id",
        "town_id",
        "lon",
        "lat",
        "address",
        "services",
        "hours",
        "phone",
        "note",
        "url",
    }
    assert first["key"] == f"merchant:{scene['rcb'].pk}" and "受理银行卡" in first["services"]
    assert "5% 优惠" in first["note"] and "满 50 元减 5 元" in first["note"]
    assert not any(str(k) in ("transactions", "amount") for p in places for k in p)
    assert "8450" not in repr(places) and finder_places([]) == []
    layers = [layer.name for layer in plugins.finder_layers()]
    assert "merchants" in layers


def test_another_banks_merchant_is_404_to_a_bank(scene, users, client):
    client.force_login(users["abc"])
    for name in ("merchants:merchant_detail", "merchants:merchant_edit"):
        assert client.get(reverse(name, args=[scene["rcb"].pk])).status_code == 404
    assert client.get(reverse("merchants:merchant_detail", args=[scene["seat"].pk])).status_code == 200
    listing = client.get(reverse("merchants:list")).content.decode()
    assert "鲁村镇加油站" in listing and "历山1村便民超市" not in listing
    client.force_login(users["town_lucun"])
    assert client.get(reverse("merchants:merchant_detail", args=[scene["seat"].pk])).status_code == 200
    assert client.get(reverse("merchants:merchant_detail", args=[scene["rcb"].pk])).status_code == 404
    assert client.get(reverse("merchants:merchant_edit", args=[scene["seat"].pk])).status_code == 404


def test_the_list_filters_count_and_export(scene, users, client):
    client.force_login(users["office"])
    url = reverse("merchants:list")
    page = client.get(url, {"acceptance": "accepts_pos"}).content.decode()
    assert "历山2村摊位" in page and "历山1村药店" not in page
    page = client.get(url, {"town": users["town_lucun"].town_id, "state": "active"}).content.decode()
    assert "鲁村镇加油站" in page and "鲁村1村饭店" not in page
    page = client.get(url, {"year": "2020"}).content.decode()
    assert "鲁村1村饭店" in page and "鲁村镇加油站" not in page
    assert "历山1村" in client.get(url, {"q": "RCB-0002"}).content.decode()
    export = client.get(url, {"export": "xlsx", "bank": scene["rcb"].bank_id})
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.values)
    assert rows[0][:3] == ("商户编号", "商户名称", "签约银行") and len(rows) == 4


def test_the_coverage_page_and_its_export(scene, users, client, county):
    client.force_login(users["office"])
    url = reverse("merchants:coverage")
    page = client.get(url, {"year": "2021", "town": county["towns"][0].pk})
    text = page.content.decode()
    assert page.status_code == 200 and "50.0%" in text and "历山2村" in text and "未覆盖" in text
    assert client.get(url).status_code == 200  # the latest year with figures
    assert client.get(url, {"year": "abc"}).status_code == 404
    export = client.get(url, {"year": "2021", "town": county["towns"][0].pk, "export": "xlsx"})
    assert "filename*=utf-8''" in export["Content-Disposition"]
    wb = load_workbook(BytesIO(export.content))
    assert wb.sheetnames == ["镇村覆盖", "月度交易笔数（笔）", "月度交易金额（元）", "历山街道各村"]
    first = list(wb["镇村覆盖"].values)
    assert first[1][:4] == ("历山街道", 2, 1, 50.0) and first[3][0] == "合计"
    assert list(wb["月度交易笔数（笔）"].values)[1][3] == 100


def test_the_detail_page_reports_and_refuses_in_chinese(scene, users, client):
    client.force_login(users["rcb"])
    url = reverse("merchants:figure_add", args=[scene["rcb"].pk])
    bad = client.post(url, {"month": "2021-03", "transactions": "5", "amount": "50"})
    assert bad.status_code == 400 and "不能重复报送" in bad.content.decode()
    good = client.post(url, {"month": "2021-05", "transactions": "5", "amount": "50"})
    assert good.status_code == 302
    detail = client.get(reverse("merchants:merchant_detail", args=[scene["rcb"].pk])).content.decode()
    assert "2021年5月" in detail and "更正" in detail
