"""Index periods: years ("2019") and quarters ("2019Q1"), each measured at its last day.

Codes, labels and dates come from `puhui.core.periods`; this module holds what is the index's own."""

import datetime
from dataclasses import dataclass

from puhui.core import periods as core_periods

FIRST_YEAR = 2019
YEAR, QUARTER = core_periods.KIND_YEAR, core_periods.KIND_QUARTER
FREQUENCIES = {YEAR: "年度", QUARTER: "季度"}


@dataclass(frozen=True)
class Period:
    label: str  # the period code, "2019" or "2019Q1" (the index's Time column)
    end: datetime.date

    @property
    def title(self) -> str:
        return core_periods.label(self.label)


def periods(frequency: str, first_year: int, last_year: int) -> list[Period]:
    kind = YEAR if frequency == YEAR else QUARTER
    return [Period(p.code, p.end) for p in core_periods.years(kind, first_year, last_year)]


def base_label(frequency: str, base_year: int) -> str:
    # A quarterly series is anchored at the base year's last quarter: the same date as the yearly base.
    return str(base_year) if frequency == YEAR else f"{base_year}Q4"
