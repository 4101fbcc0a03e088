"""The plan's reporting periods and their due dates. Codes, labels and dates: `puhui.core.periods`;
working days: `puhui.core.workdays`. What is the plan's own: its frequency names and due offset."""

import datetime
from dataclasses import dataclass

from puhui.core import periods as core_periods
from puhui.core.workdays import add_working_days

# The plan's report_frequency → the period kind.
FREQUENCY_KINDS = {"monthly": core_periods.KIND_MONTH, "quarterly": core_periods.KIND_QUARTER}


@dataclass(frozen=True)
class Period:
    code: str  # "2020Q3" or "2020-08"
    start: datetime.date
    end: datetime.date
    due_on: datetime.date

    @property
    def label(self) -> str:
        return core_periods.label(self.code)


def _kind(frequency: str) -> str:
    # Anything but "monthly" has always meant quarterly.
    return FREQUENCY_KINDS.get(frequency, core_periods.KIND_QUARTER)


def _plan_period(spec: core_periods.PeriodSpec, due_working_days: int) -> Period:
    return Period(
        code=spec.code, start=spec.start, end=spec.end, due_on=add_working_days(spec.end, due_working_days)
    )


def period_containing(day: datetime.date, frequency: str, due_working_days: int) -> Period:
    return _plan_period(core_periods.containing(day, _kind(frequency)), due_working_days)


def periods_between(
    first: datetime.date, last: datetime.date, frequency: str, due_working_days: int
) -> list[Period]:
    """Every reporting period that overlaps [first, last]."""
    return [_plan_period(s, due_working_days) for s in core_periods.between(first, last, _kind(frequency))]


def plan_periods(plan) -> list[Period]:
    return periods_between(plan.starts_on, plan.ends_on, plan.report_frequency, plan.report_due_working_days)


def period_by_code(plan, code: str) -> Period | None:
    for period in plan_periods(plan):
        if period.code == code:
            return period
    return None
