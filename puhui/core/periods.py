"""Periods, defined once: codes, labels, dates and arithmetic (working days: `puhui.core.workdays`).

Codes: "2020" (year), "2020Q3" (quarter), "2020-08" (month). Labels as official documents write them:
"2020年", "2020年第3季度", "2020年8月". Every app builds on this module: the data capability's
reporting periods (the data app), the plan's progress-report periods (`plan/workdays.py`) and the
county index's series (`index/periods.py`).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from puhui.core.workdays import add_working_days

KIND_YEAR, KIND_QUARTER, KIND_MONTH = "year", "quarter", "month"
KINDS = (KIND_YEAR, KIND_QUARTER, KIND_MONTH)
PER_YEAR = {KIND_YEAR: 1, KIND_QUARTER: 4, KIND_MONTH: 12}
# Working days after the period end: the PBoC's usual deadlines for statistical returns.
DUE_WORKING_DAYS = {KIND_MONTH: 10, KIND_QUARTER: 15, KIND_YEAR: 20}
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a code may name
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
    number: int  # month 1–12, quarter 1–4, 1 for a year
    start: datetime.date
    end: datetime.date

    @property
    def due(self) -> datetime.date:
        return add_working_days(self.end, DUE_WORKING_DAYS[self.kind])

    @property
    def label(self) -> str:
        return label_for(self.kind, self.year, self.number)


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _check_kind(kind: str) -> None:
    if kind not in PER_YEAR:
        raise ValueError(f"未知的期间类型 {kind!r}")


def spec_for(kind: str, year: int, number: int = 1) -> PeriodSpec:
    """The period `number` (month, quarter; 1 for a year) of `year`."""
    _check_kind(kind)
    if not 1 <= number <= PER_YEAR[kind]:
        raise ValueError(f"{kind} 序号 {number} 超出范围")
    if kind == KIND_YEAR:
        first, last = 1, 12
    elif kind == KIND_QUARTER:
        first, last = 3 * number - 2, 3 * number
    else:
        first = last = number
    return PeriodSpec(
        code_for(kind, year, number), kind, year, number, datetime.date(year, first, 1), month_end(year, last)
    )


def parse_code(code: str) -> PeriodSpec:
    """A period code → its kind, dates; ValueError (Chinese message) when malformed."""
    code = (code or "").strip().upper()
    for kind, pattern in _PATTERNS.items():
        m = pattern.fullmatch(code)
        if not m:
            continue
        year = int(m.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            break
        return spec_for(kind, year, 1 if kind == KIND_YEAR else int(m.group(2)))
    raise ValueError(f"报送期“{code}”格式错误，应为 2020、2020Q3 或 2020-08")


def code_for(kind: str, year: int, number: int = 1) -> str:
    if kind == KIND_YEAR:
        return f"{year}"
    if kind == KIND_QUARTER:
        return f"{year}Q{number}"
    return f"{year}-{number:02d}"


def label_for(kind: str, year: int, number: int = 1) -> str:
    if kind == KIND_YEAR:
        return f"{year}年"
    if kind == KIND_QUARTER:
        return f"{year}年第{number}季度"
    return f"{year}年{number}月"


def label(code: str) -> str:
    """2020 → 2020年, 2020Q3 → 2020年第3季度, 2020-08 → 2020年8月."""
    return parse_code(code).label


def containing(day: datetime.date, kind: str) -> PeriodSpec:
    """The period of `kind` that contains `day`."""
    _check_kind(kind)
    number = {KIND_YEAR: 1, KIND_QUARTER: (day.month - 1) // 3 + 1, KIND_MONTH: day.month}[kind]
    return spec_for(kind, day.year, number)


def shift(code: str, n: int) -> str:
    """The period `n` periods after (before, when negative) `code`, of the same kind: 2020Q4 + 1 → 2021Q1."""
    spec = parse_code(code)
    per_year = PER_YEAR[spec.kind]
    year, index = divmod(spec.year * per_year + spec.number - 1 + n, per_year)
    return code_for(spec.kind, year, index + 1)


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
    per_year = PER_YEAR[kind]
    while (year, number) <= (b.year, b.number):
        out.append(code_for(kind, year, number))
        number += 1
        if number > per_year:
            year, number = year + 1, 1
    return out


def between(first: datetime.date, last: datetime.date, kind: str) -> list[PeriodSpec]:
    """Every period of `kind` that overlaps [first, last]."""
    out = []
    day = first
    while day <= last:
        spec = containing(day, kind)
        out.append(spec)
        day = spec.end + datetime.timedelta(days=1)
    return out


def years(kind: str, first_year: int, last_year: int) -> list[PeriodSpec]:
    """Every period of `kind` in the years `first_year`..`last_year`."""
    return [
        spec_for(kind, y, n) for y in range(first_year, last_year + 1) for n in range(1, PER_YEAR[kind] + 1)
    ]


def ordinal(code: str) -> int:
    """Position on one time axis for projections: quarters count 1 per quarter, years 4, months 1/3."""
    spec = parse_code(code)
    if spec.kind == KIND_YEAR:
        return spec.year * 12 + 12
    if spec.kind == KIND_QUARTER:
        return spec.year * 12 + 3 * spec.number
    return spec.year * 12 + spec.number


def date_cn(day: datetime.date) -> str:
    """2021-01-05 → 2021年1月5日, as official documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- which period a page shows


@dataclass(frozen=True)
class Choice:
    """The period a page shows, and whether it has data. `available` is newest first."""

    code: str | None  # the period shown (None: nothing asked for and nothing has data)
    available: tuple[str, ...]
    asked: bool = False  # the user chose it (else it is the default)

    @property
    def latest(self) -> str | None:
        return self.available[0] if self.available else None

    @property
    def has_data(self) -> bool:
        return self.code is not None and self.code in self.available

    @property
    def notice(self) -> str:
        """In Chinese, why the page is empty: the chosen period has no data, or nothing has any."""
        if self.has_data:
            return ""
        if not self.available:
            return "还没有任何一期的数据。"
        shown = label(self.code) if self.code else "所选期间"
        return f"{shown}没有数据，最近有数据的是{label(self.latest)}。"


def choose(requested: str | None, available, *, default: str | None = None) -> Choice:
    """The rule every page with a period selector follows: the period asked for (even one without data:
    the page then says so), else the latest period that has data, else `default`.

    A malformed `requested` raises ValueError (pages answer 404)."""
    available = tuple(available)
    requested = (requested or "").strip()
    if requested:
        return Choice(parse_code(requested).code, available, asked=True)
    return Choice(available[0] if available else default, available)
