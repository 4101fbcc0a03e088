"""The early-warning scene: two banks' approved 贷款明细表 for 2020Q4 and 2021Q1, written straight into the
tables (`loans`), or taken in and approved through the data services (`upload_loans`, for the hook).

Firms (USCCs; A is in the firm register as 沂源甲公司):
  A  ABC 300 万 + RCB 200 万 → ABC 100 万 + RCB 200 万, all normal: 40 % of its credit gone while paying (抽贷, ABC)
  B  ABC 300 万 → ABC 100 万 overdue: it stopped paying — not 抽贷
  C  RCB 200 万 → RCB 200 万: nothing
The finance centre is the linkage mechanism's member unit (its 方案称谓), so the `member` user is one.
"""

import datetime

import pytest
from django.utils import timezone

from puhui.core.crypto import lookup_hash
from puhui.data.models import LoanRecord, Submission
from tests.data.conftest import loan_row, make_uscc

WAN = 10_000 * 100  # fen
FIRMS = {"A": "91370323MA3C4DB553", "B": make_uscc("91370323MA3C00021"), "C": make_uscc("91370323MA3C00022")}
SCENE = {
    "2020Q4": {"abc": [("A", 300, "normal"), ("B", 300, "normal")], "rcb": [("A", 200, "normal"), ("C", 200, "normal")]},
    "2021Q1": {"abc": [("A", 100, "normal"), ("B", 100, "overdue")], "rcb": [("A", 200, "normal"), ("C", 200, "normal")]},
}  # fmt: skip


@pytest.fixture(autouse=True)
def linkage_unit(county):
    org = county["finance_centre"]
    org.plan_alias = "县金融证券工作服务中心"
    org.save(update_fields=["plan_alias"])
    return org


def write_loans(bank, period, loans, town):
    """An approved 贷款明细表 of `bank` for `period`: (firm, 万元, status) rows."""
    sub = Submission.objects.create(
        institution=bank, form="loans", period=period, version=1, status=Submission.Status.APPROVED,
        channel=Submission.Channel.DEMO, submitted_at=timezone.now(),
    )  # fmt: skip
    LoanRecord.objects.bulk_create(
        LoanRecord(
            submission=sub,
            row=n,
            loan_no=f"{bank.code}-{period.code}-{n}",
            id_kind="uscc",
            borrower_id=FIRMS[firm],
            borrower_hash=lookup_hash(FIRMS[firm]),
            borrower_type="small",
            town=town,
            amount_fen=wan * WAN,
            balance_fen=wan * WAN,
            rate="5.0",
            issued_on=datetime.date(2020, 1, 5),
            due_on=datetime.date(2022, 1, 4),
            guarantee="credit",
            is_credit=True,
            is_first=False,
            is_agri=False,
            status=status,
        )  # fmt: skip
        for n, (firm, wan, status) in enumerate(loans, start=1)
    )
    return sub


@pytest.fixture
def periods(db):
    from puhui.data import services

    return {code: services.period_get(code) for code in ("2020Q4", "2021Q1")}


@pytest.fixture
def loans(county, users, periods):
    banks = {"abc": county["abc"], "rcb": county["rcb"]}
    town = county["towns"][1]
    return {
        (code, key): write_loans(banks[key], periods[code], rows, town)
        for code, by_bank in SCENE.items()
        for key, rows in by_bank.items()
    }


def firm_row(n: int, firm: str, wan: int, status: str = "正常") -> dict:
    """A row of a 贷款明细表 file for one firm's loan (万元)."""
    return loan_row(
        n, **{"借款人证件号码": FIRMS[firm], "借款人类型": "小微企业", "贷款金额（元）": f"{wan * 10000}.00",
              "贷款余额（元）": f"{wan * 10000}.00", "涉农贷款": "否", "贷款状态": status,
              "到期日期": "2022-01-09"},
    )  # fmt: skip


def upload_loans(actor, office, bank, period_code: str, rows: list[dict], approve: bool = True):
    """Take a 贷款明细表 in through the data services and (by default) approve it."""
    from puhui.data import services

    up = services.upload_start(
        actor=actor, institution=bank, form_code="loans", period_code=period_code, channel="api", rows=rows,
        comment="季度报送",
    )  # fmt: skip
    assert up.status == "succeeded", up.errors
    if not approve:
        return up.submission
    return services.submission_review(actor=office, submission=up.submission, approve=True, recompute=False)


@pytest.fixture
def catalogue(db, users):
    from puhui.data import services

    services.catalogue_sync(actor=users["office"])
