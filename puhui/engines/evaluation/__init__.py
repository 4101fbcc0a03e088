"""The evaluation engine (普惠金融综合评价; pure Python, no Django): an indicator set (versioned YAML) and each
bank's values in; points per indicator, the total, the grade (优秀/良好/中等/较差) and the rank out (ties share
a rank: 1, 1, 3). `puhui.bankeval` feeds it from the database; `python -m puhui.engines.evaluation`
(`puhui evaluate`) from files. See docs/bankeval.md.

    from puhui.engines.evaluation import BankFigures, evaluate, load_set, shipped_path
    results = evaluate(load_set(shipped_path()), [BankFigures("1", "农行", {"npl_ratio": Decimal("1.2")})])
"""

from .engine import (
    LINEAR,
    LOWER,
    MANUAL,
    NA,
    NOT_APPLICABLE,
    QUALITATIVE,
    QUANTITATIVE,
    RANK,
    BankFigures,
    BankResult,
    Grade,
    IndicatorSet,
    IndicatorSpec,
    Score,
    averages,
    competition_ranks,
    evaluate,
    growth,
)
from .files import parse_values, read_records, results_records, write_results
from .spec import EvaluationInputError, load_set, parse_set, shipped_path

__all__ = [
    "LINEAR",
    "LOWER",
    "MANUAL",
    "NA",
    "NOT_APPLICABLE",
    "QUALITATIVE",
    "QUANTITATIVE",
    "RANK",
    "BankFigures",
    "BankResult",
    "EvaluationInputError",
    "Grade",
    "IndicatorSet",
    "IndicatorSpec",
    "Score",
    "averages",
    "competition_ranks",
    "evaluate",
    "growth",
    "load_set",
    "parse_set",
    "parse_values",
    "read_records",
    "results_records",
    "shipped_path",
    "write_results",
]
