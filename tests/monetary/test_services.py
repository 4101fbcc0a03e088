"""The ledger's rules live in the services: Chinese errors naming the field, nothing half-stored, audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from puhui.core.models import AuditLog
from puhui.monetary import selectors, services
from puhui.monetary.lpr_values import PUBLISHED
from puhui.monetary.models import FinancedLoan, LprQuote, RelendingDraw, RelendingLine, RelendingRepayment

pytestmark = pytest.mark.django_db
D = datetime.date


def _message(exc) -> str:
    return " ".join(exc.value.messages)


def test_a_line_is_granted_to_a_county_level_bank_and_must_end_after_it_starts(county, users):
    office = users["office"]
    kw = dict(kind="agri", amount=100, rate=Decimal("2.5"), granted_on=D(2020, 3, 1))
    with pytest.raises(ValidationError) as e:
        services.line_create(actor=office, bank=county["rcb"], due_on=D(2020, 2, 1), **kw)
    assert "到期日期" in _message(e) and "须晚于发放日期" in _message(e)
    with pytest.raises(ValidationError) as e:
        services.line_create(actor=office, bank=county["rcb_outlet"], due_on=D(2021, 3, 1), **kw)
    assert "不是县级银行业金融机构" in _message(e)
    with pytest.raises(ValidationError) as e:
        services.line_create(actor=office, bank=county["rcb"], due_on=D(2021, 3, 1), **{**kw, "amount": 0})
    assert e.value.message_dict["amount"] == ["额度须大于 0 元。"]
    assert not RelendingLine.objects.exists()
    line = services.line_create(actor=office, bank=county["rcb"], due_on=D(2021, 3, 1), **kw)
    assert line.amount_fen == 10_000
    assert AuditLog.objects.filter(object_type="monetary.RelendingLine", object_id=str(line.pk)).exists()


def test_draws_cannot_exceed_the_line_nor_precede_it(lines, users):
    line, office = lines["rcb"], users["office"]
    services.draw_add(actor=office, line=line, amount=600_000, drawn_on=D(2020, 3, 5), due_on=D(2020, 9, 5))
    with pytest.raises(ValidationError) as e:
        services.draw_add(
            actor=office, line=line, amount=400_000.01, drawn_on=D(2020, 4, 1), due_on=D(2020, 10, 1)
        )
    assert "将超过额度 1,000,000.00 元" in _message(e) and "尚可支用 400,000.00 元" in _message(e)
    with pytest.raises(ValidationError) as e:
        services.draw_add(actor=office, line=line, amount=1, drawn_on=D(2020, 2, 28), due_on=D(2020, 10, 1))
    assert "不能早于额度发放日期" in _message(e)
    assert RelendingDraw.objects.filter(line=line).count() == 1  # nothing half-stored
    services.draw_add(actor=office, line=line, amount=400_000, drawn_on=D(2020, 4, 1), due_on=D(2020, 10, 1))
    assert selectors.line_totals(line).drawn == 100_000_000


def test_repayments_cannot_exceed_what_was_drawn_by_their_day(lines, users):
    line, office = lines["rcb"], users["office"]
    services.draw_add(actor=office, line=line, amount=300_000, drawn_on=D(2020, 5, 1), due_on=D(2020, 11, 1))
    with pytest.raises(ValidationError) as e:  # before the draw, nothing was drawn
        services.repayment_add(actor=office, line=line, amount=100_000, repaid_on=D(2020, 4, 15))
    assert "归还不能多于支用" in _message(e)
    services.repayment_add(actor=office, line=line, amount=200_000, repaid_on=D(2020, 8, 1))
    with pytest.raises(ValidationError) as e:
        services.repayment_add(actor=office, line=line, amount=100_000.01, repaid_on=D(2020, 11, 1))
    assert "归还后累计 300,000.01 元将超过" in _message(e)
    assert RelendingRepayment.objects.filter(line=line).count() == 1
    totals = selectors.line_totals(line)
    assert (totals.drawn, totals.repaid, totals.outstanding) == (30_000_000, 20_000_000, 10_000_000)
    # a draw whose removal would leave more repaid than drawn stays
    draw = line.draws.get()
    with pytest.raises(ValidationError, match="请先删除相应的归还记录"):
        services.draw_delete(actor=office, draw=draw)


def test_a_line_cannot_shrink_below_its_draws(lines, users):
    line, office = lines["rcb"], users["office"]
    services.draw_add(actor=office, line=line, amount=600_000, drawn_on=D(2020, 3, 5), due_on=D(2020, 9, 5))
    kw = dict(kind="agri", rate=Decimal("2.5"), due_on=line.due_on)
    with pytest.raises(ValidationError) as e:
        services.line_update(actor=office, line=line, amount=500_000, granted_on=line.granted_on, **kw)
    assert "不能调减到支用额以下" in _message(e)
    with pytest.raises(ValidationError) as e:
        services.line_update(actor=office, line=line, amount=700_000, granted_on=D(2020, 3, 10), **kw)
    assert "发放日期不能晚于已登记的最早支用或归还日期" in _message(e)
    line.refresh_from_db()
    assert line.amount_fen == 100_000_000


def test_financed_loans_are_matched_to_the_banks_approved_returns(lines, users, loans, county):
    rcb = county["rcb"]
    loans(rcb, "2020Q2", [("JJ-1", "farm", "credit", 50_000, "5.2", D(2020, 4, 8), True)])
    loans(rcb, "2020Q3", [("JJ-2", "farm", "credit", 50_000, "5.2", D(2020, 7, 8), True)], status="submitted")
    loans(county["abc"], "2020Q2", [("JJ-3", "farm", "credit", 50_000, "5.2", D(2020, 4, 8), True)])
    rows = [
        {"row": 2, "loan_no": "JJ-1", "amount": 50_000, "borrower_type": "farm", "is_agri": True},
        {
            "row": 3,
            "loan_no": "JJ-2",
            "amount": 30_000,
            "borrower_type": "small",
            "is_agri": False,
        },  # not approved
        {
            "row": 4,
            "loan_no": "JJ-3",
            "amount": 20_000,
            "borrower_type": "individual",
            "is_agri": False,
        },  # ABC's
    ]
    services.financed_loans_add(actor=users["office"], line=lines["rcb"], rows=rows)
    matched = dict(FinancedLoan.objects.values_list("loan_no", "loan_id"))
    assert matched["JJ-1"] is not None and matched["JJ-2"] is None and matched["JJ-3"] is None
    totals = selectors.line_totals(lines["rcb"])
    assert totals.matched == 1 and totals.loans == 3
    assert totals.agri_share == pytest.approx(50.0) and totals.small_share == pytest.approx(50.0)


def test_a_bad_row_in_a_batch_of_financed_loans_stores_none(lines, users):
    rows = [
        {"row": 2, "loan_no": "A1", "amount": 10, "borrower_type": "farm", "is_agri": True},
        {"row": 3, "loan_no": "A1", "amount": 10, "borrower_type": "farm", "is_agri": True},
    ]
    with pytest.raises(ValidationError) as e:
        services.financed_loans_add(actor=users["office"], line=lines["rcb"], rows=rows)
    assert "第 3 行：借据号 A1 与第 2 行重复" in _message(e)
    rows[1].update(loan_no="A2", amount="-5")
    with pytest.raises(ValidationError) as e:
        services.financed_loans_add(actor=users["office"], line=lines["rcb"], rows=rows)
    assert "第 3 行：贷款金额须大于 0 元" in _message(e)
    assert not FinancedLoan.objects.exists()


def test_the_lpr_table_is_seeded_and_starts_in_august_2019(users):
    seeded = [
        (q.month.year, q.month.month, q.one_year, q.five_year) for q in LprQuote.objects.order_by("month")
    ]
    assert seeded == PUBLISHED and len(seeded) == 29
    book = selectors.LprBook()
    assert book.one_year(2019, 7) is None
    assert book.one_year(2019, 8) == Decimal("4.25")
    assert book.one_year(2020, 3) == Decimal("4.05")
    assert book.one_year(2020, 4) == Decimal("3.85")
    assert book.one_year(2022, 6) == Decimal("3.80")  # not entered yet: the last quotation stands
    assert selectors.lpr_on(D(2019, 5, 20)) is None
    with pytest.raises(ValidationError, match="此前的月份没有 LPR"):
        services.lpr_set(actor=users["office"], month=D(2019, 7, 1), one_year=4.3, five_year=4.9)
    with pytest.raises(ValidationError, match="1年期LPR须在"):
        services.lpr_set(actor=users["office"], month=D(2022, 1, 1), one_year=37, five_year=4.6)
    services.lpr_set(actor=users["office"], month=D(2022, 1, 20), one_year="3.70", five_year="4.60")
    assert selectors.LprBook().one_year(2022, 1) == Decimal("3.70")
