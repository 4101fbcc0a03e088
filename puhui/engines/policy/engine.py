"""Evaluate a rule set over the figures of every institution in a year.

Each rule, for each institution: does it apply (`applies`)? Each condition: its figure, the threshold, and
符合 / 不符合 / 不适用 (its `when` does not hold) / 缺少数据. The rule passes when no condition fails and
none lacks data; then its grant is computed — an amount in 元 (to the fen, half up) or a ratio in
percentage points. Grants may share a pool among the institutions that passed (`passed_total`), so every
institution's conditions are settled before any grant is.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import expr
from .rules import Condition, Let, PolicyInputError, Rule, RuleSet

CENT = Decimal("0.01")
PASSED, FAILED, NOT_APPLICABLE, MISSING = "passed", "failed", "not_applicable", "missing"
STATUS_LABELS = {PASSED: "符合", FAILED: "不符合", NOT_APPLICABLE: "不适用", MISSING: "缺少数据"}
OPENED_YEAR = "opened_year"  # an institution is evaluated only from the year it opened


@dataclass(frozen=True)
class FigureRow:
    """One institution's figures in one year (None: not available)."""

    institution: str
    name: str
    year: int
    values: dict[str, Decimal | None]


@dataclass
class ConditionResult:
    condition: Condition
    status: str
    value: Decimal | None = None
    threshold: Decimal | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class RuleResult:
    institution: str
    name: str
    year: int
    rule: Rule
    status: str
    conditions: list[ConditionResult] = field(default_factory=list)
    lets: list[tuple[Let, Decimal | None]] = field(default_factory=list)
    amount: Decimal | None = None  # 元
    ratio: Decimal | None = None  # percentage points

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def granted(self) -> Decimal | None:
        return self.amount if self.rule.amount else self.ratio


def check_rows(rows: list[FigureRow], year: int) -> None:
    """The rows can be evaluated for `year`: some exist, none twice, none before the institution opened."""
    problems, seen = [], set()
    for row in rows:
        key = (row.institution, row.year)
        if key in seen:
            problems.append(f"机构“{row.name or row.institution}”{row.year} 年的数据出现了两次")
        seen.add(key)
        opened = row.values.get(OPENED_YEAR)
        if row.year == year and opened is not None and opened > year:
            problems.append(
                f"机构“{row.name or row.institution}”{int(opened)} 年开业，不能参加 {year} 年的评价"
            )
    if not any(row.year == year for row in rows):
        problems.append(f"数据中没有 {year} 年的数据")
    if problems:
        raise PolicyInputError(problems)


def evaluate(ruleset: RuleSet, rows: list[FigureRow], year: int) -> list[RuleResult]:
    """One result per institution with figures for `year` and rule, in rule order, then institution order."""
    check_rows(rows, year)
    ctx = _Context(rows)
    results = []
    for rule in ruleset.rules:
        settled = [_settle(ctx.scope(rule, row)) for row in ctx.rows_of(year)]
        ctx.passed[(rule.code, year)] = {r.institution for r in settled if r.status == PASSED}
        for result in settled:
            if result.status == PASSED:
                _grant(ctx.scope(rule, ctx.row(result.institution, year)), result)
        results += settled
    return results


def evaluate_years(ruleset: RuleSet, rows: list[FigureRow], years: list[int]) -> list[RuleResult]:
    return [r for year in years for r in evaluate(ruleset, rows, year)]


class _Context:
    def __init__(self, rows: list[FigureRow]):
        self._rows = {(r.institution, r.year): r for r in rows}
        self._by_year: dict[int, list[FigureRow]] = {}
        for r in rows:
            self._by_year.setdefault(r.year, []).append(r)
        self._scopes: dict[tuple, _Scope] = {}
        self.totals: dict[tuple, Decimal | None] = {}
        self.passed: dict[tuple[str, int], set[str]] = {}

    def row(self, institution: str, year: int) -> FigureRow | None:
        return self._rows.get((institution, year))

    def rows_of(self, year: int) -> list[FigureRow]:
        return self._by_year.get(year, [])

    def scope(self, rule: Rule, row: FigureRow) -> _Scope:
        key = (rule.code, row.institution, row.year)
        if key not in self._scopes:
            self._scopes[key] = _Scope(self, rule, row)
        return self._scopes[key]


class _Scope(expr.Scope):
    """An expression of `rule` evaluated for one institution in one year."""

    def __init__(self, ctx: _Context, rule: Rule, row: FigureRow):
        self.ctx, self.rule, self.row = ctx, rule, row
        self._lets = {let.name: let for let in rule.lets}
        self._let_values: dict[str, Decimal | None] = {}

    def lookup(self, name: str):
        if name == "year":
            return Decimal(self.row.year)
        if name in self.rule.params:
            return self.rule.params[name]
        if name in self._lets:
            if name not in self._let_values:
                self._let_values[name] = expr.evaluate(self._lets[name].expr, self)
            return self._let_values[name]
        return self.row.values.get(name)

    def aggregate(self, function: str, node: ast.expr):
        if function == "prev":
            before = self.ctx.row(self.row.institution, self.row.year - 1)
            return None if before is None else expr.evaluate_node(node, self.ctx.scope(self.rule, before))
        key = (function, self.rule.code, self.row.year, ast.dump(node))
        if key not in self.ctx.totals:
            rows = self.ctx.rows_of(self.row.year)
            if function == "passed_total":
                passed = self.ctx.passed[(self.rule.code, self.row.year)]
                rows = [r for r in rows if r.institution in passed]
            values = [expr.evaluate_node(node, self.ctx.scope(self.rule, r)) for r in rows]
            known = [v for v in values if v is not None]
            self.ctx.totals[key] = sum(known, Decimal(0)) if known else None
        return self.ctx.totals[key]

    def value(self, text: str):
        return expr.evaluate(text, self)


def _settle(scope: _Scope) -> RuleResult:
    rule, row = scope.rule, scope.row
    result = RuleResult(row.institution, row.name, row.year, rule, NOT_APPLICABLE)
    applies = scope.value(rule.applies)
    if applies is None or applies:
        result.conditions = [_condition(scope, c) for c in rule.conditions]
        result.lets = [(let, scope.lookup(let.name)) for let in rule.lets]
    statuses = {c.status for c in result.conditions}
    if applies is None:
        result.status = MISSING
    elif applies:
        result.status = FAILED if FAILED in statuses else MISSING if MISSING in statuses else PASSED
    return result


def _condition(scope: _Scope, condition: Condition) -> ConditionResult:
    if condition.when:
        holds = scope.value(condition.when)
        if holds is None:
            return ConditionResult(condition, MISSING)
        if not holds:
            return ConditionResult(condition, NOT_APPLICABLE)
    value, threshold = scope.value(condition.value), scope.value(condition.threshold)
    passed = expr.compare(condition.op, value, threshold)
    status = MISSING if passed is None else PASSED if passed else FAILED
    return ConditionResult(condition, status, _number(value), _number(threshold))


def _number(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return Decimal(value)


def _grant(scope: _Scope, result: RuleResult) -> None:
    granted = _number(scope.value(result.rule.amount or result.rule.ratio))
    if granted is None:
        result.status = MISSING
    elif result.rule.amount:
        result.amount = granted.quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        result.ratio = granted
