"""A product's eligibility rule: an expression of the policy engine's safe grammar (`policy.expr`: numbers,
names, + - * /, comparisons, and/or/not, `a if c else b`, min/max/abs; never `eval`ed) over the field
vocabulary (`vocabulary.FIELDS`). The policy engine's aggregates (prev, total, passed_total) mean nothing
for one demand and are refused, as is any name outside the vocabulary."""

from __future__ import annotations

import ast
import re
import unicodedata

from puhui.engines.policy.expr import AGGREGATES, ExpressionError, names, parse
from puhui.engines.rulefiles import RuleInputError

from .vocabulary import BY_WORD, CONNECTIVES, FIELDS

_WORDS = re.compile(r"[\u4e00-\u9fff]+")
_CONNECTIVE = re.compile("|".join(map(re.escape, CONNECTIVES)))


def to_grammar(text: str) -> str:
    """A rule as written (金额 <= 3000000 且 （小型企业 或 微型企业）) in the grammar's words (amount <= 3000000 and
    (firm_small or firm_micro)); an unknown Chinese word stays, for check_rule to name."""
    text = _CONNECTIVE.sub(lambda m: CONNECTIVES[m.group()], unicodedata.normalize("NFKC", text))
    return _WORDS.sub(lambda m: BY_WORD.get(m.group(), m.group()), text)


class MatchingInputError(RuleInputError):
    """Bad products, rules or demands; `problems` lists every one, in Chinese."""


def check_rule(text: str) -> ast.expr | None:
    """The checked syntax tree of a rule, None for an empty rule (every demand passes);
    MatchingInputError naming the problem otherwise."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    grammar = to_grammar(text)
    try:
        tree = parse(grammar)
        used = names(grammar)
    except ExpressionError as e:
        raise MatchingInputError([f"准入规则有误：{e}"]) from None
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    if calls & AGGREGATES:
        name = sorted(calls & AGGREGATES)[0]
        raise MatchingInputError([f"准入规则“{text}”使用了不支持的函数“{name}”（可用：min、max、abs）"])
    unknown = sorted(used - FIELDS.keys())
    if unknown:
        raise MatchingInputError(
            [
                f"准入规则“{text}”中的“{'、'.join(unknown)}”不是可用字段"
                f"（可用字段：{'、'.join(f.word for f in FIELDS.values())}）"
            ]
        )
    return tree
