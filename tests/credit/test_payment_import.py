"""Monthly payment aggregates from a file (`puhui import payments`): only under a payment-data consent, a bank
only for its own customers and its own data, feeding the scorecard's payment characteristics."""

import datetime

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from puhui.credit import scoring, services
from puhui.credit.models import Consent, PaymentMonth, Rating
from puhui.credit.payment_import import SPEC, Month, payment_import
from puhui.imports.engine import MODE_UPSERT, SYSTEM_ACTOR
from puhui.imports.tabular import CellError

HEADER = "户编号,月份,报送机构编码,入账笔数,入账金额,出账笔数,出账金额,缴费笔数,缴费金额\n"


def csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(lines) + "\n").encode("utf-8")


def run(data, actor=SYSTEM_ACTOR, mode="create"):
    return payment_import(actor=actor, file=data, mode=mode, filename="支付.csv")


def reasons(result):
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


def recent_months(n: int) -> list[str]:
    return list(
        pd.period_range(end=pd.Timestamp(timezone.localdate()), periods=n, freq="M").strftime("%Y-%m")
    )


@pytest.fixture
def consenting(county, users, next_year):
    """Households 0 and 2 consent to the use of their payment data; 1 and 3 do not."""
    for i in (0, 2):
        services.consent_record(
            actor=users["office"],
            household=county["households"][i],
            scope=Consent.Scope.PAYMENT_DATA,
            granted_by_name=f"户主{i}",
            expires_on=next_year,
        )
    return county


def test_office_imports_for_consenting_households(consenting, users):
    m1, m2 = recent_months(2)
    result = run(
        csv(
            f'H0,{m1},RCB-YY,5,"8,000.00",4,6000,2,300',
            f"H0,{m2},RCB-YY,6,9000,3,5000,,",
            f"H0,{m2},ABC-YY,1,100,0,0,0,0",  # a second institution, same month
            f"H2,{m2},ABC-YY,2,2000,1,500,1,500",
        ),
        actor=users["office"],
    )
    assert result.ok, reasons(result)
    assert result.created == 4
    row = PaymentMonth.objects.get(household__code="H0", month=m1)
    assert (row.inflow_count, row.inflow_amount, row.bill_pay_count, row.bank.code) == (5, 8000, 2, "RCB-YY")
    assert PaymentMonth.objects.get(household__code="H0", month=m2, bank__code="RCB-YY").bill_pay_count == 0


def test_rows_without_consent_are_refused_and_nothing_is_stored(consenting, users):
    (m,) = recent_months(1)
    result = run(
        csv(f"H0,{m},RCB-YY,1,1,0,0,0,0", f"H1,{m},RCB-YY,1,1,0,0,0,0", f"H9,{m},RCB-YY,1,1,0,0,0,0")
    )
    assert reasons(result) == [
        (
            3,
            "户编号",
            "该户没有有效的支付数据授权（“使用银行卡和移动支付数据”：未授权、已撤回或已过期），不能导入其支付数据",
        ),
        (4, "户编号", "户编号 H9 在系统中不存在，请先导入农户"),
    ]
    assert PaymentMonth.objects.count() == 0


def test_a_revoked_consent_refuses_new_rows(consenting, users):
    (m,) = recent_months(1)
    consent = Consent.objects.get(household__code="H0")
    services.consent_revoke(actor=users["public"], consent=consent)
    result = run(csv(f"H0,{m},RCB-YY,1,1,0,0,0,0"))
    assert [r[1] for r in reasons(result)] == ["户编号"]


def test_bad_cells_and_rules(consenting, users):
    future = (timezone.localdate() + datetime.timedelta(days=40)).strftime("%Y-%m")
    (m,) = recent_months(1)
    result = run(
        csv(
            f"H0,{future},RCB-YY,1,1,0,0,0,0",
            f"H0,{m},,1,1,0,0,0,0",  # the office names the institution
            f"H0,{m},NOPE,1,1,0,0,0,0",
            f"H2,{m},RCB-YY,1,1,1,50,2,10",  # more bill payments than outflows
            f"H2,{m},ABC-YY,-1,1,0,0,0,0",
            f"H2,{m},ABC-YY,1,1,0,0,0,0",
            "H2,2021-13,RCB-YY,1,1,0,0,0,0",
        )
    )
    got = reasons(result)
    assert got[0][:2] == (2, "月份") and "尚未到来" in got[0][2]
    assert (3, "报送机构编码", "请填写报送机构编码（数据来自哪家机构）") in got
    assert (4, "报送机构编码", "机构编码 NOPE 在系统中不存在，请先导入机构") in got
    assert (5, "缴费笔数", "缴费笔数不能多于出账笔数（缴费是出账的一部分）") in got
    assert any(r[:2] == (6, "入账笔数") for r in got)
    assert any(r[0] == 7 and "与第 6 行重复" in r[2] for r in got)
    assert (8, "月份", "月份 13 不存在") in got
    assert PaymentMonth.objects.count() == 0


