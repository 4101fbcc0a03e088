"""The public booking on a phone, without an account: book → the bank confirms → follow by code; refusals in
Chinese with nothing stored; the booking POST rate-limited per client address; the finder layer and to-do lines."""

import datetime

import pytest
from django.urls import reverse

from puhui.cash.models import Booking
from puhui.cash.selectors import reads
from puhui.cash.services import warnings
from puhui.core import plugins
from tests.cash.conftest import next_sunday, next_weekday

pytestmark = pytest.mark.django_db


def _form(point, **overrides) -> dict:
    data = {"service": "coin", "point": point.pk, "day": next_weekday().isoformat(), "time": "10:30",
            "name": "王五", "phone": "13855551234", "quantity": "20"}  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_phone_walk_book_confirm_follow(client, abc_point, users):
    page = client.get(reverse("cash:booking") + f"?point={abc_point.pk}")
    assert page.status_code == 200 and "纪念币兑换" in page.content.decode()
    answer = client.post(reverse("cash:booking"), _form(abc_point))
    assert answer.status_code == 200
    code = answer.context["code"]
    booking = Booking.objects.get()
    assert booking.service == "coin" and booking.quantity == 20 and booking.bank == abc_point.bank

    bank = client.__class__()
    bank.force_login(users["abc"])
    confirm = {"confirm-day": next_weekday().isoformat(), "confirm-time": "11:00"}
    assert bank.post(reverse("cash:booking_confirm", args=[booking.pk]), confirm).status_code == 302

    fresh = client.__class__()
    assert fresh.get(reverse("cash:booking_track_view")).status_code == 404
    found = fresh.post(reverse("cash:booking_track"), {"code": code, "digits": "1234"})
    assert found.status_code == 302
    shown = fresh.get(reverse("cash:booking_track_view")).content.decode()
    assert "已确认" in shown and "11:00" in shown and "13855551234" not in shown


@pytest.mark.parametrize(
    "overrides,words",
    [
        ({"day": (datetime.date.today() - datetime.timedelta(days=2)).isoformat()}, "已经过去"),
        ({"time": "19:00"}, "不在"),
        ({"day": None}, "这个字段是必填项"),
        ({"service": "unfit"}, "不提供“残损币兑换”"),
        ({"phone": None}, "请填写联系电话"),
    ],
)
def test_refusals_are_in_chinese_and_store_nothing(client, abc_point, overrides, words):
    answer = client.post(reverse("cash:booking"), _form(abc_point, **overrides))
    assert answer.status_code == 400 and words in answer.content.decode()
    assert not Booking.objects.exists()


def test_sunday_is_outside_the_hours(client, abc_point):
    answer = client.post(reverse("cash:booking"), _form(abc_point, day=next_sunday().isoformat()))
    assert "周一至周五 08:30–17:00" in answer.content.decode()


def test_the_booking_post_is_rate_limited(client, abc_point, settings):
    settings.PUHUI_RATE_CASH_BOOKING = "3/h"
    for _ in range(3):
        assert client.post(reverse("cash:booking"), _form(abc_point)).status_code == 200
    refused = client.post(reverse("cash:booking"), _form(abc_point))
    assert refused.status_code == 429 and "提交预约过于频繁" in refused.content.decode()
    assert Booking.objects.count() == 3
    assert client.get(reverse("cash:booking")).status_code == 200  # reading the page is not limited


def test_the_default_rate_is_five_an_hour(client, abc_point):
    codes = [client.post(reverse("cash:booking"), _form(abc_point)).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_the_finder_layer_and_public_link(abc_point, rcb_point, county):
    assert [layer.name for layer in plugins.finder_layers() if layer.name == "cash_points"] == ["cash_points"]
    assert "cash:booking" in [link.url_name for link in plugins.public_links()]
    places = reads.finder_places([county["villages"][2].pk])
    assert [p["key"] for p in places] == [f"cash:{abc_point.pk}"]
    place = places[0]
    assert place["hours"] == "周一至周五 08:30–17:00" and "纪念币兑换" in place["services"]
    assert place["url"].endswith(f"?point={abc_point.pk}") and place["town_id"] == county["towns"][1].pk
    abc_point.closed_on = datetime.date.today()
    abc_point.save()
    assert reads.finder_places([county["villages"][2].pk]) == []


def test_todo_counts(users, abc_point, client):
    warning = warnings.warning_issue(
        actor=users["office"], title="预警", text="内容", denomination="100", features="冠字号码",
        deadline=datetime.date.today(),
    )  # fmt: skip
    assert reads.bank_warning_count(users["abc"]) == 2 and reads.bank_warning_count(users["office"]) == 0
    assert reads.office_overdue_count(users["office"]) == 0
    warning.deadline = datetime.date.today() - datetime.timedelta(days=1)
    warning.save()
    assert reads.office_overdue_count(users["office"]) == 4
    warnings.warning_acknowledge(actor=users["abc"], warning=warning, everything=True)
    assert reads.office_overdue_count(users["office"]) == 2 and reads.bank_warning_count(users["abc"]) == 0
    client.force_login(users["office"])
    listed = client.get(reverse("cash:recipients") + "?state=overdue")
    assert listed.context["listing"].count.n == 2
    export = client.get(reverse("cash:recipients") + "?state=overdue&export=xlsx")
    assert export.status_code == 200 and "xlsx" in export["Content-Disposition"]
    client.post(reverse("cash:booking"), _form(abc_point))
    assert reads.bank_booking_count(users["abc"]) == 1 and reads.bank_booking_count(users["rcb"]) == 0


def test_acknowledging_another_banks_unit_is_refused_on_the_page(client, users, county):
    warning = warnings.warning_issue(
        actor=users["office"], title="预警", text="内容", denomination="100", features="冠字号码",
        deadline=datetime.date.today(),
    )  # fmt: skip
    client.force_login(users["abc"])
    url = reverse("cash:warning_acknowledge", args=[warning.pk])
    answer = client.post(url, {"service_point": county["service_points"][1].pk})
    assert answer.status_code == 400 and "本预警没有发给历山1村服务站" in answer.content.decode()
    ok = client.post(
        url, {"outlet": county["abc_outlet"].pk, "service_point": county["service_points"][0].pk}
    )
    assert ok.status_code == 302


def test_the_menu_entries(users):
    from puhui.core import plugins

    entries = {i.label: i for m, items in plugins.navigation() if m.label == "便民服务" for i in items}
    assert {entries[k].order for k in ("现金服务点", "假币预警", "现金预约")} == {40, 50, 55}
    assert entries["假币预警"].visible_to(users["abc"]) and not entries["假币预警"].visible_to(
        users["town_lishan"]
    )
    assert entries["现金服务点"].visible_to(users["town_lishan"]) and not entries["现金服务点"].visible_to(
        users["public"]
    )
