"""Financing match-making (融资对接, issue #15 item 5): products with eligibility rules as data, ranked and
filtered for each financing demand, column-wise.

Pure Python (no Django): `rules` checks a product's eligibility rule (the policy engine's safe expression
grammar, `puhui.engines.policy.expr`, over the field vocabulary of `vocabulary`); `columns` evaluates a rule
over whole columns of demands with numpy (three-valued, like the policy engine: a missing figure makes the
rule 缺少数据, never a guess); `engine.match` ranks the products that fit each demand and `engine.explain`
says in Chinese why one product does not fit one demand; `files` and `cli` are `puhui matching match` on
CSV files. See docs/matching-engine.md.
"""

from .columns import evaluate_columns
from .engine import DemandTable, Matches, Product, explain, match
from .rules import MatchingInputError, check_rule
from .vocabulary import COLLATERAL, FIELDS, collateral_mask

__all__ = [
    "COLLATERAL",
    "FIELDS",
    "DemandTable",
    "Matches",
    "MatchingInputError",
    "Product",
    "check_rule",
    "collateral_mask",
    "evaluate_columns",
    "explain",
    "match",
]
