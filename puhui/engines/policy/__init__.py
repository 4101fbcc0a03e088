"""The policy-incentive engine (政策激励规则; pure Python, no Django).

Rules as versioned data (YAML: figures, conditions, grants, each with its source document) and a figures
table (one row per institution and year) in; one result per institution and rule out: each condition's
figure, threshold and 符合/不符合, and the amount (元) or reserve-ratio cut (百分点) granted.
`puhui.policy` feeds it from the database; `puhui policy evaluate` from files. See docs/policy.md.
"""

from .engine import (
    FAILED,
    MISSING,
    NOT_APPLICABLE,
    PASSED,
    STATUS_LABELS,
    ConditionResult,
    FigureRow,
    RuleResult,
    evaluate,
    evaluate_years,
)
from .files import read_figures, result_json, result_records, write_results
from .rules import RULE_KINDS, Condition, Figure, Let, PolicyInputError, Rule, RuleSet, load_rules

__all__ = [
    "FAILED",
    "MISSING",
    "NOT_APPLICABLE",
    "PASSED",
    "RULE_KINDS",
    "STATUS_LABELS",
    "Condition",
    "ConditionResult",
    "Figure",
    "FigureRow",
    "Let",
    "PolicyInputError",
    "Rule",
    "RuleResult",
    "RuleSet",
    "evaluate",
    "evaluate_years",
    "load_rules",
    "read_figures",
    "result_json",
    "result_records",
    "write_results",
]
