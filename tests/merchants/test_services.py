"""Signing merchants and reporting their months through the services: what is stored and audited, and every
refusal in Chinese with nothing stored."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from puhui.core.models import AuditLog
from puhui.merchants.models import Merchant, MonthlyFigure
from puhui.merchants.services import checks
from puhui.merchants.services.figures import figure_correct, figure_report
from puhui.merchants.services.merchants import merchant_update
from tests.merchants.conftest import merchant_data

pytestmark = pytest.mark.django_db
D = datetime.date


def _refused(call, field, words):
    with pytest.raises(ValidationError) as e:
        call()
    messages = e.value.message_dict[field] if field else e.value.messages
    assert any(words in m for m in messages), messages


def test_a_bank_signs_for_its_own_branch_whatever_it_sends(make_merchant, users, county):
    m = make_merchant(users["abc"], bank=county["rcb"])
    assert m.bank == county["abc"] and m.town == county["towns"][0]
    assert (m.accepts_card, m.accepts_qr, m.accepts_pos) == (True, True, False)
    assert m.acceptance_labels == "银行卡、二维码"
    assert AuditLog.objects.filter(object_type="merchants.Merchant", object_id=str(m.pk)).count() == 1


def test_the_office_chooses_the_bank_and_the_town_follows_the_village(make_merchant, users, county):
    m = make_merchant(users["office"], bank=county["abc"], town=None, village=county["villages"][2])
    assert m.bank == county["abc"] and m.town == county["towns"][1]
    _refused(lambda: make_merchant(users["office"], code="X0002", bank=None), "bank", "请选择签约银行")
    _refused(
        lambda: make_merchant(users["office"], code="X0003", bank=county["abc_outlet"]),
        "bank",
        "县级银行机构",
    )


@pytest.mark.parametrize(
    "overrides,field,words",
    [
        ({"acceptance": []}, "acceptance", "至少一项"),
        ({"acceptance": ["cash"]}, "acceptance", "至少一项"),
        ({"code": "12"}, "code", "4–32 位"),
        ({"code": ""}, "code", "请填写商户编号"),
        ({"name": " "}, "name", "请填写商户名称"),
        ({"business_type": "bank"}, "business_type", "经营类型"),
        ({"town": None, "village": None}, "town", "镇（街道）"),
        ({"village": "village"}, "village", "请选择村"),
        ({"discount_rate": Decimal("0")}, "discount_rate", "0.01 至 50"),
        ({"discount_rate": Decimal("60")}, "discount_rate", "0.01 至 50"),
        ({"discount_rate": "九折"}, "discount_rate", "应为数字"),
        ({"discount_rate": Decimal("5.125")}, "discount_rate", "两位小数"),
        ({"fee_subsidy": Decimal("-1")}, "fee_subsidy", "元/月"),
        ({"fee_subsidy": Decimal("20000")}, "fee_subsidy", "10,000"),
        ({"signed_on": D(2099, 1, 1)}, "signed_on", "不能晚于今天"),
        ({"signed_on": D(2005, 1, 1)}, "signed_on", "不能早于 2010 年"),
        ({"signed_on": None}, "signed_on", "请填写签约日期"),
        ({"ended_on": D(2020, 3, 15)}, "ended_on", "应晚于签约日期"),
        ({"discounts": "惠" * 501}, "discounts", "最多 500 个字"),
    ],
)
def test_bad_merchants_are_refused_in_chinese(make_merchant, users, county, overrides, field, words):
    _refused(lambda: make_merchant(users["rcb"], **overrides), field, words)
    assert not Merchant.objects.exists()


def test_a_village_outside_the_town_and_a_duplicate_code(make_merchant, users, county):
    _refused(lambda: make_merchant(users["rcb"], village=county["villages"][2]), "village", "不在历山街道")
    make_merchant(users["rcb"])
    _refused(
        lambda: make_merchant(users["abc"], code="102370323010001 "), "code", "已登记（历山1村便民超市）"
    )
    assert Merchant.objects.count() == 1


def test_who_may_sign(make_merchant, users):
    for who in ("member", "town_lishan", "agent", "public", "admin"):
        _refused(lambda who=who: make_merchant(users[who]), None, "只有县人民银行")


MARCH = D(2021, 3, 1)


def _report(user, merchant, month=MARCH, transactions=120, amount="8450.50"):
    return figure_report(actor=user, merchant=merchant, month=month, transactions=transactions, amount=amount)


def test_a_month_is_reported_once_and_corrected_after(make_merchant, users):
    m = make_merchant()
    f = _report(users["rcb"], m, month="2021-03")
    assert (f.month, f.transactions, f.amount) == (D(2021, 3, 1), 120, Decimal("8450.50"))
    _refused(
        lambda: _report(users["office"], m, month=D(2021, 3, 20)), "month", "已经报送（120 笔，8,450.50 元）"
    )
    _refused(lambda: _report(users["rcb"], m), "month", "请在商户页面“更正”原数据")
    figure_correct(actor=users["office"], figure=f, transactions=130, amount=Decimal("9000"))
    f.refresh_from_db()
    assert (f.transactions, f.amount, f.reported_by) == (130, Decimal("9000.00"), users["office"])
    notes = list(
        AuditLog.objects.filter(object_type="merchants.MonthlyFigure").values_list("note", flat=True)
    )
    assert sorted(notes) == ["报送惠农商圈月度非现金交易", "更正惠农商圈月度非现金交易"]


@pytest.mark.parametrize(
    "kwargs,field,words",
    [
        ({"month": D(2099, 1, 1)}, "month", "不能晚于本月"),
        ({"month": D(2020, 2, 1)}, "month", "不能报送签约前（2020年2月）"),
        ({"month": "2021-13"}, "month", "请填写月份"),
        ({"month": None}, "month", "请填写月份"),
        ({"transactions": -1}, "transactions", "不能为负数"),
        ({"transactions": "12.5"}, "transactions", "整数"),
        ({"transactions": 10**9}, "transactions", "不能超过"),
        ({"amount": "-0.01"}, "amount", "不能为负数"),
        ({"amount": "1.001"}, "amount", "最多两位小数"),
        ({"amount": "abc"}, "amount", "请填写非现金交易金额"),
        ({"transactions": 0, "amount": "10"}, "amount", "笔数为 0 时金额应为 0"),
        ({"transactions": 5, "amount": "0"}, "amount", "金额应大于 0"),
    ],
)
def test_bad_figures_are_refused(make_merchant, users, kwargs, field, words):
    m = make_merchant()
    _refused(lambda: _report(users["rcb"], m, **kwargs), field, words)
    assert not MonthlyFigure.objects.exists()


def test_the_month_of_signing_counts_and_nothing_after_the_end(make_merchant, users):
    m = make_merchant(ended_on=D(2021, 6, 1))
    assert _report(users["rcb"], m, month=D(2020, 3, 1)).month == D(2020, 3, 1)
    assert _report(users["rcb"], m, month=D(2021, 5, 1))
    _refused(lambda: _report(users["rcb"], m, month=D(2021, 6, 1)), "month", "已于2021年6月1日终止签约")


def test_another_bank_may_not_report_or_correct(make_merchant, users):
    m = make_merchant()
    _refused(lambda: _report(users["abc"], m), None, "本行签约商户")
    f = _report(users["rcb"], m)
    _refused(
        lambda: figure_correct(actor=users["abc"], figure=f, transactions=1, amount=1), None, "本行签约商户"
    )
    _refused(
        lambda: figure_correct(actor=users["rcb"], figure=f, transactions=-3, amount=1),
        "transactions",
        "负数",
    )


def test_the_dates_of_a_merchant_keep_its_figures_inside(make_merchant, users, county):
    m = make_merchant()
    _report(users["rcb"], m, month=D(2020, 4, 1))
    _report(users["rcb"], m, month=D(2021, 3, 1))
    data = merchant_data(county)
    data.pop("bank")
    _refused(
        lambda: merchant_update(actor=users["rcb"], merchant=m, **{**data, "signed_on": D(2020, 5, 2)}),
        "signed_on",
        "已报送2020年4月",
    )
    _refused(
        lambda: merchant_update(actor=users["rcb"], merchant=m, **{**data, "ended_on": D(2021, 3, 1)}),
        "ended_on",
        "已报送2021年3月",
    )
    _refused(lambda: merchant_update(actor=users["abc"], merchant=m, **data), None, "不是本行签约的商户")
    done = merchant_update(
        actor=users["rcb"], merchant=m, **{**data, "ended_on": D(2021, 4, 1), "acceptance": ["accepts_pos"]}
    )
    assert done.ended_on == D(2021, 4, 1) and done.acceptance_labels == "POS机"
    assert AuditLog.objects.filter(object_type="merchants.Merchant", note="终止签约").exists()


# ---------------------------------------------------------------- properties of the checks


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_every_spelling_of_a_month_names_it(year, month):
    first = D(year, month, 1)
    for text in (
        f"{year}-{month:02d}",
        f"{year}/{month}",
        f"{year}年{month}月",
        f"{year}{month:02d}",
        f"{year}-{month:02d}-01",
    ):
        assert checks.month_of(text) == first, text
    assert checks.month_of(D(year, month, 28)) == first
    assert checks.month_of(f"{year}-{month:02d}-15") is None


@given(st.text(max_size=12))
def test_any_text_is_a_month_or_none_never_an_error(text):
    month = checks.month_of(text)
    assert month is None or month.day == 1


@given(
    st.integers(-(10**12), 10**12),
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
)
def test_figures_are_accepted_exactly_when_sane(count, amount):
    got_count, got_amount, problems = checks.figure_problems(count, amount)
    sane = (
        0 <= count <= checks.MAX_TRANSACTIONS
        and 0 <= amount <= checks.MAX_AMOUNT
        and (count == 0) == (amount == 0)
    )
    assert (not problems) == sane
    if sane:
        assert (got_count, got_amount) == (count, amount)
