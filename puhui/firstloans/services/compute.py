"""One computation (`run_compute`) over the banks' approved 贷款明细表 up to a quarter, stored whole as a `Run`.

1. The first-loan list: the register's firms, not deregistered, whose USCC's keyed hash (under every active
   key, `crypto.lookup_hashes`) is no borrower of any approved return — one DISTINCT over the returns' firm
   borrowers, then a set look-up per firm; nothing is decrypted.
2. Every loan once (grouped by borrower, then by bank and loan number, with its balance in each return) is
   judged by `rules.judge_first_loans` and, per bank, `rules.detect_renewals`; the counts per bank, town,
   quarter and borrower type, the disagreements and the renewals are kept.
All rows go in one transaction at the end: a failed computation leaves nothing behind.
"""

import functools
import itertools
import time
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from puhui.core import crypto
from puhui.core.audit import audit_record
from puhui.core.periods import containing
from puhui.data.catalogue import LOANS_FORM
from puhui.data.derived import effective_submissions
from puhui.data.models import LoanRecord, ReportingPeriod, Submission
from puhui.data.selectors import approved_loan_returns
from puhui.firstloans import rules
from puhui.firstloans.models import (
    Disagreement,
    FirstLoanCount,
    ListedFirm,
    Renewal,
    RenewalFigure,
    Run,
)
from puhui.registry.models import Firm

BATCH = 5000
# 无还本续贷 is a policy for small and micro firms and individual businesses (not farm households' loans).
RENEWAL_TYPES = frozenset({"small", "individual", "other"})
LOAN_COLUMNS = (
    "submission_id", "borrower_hash", "loan_no", "issued_on", "due_on", "amount_fen", "balance_fen",
    "town_id", "borrower_type", "is_first",
)  # fmt: skip


def _quiet(done, total, message=""):
    pass


def latest_loans_period() -> ReportingPeriod | None:
    """The last quarter for which some bank's 贷款明细表 is approved."""
    sub = approved_loan_returns().select_related("period").order_by("-period__end").first()
    return sub.period if sub else None


def loan_returns(period: ReportingPeriod) -> dict[int, tuple[int, object, object]]:
    """submission id → (bank id, period start, period end) of the approved loans returns in force up to `period`."""
    periods = list(ReportingPeriod.objects.filter(kind=period.kind, end__lte=period.end))
    ids = [pk for pks in effective_submissions(periods).values() for pk in pks]
    rows = Submission.objects.filter(pk__in=ids, form=LOANS_FORM).values_list(
        "pk", "institution_id", "period__start", "period__end"
    )
    return {pk: (bank, start, end) for pk, bank, start, end in rows}


def firms_never_borrowed(sub_ids: list[int], on) -> tuple[list[tuple[int, int]], dict[str, int], int]:
    """([(firm id, town id)] of the firms with no loan in those returns, {hash: firm id} of every firm, firms
    checked). The firms borrowing in the returns are read once as a set of hashes."""
    borrowed = set(
        LoanRecord.objects.filter(submission_id__in=sub_ids, id_kind=LoanRecord.IdKind.USCC)
        .values_list("borrower_hash", flat=True)
        .distinct()
        .iterator(chunk_size=50_000)
    )
    alive = Firm.objects.filter(Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=on))
    listed, by_hash, checked = [], {}, 0
    for pk, uscc, town_id in alive.values_list("pk", "uscc", "town_id").iterator(chunk_size=20_000):
        checked += 1
        hashes = crypto.lookup_hashes(uscc)
        by_hash.update(dict.fromkeys(hashes, pk))  # returns hashed under an old key still name the firm
        if borrowed.isdisjoint(hashes):
            listed.append((pk, town_id))
    return listed, by_hash, checked


def _borrower_loans(rows, returns) -> list[rules.Loan]:
    """One borrower's rows (every return listing each loan) as loans, one per bank and loan number."""
    loans: dict[tuple[int, str], rules.Loan] = {}
    for sid, _hash, loan_no, issued, due, amount, balance, town, btype, flagged in rows:
        bank, _start, end = returns[sid]
        loan = loans.get((bank, loan_no))
        if loan is None:
            loan = loans[(bank, loan_no)] = rules.Loan(bank, loan_no, issued, due, amount, town, btype)
        loan.flagged = loan.flagged or flagged
        loan.balances[end] = balance
    return list(loans.values())