def test_upsert_updates_create_refuses(consenting, users):
    (m,) = recent_months(1)
    assert run(csv(f"H0,{m},RCB-YY,1,100,1,50,0,0")).ok
    assert [r[1] for r in reasons(run(csv(f"H0,{m},RCB-YY,2,200,1,50,0,0")))] == ["月份"]
    result = run(
        csv(f"H0,{m},RCB-YY,2,200", header="户编号,月份,报送机构编码,入账笔数,入账金额\n"), mode=MODE_UPSERT
    )
    assert result.ok and result.updated == 1, reasons(result)
    row = PaymentMonth.objects.get()
    assert (row.inflow_count, row.inflow_amount, row.outflow_amount) == (2, 200, 50)  # outflow kept


def test_a_bank_imports_its_own_customers_only(consenting, users, archived):
    archived(0, verifier="abc")  # H0: ABC verified its archive, so ABC's customer
    (m,) = recent_months(1)
    result = run(csv(f"H0,{m},,1,1,0,0,0,0"), actor=users["abc"])
    assert result.ok, reasons(result)
    assert PaymentMonth.objects.get().bank.code == "ABC-YY"  # empty: the bank's own institution
    result = run(
        csv(
            f"H0,{m},ABC-YY-01,1,1,0,0,0,0",  # its outlet: fine
            f"H0,{m},RCB-YY,1,1,0,0,0,0",  # another bank's data
            f"H2,{m},ABC-YY,1,1,0,0,0,0",  # consenting, but not ABC's customer
            f"H9,{m},ABC-YY,1,1,0,0,0,0",  # no such household: the same answer
        ),
        actor=users["abc"],
    )
    got = reasons(result)
    assert (3, "报送机构编码", "只能导入本机构（含下属网点）报送的数据；沂源农村商业银行不是本机构") in got
    not_customer = "不是本机构的信贷客户（或不存在）；只能导入本机构信贷客户的支付数据"
    assert (4, "户编号", f"户编号 H2 {not_customer}") in got and (
        5,
        "户编号",
        f"户编号 H9 {not_customer}",
    ) in got
    assert len(got) == 3


@pytest.mark.parametrize("who", ["member", "town_lishan", "agent", "public"])
def test_other_roles_may_not_import(consenting, users, who):
    with pytest.raises(PermissionDenied):
        run(csv(), actor=users[who])


def test_imported_aggregates_feed_the_payment_characteristics(consenting, users, archived):
    hh = archived(0)
    months = recent_months(12)
    lines = [f"H0,{m},RCB-YY,3,4000,2,3000,1,200" for m in months]
    lines += [f"H0,{m},ABC-YY,2,4000,2,3000,0,0" for m in months]
    lines.append("H0,2015-01,RCB-YY,100,999999,0,0,0,0")  # outside the window: not read
    assert run(csv(*lines)).ok
    frame = scoring.payment_months({hh.pk}, as_of=timezone.localdate())
    assert len(frame) == 24 and set(frame["month"]) == set(months)
    services.household_rate(actor=users["office"], household=hh)
    rating = Rating.objects.get(household=hh, is_current=True)
    assert rating.used_payment_signals
    df = scoring.archive_frame(scoring.HouseholdArchive.objects.filter(household=hh))
    scoring.add_payment_signals(df, as_of=timezone.localdate())
    assert df.loc[hh.pk, "pay_months_active"] == 12
    assert df.loc[hh.pk, "pay_inflow_cv"] == 0  # 8,000 every month from the two banks together


def test_month_parser():
    parse = Month()
    assert parse("2021-6") == parse("2021年6月") == parse("202106") == parse(202106.0) == "2021-06"
    assert parse(datetime.date(2021, 6, 1)) == "2021-06"
    for bad in ["2021", "6/2021", "1999-12"]:
        with pytest.raises(CellError):
            parse(bad)


def test_spec_headers():
    assert [c.header for c in SPEC.columns][:3] == ["户编号", "月份", "报送机构编码"]
