"""File builders for import tests: CSV in any encoding and xlsx written with openpyxl, as bytes."""

import csv
import io

import openpyxl
import pytest

from puhui.core.models import AuditLog, Division, Organisation

DIV_HEADER = ["区划代码", "名称", "层级", "上级区划代码", "户籍人口", "户数", "农户数", "经度", "纬度"]
# Children before their parents on purpose: the importer must resolve the order itself.
DIV_ROWS = [
    ["370323102201", "鲁村村", "村", "370323102000", "1260", "410", "365", "118.170512", "36.184321"],
    ["370323102202", "三岔社区", "社区", "370323102000", "980", "350", "120", "", ""],
    ["370323102000", "鲁村镇", "镇", "370323000000", "40,000", "12000", "10000", "", ""],
    ["370323001000", "历山街道", "街道", "370323000000", "90000", "30000", "5000", "", ""],
    ["370323000000", "沂源县", "县", "", "570000", "175000", "130000", "118.17", "36.18"],
]

ORG_HEADER = [
    "机构编码",
    "名称",
    "简称",
    "类型",
    "层级",
    "上级机构编码",
    "统一社会信用代码",
    "所在区划代码",
    "地址",
    "开业日期",
    "撤销日期",
    "县域法人机构",
    "新型农村金融机构",
    "三农金融事业部",
    "领导小组成员单位",
    "方案中的称谓",
]


def org_row(
    code,
    name,
    kind="商业银行",
    level="县级机构",
    parent="",
    uscc="",
    division="",
    opened="",
    closed="",
    legal="否",
    new_rural="否",
    sannong="否",
    member="否",
    alias="",
    short="",
    address="",
):
    return [
        code,
        name,
        short,
        kind,
        level,
        parent,
        uscc,
        division,
        address,
        opened,
        closed,
        legal,
        new_rural,
        sannong,
        member,
        alias,
    ]


def make_csv(rows, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def make_xlsx(rows, sheet="数据", extra_sheets=(), start_row=1) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row, start=1):
            if value not in ("", None):
                ws.cell(row=r, column=c, value=value)
    for name in extra_sheets:
        wb.create_sheet(name).append(["说明"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def db_state():
    """Everything an import may touch, to compare before and after a refused file."""
    return (
        list(Division.objects.order_by("pk").values_list()),
        list(Organisation.objects.order_by("pk").values_list()),
        AuditLog.objects.count(),
    )


@pytest.fixture
def office(users):
    return users["office"]


def uscc_for(seed: int) -> str:
    """A made-up but valid unified social credit code (check digit by python-stdnum)."""
    from stdnum.cn import uscc

    base = f"91370323MA{seed:07d}"
    return base + uscc.calc_check_digit(base)
