"""The cash services' rules: the points register with its hours, warnings to every open unit and their
acknowledgement, and public bookings with their refusals (in Chinese, nothing stored)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from puhui.cash.models import Booking, CashPoint, OpeningHours, Recipient, Warning
from puhui.cash.rules import hours_text, open_at
from puhui.cash.services import bookings, points, warnings
from puhui.core.models import AuditLog
from tests.cash.conftest import WEEKDAYS, T, booking_data, next_sunday, next_weekday, point_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _message(e: ValidationError) -> str:
    return (
        " ".join(m for ms in e.message_dict.values() for m in ms) if hasattr(e, "error_dict") else " ".join(e)
    )


# ---------------------------------------------------------------- points


def test_a_bank_registers_its_point_with_hours(abc_point, county):
    assert abc_point.town == county["towns"][1] and abc_point.village == county["villages"][2]
    assert abc_point.hours.count() == 5
    assert AuditLog.objects.filter(object_type="cash.CashPoint", object_id=str(abc_point.pk)).exists()


@pytest.mark.parametrize(
    "overrides,field,words",
    [
        ({"hours": {0: (T(17, 0), T(9, 0))}}, "hours", "关门时间"),
        ({"hours": {}}, "hours", "至少填写一天"),
        ({"services": []}, "services", "至少一项"),
        ({"services": ["gold"]}, "services", "列出的项目"),
        ({"outlet": None}, "outlet", "二选一"),
        ({"opened_on": None}, "opened_on", "设立日期"),
    ],
)
def test_bad_points_are_refused_and_nothing_is_stored(county, users, overrides, field, words):
    with pytest.raises(ValidationError) as e:
        points.point_create(actor=users["abc"], **point_data(county, **overrides))
    assert field in e.value.message_dict and words in _message(e.value)
    assert not CashPoint.objects.exists() and not OpeningHours.objects.exists()


def test_a_bank_cannot_register_at_another_banks_outlet(county, users):
    with pytest.raises(ValidationError) as e:
        points.point_create(actor=users["abc"], **point_data(county, outlet=county["rcb_outlet"]))
    assert "不是中国农业银行沂源县支行的网点" in _message(e.value)
    with pytest.raises(ValidationError) as e:
        points.point_create(
            actor=users["abc"], **point_data(county, bank=county["rcb"], outlet=county["rcb_outlet"])
        )
    assert "bank" in e.value.message_dict


def test_only_the_office_and_banks_keep_points(county, users, abc_point):
    for who in ("town_lishan", "member", "agent"):
        with pytest.raises(ValidationError):
            points.point_create(actor=users[who], **point_data(county))
    with pytest.raises(ValidationError):
        points.point_update(actor=users["rcb"], point=abc_point, **point_data(county))
    done = points.point_update(
        actor=users["office"], point=abc_point, **point_data(county, hours={5: (T(9), T(12))})
    )
    assert list(done.hours.values_list("weekday", flat=True)) == [5]


@given(st.integers(0, 6), st.integers(0, 23), st.integers(0, 59))
def test_open_at_follows_the_hours(weekday, hour, minute):
    hours = {0: (T(8, 30), T(17, 0)), 5: (T(9, 0), T(12, 0))}
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=weekday)  # 2024-01-01 is a Monday
    at = T(hour, minute)
    expected = weekday in hours and hours[weekday][0] <= at < hours[weekday][1]
    assert open_at(hours, day, at) is expected


def test_hours_text_joins_equal_days():
    assert hours_text({**WEEKDAYS, 5: (T(9), T(12))}) == "周一至周五 08:30–17:00；周六 09:00–12:00"
    assert hours_text({}) == ""


# ---------------------------------------------------------------- warnings


def _issue(users, **overrides):
    data = {
        "title": "新版100元假币预警",
        "text": "请组织学习。",
        "denomination": "100",
        "features": "冠字号码 C3S8 开头",
        "deadline": TODAY() + datetime.timedelta(days=5),
    }
    return warnings.warning_issue(actor=users["office"], **{**data, **overrides})


def test_a_warning_goes_to_every_open_outlet_and_service_point(county, users):
    county["rcb_outlet"].closed_on = TODAY() - datetime.timedelta(days=3)
    county["rcb_outlet"].save()
    warning = _issue(users)
    units = set(Recipient.objects.filter(warning=warning).values_list("unit_name", "bank_id"))
    assert units == {
        ("农行鲁村分理处", county["abc"].pk),
        ("鲁村1村服务点", county["abc"].pk),
        ("历山1村服务站", county["rcb"].pk),
    }
    assert warning.recipient_count == 3


@pytest.mark.parametrize(
    "overrides,field",
    [({"deadline": TODAY() - datetime.timedelta(days=1)}, "deadline"), ({"title": ""}, "title"),
     ({"denomination": "3"}, "denomination"), ({"deadline": TODAY() + datetime.timedelta(days=400)}, "deadline")],
)  # fmt: skip
def test_bad_warnings_are_refused(users, county, overrides, field):
    with pytest.raises(ValidationError) as e:
        _issue(users, **overrides)
    assert field in e.value.message_dict
    assert not Warning.objects.exists() and not Recipient.objects.exists()


def test_only_the_office_issues(users, county):
    with pytest.raises(ValidationError, match="只有领导小组办公室"):
        warnings.warning_issue(actor=users["abc"], title="x", text="x", denomination="100", features="x",
                               deadline=TODAY())  # fmt: skip


def test_a_bank_acknowledges_its_own_units_and_not_others(users, county):
    warning = _issue(users)
    abc, rcb_point = users["abc"], county["service_points"][1]
    done = warnings.warning_acknowledge(actor=abc, warning=warning, outlets=[county["abc_outlet"].pk])
    assert done == 1
    with pytest.raises(ValidationError) as e:
        warnings.warning_acknowledge(actor=abc, warning=warning, service_points=[rcb_point.pk])
    assert "本预警没有发给历山1村服务站" in _message(e.value)
    # A unit it was not sent to (opened after the warning) refuses the whole request: nothing acknowledged.
    with pytest.raises(ValidationError):
        warnings.warning_acknowledge(
            actor=abc, warning=warning, service_points=[county["service_points"][0].pk, 999999]
        )
    assert Recipient.objects.filter(warning=warning, acknowledged_at__isnull=False).count() == 1
    assert warnings.warning_acknowledge(actor=abc, warning=warning, everything=True) == 1
    assert warnings.warning_acknowledge(actor=users["rcb"], warning=warning, everything=True) == 2
    with pytest.raises(ValidationError, match="只有银行"):
        warnings.warning_acknowledge(actor=users["office"], warning=warning, everything=True)


# ---------------------------------------------------------------- bookings


def test_a_booking_is_stored_encrypted_and_found_by_code(abc_point):
    booking, code = bookings.booking_create(**booking_data(abc_point))
    assert booking.bank_id == abc_point.bank_id and booking.status == Booking.Status.PENDING
    assert booking.tracking_hash != code and len(code) == bookings.CODE_LENGTH
    assert bookings.find_by_code(bookings.format_code(code).lower(), "5678") == booking
    assert bookings.find_by_code(code, "1234") is None
    assert bookings.find_by_code("A" * 12, "5678") is None
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM cash_booking WHERE id = %s", [booking.pk])
        assert "13912345678" not in cursor.fetchone()[0]


@pytest.mark.parametrize(
    "overrides,field,words",
    [
        ({"day": TODAY() - datetime.timedelta(days=1)}, "day", "已经过去"),
        ({"time": T(18, 0)}, "time", "不在"),
        ({"time": T(8, 0)}, "time", "营业时间"),
        ({"day": next_sunday()}, "time", "不在"),
        ({"service": "unfit"}, "service", "不提供“残损币兑换”"),
        ({"phone": ""}, "phone", "联系电话"),
        ({"phone": "12ab"}, "phone", "7 到 12 位"),
        ({"name": ""}, "name", "姓名"),
        ({"amount": 20000}, "amount", "不少于 50,000 元"),
        ({"service": "coin", "quantity": None}, "quantity", "枚"),
        ({"day": TODAY() + datetime.timedelta(days=120)}, "day", "60 天以内"),
    ],
)
def test_bad_bookings_are_refused_and_nothing_is_stored(abc_point, overrides, field, words):
    with pytest.raises(ValidationError) as e:
        bookings.booking_create(**booking_data(abc_point, **overrides))
    assert field in e.value.message_dict and words in _message(e.value), e.value.message_dict
    assert not Booking.objects.exists()


def test_every_problem_is_reported_at_once(abc_point):
    with pytest.raises(ValidationError) as e:
        bookings.booking_create(**booking_data(abc_point, service="unfit", phone="", time=T(20, 0)))
    assert {"service", "phone", "time"} <= set(e.value.message_dict)


def test_a_closed_point_takes_no_booking(abc_point):
    abc_point.closed_on = TODAY()
    abc_point.save()
    with pytest.raises(ValidationError, match="已于"):
        bookings.booking_create(**booking_data(abc_point))


def test_the_bank_confirms_or_refuses(abc_point, users):
    booking, _ = bookings.booking_create(**booking_data(abc_point))
    with pytest.raises(ValidationError):
        bookings.booking_confirm(actor=users["rcb"], booking=booking, day=booking.day, time=T(11, 0))
    with pytest.raises(ValidationError) as e:
        bookings.booking_confirm(actor=users["abc"], booking=booking, day=booking.day, time=T(19, 0))
    assert "time" in e.value.message_dict
    bookings.booking_confirm(actor=users["abc"], booking=booking, day=booking.day, time=T(11, 0))
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.confirmed_time == T(11, 0)
    with pytest.raises(ValidationError, match="已确认"):
        bookings.booking_refuse(actor=users["abc"], booking=booking, reason="满了")
    other, _ = bookings.booking_create(**booking_data(abc_point, service="coin", amount=None, quantity=20))
    with pytest.raises(ValidationError) as e:
        bookings.booking_refuse(actor=users["abc"], booking=other, reason=" ")
    assert "reason" in e.value.message_dict
    bookings.booking_refuse(actor=users["abc"], booking=other, reason="纪念币已兑完")
    assert Booking.objects.get(pk=other.pk).refuse_reason == "纪念币已兑完"


def test_the_next_weekday_helper_is_open():
    assert open_at(WEEKDAYS, next_weekday(), T(10, 0))
