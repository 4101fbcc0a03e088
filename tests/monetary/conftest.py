"""Loan-level returns written by hand for the monetary tests, and a relending line for each test bank."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from puhui.data.models import LoanRecord, Submission
from puhui.data.selectors import reporting_period
from puhui.monetary import services

APPROVED = Submission.Status.APPROVED


@pytest.fixture(autouse=True)
def lpr_published(db):
    """The LPR quotations that migration 0002 seeds, back if a transactional test earlier in this process
    flushed the database (a flush empties every table, the migrations' rows included)."""
    from puhui.monetary.lpr_values import PUBLISHED
    from puhui.monetary.models import LprQuote

    if not LprQuote.objects.exists():
        LprQuote.objects.bulk_create(
            LprQuote(month=datetime.date(y, m, 1), one_year=one, five_year=five)
            for y, m, one, five in PUBLISHED
        )


def period(code: str):
    p = reporting_period(code)
    if p.pk is None:
        p.save()
    return p


@pytest.fixture
def loans(county):
    """loans(bank, "2020Q1", [(loan_no, borrower_type, guarantee, amount 元, rate %, issued_on, is_agri), ...])
    → an approved (or `status`) loan-level return of that quarter with those rows."""
    town = county["towns"][0]

    def make(bank, code, rows, *, status=APPROVED, version=1):
        sub = Submission.objects.create(
            institution=bank,
            form="loans",
            period=period(code),
            version=version,
            status=status,
            channel=Submission.Channel.DEMO,
            submitted_at=timezone.now(),
            row_count=len(rows),
        )
        LoanRecord.objects.bulk_create(
            LoanRecord(
                submission=sub,
                row=i,
                loan_no=no,
                id_kind="ric",
                borrower_id="370323199001011234",
                borrower_hash=f"h{i}",
                borrower_type=btype,
                town=town,
                amount_fen=int(Decimal(amount) * 100),
                balance_fen=int(Decimal(amount) * 100),
                rate=Decimal(rate),
                issued_on=issued,
                due_on=issued + datetime.timedelta(days=365),
                guarantee=guarantee,
                is_credit=guarantee == "credit",
                is_first=False,
                is_agri=agri,
                status="normal",
            )
            for i, (no, btype, guarantee, amount, rate, issued, agri) in enumerate(rows, start=2)
        )
        return sub

    return make


@pytest.fixture
def lines(county, users):
    """A 支农再贷款 line of 1,000,000 元 for RCB and a 支小再贷款 line of 500,000 元 for ABC, granted 2020-03-01."""
    make = lambda bank, kind, amount: services.line_create(  # noqa: E731
        actor=users["office"],
        bank=county[bank],
        kind=kind,
        amount=amount,
        rate=Decimal("2.50"),
        granted_on=datetime.date(2020, 3, 1),
        due_on=datetime.date(2021, 2, 28),
        doc_no="银发〔2020〕1号",
    )
    return {"rcb": make("rcb", "agri", 1_000_000), "abc": make("abc", "small", 500_000)}
