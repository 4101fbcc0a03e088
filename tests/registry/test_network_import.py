"""Service points and terminals from the banks' files: insert and upsert, the lifecycle's rules at each row,
events for every change of state, nothing stored on any error."""

import datetime

import pytest

from puhui.core.models import AuditLog, ServicePoint, ServicePointEvent, Terminal
from puhui.core.selectors import record_history
from puhui.imports.services import SYSTEM_ACTOR, table_import
from puhui.registry import network
from tests.imports.conftest import make_csv, make_xlsx

D = datetime.date
SP_HEADER = [
    "服务点编号",
    "名称",
    "签约银行机构编码",
    "所在村（社区）代码",
    "服务功能",
    "普惠金融服务站",
    "设立日期",
    "升级日期",
    "暂停营业日期",
    "撤销日期",
]
STATION = "小额取款、转账、汇款、缴费、跨行支付、金融知识宣传、反假货币、纠纷协调"
T_HEADER = [
    "机具编号",
    "类型",
    "所属银行机构编码",
    "所在村（社区）代码",
    "所在网点编码",
    "所在服务点编号",
    "开通实时缴费",
    "缴费项目",
    "实时缴费开通日期",
    "布放日期",
    "撤除日期",
]


def sp(
    code,
    functions="小额取款、转账",
    station="否",
    opened="2018-04-01",
    upgraded="",
    suspended="",
    closed="",
    bank="ABC-YY",
    village="370323102202",
):
    return [code, f"{code}服务点", bank, village, functions, station, opened, upgraded, suspended, closed]


def term(
    code,
    kind="ATM",
    bank="ABC-YY",
    village="370323102201",
    outlet="ABC-YY-01",
    point="",
    bill="否",
    items="",
    since="",
    installed="2019-01-01",
    retired="",
):
    return [code, kind, bank, village, outlet, point, bill, items, since, installed, retired]


def run(kind, header, rows, mode="create", actor=SYSTEM_ACTOR, xlsx=False):
    data = make_xlsx([header, *rows]) if xlsx else make_csv([header, *rows], encoding="gbk")
    return table_import(
        actor=actor, kind=kind, file=data, mode=mode, filename="银行.xlsx" if xlsx else "银行.csv"
    )


def errors_of(result):
    return {(e.row, e.column): e.reason for e in result.errors.sorted()}


def state():
    return (
        list(ServicePoint.objects.order_by("pk").values_list()),
        list(Terminal.objects.order_by("pk").values_list()),
        ServicePointEvent.objects.count(),
        AuditLog.objects.count(),
    )


def test_points_in_and_their_life_by_upsert(county):
    result = run("service_points", SP_HEADER, [sp("SP-A"), sp("SP-B", STATION, "是", upgraded="2020-06-01")])
    assert result.ok, errors_of(result)
    assert result.created == 2
    b = ServicePoint.objects.get(code="SP-B")
    assert b.is_station and b.upgraded_on == D(2020, 6, 1) and b.village == county["villages"][3]
    assert list(b.events.values_list("kind", flat=True)) == ["opened", "upgraded"]

    # Next year's file: SP-A upgraded in 2021, SP-B suspended, then closed.
    result = run(
        "service_points",
        SP_HEADER,
        [
            sp("SP-A", STATION, "是", upgraded="2021-02-01"),
            sp("SP-B", STATION, "是", upgraded="2020-06-01", suspended="2021-03-01", closed="2021-05-31"),
        ],
        mode="upsert",
    )
    assert result.ok, errors_of(result)
    assert (result.updated, result.unchanged) == (2, 0)
    a = ServicePoint.objects.get(code="SP-A")
    assert list(a.events.values_list("kind", flat=True)) == ["opened", "upgraded"]
    # The register of the end of 2020: SP-A not yet a station and with its old functions; SP-B a station.
    end_2020 = {p.code: p for p in network.service_points_as_of(D(2020, 12, 31))}
    assert not end_2020["SP-A"].station and end_2020["SP-A"].functions == ("withdrawal", "transfer")
    assert end_2020["SP-B"].upgraded
    assert "SP-B" not in {p.code for p in network.service_points_as_of(D(2021, 6, 1))}
    # History on the record's page names the file.
    assert record_history(a)[0]["log"].note == "导入 银行.csv"


