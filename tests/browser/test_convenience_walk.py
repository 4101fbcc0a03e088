"""Issue #19's "done when", in headless Chromium: a farmer on a phone, without an account, finds the nearest
station that pays the electricity bill across banks → books a commemorative-coin exchange at a cash point the
finder shows → the bank's outlet confirms a time → the farmer, following the booking by its code and the phone's
last 4 digits, sees the confirmation. The office's targets page computes the station and cross-bank shares from
the register."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from puhui.cash.models import Booking
from puhui.cash.services import points
from tests.finder.conftest import mapped  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
ALL_WEEK = {d: (datetime.time(8, 0), datetime.time(18, 0)) for d in range(7)}


@pytest.fixture
def scene(transactional_db, mapped, users):  # noqa: F811
    point = points.point_create(
        actor=users["office"], kind="demo", name="农商行历山支行现金服务示范点", bank=mapped["rcb"],
        outlet=mapped["rcb_outlet"], services=["coin", "small", "unfit"], hours=ALL_WEEK, phone="0533-3200000",
        opened_on=datetime.date(2020, 5, 1),
    )  # fmt: skip
    return {**mapped, "point": point}


def test_find_a_station_book_coins_and_see_the_outlet_confirm(scene, browser, live_server, as_user):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(10_000)
    farmer = context.new_page()

    # The nearest station that pays the electricity bill across banks, from 历山2村.
    farmer.goto(reverse("finder:home"))
    farmer.click("[data-testid=towns] >> text=历山街道")
    farmer.select_option("#id_village", str(scene["villages"][1].pk))
    farmer.check("input[name=need][value=electricity]")
    farmer.check("input[name=need][value=cross_bank]")
    farmer.click("[data-testid=finder-form] button")
    first = farmer.locator("[data-testid=place]").first
    assert "历山1村服务站" in first.inner_text() and "约 3.0 公里" in first.inner_text()
    assert "电费" in first.inner_text() and "跨行支付" in first.inner_text()
    assert farmer.locator("svg.map circle.here").count() == 1

    # Commemorative coins: the cash point in the farmer's own village, booked from its card.
    farmer.uncheck("input[name=need][value=electricity]")
    farmer.uncheck("input[name=need][value=cross_bank]")
    farmer.check("input[name=need][value=coins]")
    farmer.click("[data-testid=finder-form] button")
    card = farmer.locator("[data-testid=place]", has_text="农商行历山支行现金服务示范点")
    assert "本村" in card.inner_text() and "纪念币兑换" in card.inner_text()
    card.locator("text=查看详情").click()
    day = timezone.localdate() + datetime.timedelta(days=2)
    farmer.select_option("#id_service", "coin")
    assert farmer.input_value("#id_point") == str(scene["point"].pk)
    farmer.fill("#id_day", day.isoformat())
    farmer.fill("#id_time", "10:30")
    farmer.fill("#id_name", "王老汉")
    farmer.fill("#id_phone", "13905334321")
    farmer.fill("#id_quantity", "10")
    farmer.click("[data-testid=booking-form] button")
    code = farmer.inner_text("[data-testid=code]")
    booking = Booking.objects.get()
    assert (
        booking.status == "pending" and booking.point == scene["point"] and code not in str(booking.__dict__)
    )

    # The bank confirms a time at its outlet.
    bank = as_user("rcb")
    bank.goto(reverse("cash:booking_detail", args=[booking.pk]))
    bank.fill("#id_confirm-day", day.isoformat())
    bank.fill("#id_confirm-time", "14:00")
    bank.click("[data-testid=confirm-form] button")
    booking.refresh_from_db()
    assert booking.status == "confirmed"

    # The farmer follows the booking: the confirmed time.
    farmer.goto(reverse("cash:booking_track"))
    farmer.fill("#id_code", code)
    farmer.fill("#id_digits", "4321")
    farmer.click("[data-testid=track-form] button")
    expect(farmer.locator("[data-testid=status]")).to_have_text("已确认", use_inner_text=True)
    assert "14:00" in farmer.inner_text("[data-testid=confirmed]")
    context.close()

    # The targets from the register: 1 of the 2 service points is a station and pays across banks.
    office = as_user("office")
    office.goto(reverse("stations:targets"))
    summary = office.inner_text("[data-testid=summary]")
    assert (
        "全县 2 个服务点" in summary
        and "普惠金融服务站 1 个（50.0%）" in summary
        and "跨行支付 1 个（50.0%）" in summary
    )
