"""Which periods a report may be written for: a quarter whose target figures exist (the data app has computed
its derived indicators), and a year whose last quarter has them. A period not yet ended is refused."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from puhui.core import periods
from puhui.data import selectors as data_selectors
from puhui.data.models import ReportingPeriod


@dataclass(frozen=True)
class ReportPeriod:
    code: str  # "2021" or "2021Q3"
    kind: str
    label: str
    start: datetime.date
    end: datetime.date
    as_of: str  # the quarter the targets are judged at (a year: its fourth quarter)
    previous: str  # the same kind of period before it: the trend's comparison

    @property
    def year(self) -> int:
        return self.start.year


def report_period(code: str) -> ReportPeriod:
    """A report period from its code; ValueError with a Chinese message for anything but a year or quarter."""
    spec = periods.parse_code(code)
    if spec.kind == periods.KIND_YEAR:
        return ReportPeriod(spec.code, spec.kind, spec.label, spec.start, spec.end, f"{spec.year}Q4",
                            str(spec.year - 1))  # fmt: skip
    if spec.kind == periods.KIND_QUARTER:
        prev = f"{spec.year}Q{spec.number - 1}" if spec.number > 1 else f"{spec.year - 1}Q4"
        return ReportPeriod(spec.code, spec.kind, spec.label, spec.start, spec.end, spec.code, prev)
    raise ValueError(f"评估报告按年度（如 2021）或季度（如 2021Q3）编写，“{code}”是{spec.label}。")


def quarters_with_figures() -> list[str]:
    """Quarter codes (newest first) whose derived indicators the data app has computed."""
    return [p.code for p in data_selectors.periods_with_values(ReportingPeriod.Kind.QUARTER)]


def available_periods(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """(code, label) of every period a report may be generated for, newest first, years before their quarters."""
    today = today or timezone.localdate()
    quarters = quarters_with_figures()
    years = sorted({int(q[:4]) for q in quarters if q.endswith("Q4")}, reverse=True)
    out = []
    for year in years:
        out.append((str(year), f"{year}年（年度报告）"))
        out += [(q, f"{periods.label(q)}（季度报告）") for q in quarters if q.startswith(f"{year}Q")]
    out += [(q, f"{periods.label(q)}（季度报告）") for q in quarters if int(q[:4]) not in years]
    return [(c, label) for c, label in out if report_period(c).end < today]


def period_problem(code: str, today: datetime.date | None = None) -> str | None:
    """Why no report can be written for `code` now (in Chinese), or None."""
    today = today or timezone.localdate()
    try:
        period = report_period(code)
    except ValueError as e:
        return str(e)
    if period.end >= today:
        return f"{period.label}尚未结束（截至{periods.date_cn(period.end)}），不能编写评估报告。"
    if period.as_of not in quarters_with_figures():
        return f"{periods.label(period.as_of)}还没有计算出的指标数据，不能编写{period.label}评估报告。"
    return None
