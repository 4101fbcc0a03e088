"""The platform's two loan rules on hand-made loans: 首贷 and its cross-check, renewals without repayment."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.firstloans.rules import (
    CARRIED_SHARE,
    RENEWAL_WINDOW_DAYS,
    Loan,
    detect_renewals,
    judge_first_loans,
)

D = datetime.date
START = D(2019, 1, 1)
QUARTER_ENDS = [D(2019, 3, 31), D(2019, 6, 30), D(2019, 9, 30), D(2019, 12, 31), D(2020, 3, 31), D(2020, 6, 30),
                D(2020, 9, 30), D(2020, 12, 31)]  # fmt: skip


def L(bank, no, issued, due=None, amount=100, flagged=False, balances=None):
    return Loan(bank, no, issued, due or issued + datetime.timedelta(days=365), amount, 1, "small", flagged,
                balances or {})  # fmt: skip


# ---------------------------------------------------------------- 首贷


def test_the_earliest_loan_at_any_bank_is_the_first_and_a_later_flag_is_a_disagreement():
    at_a = L(1, "A1", D(2019, 5, 1), flagged=True)
    at_b = L(2, "B1", D(2020, 2, 1), flagged=True)  # B flags it, but the borrower had A's loan
    judged = {j.loan.loan_no: j for j in judge_first_loans([at_b, at_a], START)}
    assert judged["A1"].platform_first and judged["A1"].disagreement == ""
    assert not judged["B1"].platform_first
    assert judged["B1"].disagreement == "flagged"
    assert judged["B1"].earlier_on == D(2019, 5, 1) and not judged["B1"].earlier_same_bank


def test_a_first_loan_not_flagged_is_listed_and_an_earlier_loan_at_the_same_bank_is_named():
    first = L(1, "A1", D(2019, 5, 1))
    again = L(1, "A2", D(2020, 5, 1), flagged=True)
    judged = {j.loan.loan_no: j for j in judge_first_loans([first, again], START)}
    assert judged["A1"].disagreement == "unflagged"
    assert judged["A2"].disagreement == "flagged" and judged["A2"].earlier_same_bank


def test_same_day_loans_at_two_banks_the_larger_is_first_and_the_other_flag_is_no_disagreement():
    small = L(1, "A1", D(2019, 5, 1), amount=50, flagged=True)
    large = L(2, "B1", D(2019, 5, 1), amount=80, flagged=True)
    judged = {j.loan.loan_no: j for j in judge_first_loans([small, large], START)}
    assert judged["B1"].platform_first and not judged["A1"].platform_first
    assert judged["A1"].disagreement == ""


def test_loans_before_the_data_begin_are_not_judged_and_make_later_ones_not_first():
    old = L(1, "A0", D(2018, 6, 1), flagged=True)
    later = L(2, "B1", D(2019, 8, 1), flagged=False)
    judged = judge_first_loans([old, later], START)
    assert [j.loan.loan_no for j in judged] == ["B1"]
    assert not judged[0].platform_first and judged[0].disagreement == ""


days = st.integers(min_value=0, max_value=1000).map(lambda n: START + datetime.timedelta(days=n))
loans = st.lists(
    st.builds(
        lambda bank, n, day, amount, flag: L(bank, f"L{n}", day, amount=amount, flagged=flag),
        st.integers(1, 3), st.integers(0, 10_000), days, st.integers(1, 500), st.booleans(),
    ),
    min_size=1, max_size=8, unique_by=lambda loan: (loan.bank, loan.loan_no),
)  # fmt: skip


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loans)
def test_one_first_loan_per_borrower_the_earliest_and_disagreements_follow_the_flags(borrower_loans):
    judged = judge_first_loans(borrower_loans, START)
    firsts = [j for j in judged if j.platform_first]
    assert len(firsts) == 1
    assert firsts[0].loan.issued_on == min(loan.issued_on for loan in borrower_loans)
    for j in judged:
        if j.disagreement == "unflagged":
            assert j.platform_first and not j.loan.flagged
        elif j.disagreement == "flagged":
            assert not j.platform_first and j.loan.flagged and j.loan.issued_on > firsts[0].loan.issued_on
        else:
            assert j.platform_first == j.loan.flagged or j.loan.issued_on == firsts[0].loan.issued_on


# ---------------------------------------------------------------- renewals


def _book(old_issued, old_due, new_issued, *, old_balance=100, new_amount=100, old_after=None):
    """An old loan reported at every quarter end while it runs; a new loan from its issue on."""
    old = L(1, "OLD", old_issued, old_due, amount=100)
    old.balances = {end: old_balance for end in QUARTER_ENDS if old_issued <= end < old_due}
    if old_after is not None:
        first_after = next(end for end in QUARTER_ENDS if end >= max(new_issued, old_due))
        old.balances[first_after] = old_after
    new = L(1, "NEW", new_issued, new_issued + datetime.timedelta(days=365), amount=new_amount)
    new.balances = {end: new_amount for end in QUARTER_ENDS if end >= new_issued}
    return [old, new]


def test_a_new_loan_replacing_a_maturing_one_is_a_renewal_carrying_its_balance():
    found = detect_renewals(_book(D(2019, 2, 10), D(2020, 2, 10), D(2020, 2, 5)), QUARTER_ENDS)
    assert [(r.old.loan_no, r.new.loan_no, r.carried_fen) for r in found] == [("OLD", "NEW", 100)]


def test_no_renewal_when_repaid_first_still_running_or_far_from_due_or_much_smaller():
    assert not detect_renewals(
        _book(D(2019, 2, 10), D(2020, 2, 10), D(2020, 2, 5), old_after=40), QUARTER_ENDS
    )
    assert not detect_renewals(_book(D(2019, 2, 10), D(2020, 2, 10), D(2020, 6, 1)), QUARTER_ENDS)
    assert not detect_renewals(
        _book(D(2019, 2, 10), D(2020, 2, 10), D(2020, 2, 5), new_amount=50), QUARTER_ENDS
    )
    # the bank's return after the due date is not in yet: not judged
    assert not detect_renewals(_book(D(2019, 2, 10), D(2020, 2, 10), D(2020, 2, 5)), QUARTER_ENDS[:4])


def test_a_chain_of_yearly_renewals_counts_each_once():
    a = L(1, "A", D(2019, 1, 20), D(2020, 1, 20))
    b = L(1, "B", D(2020, 1, 15), D(2021, 1, 15))
    a.balances = {e: 100 for e in QUARTER_ENDS if D(2019, 1, 20) <= e < D(2020, 1, 20)}
    b.balances = {e: 100 for e in QUARTER_ENDS if e >= D(2020, 1, 15)}
    found = detect_renewals([a, b], QUARTER_ENDS)
    assert [(r.old.loan_no, r.new.loan_no) for r in found] == [("A", "B")]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    old_day=st.integers(0, 200),
    gap=st.integers(-60, 60),
    carried_share=st.floats(0.5, 1.5),
    repaid_after=st.booleans(),
)
def test_renewal_rule_property(old_day, gap, carried_share, repaid_after):
    """A pair is a renewal exactly when the rule's three conditions hold."""
    old_issued = START + datetime.timedelta(days=old_day)
    old_due = old_issued + datetime.timedelta(days=365)
    new_issued = old_due + datetime.timedelta(days=gap)
    new_amount = int(100 * carried_share)
    book = _book(
        old_issued, old_due, new_issued, new_amount=new_amount, old_after=None if repaid_after else 30
    )
    found = detect_renewals(book, QUARTER_ENDS)
    before = [e for e in QUARTER_ENDS if e < new_issued]
    was_outstanding = bool(before) and book[0].balances.get(before[-1], 0) > 0
    expected = (
        abs(gap) <= RENEWAL_WINDOW_DAYS and repaid_after and new_amount >= 100 * CARRIED_SHARE and was_outstanding
        and any(e >= max(new_issued, old_due) for e in QUARTER_ENDS)
    )  # fmt: skip
    assert bool(found) == expected
    for r in found:
        assert r.old.loan_no == "OLD" and r.carried_fen == 100
