"""The 担保关系明细表 (guarantees form) in the intake: its rows, its check against the loans form, its store.

The file is read row by row by the import engine (`TableReader`, as the aggregate forms are; a bank reports
some 10^5 guarantors a quarter at most). Good rows are kept in memory as small tuples. Across forms, once the
whole file is read: the bank's current loan return of the same period (the latest version, submitted or
approved) must exist, every 借据号 must be one of its loans and the borrower must be that loan's. The loans
are read in one query, streamed, keeping only the loan numbers the file names — memory follows the
guarantees file, not the loan book.

Guarantor and borrower are stored as `crypto.lookup_hash` of the compact number, exactly as
`LoanRecord.borrower_hash` is made (`columnar_store.LoanLines`), so one firm is one hash across forms.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import transaction

from puhui.core import crypto
from puhui.data import storage
from puhui.data.catalogue import LOANS_FORM
from puhui.data.models import GuaranteeRecord, LoanRecord, Submission
from puhui.imports.tabular import ErrorList, Row, TableReader


class _Guarantee(NamedTuple):
    number: int
    loan_no: str
    borrower: str  # compact ID number or USCC
    guarantor_kind: str
    guarantor: str
    amount_fen: int


class GuaranteeSink:
    """The good rows of a guarantees file, and the look-up hash of each distinct number (made once)."""

    def __init__(self):
        self.rows: list[_Guarantee] = []
        self._hashes: dict[str, str] = {}

    def add(self, row: Row) -> None:
        if not row.ok:
            return
        v = row.values
        kind, guarantor = v["guarantor_id"]
        self.rows.append(
            _Guarantee(
                row.number, v["loan_no"], v["borrower_id"][1], kind, guarantor, int(v["amount"].scaleb(2))
            )
        )

    def hash_of(self, number: str) -> str:
        h = self._hashes.get(number)
        if h is None:
            h = self._hashes[number] = crypto.lookup_hash(number)
        return h

    def totals(self) -> dict:
        return {
            "rows": len(self.rows),
            "guarantees": len(self.rows),
            "loans": len({r.loan_no for r in self.rows}),
            "guarantors": len({r.guarantor for r in self.rows}),
            "amount_fen": sum(r.amount_fen for r in self.rows),
        }


def current_loans(institution, period) -> Submission | None:
    """The loan return a guarantees file is checked against: the institution's latest version of the same
    period's 贷款明细表, submitted or approved (a returned one is to be corrected first)."""
    return (
        Submission.objects.filter(
            institution=institution,
            form=LOANS_FORM,
            period=period,
            is_current=True,
            status__in=(Submission.Status.SUBMITTED, Submission.Status.APPROVED),
        )
        .order_by("-version")
        .first()
    )


def check_against_loans(
    *, sink: GuaranteeSink, reader: TableReader, errors: ErrorList, institution, period
) -> dict:
    """Every row's loan is in the period's loan return, with the same borrower; the submission's totals
    (with the loan return it was checked against)."""
    totals = sink.totals()
    loans = current_loans(institution, period)
    if loans is None:
        errors.add(
            None,
            "",
            "",
            f"请先报送本期《贷款明细表》：本机构{period.label}没有待审核或已通过的贷款明细表"
            "（被退回的须先更正重报），担保关系须对应其中的借据",
        )
        return totals
    wanted = {r.loan_no for r in sink.rows}
    borrower_of: dict[str, str] = {}
    for loan_no, h in (
        LoanRecord.objects.filter(submission=loans)
        .values_list("loan_no", "borrower_hash")
        .iterator(chunk_size=20_000)
        if wanted
        else ()
    ):
        if loan_no in wanted:
            borrower_of[loan_no] = h
    ring: dict[str, frozenset[str]] = {}  # a number's hashes under every active key (a rotation under way)
    loan_col, borrower_col = reader.header_of("loan_no"), reader.header_of("borrower_id")
    for r in sink.rows:
        h = borrower_of.get(r.loan_no)
        if h is None:
            errors.add(
                r.number,
                loan_col,
                r.loan_no,
                f"借据号 {r.loan_no} 不在本期贷款明细表中（{period.label}第{loans.version}版）",
            )
            continue
        if h != sink.hash_of(r.borrower):
            if r.borrower not in ring:
                ring[r.borrower] = frozenset(crypto.lookup_hashes(r.borrower))
            if h not in ring[r.borrower]:
                errors.add(
                    r.number, borrower_col, r.borrower, "借款人证件号码与贷款明细表中该借据的借款人不一致"
                )
    totals.update(loans_submission=loans.pk, loans_version=loans.version)
    return totals


def write_rows(submission: Submission, sink: GuaranteeSink) -> None:
    """The rows under the (still hidden) submission, a short transaction per batch (storage.submission_store
    deletes them all should anything fail)."""
    batch = storage.store_batch_rows()
    rows = sink.rows
    for start in range(0, len(rows), batch):
        with transaction.atomic():
            GuaranteeRecord.objects.bulk_create(
                [
                    GuaranteeRecord(
                        submission=submission,
                        row=r.number,
                        loan_no=r.loan_no,
                        borrower_id=r.borrower,
                        borrower_hash=sink.hash_of(r.borrower),
                        guarantor_kind=r.guarantor_kind,
                        guarantor_id=r.guarantor,
                        guarantor_hash=sink.hash_of(r.guarantor),
                        amount_fen=r.amount_fen,
                    )
                    for r in rows[start : start + batch]
                ],
                batch_size=2000,
            )
