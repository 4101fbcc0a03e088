"""The loan prime rates published by 全国银行间同业拆借中心 (National Interbank Funding Center) on the 20th
of each month since the LPR reform of August 2019, through the plan's last year: (month, 1-year %, 5-year+ %).
Seeded by migration 0002; the office adds later months on the LPR page."""

from decimal import Decimal


def _months(first: tuple[int, int], last: tuple[int, int]):
    y, m = first
    while (y, m) <= last:
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


_SPANS = [
    ((2019, 8), (2019, 8), "4.25", "4.85"),
    ((2019, 9), (2019, 10), "4.20", "4.85"),
    ((2019, 11), (2020, 1), "4.15", "4.80"),
    ((2020, 2), (2020, 3), "4.05", "4.75"),
    ((2020, 4), (2021, 11), "3.85", "4.65"),
    ((2021, 12), (2021, 12), "3.80", "4.65"),
]

PUBLISHED = [
    (y, m, Decimal(one), Decimal(five)) for first, last, one, five in _SPANS for y, m in _months(first, last)
]
