"""Check organisations' figures against the limits of their kind.

A finding per organisation, period and applicable rule: 合规 (within the limit), 超限 (beyond it: the
figures are accepted as reported, the finding is what the finance centre follows up) or 缺少数据 (a
figure needed is missing or a denominator is zero — never guessed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, getcontext, localcontext

from puhui.engines.policy.expr import Scope, compare, evaluate

from .rules import Rule, RuleSet

OK, BREACH, MISSING = "ok", "breach", "missing"
STATUS_LABELS = {OK: "合规", BREACH: "超限", MISSING: "缺少数据"}
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class FigureRow:
    """One organisation's figures for one period; `params` override the rule set's defaults."""

    organisation: str
    name: str
    kind: str
    period: str
    figures: dict[str, Decimal | None]
    params: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    organisation: str
    name: str
    period: str
    rule: Rule
    value: Decimal | None
    limit: Decimal | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class _RowScope(Scope):
    def __init__(self, ruleset: RuleSet, row: FigureRow):
        self.values = {name: p.default for name, p in ruleset.params.items()}
        self.values.update(row.params)
        self.values.update(row.figures)

    def lookup(self, name: str):
        return self.values.get(name)

    def aggregate(self, function: str, node):  # rules.load_rules refuses aggregates
        raise AssertionError(function)


def _rounded(value) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if value.adjusted() + 6 <= getcontext().prec:
        return value.quantize(PLACES)
    with localcontext() as ctx:  # absurd figures: quantize would need more digits than the precision
        ctx.prec = value.adjusted() + 6
        return value.quantize(PLACES)


def check_rule(ruleset: RuleSet, rule: Rule, row: FigureRow, scope: _RowScope | None = None) -> Finding:
    scope = scope or _RowScope(ruleset, row)
    value, limit = evaluate(rule.value, scope), evaluate(rule.limit, scope)
    passed = compare(rule.op, value, limit)
    status = MISSING if passed is None else OK if passed else BREACH
    return Finding(row.organisation, row.name, row.period, rule, _rounded(value), _rounded(limit), status)


def check(ruleset: RuleSet, rows: list[FigureRow]) -> list[Finding]:
    """Every applicable rule for every row, in the rows' order then the rules'."""
    out = []
    for row in rows:
        scope = _RowScope(ruleset, row)  # one per row, shared by its rules
        out += [check_rule(ruleset, rule, row, scope) for rule in ruleset.rules_for(row.kind)]
    return out
