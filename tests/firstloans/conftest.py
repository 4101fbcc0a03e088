"""Hand-made loan-level returns on the test county: approved 贷款明细表 of ABC and RCB, one row per loan and
return, keyed by the borrower's USCC hash as the data app stores them.

The county's service areas: ABC (branch in 历山街道, outlet and service point in 鲁村镇) serves both towns;
RCB (branch, outlet and service point in 历山街道) serves 历山街道 only."""

import datetime
from itertools import count

import pytest
from django.utils import timezone

from puhui.core import crypto
from puhui.data import services as data_services
from puhui.data.models import LoanRecord, Submission
from puhui.registry.models import Firm

D = datetime.date
_rows = count(1)


def approved_return(
    bank, code: str, *, status=Submission.Status.APPROVED, version=1, form="loans"
) -> Submission:
    return Submission.objects.create(
        institution=bank,
        form=form,
        period=data_services.period_get(code),
        version=version,
        status=status,
        channel=Submission.Channel.DEMO,
        submitted_at=timezone.now(),
    )


def loan(sub, borrower: str, loan_no: str, issued, due, *, amount=100_000, balance=None, town, first=False,
         kind="uscc", borrower_type="small") -> LoanRecord:  # fmt: skip
    """One row of a return: `borrower` is the USCC or ID number, amounts in yuan."""
    return LoanRecord.objects.create(
        submission=sub,
        row=next(_rows),
        loan_no=loan_no,
        id_kind=kind,
        borrower_id=borrower,
        borrower_hash=crypto.lookup_hash(borrower),
        borrower_type=borrower_type,
        town=town,
        amount_fen=amount * 100,
        balance_fen=(amount if balance is None else balance) * 100,
        rate="5.5",
        issued_on=issued,
        due_on=due,
        guarantee="credit",
        is_credit=True,
        is_first=first,
        is_agri=False,
        status="normal",
    )


def make_firm(county, uscc: str, name: str, village_index: int, **kw) -> Firm:
    v = county["villages"][village_index]
    return Firm.objects.create(
        uscc=uscc, name=name, kind="small", industry="制造业", village=v, town=v.parent,
        registered_on=D(2016, 1, 1), employees=8, annual_revenue="900000.00", **kw,
    )  # fmt: skip


# Valid USCCs (GB 32100 check digits) for firms beyond the two of the county fixture.
EXTRA_USCCS = ["91370323MA3C4DB641", "91370323MA3C4DB70M", "91370323MA3C4DB80N", "91370323MA3C4DB90P"]


@pytest.fixture
def more_firms(county):
    """A third firm in 鲁村镇 that borrows, a deregistered firm in 历山街道."""
    borrower = make_firm(county, EXTRA_USCCS[0], "鲁村丙公司", 3)
    gone = make_firm(county, EXTRA_USCCS[1], "历山丁公司", 1, deregistered_on=D(2020, 6, 30))
    return {"borrower": borrower, "gone": gone}
