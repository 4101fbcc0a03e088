"""The cash scene on the test county: a cash point of ABC at its outlet (weekdays) and one of RCB at its
station (weekdays and Saturday morning), and helpers for a day the points are open."""

import datetime

import pytest
from django.utils import timezone

from puhui.cash.services import points

T = datetime.time
WEEKDAYS = {d: (T(8, 30), T(17, 0)) for d in range(5)}


def next_weekday(after_days: int = 1) -> datetime.date:
    """The first Monday–Friday at least `after_days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=after_days)
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    return day


def next_sunday() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() != 6:
        day += datetime.timedelta(days=1)
    return day


def point_data(county, **overrides) -> dict:
    data = {
        "kind": "demo",
        "name": "农行鲁村分理处现金服务示范点",
        "bank": county["abc"],
        "outlet": county["abc_outlet"],
        "services": ["withdrawal", "coin", "small", "counterfeit"],
        "hours": WEEKDAYS,
        "phone": "0533-3241234",
        "opened_on": datetime.date(2020, 5, 1),
    }
    data.update(overrides)
    return data


@pytest.fixture
def abc_point(county, users):
    return points.point_create(actor=users["abc"], **point_data(county))


@pytest.fixture
def rcb_point(county, users):
    return points.point_create(
        actor=users["office"],
        **point_data(
            county, kind="exchange", name="历山1村服务站兑换点", bank=county["rcb"], outlet=None,
            service_point=county["service_points"][1], services=["small", "unfit"],
            hours={**WEEKDAYS, 5: (T(9, 0), T(12, 0))},
        ),
    )  # fmt: skip


def booking_data(point, **overrides) -> dict:
    data = {
        "point": point,
        "service": "withdrawal",
        "day": next_weekday(),
        "time": T(10, 0),
        "name": "张三",
        "phone": "13912345678",
        "amount": 80000,
        "quantity": None,
    }
    data.update(overrides)
    return data