class Tally:
    """What the loan pass gathers, keyed by quarter code until the end."""

    def __init__(self, window_start, bank_returns: dict[int, list], firm_of: dict[str, int]):
        self.window_start = window_start
        self.bank_returns = bank_returns
        self.firm_of = firm_of
        self.counts = defaultdict(lambda: [0, 0, 0])  # (bank, town, quarter, type) → platform, flagged, both
        self.figures = defaultdict(lambda: [0, 0, 0])  # (bank, town, quarter) → count, carried, balance
        self.disagreements: list[dict] = []
        self.renewals: list[dict] = []
        self.borrowers = self.first_loans = 0

    def add(self, borrower_hash: str, loans: list[rules.Loan]) -> None:
        self.borrowers += 1
        for j in rules.judge_first_loans(loans, self.window_start):
            loan = j.loan
            row = self.counts[(loan.bank, loan.town, _quarter(loan.issued_on), loan.borrower_type)]
            row[0] += j.platform_first
            row[1] += loan.flagged
            row[2] += j.platform_first and loan.flagged
            self.first_loans += j.platform_first
            if j.disagreement:
                self.disagreements.append(
                    {"kind": j.disagreement, "loan": loan, "hash": borrower_hash, "earlier_on": j.earlier_on,
                     "same_bank": j.earlier_same_bank}
                )  # fmt: skip
        by_bank = defaultdict(list)
        for loan in loans:
            by_bank[loan.bank].append(loan)
        for bank, own in by_bank.items():
            if len(own) > 1 and own[0].borrower_type in RENEWAL_TYPES:
                for renewal in rules.detect_renewals(own, self.bank_returns[bank]):
                    self._renewal(borrower_hash, renewal)

    def _renewal(self, borrower_hash: str, renewal: rules.Renewal) -> None:
        new = renewal.new
        self.renewals.append({"hash": borrower_hash, "renewal": renewal})
        row = self.figures[(new.bank, new.town, _quarter(new.issued_on))]
        row[0] += 1
        row[1] += renewal.carried_fen
        for end, balance in new.balances.items():
            if end >= new.issued_on and balance > 0:
                self.figures[(new.bank, new.town, _quarter(end))][2] += balance


@functools.lru_cache(maxsize=4096)
def _quarter(day) -> str:
    return containing(day, "quarter").code


def loans_pass(returns: dict, firm_of: dict[str, int], progress) -> Tally:
    """Every loan row of the returns, by borrower, into a `Tally`."""
    bank_returns = defaultdict(set)
    for bank, _start, end in returns.values():
        bank_returns[bank].add(end)
    window_start = min(start for _bank, start, _end in returns.values())
    tally = Tally(window_start, {b: sorted(ends) for b, ends in bank_returns.items()}, firm_of)
    total = sum(Submission.objects.filter(pk__in=list(returns)).values_list("row_count", flat=True))
    rows = (
        LoanRecord.objects.filter(submission_id__in=list(returns))
        .order_by("borrower_hash")
        .values_list(*LOAN_COLUMNS)
        .iterator(chunk_size=20_000)
    )
    done = 0
    for borrower_hash, group in itertools.groupby(rows, key=lambda r: r[1]):
        group = list(group)
        done += len(group)
        tally.add(borrower_hash, _borrower_loans(group, returns))
        if tally.borrowers % 20_000 == 0:
            progress(done, total, f"已核对 {tally.borrowers:,} 户借款人的贷款")
    return tally


