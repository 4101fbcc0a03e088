"""The plan's reporting periods and their due dates (working days: `puhui.core.workdays`)."""

import calendar
import datetime
from dataclasses import dataclass

from puhui.core.workdays import add_working_days


@dataclass(frozen=True)
class Period:
    code: str  # "2020Q3" or "2020-08"
    start: datetime.date
    end: datetime.date
    due_on: datetime.date

    @property
    def label(self) -> str:
        if "Q" in self.code:
            year, q = self.code.split("Q")
            return f"{year}年第{q}季度"
        year, month = self.code.split("-")
        return f"{year}年{int(month)}月"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(day: datetime.date, frequency: str, due_working_days: int) -> Period:
    if frequency == "monthly":
        start = day.replace(day=1)
        end = _month_end(day.year, day.month)
        code = f"{day.year}-{day.month:02d}"
    else:
        q = (day.month - 1) // 3 + 1
        start = datetime.date(day.year, 3 * q - 2, 1)
        end = _month_end(day.year, 3 * q)
        code = f"{day.year}Q{q}"
    return Period(code=code, start=start, end=end, due_on=add_working_days(end, due_working_days))


def periods_between(
    first: datetime.date, last: datetime.date, frequency: str, due_working_days: int
) -> list[Period]:
    """Every reporting period that overlaps [first, last]."""
    periods = []
    day = first
    while day <= last:
        period = period_containing(day, frequency, due_working_days)
        periods.append(period)
        day = period.end + datetime.timedelta(days=1)
    return periods


def plan_periods(plan) -> list[Period]:
    return periods_between(plan.starts_on, plan.ends_on, plan.report_frequency, plan.report_due_working_days)


def period_by_code(plan, code: str) -> Period | None:
    for period in plan_periods(plan):
        if period.code == code:
            return period
    return None


def date_cn(day: datetime.date) -> str:
    """2021-01-05 → 2021年1月5日, as official documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"
