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