def _insert(model, columns: tuple[str, ...], rows) -> None:
    """Many rows at once: COPY on PostgreSQL (a scale-10 run stores hundreds of thousands), else executemany."""
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: "both" is a keyword
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("%s" for _ in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        for batch in _batches(rows):
            cursor.executemany(sql, list(batch))


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _store(run: Run, listed, tally: Tally, period_ids: dict[str, int]) -> None:
    r = run.pk
    _insert(ListedFirm, ("run_id", "firm_id", "town_id"), ((r, firm, town) for firm, town in listed))
    _insert(
        FirstLoanCount,
        ("run_id", "bank_id", "town_id", "period_id", "borrower_type", "platform", "flagged", "both"),
        ((r, bank, town, period_ids[q], btype, *v) for (bank, town, q, btype), v in tally.counts.items()
         if q in period_ids),
    )  # fmt: skip
    _insert(
        Disagreement,
        ("run_id", "bank_id", "town_id", "period_id", "kind", "loan_no", "borrower_hash", "borrower_type",
         "firm_id", "issued_on", "amount_fen", "earlier_on", "earlier_same_bank"),
        ((r, d["loan"].bank, d["loan"].town, period_ids[_quarter(d["loan"].issued_on)], d["kind"], d["loan"].loan_no,
          d["hash"], d["loan"].borrower_type, tally.firm_of.get(d["hash"]), d["loan"].issued_on,
          d["loan"].amount_fen, d["earlier_on"], d["same_bank"])
         for d in tally.disagreements if _quarter(d["loan"].issued_on) in period_ids),
    )  # fmt: skip
    _insert(
        Renewal,
        ("run_id", "bank_id", "town_id", "period_id", "borrower_type", "firm_id", "old_loan_no", "old_due_on",
         "new_loan_no", "new_issued_on", "carried_fen", "new_amount_fen"),
        ((r, x.new.bank, x.new.town, period_ids[_quarter(x.new.issued_on)], x.new.borrower_type,
          tally.firm_of.get(item["hash"]), x.old.loan_no, x.old.due_on, x.new.loan_no, x.new.issued_on,
          x.carried_fen, x.new.amount_fen)
         for item in tally.renewals for x in [item["renewal"]]),
    )  # fmt: skip
    _insert(
        RenewalFigure,
        ("run_id", "bank_id", "town_id", "period_id", "count", "carried_fen", "balance_fen"),
        ((r, bank, town, period_ids[q], *v) for (bank, town, q), v in tally.figures.items() if q in period_ids),
    )  # fmt: skip


def run_compute(*, actor, period: ReportingPeriod | None = None, progress=None) -> Run:
    """Compute and store the first-loan list, the 首贷 cross-check and the renewals as at `period` (default:
    the last quarter with an approved 贷款明细表)."""
    progress = progress or _quiet
    started = time.monotonic()
    period = period or latest_loans_period()
    returns = loan_returns(period) if period is not None else {}
    if not returns:
        raise ValidationError("还没有审核通过的贷款明细表，无法计算首贷培植名单。")
    progress(0, 1, "正在比对名录企业和各银行的贷款借款人")
    listed, firm_of, checked = firms_never_borrowed(list(returns), timezone.localdate())
    tally = loans_pass(returns, firm_of, progress)
    period_ids = dict(ReportingPeriod.objects.filter(kind=period.kind).values_list("code", "pk"))
    with transaction.atomic():
        run = Run.objects.create(
            period=period,
            computed_by=actor if actor is not None and actor.is_authenticated else None,
            window_start=tally.window_start,
            returns=len(returns),
            firms_checked=checked,
            listed=len(listed),
            borrowers=tally.borrowers,
            first_loans=tally.first_loans,
            disagreements=len(tally.disagreements),
            renewals=len(tally.renewals),
        )
        _store(run, listed, tally, period_ids)
        run.seconds = round(time.monotonic() - started, 2)
        run.save(update_fields=["seconds"])
        audit_record(actor=actor, action="create", obj=run, note=f"从未获得贷款的企业 {len(listed):,} 户")
    progress(1, 1, "已完成")
    return run


def list_compute(*, period: ReportingPeriod | None = None) -> tuple[int, int]:
    """The list alone, not stored (the benchmark's measure): (firms checked, firms never borrowed)."""
    period = period or latest_loans_period()
    returns = loan_returns(period)
    listed, _firm_of, checked = firms_never_borrowed(list(returns), timezone.localdate())
    return checked, len(listed)
