"""The firm register from a file: insert and upsert by USCC, deregistration dates, every bad row refused."""

import datetime
import io

import openpyxl
import pytest

from puhui.core.models import AuditLog
from puhui.core.selectors import record_history
from puhui.imports.blank_forms import template_xlsx
from puhui.imports.services import SYSTEM_ACTOR, table_import
from puhui.registry.firm_import import SPEC
from puhui.registry.models import Firm
from puhui.registry.network import firms_as_of
from tests.imports.conftest import make_csv, uscc_for

HEADER = [
    "统一社会信用代码",
    "名称",
    "类型",
    "行业",
    "所在镇（街道）代码",
    "所在村（社区）代码",
    "成立日期",
    "注销日期",
    "从业人数",
    "年营业收入（元）",
]
# A valid USCC converted from an old all-digit organisation code (first 17 characters digits).
DIGITS_USCC = "91370323163034563Q"


def firm(
    uscc,
    name="新公司",
    kind="小型企业",
    town="370323102000",
    village="370323102201",
    reg="2018-05-01",
    dereg="",
    employees="8",
    revenue="1,200,000.00",
):
    return [uscc, name, kind, "制造业", town, village, reg, dereg, employees, revenue]


def run(rows, mode="create", actor=SYSTEM_ACTOR, header=HEADER):
    return table_import(
        actor=actor, kind="firms", file=make_csv([header, *rows]), mode=mode, filename="市场主体.csv"
    )


def errors_of(result):
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


def state():
    return list(Firm.objects.order_by("pk").values_list()), AuditLog.objects.count()


def test_insert_and_upsert(county):
    result = run([firm(uscc_for(1), "沂源丙公司"), firm(uscc_for(2), "鲁村丁店", kind="个体户", town="")])
    assert result.ok, errors_of(result)
    assert (result.created, result.updated) == (2, 0)
    made = Firm.objects.get(uscc=uscc_for(1))
    assert made.town == county["towns"][1] and made.village == county["villages"][2]
    assert made.annual_revenue == 1200000 and Firm.objects.get(uscc=uscc_for(2)).kind == "individual"

    # Upsert: one row changed (deregistered), one the same, one new.
    result = run(
        [
            firm(uscc_for(1), "沂源丙公司", dereg="2021-03-31"),
            firm(uscc_for(2), "鲁村丁店", kind="个体户", town=""),
            firm(uscc_for(3), "戊公司"),
        ],
        mode="upsert",
    )
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    made.refresh_from_db()
    assert made.deregistered_on == datetime.date(2021, 3, 31)
    # The record's page shows who changed what from which file.
    history = record_history(made)
    assert history[0]["log"].note == "导入 市场主体.csv"
    assert {c["label"] for c in history[0]["changes"]} == {"注销日期"}


def test_deregistered_firms_count_until_their_date(county):
    assert run([firm(uscc_for(1), reg="2018-05-01", dereg="2021-03-31")]).ok
    ids = {f.uscc for f in firms_as_of(datetime.date(2020, 12, 31))}
    assert uscc_for(1) in ids
    assert uscc_for(1) not in {f.uscc for f in firms_as_of(datetime.date(2021, 3, 31))}
    assert uscc_for(1) not in {f.uscc for f in firms_as_of(datetime.date(2018, 4, 30))}


def test_a_uscc_with_seventeen_leading_digits_is_accepted(county):
    result = run([firm(DIGITS_USCC)])
    assert result.ok, errors_of(result)


def test_every_bad_row_is_reported_and_nothing_stored(county):
    before = state()
    result = run(
        [
            firm("91370323MA3C4DB554"),  # wrong check digit
            firm(uscc_for(5), village="370322102201"),  # another county's village
            firm(uscc_for(6), reg="2020-01-01", dereg="2019-12-31"),  # deregistered before registered
            firm(uscc_for(7), village="370323102000"),  # a town, not a village
            firm(uscc_for(8), town="370323001000"),  # village of another town
            firm(uscc_for(9), kind="大型企业"),
            firm("91370323MA3C4DB553"),  # already in the register (insert mode)
            firm(uscc_for(9), name="重复"),
        ]
    )
    assert not result.ok and state() == before
    got = {(row, column): reason for row, column, reason in errors_of(result)}
    assert "校验" in got[(2, "统一社会信用代码")]
    assert (
        "不属于本县" in got[(3, "所在村（社区）代码")]
        and "沂源县（370323）" in got[(3, "所在村（社区）代码")]
    )
    assert got[(4, "注销日期")] == "注销日期（2019-12-31）早于成立日期（2020-01-01）"
    assert "不是村或社区" in got[(5, "所在村（社区）代码")]
    assert "与所填镇（街道）代码 370323001000 不符" in got[(6, "所在镇（街道）代码")]
    assert "不是可选值" in got[(7, "类型")]
    assert "已在名录中" in got[(8, "统一社会信用代码")]
    assert "与第 7 行重复" in got[(9, "统一社会信用代码")]


def test_a_renamed_column_and_a_household_roster_are_refused(county):
    renamed = [*HEADER[:1], "企业名字", *HEADER[2:]]
    result = run([firm(uscc_for(1))], header=renamed)
    assert result.errors.fatal
    assert any("无法识别的列" in e.reason for e in result.errors)
    assert any("缺少必需的列“名称”" in e.reason for e in result.errors)
    # Half a firm roster, half a household roster: the household columns are not firm columns.
    mixed = [*HEADER, "户编号", "户主姓名"]
    result = run([[*firm(uscc_for(1)), "H9", "张三"]], header=mixed)
    assert result.errors.fatal and Firm.objects.count() == 2


def test_the_template_imports_back(county):
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(SPEC)))
    ws = wb["市场主体"]
    ws.append(firm(uscc_for(11)))
    buffer = io.BytesIO()
    wb.save(buffer)
    result = table_import(actor=SYSTEM_ACTOR, kind="firms", file=buffer.getvalue(), filename="模板.xlsx")
    assert result.ok, errors_of(result)


@pytest.mark.parametrize(
    "who,listed", [("office", True), ("admin", True), ("abc", False), ("town_lishan", False)]
)
def test_who_may_import_firms(users, who, listed):
    from puhui.imports.tables import tables_for

    assert ("firms" in tables_for(users[who])) is listed