def test_a_bad_point_file_is_refused_whole(county):
    ServicePoint.objects.filter(code="SP1").update(closed_on=D(2020, 1, 1))
    before = state()
    result = run(
        "service_points",
        SP_HEADER,
        [
            sp("SP-C", opened="2020-05-01", closed="2020-04-30"),  # closed before it opened
            sp("SP-D", "小额取款、转账、缴费", "是"),  # a station without the checklist
            sp("SP-E", "小额取款、刷脸"),  # an unknown function
            sp("SP-F", bank="RCB-YY-99"),  # an unknown bank
            sp("SP-G", bank="PBOC"),  # not a bank
            sp("SP-H", village="370322102201"),  # another county's village
            sp("SP-I", upgraded="2020-01-01"),  # upgrade date but not a station
            sp("SP-J", STATION, "是", opened="2019-01-01", upgraded="2020-05-01", closed="2020-05-01"),
        ],
    )
    assert not result.ok and state() == before
    got = errors_of(result)
    assert got[(2, "撤销日期")] == "撤销日期（2020-04-30）早于设立日期（2020-05-01）"
    assert (
        got[(3, "服务功能")]
        == "普惠金融服务站须具备全部规定功能，尚缺：汇款、跨行支付、金融知识宣传、反假货币、纠纷协调"
    )
    assert "“刷脸”不是可选值" in got[(4, "服务功能")]
    assert got[(5, "签约银行机构编码")] == "机构编码 RCB-YY-99 在系统中不存在，请先导入机构"
    assert "不是银行" in got[(6, "签约银行机构编码")]
    assert "不属于本县" in got[(7, "所在村（社区）代码")]
    assert "“普惠金融服务站”应填“是”" in got[(8, "普惠金融服务站")]
    assert "已撤销的服务点不能升级" in got[(9, "升级日期")]
    # An upgrade of a closed point, by upsert.
    result = run(
        "service_points",
        SP_HEADER,
        [sp("SP1", STATION, "是", opened="", closed="2020-01-01", village="370323102201")],
        mode="upsert",
    )
    assert errors_of(result) == {
        (2, "普惠金融服务站"): "服务点已于 2020-01-01 撤销，不能升级为普惠金融服务站"
    }


def test_one_bad_row_at_the_end_of_a_long_file(county):
    rows = [sp(f"SP-{i:05d}", village="370323102201") for i in range(3000)]
    rows.append(sp("SP-LAST", opened="2020-05-01", closed="2020-01-01"))
    before = state()
    result = run("service_points", SP_HEADER, rows)
    assert errors_of(result) == {(3002, "撤销日期"): "撤销日期（2020-01-01）早于设立日期（2020-05-01）"}
    assert state() == before


def test_terminals_in_and_out(county):
    result = run(
        "terminals",
        T_HEADER,
        [
            term("T-A", bill="是", items="水电费、燃气费", since="2020-07-01"),
            term("T-B", kind="助农终端", outlet="", point="SP1", village="370323102201"),
            term("T-C", kind="POS", outlet=""),
        ],
        xlsx=True,
    )
    assert result.ok, errors_of(result)
    a = Terminal.objects.get(code="T-A")
    assert a.bill_items == ["water", "gas"] and a.outlet == county["abc_outlet"]
    codes = {t.code for t in network.terminals_as_of(D(2020, 12, 31))}
    assert {"T-A", "T-B"} <= codes and "T-C" not in codes  # a POS is not a self-service terminal
    result = run("terminals", T_HEADER, [term("T-A", retired="2021-01-31")], mode="upsert")
    assert result.ok and result.updated == 1
    assert "T-A" not in {t.code for t in network.terminals_as_of(D(2021, 2, 1))}


def test_a_bad_terminal_file_is_refused_whole(county):
    before = state()
    result = run(
        "terminals",
        T_HEADER,
        [
            term("T-1", installed="2020-01-01", retired="2019-12-31"),
            term("T-2", outlet="RCB-YY-01"),  # another bank's outlet
            term("T-3", outlet="", point="SP2"),  # RCB's point
            term("T-4", items="电费"),  # items without bill payment
            term("T-5", outlet="ABC-YY-01", point="SP1"),
            term("T-6", point="SP-NONE", outlet=""),
        ],
    )
    assert not result.ok and state() == before
    got = errors_of(result)
    assert got[(2, "撤除日期")] == "撤除日期（2019-12-31）早于布放日期（2020-01-01）"
    assert got[(3, "所在网点编码")] == "网点 农商行历山支行 不属于 中国农业银行沂源县支行"
    assert got[(4, "所在服务点编号")] == "服务点 历山1村服务站 不是 中国农业银行沂源县支行 签约的"
    assert got[(5, "缴费项目")] == "未开通实时缴费的机具不填缴费项目"
    assert got[(6, "所在服务点编号")] == "所在网点和所在服务点只能填一项"
    assert "不存在" in got[(7, "所在服务点编号")]


@pytest.mark.parametrize("kind,header", [("service_points", SP_HEADER), ("terminals", T_HEADER)])
def test_a_renamed_column_is_refused(county, kind, header):
    renamed = ["编号X", *header[1:]]
    result = run(kind, renamed, [])
    assert result.errors.fatal and any("无法识别的列" in e.reason for e in result.errors)
