"""The product register and the reports: what is accepted, what is refused in Chinese, and that a refusal
stores nothing — on the entry service and on the Excel upload, row by row."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from puhui.core.models import AuditLog
from puhui.insurance.models import Product, Report
from puhui.insurance.services import products, reports
from tests.insurance.conftest import product_data, report_data

pytestmark = pytest.mark.django_db
D = datetime.date


def _refused(call, field: str, *words) -> str:
    with pytest.raises(ValidationError) as e:
        call()
    messages = e.value.message_dict[field]
    text = "；".join(messages)
    for word in words:
        assert word in text, text
    return text


# ---------------------------------------------------------------- products


def test_a_product_with_its_premium_and_the_farmers_share(apple):
    assert apple.unit == "亩"
    assert apple.premium == Decimal("240.00")  # 4000 元 × 6%
    assert apple.farmer_pays == Decimal("72.00")  # 30% of it
    assert apple.subsidy_text == "省级财政补贴30%、市级财政补贴10%、县级财政补贴30%、农户自缴30%"
    assert AuditLog.objects.filter(object_type__icontains="product").exists()


def test_shares_must_add_up_to_100(insurers, ins_users):
    data = product_data(insurers["picc"], farmer_share=Decimal("20"))
    _refused(lambda: products.product_create(actor=ins_users["picc"], **data), "farmer_share", "100%", "90%")
    assert not Product.objects.exists()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5))
def test_any_shares_are_accepted_exactly_when_they_make_100(shares):
    from puhui.insurance.services.products import _shares

    names = ("central_share", "provincial_share", "city_share", "county_share", "farmer_share")
    data = dict(zip(names, shares, strict=True))
    if sum(shares) == 100:
        assert sum(_shares(data).values()) == 100
    else:
        with pytest.raises(ValidationError) as e:
            _shares(data)
        assert "合计应为 100%" in e.value.message_dict["farmer_share"][0]


def test_line_and_object_must_belong_together(insurers, ins_users):
    data = product_data(insurers["picc"], line="crop", subject="apple")
    _refused(lambda: products.product_create(actor=ins_users["picc"], **data), "subject", "苹果", "特色水果")


def test_premium_rate_or_premium_per_unit_not_both(insurers, ins_users):
    data = product_data(insurers["picc"], premium_per_unit=Decimal("200"))
    _refused(lambda: products.product_create(actor=ins_users["picc"], **data), "premium_rate", "二者只填一项")
    data = product_data(insurers["picc"], premium_rate=None, premium_per_unit=Decimal("5000"))
    _refused(lambda: products.product_create(actor=ins_users["picc"], **data), "premium_per_unit", "不能高于")


def test_an_insurer_keeps_only_its_own_products(insurers, ins_users, users, apple):
    data = product_data(insurers["clic"], name="另一家的产品")
    _refused(lambda: products.product_create(actor=ins_users["picc"], **data), "insurer", "保险机构")
    with pytest.raises(ValidationError):
        products.product_update(actor=ins_users["clic"], product=apple, **product_data(insurers["picc"]))
    with pytest.raises(ValidationError):
        products.product_create(actor=users["abc"], **product_data(insurers["picc"], name="银行登记"))
    # The office keeps every product.
    done = products.product_update(
        actor=users["office"], product=apple, **product_data(insurers["picc"], name="沂源苹果保险（2021版）")
    )
    assert done.name == "沂源苹果保险（2021版）"


def test_dates_must_keep_the_reported_years(apple, insurers, ins_users, make_report):
    make_report(apple, year=2020)
    data = product_data(insurers["picc"], on_sale_from=D(2021, 1, 1))
    _refused(
        lambda: products.product_update(actor=ins_users["picc"], product=apple, **data),
        "on_sale_from",
        "2020年",
    )
    data = product_data(insurers["picc"], on_sale_to=D(2018, 1, 1))
    _refused(
        lambda: products.product_update(actor=ins_users["picc"], product=apple, **data), "on_sale_to", "早于"
    )


# ---------------------------------------------------------------- reports


def test_a_report_and_its_replacement(apple, make_report, county):
    report = make_report(apple)
    assert (report.policies, report.households, report.claims_paid) == (300, 280, Decimal("102060.00"))
    again = make_report(apple, policies=320, households=290)
    assert again.pk == report.pk and Report.objects.count() == 1
    assert (again.policies, again.households) == (320, 290)
    assert AuditLog.objects.filter(action="update", object_id=str(report.pk)).exists()


@pytest.mark.parametrize(
    "overrides,field,words",
    [
        ({"policies": 501}, "policies", ("农户数", "500 户", "历山街道")),
        ({"households": 600}, "households", ("农户数",)),
        ({"policies": -1}, "policies", ("负数",)),
        ({"premium": Decimal("-5")}, "premium", ("负数",)),
        ({"quantity": "abc"}, "quantity", ("数字",)),
        ({"year": datetime.date.today().year + 1}, "year", ("不能晚于今年",)),
        ({"year": 2018}, "year", ("未开办",)),
        ({"claims": 0}, "claims", ("赔付件数",)),
        ({"claims_paid": 0}, "claims_paid", ("赔款",)),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_stored(apple, ins_users, county, overrides, field, words):
    data = report_data(apple, county["towns"][0], **overrides)
    _refused(lambda: reports.report_save(actor=ins_users["picc"], **data), field, *words)
    assert not Report.objects.exists()


def test_a_report_on_another_insurers_product_is_refused(apple, ins_users, users, county):
    data = report_data(apple, county["towns"][0])
    _refused(lambda: reports.report_save(actor=ins_users["clic"], **data), "product", "本机构")
    with pytest.raises(ValidationError):
        reports.report_save(actor=users["town_lishan"], **data)
    # The office may enter it for the insurer.
    assert reports.report_save(actor=users["office"], **data).entered_by == users["office"]


# ---------------------------------------------------------------- the upload


HEADER = [
    "产品编号",
    "镇（街道）",
    "年度",
    "承保件数（件）",
    "参保户数（户）",
    "承保数量",
    "保费（元）",
    "赔付件数（件）",
    "赔款（元）",
]


def _xlsx(rows) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "承保理赔情况"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "承保理赔.xlsx"
    return buf


def test_an_upload_stores_every_row(apple, wheat, ins_users, county):
    make_report = reports.report_save
    make_report(actor=ins_users["picc"], **report_data(apple, county["towns"][1], policies=10, households=10))
    file = _xlsx([
        [apple.pk, "历山街道", 2021, 300, 280, 850.5, "204,120.00", 12, 102060],
        [apple.pk, "鲁村镇", 2021, 200, 190, 600, 144000, 0, 0],
        [wheat.pk, county["towns"][1].code, 2020, 450, 430, 1800, 50400, 30, 20000],
    ])  # fmt: skip
    result = reports.reports_upload(actor=ins_users["picc"], file=file, filename=file.name)
    assert result.ok, list(result.errors)
    assert (result.created, result.updated) == (2, 1)
    lucun = Report.objects.get(product=apple, town=county["towns"][1], year=2021)
    assert (lucun.policies, lucun.premium) == (200, Decimal("144000"))


def test_a_bad_upload_names_row_and_column_and_stores_nothing(apple, wheat, insurers, ins_users):
    file = _xlsx([
        [apple.pk, "历山街道", 2021, 300, 280, 850.5, 204120, 12, 102060],  # good
        [apple.pk, "鲁村镇", 2021, 501, 190, 600, 144000, 0, 0],  # above the farm households
        [apple.pk, "无此镇", 2021, 1, 1, 1, 1, 0, 0],
        [99999, "历山街道", 2021, 1, 1, 1, 1, 0, 0],
        [wheat.pk, "历山街道", 2099, 1, 1, 1, 1, 0, 0],
        [wheat.pk, "鲁村镇", 2021, -3, 1, 1, 1, 0, 0],
        [apple.pk, "历山街道", 2021, 1, 1, 1, 1, 0, 0],  # the first row again
    ])  # fmt: skip
    result = reports.reports_upload(actor=ins_users["picc"], file=file, filename=file.name)
    assert not result.ok and not Report.objects.exists()
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (3, "承保件数（件）"),
        (4, "镇（街道）"),
        (5, "产品编号"),
        (6, "年度"),
        (7, "承保件数（件）"),
    } <= found
    assert any(e.row == 8 for e in result.errors)  # the duplicate
    reasons = " ".join(e.reason for e in result.errors)
    assert "农户数" in reasons and "不存在" in reasons and "不能晚于今年" in reasons and "负数" in reasons


def test_an_upload_of_another_insurers_product_is_refused(apple, ins_users):
    file = _xlsx([[apple.pk, "历山街道", 2021, 300, 280, 850.5, 204120, 12, 102060]])
    result = reports.reports_upload(actor=ins_users["clic"], file=file, filename=file.name)
    assert [(e.row, e.column) for e in result.errors] == [(2, "产品编号")]
    assert not Report.objects.exists()


def test_an_empty_or_broken_file_is_refused(apple, ins_users):
    result = reports.reports_upload(actor=ins_users["picc"], file=_xlsx([]), filename="空.xlsx")
    assert not result.ok
    broken = BytesIO(b"not a workbook")
    broken.name = "坏.xlsx"
    assert not reports.reports_upload(actor=ins_users["picc"], file=broken, filename=broken.name).ok
