"""Scoring banks on an indicator set (普惠金融综合评价): values per bank in; points, total, grade and rank out.

Plain Python (no Django), so the rules are tested and run on files alone; `puhui.bankeval` feeds it values
from the database, `python -m puhui.engines.evaluation` from files (docs/bankeval.md).

Methods of an indicator:
- `linear`: points = weight × (value − floor) ÷ (goal − floor), clipped to [0, weight]; a goal below the floor
  means lower is better (不良贷款率: 0 points at the floor, full at the goal).
- `rank`: among the banks with a value, competition rank in the indicator's direction; points = weight ×
  (n − rank) ÷ (n − 1) — the best full, the worst 0, ties the same points; one bank alone gets full points.
- `manual`: the office's points (定性), clipped to [0, weight].

A value is a number, absent (None) or not applicable (`NA`). Absent scores as the indicator says
(`if_absent`: `zero` — no data, no points; `full` — nothing was asked of the bank, nothing is deducted, e.g. no
complaint received; `na` — the indicator does not apply to a bank without the figure, e.g. a bank that keeps
no credit archives). A not-applicable indicator leaves the bank's total: the total is the points earned
scaled from the weights that apply to the full weight, so it stays within [0, full weight].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NA = "不适用"
LINEAR, RANK, MANUAL = "linear", "rank", "manual"
METHODS = (LINEAR, RANK, MANUAL)
HIGHER, LOWER = "higher", "lower"
QUANTITATIVE, QUALITATIVE = "quantitative", "qualitative"
ZERO, FULL, SKIP = "zero", "full", "na"
IF_ABSENT = (ZERO, FULL, SKIP)
# Status of one indicator's score for one bank.
SCORED, ABSENT, NOT_APPLICABLE = "scored", "absent", "na"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    unit: str
    weight: Decimal
    method: str
    part: str = QUANTITATIVE
    direction: str = HIGHER
    floor: Decimal | None = None
    goal: Decimal | None = None
    goal_by_year: dict = field(default_factory=dict)  # year → goal (the plan's figure for that year)
    if_absent: str = ZERO
    source: dict = field(default_factory=dict)  # where the app reads the value; the engine ignores it
    basis: str = ""  # why this indicator, floor and goal (the document or the plan's clause)

    def goal_for(self, year: int | None) -> Decimal | None:
        return self.goal_by_year.get(year, self.goal) if year is not None else self.goal


@dataclass(frozen=True)
class Grade:
    label: str
    min_score: Decimal


@dataclass(frozen=True)
class IndicatorSet:
    version: int
    name: str
    indicators: tuple[IndicatorSpec, ...]
    grades: tuple[Grade, ...]  # highest first; the last one's min_score is 0
    basis: str = ""

    @property
    def full(self) -> Decimal:
        return sum((i.weight for i in self.indicators), Decimal(0))

    def part(self, part: str) -> tuple[IndicatorSpec, ...]:
        return tuple(i for i in self.indicators if i.part == part)

    def grade_for(self, total: Decimal) -> str:
        for g in self.grades:
            if total >= g.min_score:
                return g.label
        return self.grades[-1].label


@dataclass
class BankFigures:
    bank: int | str
    name: str = ""
    values: dict = field(default_factory=dict)  # code → Decimal | None | NA; a missing code is None


@dataclass
class Score:
    value: Decimal | None
    points: Decimal
    status: str


@dataclass
class BankResult:
    bank: int | str
    name: str
    scores: dict = field(default_factory=dict)  # code → Score
    earned: Decimal = Decimal("0.00")  # points before scaling
    applicable: Decimal = Decimal("0.00")  # the weights that apply
    total: Decimal = Decimal("0.00")
    grade: str = ""
    rank: int = 0


def _q(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def _clip(points: Decimal, weight: Decimal) -> Decimal:
    return _q(min(max(points, Decimal(0)), weight))


def linear_points(spec: IndicatorSpec, value: Decimal, year: int | None = None) -> Decimal:
    goal = spec.goal_for(year)
    if goal == spec.floor:  # a degenerate range: reaching the goal earns everything
        return spec.weight if value >= goal else Decimal("0.00")
    return _clip(spec.weight * (value - spec.floor) / (goal - spec.floor), spec.weight)


def competition_ranks(values: dict, *, higher_first: bool = True) -> dict:
    """key → rank by value, ties sharing a rank and the next skipping (1, 1, 3)."""
    ordered = sorted(values.items(), key=lambda kv: -kv[1] if higher_first else kv[1])
    ranks, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


def rank_points(spec: IndicatorSpec, values: dict) -> dict:
    """key → points for the banks with a value, by their rank among them."""
    ranks = competition_ranks(values, higher_first=spec.direction != LOWER)
    n = len(values)
    if n <= 1:
        return {k: _q(spec.weight) for k in values}
    return {k: _clip(spec.weight * Decimal(n - r) / Decimal(n - 1), spec.weight) for k, r in ranks.items()}


def _value(figures: BankFigures, code: str):
    value = figures.values.get(code)
    if value is None or value == NA:
        return value
    return Decimal(value)


def _score_indicator(spec: IndicatorSpec, banks: list[BankFigures], year: int | None) -> dict:
    """bank → Score for one indicator."""
    values = {b.bank: _value(b, spec.code) for b in banks}
    present = {k: v for k, v in values.items() if v is not None and v != NA}
    ranked = rank_points(spec, present) if spec.method == RANK else {}
    scores = {}
    for bank, value in values.items():
        if value == NA or value is None and spec.if_absent == SKIP:
            scores[bank] = Score(None, Decimal("0.00"), NOT_APPLICABLE)
        elif value is None:
            points = _q(spec.weight) if spec.if_absent == FULL else Decimal("0.00")
            scores[bank] = Score(None, points, ABSENT)
        elif spec.method == RANK:
            scores[bank] = Score(value, ranked[bank], SCORED)
        elif spec.method == LINEAR:
            scores[bank] = Score(value, linear_points(spec, value, year), SCORED)
        else:
            scores[bank] = Score(value, _clip(value, spec.weight), SCORED)
    return scores


def evaluate(
    indicator_set: IndicatorSet, banks: list[BankFigures], *, year: int | None = None
) -> list[BankResult]:
    """Score every bank on every indicator, scale, grade and rank (ties share a rank: 1, 1, 3).

    `year` picks each indicator's goal for that year (`goal_by_year`). The list comes ordered by rank,
    then name, then bank id."""
    results = {b.bank: BankResult(bank=b.bank, name=b.name) for b in banks}
    for spec in indicator_set.indicators:
        for bank, score in _score_indicator(spec, banks, year).items():
            r = results[bank]
            r.scores[spec.code] = score
            if score.status != NOT_APPLICABLE:
                r.earned += score.points
                r.applicable += spec.weight
    full = indicator_set.full
    for r in results.values():
        r.total = _q(min(r.earned * full / r.applicable, full)) if r.applicable > 0 else Decimal("0.00")
        r.grade = indicator_set.grade_for(r.total)
    ranks = competition_ranks({k: r.total for k, r in results.items()})
    for k, r in results.items():
        r.rank = ranks[k]
    return sorted(results.values(), key=lambda r: (r.rank, r.name, str(r.bank)))


def growth(current, base) -> Decimal | None:
    """Year-on-year growth in per cent, (current − base) ÷ base × 100; None without a positive base."""
    if current is None or base is None:
        return None
    current, base = Decimal(current), Decimal(base)
    if base <= 0:
        return None
    return (current - base) / base * 100


def averages(indicator_set: IndicatorSet, results: list[BankResult]) -> dict:
    """The county's averages: per indicator the mean value and mean points over the banks it applies to,
    and the mean total — what every bank sees beside its own result."""
    out = {}
    for spec in indicator_set.indicators:
        scores = [r.scores[spec.code] for r in results if r.scores[spec.code].status != NOT_APPLICABLE]
        values = [s.value for s in scores if s.value is not None]
        out[spec.code] = {
            "value": _q(sum(values) / len(values)) if values else None,
            "points": _q(sum(s.points for s in scores) / len(scores)) if scores else None,
        }
    totals = [r.total for r in results]
    out["total"] = _q(sum(totals) / len(totals)) if totals else None
    return out
