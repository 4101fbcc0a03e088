"""Reporting period codes and due dates.

Codes: "2020" (year), "2020Q3" (quarter), "2020-08" (month). A form is due a number of working days
after its period ends, counted on the Chinese holiday calendar (`puhui.core.workdays`).
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from puhui.core.workdays import add_working_days

KIND_YEAR, KIND_QUARTER, KIND_MONTH = "year", "quarter", "month"
# Working days after the period end: the PBoC's usual deadlines for statistical returns.
DUE_WORKING_DAYS = {KIND_MONTH: 10, KIND_QUARTER: 15, KIND_YEAR: 20}
_PATTERNS = {
    KIND_YEAR: re.compile(r"(\d{4})"),
    KIND_QUARTER: re.compile(r"(\d{4})Q([1-4])"),
    KIND_MONTH: re.compile(r"(\d{4})-(0[1-9]|1[0-2])"),
}


@dataclass(frozen=True)
class PeriodSpec:
    code: str
    kind: str
    year: int
    number: int
    start: datetime.date
    end: datetime.date

    @property
    def due(self) -> datetime.date:
        return add_working_days(self.end, DUE_WORKING_DAYS[self.kind])


def parse_code(code: str) -> PeriodSpec:
    """A period code → its kind, dates; ValueError (Chinese message) when malformed."""
    code = (code or "").strip().upper()
    for kind, pattern in _PATTERNS.items():
        m = pattern.fullmatch(code)
        if not m:
            continue
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            break
        if kind == KIND_YEAR:
            return PeriodSpec(code, kind, year, 1, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        number = int(m.group(2))
        if kind == KIND_QUARTER:
            first = 3 * number - 2
            last = 3 * number
        else:
            first = last = number
        end = datetime.date(year, last, calendar.monthrange(year, last)[1])
        return PeriodSpec(code, kind, year, number, datetime.date(year, first, 1), end)
    raise ValueError(f"报送期“{code}”格式错误，应为 2020、2020Q3 或 2020-08")


def code_for(kind: str, year: int, number: int = 1) -> str:
    if kind == KIND_YEAR:
        return f"{year}"
    if kind == KIND_QUARTER:
        return f"{year}Q{number}"
    return f"{year}-{number:02d}"


def previous_year_code(code: str) -> str:
    """The same period one year earlier: 2021Q2 → 2020Q2."""
    spec = parse_code(code)
    return code_for(spec.kind, spec.year - 1, spec.number)


def quarters_of(year: int) -> list[str]:
    return [code_for(KIND_QUARTER, year, q) for q in (1, 2, 3, 4)]


def codes_between(kind: str, first: str, last: str) -> list[str]:
    """Every period code of `kind` from `first` to `last` inclusive."""
    a, b = parse_code(first), parse_code(last)
    out = []
    year, number = a.year, a.number
    per_year = {KIND_YEAR: 1, KIND_QUARTER: 4, KIND_MONTH: 12}[kind]
    while (year, number) <= (b.year, b.number):
        out.append(code_for(kind, year, number))
        number += 1
        if number > per_year:
            year, number = year + 1, 1
    return out


def ordinal(code: str) -> int:
    """Position on one time axis for projections: quarters count 1 per quarter, years 4, months 1/3."""
    spec = parse_code(code)
    if spec.kind == KIND_YEAR:
        return spec.year * 12 + 12
    if spec.kind == KIND_QUARTER:
        return spec.year * 12 + 3 * spec.number
    return spec.year * 12 + spec.number
