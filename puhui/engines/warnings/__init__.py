"""Early warnings of financial risk (plan 二十一, issue #16): rules as data, evaluated over a quarter's loan
tables against the quarter before.

Pure Python (no Django): `rules.load_rules` reads a YAML rule set, `engine.evaluate` turns the input tables
(portfolios of banks and towns, firms' credit by bank, concentration exposures) into findings, `files` reads
the tables from CSV and writes findings, and `cli` is `puhui warnings check`.
"""

from .engine import Exposure, Finding, FirmCredit, Inputs, Portfolio, Result, evaluate
from .rules import KINDS, SEVERITIES, Rule, RuleSet, WarningInputError, load_rules

__all__ = [
    "KINDS",
    "SEVERITIES",
    "Exposure",
    "Finding",
    "FirmCredit",
    "Inputs",
    "Portfolio",
    "Result",
    "Rule",
    "RuleSet",
    "WarningInputError",
    "evaluate",
    "load_rules",
]
