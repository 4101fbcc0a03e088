"""Index periods: years ("2019") and quarters ("2019Q1"), each measured at its last day."""

import datetime
from dataclasses import dataclass

FIRST_YEAR = 2019
YEAR, QUARTER = "year", "quarter"
FREQUENCIES = {YEAR: "年度", QUARTER: "季度"}


@dataclass(frozen=True)
class Period:
    label: str
    end: datetime.date

    @property
    def title(self) -> str:
        if "Q" in self.label:
            y, q = self.label.split("Q")
            return f"{y}年第{q}季度"
        return f"{self.label}年"


def periods(frequency: str, first_year: int, last_year: int) -> list[Period]:
    out = []
    for y in range(first_year, last_year + 1):
        if frequency == YEAR:
            out.append(Period(str(y), datetime.date(y, 12, 31)))
        else:
            for q, (m, d) in enumerate([(3, 31), (6, 30), (9, 30), (12, 31)], start=1):
                out.append(Period(f"{y}Q{q}", datetime.date(y, m, d)))
    return out


def base_label(frequency: str, base_year: int) -> str:
    # A quarterly series is anchored at the base year's last quarter: the same date as the yearly base.
    return str(base_year) if frequency == YEAR else f"{base_year}Q4"


def title(label: str) -> str:
    return Period(label, datetime.date(2000, 1, 1)).title
