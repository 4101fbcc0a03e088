"""Properties of the warning engine that hold for any figures."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.engines.warnings import FirmCredit, Inputs, Portfolio, evaluate, load_rules
from puhui.engines.warnings.rules import SEVERITY_ORDER

REPO = Path(__file__).resolve().parents[3]
RULES = load_rules((REPO / "puhui" / "risk" / "rules" / "yiyuan-2020.yaml").read_text("utf-8"))
Q0, Q1 = "2020Q4", "2021Q1"
fen = st.integers(min_value=0, max_value=10**13)


@st.composite
def portfolio_pair(draw):
    def one(period):
        balance = draw(fen)
        parts = [draw(st.integers(0, balance)) for _ in range(4)]
        overdue = min(parts[0], balance)
        npl = min(parts[1], balance - overdue)
        return Portfolio("bank", "1", "甲银行", period, balance, overdue, npl, parts[2], parts[3])

    return [one(Q0), one(Q1)]


@st.composite
def firm_rows(draw):
    rows = []
    for firm in ("f1", "f2", "f3"):
        for bank in ("1", "2"):
            for period in (Q0, Q1):
                if draw(st.booleans()):
                    balance = draw(fen)
                    unpaid = draw(st.integers(0, balance)) if draw(st.booleans()) else 0
                    rows.append(FirmCredit(firm, firm, bank, f"银行{bank}", period, balance, unpaid))
    return rows


@settings(max_examples=200, deadline=None)
@given(portfolio_pair(), firm_rows())
def test_every_finding_reaches_its_band_and_no_subject_twice(portfolios, firms):
    result = evaluate(RULES, Inputs(Q1, Q0, portfolios=portfolios, firm_credit=firms))
    keys = [f.key for f in result.findings]
    assert len(keys) == len(set(keys))
    for f in result.findings:
        assert f.value >= float(f.rule.threshold)
        reached = [s for s in SEVERITY_ORDER if s in f.rule.bands and f.value >= float(f.rule.bands[s])]
        assert f.severity == reached[-1]
        assert len(f.evidence["rows"]) <= 50


@settings(max_examples=200, deadline=None)
@given(firm_rows())
def test_a_firm_with_anything_unpaid_is_never_credit_withdrawal(firms):
    unpaid = {r.firm for r in firms if r.unpaid}
    found = {f.subject for f in evaluate(RULES, Inputs(Q1, Q0, firm_credit=firms)).findings}
    assert not found & unpaid


@settings(max_examples=200, deadline=None)
@given(firm_rows())
def test_credit_that_grew_or_held_never_warns(firms):
    later = [
        FirmCredit(r.firm, r.label, r.bank, r.bank_label, Q1, r.balance, 0) for r in firms if r.period == Q0
    ]
    earlier = [
        FirmCredit(r.firm, r.label, r.bank, r.bank_label, Q0, r.balance, 0) for r in firms if r.period == Q0
    ]
    assert evaluate(RULES, Inputs(Q1, Q0, firm_credit=earlier + later)).findings == []


@settings(max_examples=100, deadline=None)
@given(portfolio_pair())
def test_same_figures_both_quarters_raise_nothing(pair):
    before = pair[0]
    same = [before, Portfolio(**{**before.__dict__, "period": Q1})]
    assert evaluate(RULES, Inputs(Q1, Q0, portfolios=same)).findings == []
