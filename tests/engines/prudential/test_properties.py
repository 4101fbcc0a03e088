"""Properties of the prudential engine that hold for any figures (non-negative, as read_figures admits them)."""

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.engines.policy.expr import names
from puhui.engines.prudential.engine import BREACH, MISSING, OK, FigureRow, check, check_rule
from puhui.engines.prudential.rules import load_rules

REPO = Path(__file__).resolve().parents[3]
RULESET = load_rules((REPO / "puhui" / "localfin" / "rules" / "yiyuan-2020.yaml").read_text("utf-8"))
LEVERAGE = next(r for r in RULESET.rules if r.code == "guarantee_leverage")
KINDS = sorted({k for r in RULESET.rules for k in r.kinds})

# Money to the fen, up to 10^13 元 (more than any county organisation reports).
money = st.integers(min_value=0, max_value=10**15).map(lambda fen: Decimal(fen) / 100)
caps = st.integers(min_value=1, max_value=300).map(lambda tenths: Decimal(tenths) / 10)  # 0.1 … 30 倍
maybe_money = st.none() | money
rows = st.builds(
    lambda kind, figures: FigureRow("X", "示例", kind, "2020Q4", figures),
    st.sampled_from(KINDS),
    st.fixed_dictionaries({name: maybe_money for name in RULESET.figures}),
)


def _reads(rule) -> set[str]:
    return names(rule.value) | names(rule.limit)


@settings(max_examples=300)
@given(money, money, st.none() | caps)
def test_leverage_is_a_breach_exactly_when_in_force_exceeds_cap_times_net_assets(in_force, net_assets, cap):
    row = FigureRow(
        "G", "示例", "guarantee", "2020Q4", {"in_force": in_force, "net_assets": net_assets},
        {} if cap is None else {"leverage_cap": cap},
    )  # fmt: skip
    finding = check_rule(RULESET, LEVERAGE, row)
    limit = Decimal(10) if cap is None else cap
    if net_assets == 0:
        assert finding.status == MISSING
    else:
        assert finding.status == (BREACH if in_force > limit * net_assets else OK)
    assert finding.limit == limit


@given(money, caps)
def test_leverage_exactly_at_the_cap_is_within_it(net_assets, cap):
    row = FigureRow("G", "示例", "guarantee", "2020Q4", {"in_force": net_assets * cap, "net_assets": net_assets},
                    {"leverage_cap": cap})  # fmt: skip
    assert check_rule(RULESET, LEVERAGE, row).status == (MISSING if net_assets == 0 else OK)


@settings(max_examples=300)
@given(rows)
def test_a_missing_figure_is_never_a_breach(row):
    findings = check(RULESET, [row])
    assert [f.rule for f in findings] == RULESET.rules_for(row.kind)
    for f in findings:
        if any(row.figures[n] is None for n in _reads(f.rule) if n in RULESET.figures):
            assert f.status == MISSING and f.value is None


@settings(max_examples=300)
@given(rows, st.integers(min_value=1, max_value=10**6).map(lambda n: Decimal(n) / 1000))
def test_scaling_every_amount_by_the_same_factor_changes_no_status(row, factor):
    # Every limit is a ratio (倍 or %), so reporting in 万元 instead of 元 must not change a finding.
    scaled = FigureRow(
        row.organisation, row.name, row.kind, row.period,
        {n: None if v is None else v * factor for n, v in row.figures.items()},
    )  # fmt: skip
    before, after = check(RULESET, [row]), check(RULESET, [scaled])
    assert [f.status for f in before] == [f.status for f in after]
