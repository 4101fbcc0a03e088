"""The monthly upload: a right file is stored whole; a file with any wrong row stores nothing and names each
problem at its row and column, in Chinese."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from puhui.core.models import AuditLog
from puhui.merchants.models import MonthlyFigure
from puhui.merchants.services.figures import figure_report
from puhui.merchants.upload import figures_upload
from tests.merchants.conftest import xlsx

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def two(make_merchant, users, county):
    return (
        make_merchant(),
        make_merchant(code="102370323020002", name="历山2村农资店", village=county["villages"][1]),
        make_merchant(
            users["abc"],
            code="ABC-0001",
            name="鲁村1村饭店",
            village=county["villages"][2],
            town=county["towns"][1],
        ),
    )


def _errors(result):
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


def test_a_right_file_is_stored_whole(two, users):
    rows = [
        ("102370323010001", "2021-03", 120, 8450.5),
        ("102370323010001", "2021年4月", "130", "9,000.00"),
        ("102370323020002", D(2021, 3, 1), 15, 600),
    ]
    result = figures_upload(actor=users["rcb"], file=xlsx(rows))
    assert result.ok and result.stored == 3, _errors(result)
    assert result.summary == "保存了 3 条月度交易数据"
    figures = MonthlyFigure.objects.order_by("merchant__code", "month")
    assert [(f.merchant.code, f.month, f.transactions, f.amount) for f in figures] == [
        ("102370323010001", D(2021, 3, 1), 120, Decimal("8450.50")),
        ("102370323010001", D(2021, 4, 1), 130, Decimal("9000.00")),
        ("102370323020002", D(2021, 3, 1), 15, Decimal("600.00")),
    ]
    assert AuditLog.objects.filter(object_type="merchants.MonthlyFigure").count() == 3


def test_every_wrong_row_is_named_and_nothing_is_stored(two, users):
    figure_report(actor=users["rcb"], merchant=two[0], month=D(2021, 1, 1), transactions=5, amount=50)
    rows = [
        ("102370323010001", "2021-03", 120, 8450.5),  # right
        ("ABC-0001", "2021-03", 10, 100),  # another bank's merchant
        ("NOPE-1", "2021-03", 10, 100),  # unknown
        ("102370323010001", "2099-01", 10, 100),  # future
        ("102370323010001", "2020-01", 10, 100),  # before signing (2020-03-15)
        ("102370323010001", "2021-01", 10, 100),  # already reported
        ("102370323020002", "2021-03", -4, 100),  # negative
        ("102370323020002", "2021-04", 4, -100),  # negative amount
        ("102370323020002", "三月", 4, 100),  # not a month
        ("102370323020002", "2021-05", 0, 100),  # 0 笔 with an amount
        ("102370323010001", "2021-03", 1, 1),  # twice in the file
    ]
    result = figures_upload(actor=users["rcb"], file=xlsx(rows))
    assert not result.ok and result.stored == 0
    errors = _errors(result)
    by_row = {row: (column, reason) for row, column, reason in errors}
    assert by_row[3][0] == "商户编号" and "不是本行签约的商户" in by_row[3][1]
    assert by_row[4][0] == "商户编号" and "NOPE-1 不存在" in by_row[4][1]
    assert by_row[5][0] == "月份" and "不能晚于本月" in by_row[5][1]
    assert by_row[6][0] == "月份" and "签约前（2020年1月）" in by_row[6][1]
    assert by_row[7][0] == "月份" and "已经报送（5 笔，50.00 元）" in by_row[7][1] and "更正" in by_row[7][1]
    assert by_row[8][0] == "笔数（笔）"
    assert by_row[9][0] == "金额（元）"
    assert by_row[10][0] == "月份" and "不是有效月份" in by_row[10][1]
    assert by_row[11][0] == "金额（元）" and "笔数为 0 时金额应为 0" in by_row[11][1]
    assert 12 in by_row and 2 not in by_row
    assert MonthlyFigure.objects.count() == 1  # only the month reported before


def test_a_missing_column_and_an_empty_file(two, users):
    result = figures_upload(
        actor=users["rcb"],
        file=xlsx([("102370323010001", "2021-03", 1)], header=("商户编号", "月份", "笔数")),
    )
    assert not result.ok and any("金额" in column for _row, column, _reason in _errors(result))
    empty = figures_upload(actor=users["rcb"], file=xlsx([]))
    assert not empty.ok and not MonthlyFigure.objects.exists()


def test_the_office_may_upload_for_every_bank(two, users):
    rows = [("102370323010001", "2021-03", 1, 10), ("ABC-0001", "2021-03", 2, 20)]
    assert figures_upload(actor=users["office"], file=xlsx(rows)).stored == 2


def test_the_page_and_the_template(two, users, client):
    client.force_login(users["rcb"])
    page = client.post(reverse("merchants:figures_upload"), {"file": xlsx([("ABC-0001", "2021-03", 2, 20)])})
    assert page.status_code == 400 and "没有保存任何数据" in page.content.decode()
    assert "不是本行签约的商户" in page.content.decode()
    page = client.post(
        reverse("merchants:figures_upload"), {"file": xlsx([("102370323010001", "2021-03", 2, 20)])}
    )
    assert page.status_code == 200 and "导入成功" in page.content.decode()
    template = client.get(reverse("merchants:figures_template"))
    assert template.status_code == 200
    assert quote("惠农商圈月度非现金交易上传模板.xlsx") in template["Content-Disposition"]
