"""A small county guarantee network, written straight into approved returns of two banks.

Firms A–K (USCCs; A and B are in the firm register by name) and one person P:
  circle 1: A → B → C → A   (A→B reported by ABC, B→C and C→A by RCB), B in default (NPL at ABC)
  mutual:   D ⇄ E           (ABC)
  chain:    F → G → H → K   (RCB only)
  person:   P → D           (ABC)
Group 1 = {A, B, C} (3 firms), group 2 = {D, E, P} (3), group 3 = {F, G, H, K} (4): ordered by size, the chain
group is number 1."""

import datetime

import pytest
from django.utils import timezone

from puhui.core.crypto import lookup_hash
from puhui.data.models import GuaranteeRecord, LoanRecord, Submission
from tests.data.conftest import make_uscc, resident_id

USCC = {k: make_uscc(f"91370323MA3C{n:05d}") for n, k in enumerate("ABCDEFGHK", start=10)}
PERSON = resident_id("370323", "19800101", "123")
YUAN = 100  # fen


def _hash(key):
    return lookup_hash(PERSON if key == "P" else USCC[key])


def _submission(bank, form, period):
    return Submission.objects.create(
        institution=bank, form=form, period=period, version=1, status=Submission.Status.APPROVED,
        channel=Submission.Channel.DEMO, submitted_at=timezone.now(),
    )  # fmt: skip


def _loan(sub, row, key, town, balance, status="normal"):
    return LoanRecord(
        submission=sub, row=row, loan_no=f"{sub.institution.code}-{key}", id_kind="uscc", borrower_id=USCC[key],
        borrower_hash=_hash(key), borrower_type="small", town=town, amount_fen=balance * YUAN * 2,
        balance_fen=balance * YUAN, rate="5.0", issued_on=datetime.date(2020, 1, 5),
        due_on=datetime.date(2021, 1, 4), guarantee="guarantee", is_credit=False, is_first=False, is_agri=False,
        status=status,
    )  # fmt: skip


def _guarantee(sub, row, guarantor, borrower, amount):
    return GuaranteeRecord(
        submission=sub, row=row, loan_no=f"{sub.institution.code}-{borrower}", borrower_id=USCC[borrower], borrower_hash=_hash(borrower),
        guarantor_kind="ric" if guarantor == "P" else "uscc",
        guarantor_id=PERSON if guarantor == "P" else USCC[guarantor], guarantor_hash=_hash(guarantor),
        amount_fen=amount * YUAN,
    )  # fmt: skip


@pytest.fixture
def network(county, users):
    from puhui.data import services
    from puhui.registry.models import Firm

    period = services.period_get("2020Q1")
    town = county["towns"][0]
    village = county["villages"][0]
    for key, name in (("A", "沂源甲方机械有限公司"), ("B", "沂源乙方果品有限公司")):
        Firm.objects.create(
            uscc=USCC[key], name=name, kind="small", industry="制造业", village=village, town=town,
            registered_on=datetime.date(2015, 3, 1), employees=10, annual_revenue="1000000.00",
        )  # fmt: skip
    abc, rcb = county["abc"], county["rcb"]
    loans = {bank: _submission(bank, "loans", period) for bank in (abc, rcb)}
    guarantees = {bank: _submission(bank, "guarantees", period) for bank in (abc, rcb)}
    LoanRecord.objects.bulk_create(
        [
            _loan(loans[abc], 1, "B", town, 500_000, status="npl"),
            _loan(loans[abc], 2, "D", town, 200_000),
            _loan(loans[abc], 3, "E", town, 100_000),
            _loan(loans[rcb], 1, "C", town, 300_000),
            _loan(loans[rcb], 2, "A", town, 400_000),
            _loan(loans[rcb], 3, "G", town, 50_000),
            _loan(loans[rcb], 4, "H", town, 60_000),
            _loan(loans[rcb], 5, "K", town, 70_000),
        ]
    )
    GuaranteeRecord.objects.bulk_create(
        [
            _guarantee(guarantees[abc], 1, "A", "B", 500_000),
            _guarantee(guarantees[rcb], 1, "B", "C", 300_000),
            _guarantee(guarantees[rcb], 2, "C", "A", 400_000),
            _guarantee(guarantees[abc], 2, "D", "E", 100_000),
            _guarantee(guarantees[abc], 3, "E", "D", 200_000),
            _guarantee(guarantees[abc], 4, "P", "D", 50_000),
            _guarantee(guarantees[rcb], 3, "F", "G", 50_000),
            _guarantee(guarantees[rcb], 4, "G", "H", 60_000),
            _guarantee(guarantees[rcb], 5, "H", "K", 70_000),
        ]
    )
    return {"period": period, "abc": abc, "rcb": rcb, "loans": loans, "guarantees": guarantees}
