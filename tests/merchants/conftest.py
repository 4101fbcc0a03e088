"""The 惠农商圈 scene on the test county: a helper that signs a merchant through the service, and one that
writes an upload file."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from puhui.merchants.services.merchants import merchant_create

D = datetime.date


def merchant_data(county, **overrides) -> dict:
    data = {
        "code": "102370323010001",
        "name": "历山1村便民超市",
        "bank": county["rcb"],
        "town": county["towns"][0],
        "village": county["villages"][0],
        "address": "历山1村主街 8 号",
        "business_type": "supermarket",
        "acceptance": ["accepts_card", "accepts_qr"],
        "discounts": "刷卡满 50 元减 5 元",
        "discount_rate": Decimal("5"),
        "fee_subsidy": Decimal("30"),
        "signed_on": D(2020, 3, 15),
        "ended_on": None,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_merchant(county, users):
    def make(user=None, **overrides):
        return merchant_create(actor=user or users["rcb"], **merchant_data(county, **overrides))

    return make


def xlsx(rows, header=("商户编号", "月份", "笔数（笔）", "金额（元）")) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "月度交易.xlsx"
    return buffer
