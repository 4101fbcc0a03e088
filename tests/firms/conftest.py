"""The firms scene on the test county: the tax bureau and the court as member units, a user acting for
沂源甲公司, Excel files built in memory."""

import datetime
from io import BytesIO

import pytest
from django.contrib.auth.hashers import make_password
from openpyxl import Workbook

from puhui.core.models import User
from tests.conftest import PASSWORD, _org

D = datetime.date
OUTSIDE_USCC = "91370303MA088WXJ0N"  # valid, registered in 博山区: in no firm of the county


def xlsx(header: list[str], rows: list[list], name: str = "纳税信用等级.xlsx") -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.fixture
def firm_scene(county, users):
    tax = _org("TAX", "国家税务总局沂源县税务局", "government", plan_alias="县税务局")
    utility = _org("ZJJ", "沂源县住房和城乡建设局", "government", plan_alias="县住房城乡建设局")

    def make(username, role, **kw):
        return User.objects.create(username=username, role=role, password=make_password(PASSWORD), **kw)

    firm, other = county["firms"]
    return {
        "firm": firm,
        "other": other,
        "tax_user": make("tax", "member_unit", organisation=tax),
        "utility_user": make("utility", "member_unit", organisation=utility),
        "firm_user": make("firm_user", "public", firm=firm),
        "outlet_user": make("abc_outlet", "institution", organisation=county["abc_outlet"]),
    }


# ---------------------------------------------------------------- firms with loan outcomes (the statistical card)

TRAIN_FIRMS = 260  # borrowers in the window; and 20 firms that never borrowed


def _loan_row(sub, uscc: str, n: int, status: str, town, issued):
    from puhui.core import crypto
    from puhui.data.models import LoanRecord

    return LoanRecord(
        submission=sub, row=n + 2, loan_no=f"JJ{sub.pk}-{n}", id_kind="uscc", borrower_id=uscc,
        borrower_hash=crypto.lookup_hash(uscc), borrower_type="small", town=town, amount_fen=10_000_000,
        balance_fen=10_000_000, rate="5.5", issued_on=issued, due_on=issued + datetime.timedelta(days=365),
        guarantee="credit", is_credit=True, is_first=False, is_agri=False, status=status,
    )  # fmt: skip


def outcome_returns(bank, rows_by_quarter: dict[str, list[tuple[str, str]]]):
    """Approved 贷款明细表 of `bank`: quarter code → [(USCC, status)], one loan per row."""
    from django.utils import timezone

    from puhui.data import services as data_services
    from puhui.data.models import LoanRecord, Submission

    town = bank.division.parent if bank.division else None
    for code, rows in rows_by_quarter.items():
        period = data_services.period_get(code)
        sub = Submission.objects.create(
            institution=bank, form="loans", period=period, version=1, status=Submission.Status.APPROVED,
            channel=Submission.Channel.DEMO, submitted_at=timezone.now(),
        )  # fmt: skip
        LoanRecord.objects.bulk_create(
            [_loan_row(sub, uscc, n, status, town, period.start) for n, (uscc, status) in enumerate(rows)]
        )


def department_rows(org, source: str, period, values_by_firm: dict):
    """One stored department upload (as the upload service leaves it) with a row per firm."""
    from django.utils import timezone

    from puhui.firms.models import DepartmentRecord, DepartmentUpload

    upload = DepartmentUpload.objects.create(
        source=source, period=period, organisation=org, uploaded_at=timezone.now(),
        rows=len(values_by_firm), matched=len(values_by_firm),
    )  # fmt: skip
    DepartmentRecord.objects.bulk_create(
        [DepartmentRecord(upload=upload, firm=f, source=source, period=period, values=v)
         for f, v in values_by_firm.items()]
    )  # fmt: skip


@pytest.fixture
def outcome_scene(county):
    """TRAIN_FIRMS firms borrowing from ABC in 2021 (the window after 2020-12-31), bad far more often under a
    poor tax grade; 20 firms that never borrowed. Deterministic."""
    from puhui.demo import ids
    from puhui.registry.models import Firm

    tax = _org("TAX", "国家税务总局沂源县税务局", "government", plan_alias="县税务局")
    village = county["villages"][0]
    usccs = ids.usccs("91370323", list(range(5000, 5000 + TRAIN_FIRMS + 20)))
    firms = Firm.objects.bulk_create(
        [Firm(uscc=u, name=f"训练企业{i}", kind="small", industry="制造业", village=village, town=village.parent,
              registered_on=D(2012 + i % 8, 3, 1), employees=3 + i % 30, annual_revenue=f"{200000 + 5000 * i}.00")
         for i, u in enumerate(usccs)]
    )  # fmt: skip
    grades, rows, bad = {}, [], 0
    for i, firm in enumerate(firms[:TRAIN_FIRMS]):
        grade = "ABMCD"[i % 5]
        grades[firm] = {"grade": grade}
        # C and D: two in three go bad; A, B and M: one in thirteen
        is_bad = (grade in "CD" and i % 3 != 0) or (grade in "ABM" and i % 13 == 0)
        bad += is_bad
        rows.append((firm.uscc, ("npl" if i % 2 else "overdue") if is_bad else "normal"))
    department_rows(tax, "tax_credit", D(2020, 12, 1), grades)
    outcome_returns(county["abc"], {"2021Q4": rows})
    return {"firms": firms, "borrowers": firms[:TRAIN_FIRMS], "never": firms[TRAIN_FIRMS:], "bad": bad,
            "tax": tax}  # fmt: skip


def stored_scorecard(**kw):
    """A version row without training (the pages' and tables' scenes): the expert card's points as its spec."""
    from django.utils import timezone

    from puhui.firms.models import FirmScorecard
    from puhui.firms.services.ratings import expert_scorecard

    card = expert_scorecard()
    return FirmScorecard.objects.create(
        card_id="small-firm-statistical", version="20211231-0900", name="小微企业信用评价统计评分卡",
        spec=card.spec, fingerprint=card.fingerprint, report={}, observed_on=D(2020, 12, 31),
        window_end=D(2021, 12, 31), labelled=260, bad=81, created_at=timezone.now(), **kw,
    )  # fmt: skip
