"""Reporting period codes and due dates: now `puhui.core.periods` (one definition for every app).

Kept as a re-export for callers not yet moved (puhui/data/intake.py); new code imports puhui.core.periods.
"""

from puhui.core.periods import (  # noqa: F401
    DUE_WORKING_DAYS,
    KIND_MONTH,
    KIND_QUARTER,
    KIND_YEAR,
    PeriodSpec,
    code_for,
    codes_between,
    ordinal,
    parse_code,
    previous_year_code,
    quarters_of,
)
