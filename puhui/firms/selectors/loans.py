"""A firm's loans as the banks reported them (the data app's loan-level returns), matched by the keyed hash of
its USCC — never by decrypting. Current figures come from each bank's latest approved 贷款明细 (the highest
version of its latest period); the first loan's date from every approved return that names the firm."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from puhui.core.crypto import lookup_hashes
from puhui.data.catalogue import LOANS_FORM
from puhui.data.derived import effective_submissions
from puhui.data.models import LoanRecord, ReportingPeriod, Submission
from puhui.data.selectors import approved_loan_returns

Status = LoanRecord.Status


@dataclass
class LoanSummary:
    banks: int = 0  # banks with a balance in their latest return
    balance_fen: int = 0
    overdue_fen: int = 0
    npl_fen: int = 0
    loans: int = 0
    first_issued: object = None  # the earliest issue date in any approved return
    as_of: object = None  # the latest period end among the banks' returns used

    @property
    def balance(self) -> str:
        return yuan(self.balance_fen)

    @property
    def overdue(self) -> str:
        return yuan(self.overdue_fen)

    @property
    def npl(self) -> str:
        return yuan(self.npl_fen)


def yuan(fen: int) -> str:
    """Whole fen as yuan with thousands separators: 35000000 → "350,000.00"."""
    return f"{Decimal(fen).scaleb(-2):,.2f}"


def latest_loan_returns(as_of=None) -> dict[int, tuple[int, object]]:
    """submission id → (institution id, period end): each bank's latest approved loans return (ending on or
    before `as_of` when given: the loans as they stood on an observation date)."""
    best: dict[int, tuple] = {}
    qs = approved_loan_returns()
    if as_of is not None:
        qs = qs.filter(period__end__lte=as_of)
    rows = qs.values_list("pk", "institution_id", "period__end", "version")
    for pk, inst, end, version in rows:
        if inst not in best or (end, version) > best[inst][:2]:
            best[inst] = (end, version, pk)
    return {pk: (inst, end) for inst, (end, _v, pk) in best.items()}


def loan_summary(uscc: str, latest: dict | None = None) -> LoanSummary:
    """One firm's aggregates (for the profile page): a few indexed reads by its hash."""
    latest = latest_loan_returns() if latest is None else latest
    out = LoanSummary()
    rows = list(
        LoanRecord.objects.filter(borrower_hash__in=lookup_hashes(uscc)).values_list(
            "submission_id", "issued_on", "balance_fen", "status"
        )
    )
    approved = set(
        approved_loan_returns().filter(pk__in={sub for sub, *_ in rows}).values_list("pk", flat=True)
    )
    banks = set()
    for sub, issued, balance, status in rows:
        if sub not in approved:
            continue
        if out.first_issued is None or issued < out.first_issued:
            out.first_issued = issued
        if sub not in latest:
            continue
        inst, end = latest[sub]
        out.as_of = max(out.as_of, end) if out.as_of else end
        out.loans += 1
        out.balance_fen += balance
        if balance > 0:
            banks.add(inst)
        if status == Status.OVERDUE:
            out.overdue_fen += balance
        elif status == Status.NPL:
            out.npl_fen += balance
    out.banks = len(banks)
    return out


def firm_hashes(usccs: dict[int, str]) -> dict[str, int]:
    """{look-up hash: firm id} under every active key, computed once per run for many firms (as the first-loan
    computation does): rows stored before a key rotation are matched too, and nothing is decrypted."""
    return {h: pk for pk, uscc in usccs.items() for h in lookup_hashes(uscc)}


def loan_features(usccs: dict[int, str], as_of=None) -> dict[int, dict]:
    """firm id → {lender_count, current_overdue, current_npl} for many firms (the rating job; the scorecard's
    training at an observation date `as_of`): one grouped read of the banks' latest returns, matched by hash."""
    by_hash = firm_hashes(usccs)
    latest = list(latest_loan_returns(as_of))
    grouped = (
        LoanRecord.objects.filter(submission_id__in=latest, id_kind=LoanRecord.IdKind.USCC, balance_fen__gt=0)
        .values("borrower_hash")
        .annotate(
            banks=Count("submission_id", distinct=True),
            overdue=Count("pk", filter=Q(status=Status.OVERDUE)),
            npl=Count("pk", filter=Q(status=Status.NPL)),
        )
        .order_by()
    )
    out: dict[int, dict] = {}
    for row in grouped.iterator(chunk_size=5000):
        pk = by_hash.get(row["borrower_hash"])
        if pk is None:
            continue
        seen = out.get(pk, {"lender_count": 0, "current_overdue": False, "current_npl": False})
        out[pk] = {  # a firm's rows under two keys (mid-rotation) are added up
            "lender_count": seen["lender_count"] + row["banks"],
            "current_overdue": seen["current_overdue"] or row["overdue"] > 0,
            "current_npl": seen["current_npl"] or row["npl"] > 0,
        }
    return out


def loan_returns_between(after, until) -> list[int]:
    """The loans returns in force (the data app's rule: each bank's highest approved version) of the quarters
    ending after `after` and on or before `until`."""
    periods = list(
        ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.QUARTER, end__gt=after, end__lte=until)
    )
    ids = [pk for pks in effective_submissions(periods).values() for pk in pks]
    return list(Submission.objects.filter(pk__in=ids, form=LOANS_FORM).values_list("pk", flat=True))


def loan_outcomes(by_hash: dict[str, int], after, until) -> dict[int, bool]:
    """firm id → True (bad: some loan of it reported overdue or non-performing) or False (it borrowed and every
    row stayed normal) over the returns of the quarters ending in (after, until]; a firm in none is absent."""
    grouped = (
        LoanRecord.objects.filter(
            submission_id__in=loan_returns_between(after, until), id_kind=LoanRecord.IdKind.USCC
        )
        .values("borrower_hash")
        .annotate(bad=Count("pk", filter=Q(status__in=[Status.OVERDUE, Status.NPL])))
        .order_by()
    )
    out: dict[int, bool] = {}
    for row in grouped.iterator(chunk_size=5000):
        pk = by_hash.get(row["borrower_hash"])
        if pk is not None:
            out[pk] = out.get(pk, False) or row["bad"] > 0
    return out
