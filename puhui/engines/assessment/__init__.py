"""The assessment engine (考核计分; pure Python, standard library only, no Django).

Facts per unit (reports due/on time/late, milestones due/met, 督办 notices/answered in time, the plan's
targets met at their deadline, a bank's evaluation score) and the office's manual points in; points per criterion, totals and ranks out (ties share a rank: 1, 1, 3).
`puhui.plan` feeds it from the database; `python -m puhui.engines.assessment` (`puhui assess`) from
CSV or JSON files. See docs/assessment-engine.md.

    from puhui.engines.assessment import CriterionSpec, UnitFacts, assess
    results = assess([CriterionSpec("r", REPORT_TIMELINESS, Decimal("30"))], [UnitFacts("u1", ...)])
"""

from .engine import (
    AUTOMATIC,
    BANK_EVALUATION,
    CENT,
    MILESTONES,
    NOTICE_RESPONSE,
    OUTCOMES,
    REPORT_TIMELINESS,
    TARGETS,
    CriterionScore,
    CriterionSpec,
    UnitFacts,
    UnitResult,
    assess,
    automatic_score,
)
from .files import AssessmentInputError, load, read_records, results_records, write_results

__all__ = [
    "AUTOMATIC",
    "BANK_EVALUATION",
    "CENT",
    "MILESTONES",
    "NOTICE_RESPONSE",
    "OUTCOMES",
    "REPORT_TIMELINESS",
    "TARGETS",
    "AssessmentInputError",
    "CriterionScore",
    "CriterionSpec",
    "UnitFacts",
    "UnitResult",
    "assess",
    "automatic_score",
    "load",
    "read_records",
    "results_records",
    "write_results",
]
