"""Properties of the policy engine that hold for any figures."""

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.engines.policy import PASSED, FigureRow, evaluate, load_rules
from puhui.engines.policy.expr import Scope
from puhui.engines.policy.expr import evaluate as evaluate_expression

REPO = Path(__file__).resolve().parents[3]
RULESET = load_rules((REPO / "puhui" / "policy" / "rules" / "yiyuan-2020.yaml").read_text("utf-8"))
amounts = st.integers(min_value=0, max_value=10**12).map(Decimal)


class Names(Scope):
    def __init__(self, **values):
        self.values = values

    def lookup(self, name):
        return self.values.get(name)


def _row(code: str, year: int, **values) -> FigureRow:
    base = dict.fromkeys(RULESET.figures, Decimal(0))
    base.update(opened_year=Decimal(1990), **values)
    return FigureRow(code, code, year, base)


@given(amounts, amounts, amounts)
def test_arithmetic_is_exact_decimal(a, b, c):
    got = evaluate_expression("a * b + a / c - (b - c)", Names(a=a, b=b, c=c))
    assert got == (None if c == 0 else a * b + a / c - (b - c))


@given(amounts)
def test_a_missing_figure_never_guesses(a):
    assert evaluate_expression("a + b", Names(a=a)) is None
    assert evaluate_expression("a > 0 and b > 0", Names(a=a)) is (False if a == 0 else None)
    assert evaluate_expression("a > 0 or b > 0", Names(a=a)) is (True if a > 0 else None)


@settings(max_examples=60)
@given(st.lists(amounts, min_size=1, max_size=12))
def test_the_startup_pool_goes_to_the_ten_percent_banks_and_is_shared_out_whole(issued):
    rows = [_row(f"B{i}", 2020, startup_issued=v) for i, v in enumerate(issued)]
    results = [r for r in evaluate(RULESET, rows, 2020) if r.rule.code == "startup_award"]
    total = sum(issued)
    for r, v in zip(results, issued, strict=True):
        assert (r.status == PASSED) == (v > 0 and v * 100 >= total * 10)
    granted = [r.amount for r in results if r.status == PASSED]
    if granted:
        assert abs(sum(granted) - total / 100) <= Decimal("0.005") * len(granted)


@settings(max_examples=60)
@given(amounts, amounts, amounts, st.integers(min_value=0, max_value=10**10).map(Decimal))
def test_more_local_lending_never_loses_the_local_lending_cut(dep0, dep1, local0, more):
    def status(local1):
        rows = [
            _row("R", 2019, is_county_legal_person=Decimal(1), deposit_avg=dep0, local_loan_avg=local0),
            _row("R", 2020, is_county_legal_person=Decimal(1), deposit_avg=dep1, local_loan_avg=local1),
        ]
        return next(r for r in evaluate(RULESET, rows, 2020) if r.rule.code == "rrr_local_lending").status

    if status(local0 + 1) == PASSED:
        assert status(local0 + 1 + more) == PASSED
