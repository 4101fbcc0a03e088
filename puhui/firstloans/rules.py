"""The two rules the platform applies to one borrower's loans, kept apart from Django so that tests give them
hand-made loans (docs/firstloans.md gives them in words).

- `judge_first_loans`: which loan is the borrower's 首贷 as the platform sees it, and where the banks' own
  flag disagrees.
- `detect_renewals`: which new loans at one bank replaced a maturing loan there without repayment (无还本续贷).
"""

import datetime
from dataclasses import dataclass, field

# The old loan falls due at most this many days before or after the new loan is issued.
RENEWAL_WINDOW_DAYS = 30
# The new loan carries the old balance: at least this share of it (a renewal may shave a little off).
CARRIED_SHARE = 0.9


@dataclass
class Loan:
    """One loan as the returns show it: `balances` maps the end date of each approved return of its bank
    that lists it to the balance reported there (fen)."""

    bank: int
    loan_no: str
    issued_on: datetime.date
    due_on: datetime.date
    amount_fen: int
    town: int = 0
    borrower_type: str = ""
    flagged: bool = False
    balances: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Judgement:
    loan: Loan
    platform_first: bool
    # "" agreed; "flagged": flagged 首贷 but an earlier loan exists; "unflagged": a first loan not flagged.
    disagreement: str = ""
    earlier_on: datetime.date | None = None
    earlier_same_bank: bool = False


def _order(loan: Loan):
    # Same-day loans at two banks: the larger is the 首贷, then the lower bank id and loan number — one
    # 首贷 per borrower, as the banks' indicator counts it.
    return (loan.issued_on, -loan.amount_fen, loan.bank, loan.loan_no)


def judge_first_loans(loans: list[Loan], window_start: datetime.date) -> list[Judgement]:
    """Every loan of one borrower issued on or after `window_start` (the first day of loan-level data),
    judged: the borrower's earliest loan over every bank is its 首贷; a loan issued before the data begin
    is not judged (its history is unseen). A flagged loan issued the same day as the 首贷 at another bank is
    not a disagreement: neither bank could know of the other's."""
    ordered = sorted(loans, key=_order)
    if not ordered:
        return []
    first = ordered[0]
    judged = []
    for loan in ordered:
        if loan.issued_on < window_start:
            continue
        if loan is first:
            kind = "" if loan.flagged else "unflagged"
            judged.append(Judgement(loan, True, kind))
            continue
        if loan.flagged and loan.issued_on > first.issued_on:
            same_bank = any(o.bank == loan.bank and o.issued_on < loan.issued_on for o in ordered)
            judged.append(Judgement(loan, False, "flagged", first.issued_on, same_bank))
        else:
            judged.append(Judgement(loan, False))
    return judged


@dataclass(frozen=True)
class Renewal:
    old: Loan
    new: Loan
    carried_fen: int


def _last_before(returns: list[datetime.date], day: datetime.date) -> datetime.date | None:
    earlier = [end for end in returns if end < day]
    return earlier[-1] if earlier else None


def _first_from(returns: list[datetime.date], day: datetime.date) -> datetime.date | None:
    return next((end for end in returns if end >= day), None)


def _carried(old: Loan, new: Loan, returns: list[datetime.date]) -> int | None:
    """The balance `new` carries over from `old`, or None when the pair is no renewal."""
    if old.issued_on >= new.issued_on:
        return None
    if abs((old.due_on - new.issued_on).days) > RENEWAL_WINDOW_DAYS:
        return None
    before = _last_before(returns, new.issued_on)
    carried = old.balances.get(before, 0) if before is not None else 0
    if carried <= 0:  # not outstanding in the bank's last return before the new loan: repaid already
        return None
    after = _first_from(returns, max(new.issued_on, old.due_on))
    if after is None or old.balances.get(after, 0) > 0:  # next return not in yet, or the old loan still runs
        return None
    if new.amount_fen < carried * CARRIED_SHARE:
        return None
    return carried


def detect_renewals(loans: list[Loan], returns: list[datetime.date]) -> list[Renewal]:
    """The renewals among one borrower's loans at one bank. `returns`: the end dates of that bank's approved
    returns. A new loan renews at most one old loan (the one falling due nearest its issue date), and an old
    loan is renewed at most once."""
    returns = sorted(returns)
    used: set[str] = set()
    found = []
    for new in sorted(loans, key=lambda x: (x.issued_on, x.loan_no)):
        best = None
        for old in loans:
            if old is new or old.loan_no in used:
                continue
            carried = _carried(old, new, returns)
            if carried is None:
                continue
            key = (abs((old.due_on - new.issued_on).days), old.loan_no)
            if best is None or key < best[0]:
                best = (key, old, carried)
        if best is not None:
            used.add(best[1].loan_no)
            found.append(Renewal(best[1], new, best[2]))
    return found
