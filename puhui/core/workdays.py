"""Working days on the Chinese holiday calendar (`chinese_calendar`: public holidays and the weekend
days swapped to working days). Years the library does not cover yet fall back to Monday–Friday."""

import datetime
import functools

import chinese_calendar


# Cached: the calendar is the library's fixed data, and its own check scans every holiday on each call
# (reporting deadlines are computed for every cell of 我的报表 and of the to-do counts).
@functools.lru_cache(maxsize=8192)
def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
