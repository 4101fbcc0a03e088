"""The figures the plan and the PBoC set for stations, in one place.

The daily cash-withdrawal limit per card at a 助农取款服务点 (单卡单日取款限额) is the PBoC's rule: its notices on
助农取款服务 (2011, 2014) set it at 1,000 元 per card per day, and some provinces have since raised it to 2,000 or
5,000 元. The platform checks the reported limit against `PUHUI_STATION_DAILY_LIMIT` (default 1,000 元); the
county sets it to the rule in force for it (docs/stations.md).
"""

import datetime
from decimal import Decimal

from django.conf import settings

# 十: 到2020年底，将各助农取款服务点建成……普惠金融服务站，并全部实现跨行支付.
STATION_TARGET_DAY = datetime.date(2020, 12, 31)
STATION_TARGET_SHARE = 100
# 十二: 到2021年底……95%的银行自助机具开通……实时缴费业务.
BILLPAY_TARGET_DAY = datetime.date(2021, 12, 31)
BILLPAY_TARGET_SHARE = 95
# 十二: 到2020年底，拓展包括出租车、停车场、电影院、旅游景点等场所的便民支付.
SCENES_TARGET_DAY = datetime.date(2020, 12, 31)


def daily_limit_rule() -> Decimal:
    """The PBoC's limit per card and day at a station (元/卡/日), as the deployment sets it."""
    return Decimal(settings.PUHUI_STATION_DAILY_LIMIT)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def previous_month(day: datetime.date) -> datetime.date:
    return month_start(month_start(day) - datetime.timedelta(days=1))


def share(part: int, whole: int) -> float | None:
    """part / whole × 100, or None for an empty whole (no share of nothing)."""
    return round(part * 100 / whole, 1) if whole else None
