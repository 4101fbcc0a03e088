"""The stations' writes: each refusal in Chinese naming its field, nothing half-stored; the register's hook."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from puhui.core.models import AuditLog, ServicePoint
from puhui.registry import network
from puhui.stations.models import MonthlyReport, StationAgent
from puhui.stations.services import monthly, offers, records
from puhui.stations.services.monthly import parse_month
from tests.registry.test_network_import import SP_HEADER, errors_of, run, sp
from tests.stations.conftest import figures, inspection_data, png

pytestmark = pytest.mark.django_db
D = datetime.date


def _message(e: ValidationError, field: str) -> str:
    return " ".join(e.message_dict[field])


# ---------------------------------------------------------------- offers and the register's hook


def test_a_bank_keeps_its_own_offer_and_the_register_refuses_what_it_does_not_offer(county, users):
    abc = county["abc"]
    offers.offer_set(actor=users["abc"], bank=abc, functions=["withdrawal", "transfer"], bill_items=["water"])
    with pytest.raises(ValidationError) as e:
        network.service_point_open(
            actor=users["abc"], code="SP9", name="新服务点", bank=abc, village=county["villages"][2],
            functions=["withdrawal", "agency_purchase"], opened_on=D(2021, 3, 1),
        )  # fmt: skip
    assert "未开通以下服务站功能：代理购买" in _message(e.value, "functions")
    assert not ServicePoint.objects.filter(code="SP9").exists()
    point = network.service_point_open(
        actor=users["abc"], code="SP9", name="新服务点", bank=abc, village=county["villages"][2],
        functions=["withdrawal"], opened_on=D(2021, 3, 1),
    )  # fmt: skip
    assert point.functions == ["withdrawal"]


def test_the_register_file_and_batch_import_refuse_what_the_bank_does_not_offer(county, users):
    offers.offer_set(
        actor=users["abc"], bank=county["abc"], functions=["withdrawal", "transfer"], bill_items=[]
    )
    rows = [sp("SP-A1"), sp("SP-A2", functions="小额取款、代理购买"), sp("SP-A3", functions="小额取款")]
    result = run("service_points", SP_HEADER, rows, actor=users["abc"])
    assert errors_of(result) == {
        (
            3,
            "服务功能",
        ): "中国农业银行沂源县支行未开通以下服务站功能：代理购买（见“便民服务 → 银行服务站功能”）"
    }
    assert not ServicePoint.objects.filter(code__startswith="SP-A").exists()  # all or nothing
    # A point already in the register keeps what it has when the file does not change its functions.
    offers.offer_set(actor=users["abc"], bank=county["abc"], functions=["transfer"], bill_items=[])
    kept = county["service_points"][0]  # 小额取款, no longer offered
    row = sp(kept.code, functions="、".join(ServicePoint.Function(f).label for f in kept.functions))
    assert errors_of(run("service_points", SP_HEADER, [row], mode="upsert", actor=users["abc"])) == {}


def test_an_outlets_point_follows_its_branch_and_a_bank_without_an_offer_is_not_limited(county, users):
    offers.offer_set(actor=users["office"], bank=county["abc"], functions=["withdrawal"], bill_items=[])
    message = offers.station_functions_allowed(bank=county["abc_outlet"], functions=["online_sales"])
    assert "本地农产品网上销售" in message
    assert offers.station_functions_allowed(bank=county["rcb"], functions=["online_sales"]) == ""


def test_only_the_office_or_the_bank_itself_keeps_an_offer(county, users):
    with pytest.raises(ValidationError):
        offers.offer_set(actor=users["rcb"], bank=county["abc"], functions=["withdrawal"], bill_items=[])
    with pytest.raises(ValidationError) as e:
        offers.offer_set(actor=users["abc"], bank=county["abc"], functions=["flying"], bill_items=[])
    assert "未知的服务站功能" in _message(e.value, "functions")
    with pytest.raises(ValidationError) as e:
        offers.channel_offer_set(
            actor=users["abc"], bank=county["abc"], channel="mobile", bill_items=[], realtime=True
        )
    assert "请选择缴费项目" in _message(e.value, "mobile_items")
    row = offers.channel_offer_set(
        actor=users["abc"], bank=county["abc"], channel="mobile", bill_items=["gas", "water"], realtime=True
    )
    assert row.bill_items == ["water", "gas"] and row.realtime


# ---------------------------------------------------------------- monthly figures


def test_a_month_is_reported_corrected_and_flagged_above_the_limit(county, users, settings):
    point = county["service_points"][0]
    report = monthly.monthly_report_save(actor=users["abc"], point=point, month=D(2021, 3, 1), **figures())
    assert report.bank == county["abc"] and not report.over_limit and report.total_count == 214
    again = monthly.monthly_report_save(
        actor=users["abc"], point=point, month=D(2021, 3, 1), **figures(daily_limit=Decimal("2000"))
    )
    assert again.pk == report.pk and again.over_limit
    settings.PUHUI_STATION_DAILY_LIMIT = 5000
    assert not MonthlyReport.objects.get().over_limit
    assert AuditLog.objects.filter(object_type="stations.MonthlyReport").count() == 2


@pytest.mark.parametrize(
    "change,field,text",
    [
        ({"month": "future"}, "month", "还没有到"),
        ({"withdrawal_count": -1}, "withdrawal_count", "0 至"),
        ({"bill_amount": Decimal("-0.01")}, "bill_amount", "不能为负数"),
        ({"remittance_count": 0}, "remittance_amount", "笔数为 0 时金额应为 0"),
        ({"daily_limit": Decimal("0")}, "daily_limit", "单卡单日取款限额"),
        ({"point": "rcb"}, "point", "不是本行签约"),
        ({"point": "closed"}, "month", "撤销"),
    ],
)
def test_bad_months_are_refused_in_chinese(county, users, change, field, text):
    point = county["service_points"][0]
    point.closed_on = D(2021, 1, 15)
    point.save()
    month = D(2021, 1, 1)
    kwargs = figures(**{k: v for k, v in change.items() if k not in ("month", "point")})
    if change.get("month") == "future":
        month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    if change.get("point") == "rcb":
        point = county["service_points"][1]
    if change.get("point") == "closed":
        month = D(2021, 2, 1)
    with pytest.raises(ValidationError) as e:
        monthly.monthly_report_save(actor=users["abc"], point=point, month=month, **kwargs)
    assert text in _message(e.value, field)
    assert not MonthlyReport.objects.exists()


def test_a_month_the_point_closed_in_is_still_reported(county, users):
    point = county["service_points"][0]
    point.closed_on = D(2021, 1, 15)
    point.save()
    monthly.monthly_report_save(actor=users["abc"], point=point, month=D(2021, 1, 1), **figures())
    assert MonthlyReport.objects.count() == 1


def test_only_a_bank_reports(county, users):
    with pytest.raises(ValidationError):
        monthly.monthly_report_save(
            actor=users["office"], point=county["service_points"][0], month=D(2021, 1, 1), **figures()
        )


@settings(max_examples=60, deadline=None)
@given(year=st.integers(2000, 2099), month=st.integers(1, 12))
def test_months_are_read_however_they_are_written(year, month):
    for text in (f"{year}-{month:02d}", f"{year}/{month}", f"{year}年{month}月", f"{year}{month:02d}"):
        assert parse_month(text) == D(year, month, 1)
    assert parse_month(D(year, month, 17)) == D(year, month, 1)


@pytest.mark.parametrize("text", ["2021-13", "21-03", "三月", "", "2021-00"])
def test_a_month_that_is_no_month_is_refused(text):
    with pytest.raises(ValueError):
        parse_month(text)


HEADER = ["服务点编号", "月份", "取款笔数（笔）", "取款金额（元）", "转账笔数（笔）", "转账金额（元）", "汇款笔数（笔）",
          "汇款金额（元）", "缴费笔数（笔）", "缴费金额（元）", "单卡单日取款限额（元/卡/日）"]  # fmt: skip


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = ["SP1", "2021-03", 10, 5000, 2, 3000, 0, 0, 5, 420.5, 1000]


def test_an_upload_stores_every_row_and_corrects_a_month_already_reported(county, users):
    point = county["service_points"][0]
    monthly.monthly_report_save(actor=users["abc"], point=point, month=D(2021, 3, 1), **figures())
    result = monthly.monthly_upload(
        actor=users["abc"],
        file=xlsx([GOOD, ["SP1", "2021年4月", 1, 100, 0, 0, 0, 0, 0, 0, 2000]]),
        filename="三月.xlsx",
    )
    assert result.ok, list(result.errors)
    assert (result.created, result.updated) == (1, 1)
    march = MonthlyReport.objects.get(month=D(2021, 3, 1))
    assert march.withdrawal_count == 10 and march.bill_amount == Decimal("420.50")
    assert MonthlyReport.objects.get(month=D(2021, 4, 1)).over_limit
    assert AuditLog.objects.filter(action="import", object_type="stations.MonthlyReport").count() == 1


def test_an_upload_with_bad_rows_names_row_and_column_and_stores_nothing(county, users):
    future = (timezone.localdate().replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")
    rows = [
        GOOD,
        ["SP1", future, 1, 1, 0, 0, 0, 0, 0, 0, 1000],  # row 3: a future month
        ["SP2", "2021-03", 1, 1, 0, 0, 0, 0, 0, 0, 1000],  # row 4: another bank's station
        ["SP1", "2021-05", -3, 1, 0, 0, 0, 0, 0, 0, 1000],  # row 5: a negative count
        ["NOPE", "2021-03", 1, 1, 0, 0, 0, 0, 0, 0, 1000],  # row 6: no such station
        ["SP1", "2021-03", 1, 1, 0, 0, 0, 0, 0, 0, 1000],  # row 7: the same month twice
    ]
    result = monthly.monthly_upload(actor=users["abc"], file=xlsx(rows), filename="错误.xlsx")
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "月份"), (4, "服务点编号"), (5, "取款笔数（笔）"), (6, "服务点编号"), (7, "月份")} <= found
    assert 2 not in {e.row for e in result.errors}
    assert not MonthlyReport.objects.exists()


def test_an_upload_with_a_missing_column_is_refused(county, users):
    wb = Workbook()
    wb.active.append(HEADER[:-1])
    wb.active.append(GOOD[:-1])
    buffer = BytesIO()
    wb.save(buffer)
    result = monthly.monthly_upload(actor=users["abc"], file=buffer.getvalue(), filename="缺列.xlsx")
    assert not result.ok and any("单卡单日取款限额" in e.column for e in result.errors)
    assert not MonthlyReport.objects.exists()


# ---------------------------------------------------------------- inspections, agents, scenes


def test_an_inspection_with_photos_and_its_rectification(county, users):
    inspection = records.inspection_create(actor=users["abc"], **inspection_data(county))
    assert inspection.photos.count() == 1 and inspection.rectify_state == "待整改"
    with pytest.raises(ValidationError) as e:
        records.inspection_rectify(actor=users["abc"], inspection=inspection, on=D(2021, 4, 1), note="已修复")
    assert "不能早于检查日期" in _message(e.value, "on")
    done = records.inspection_rectify(
        actor=users["abc"], inspection=inspection, on=D(2021, 4, 20), note="已修复"
    )
    assert done.rectify_state == "已整改"
    with pytest.raises(ValidationError):
        records.inspection_rectify(actor=users["abc"], inspection=inspection, on=D(2021, 4, 21), note="再次")


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"photos": []}, "photos"),
        ({"photos": [("假.png", b"not an image")]}, "photos"),
        ({"rectify_by": None}, "rectify_by"),
        ({"failed": [], "findings": ""}, "rectify_by"),
        ({"rectify_by": D(2021, 4, 1)}, "rectify_by"),
        ({"inspected_on": D(2099, 1, 1)}, "inspected_on"),
        ({"failed": ["nonsense"]}, "failed"),
        ({"findings": ""}, "findings"),
    ],
)
def test_bad_inspections_store_nothing(county, users, overrides, field):
    with pytest.raises(ValidationError) as e:
        records.inspection_create(actor=users["abc"], **inspection_data(county, **overrides))
    assert field in e.value.message_dict
    assert not county["service_points"][0].inspections.exists()


def test_another_banks_station_is_not_inspected(county, users):
    with pytest.raises(ValidationError):
        records.inspection_create(actor=users["rcb"], **inspection_data(county))


def test_one_agent_at_a_time_with_phone_encrypted(county, users):
    point = county["service_points"][0]
    agent = records.agent_appoint(
        actor=users["abc"], point=point, name="李代办", phone="138 0000 1234", since=D(2020, 1, 1),
        user=users["agent"],
    )  # fmt: skip
    stored = StationAgent.objects.get()
    assert stored.phone == "13800001234" and stored.phone_hash and stored.user == users["agent"]
    with pytest.raises(ValidationError) as e:
        records.agent_appoint(
            actor=users["abc"], point=point, name="王", phone="13900001111", since=D(2021, 1, 1)
        )
    assert "仍在任" in _message(e.value, "since")
    records.agent_end(actor=users["abc"], agent=agent, on=D(2021, 1, 1))
    with pytest.raises(ValidationError) as e:
        records.agent_appoint(
            actor=users["abc"], point=point, name="王", phone="13900001111", since=D(2020, 6, 1)
        )
    assert "早于上一位" in _message(e.value, "since")
    records.agent_appoint(
        actor=users["abc"], point=point, name="王", phone="13900001111", since=D(2021, 1, 2)
    )
    assert StationAgent.objects.count() == 2


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"phone": "12345"}, "phone"),
        ({"id_number": "370323199001011230"}, "id_number"),
        ({"user": "town"}, "user"),
        ({"since": D(2099, 1, 1)}, "since"),
    ],
)
def test_bad_agents_are_refused(county, users, overrides, field):
    data = {
        "point": county["service_points"][0],
        "name": "李",
        "phone": "13800001234",
        "since": D(2020, 1, 1),
    }
    data.update(overrides)
    if data.get("user") == "town":
        data["user"] = users["town_lishan"]
    with pytest.raises(ValidationError) as e:
        records.agent_appoint(actor=users["abc"], **data)
    assert field in e.value.message_dict
    assert not StationAgent.objects.exists()


def test_scenes_by_the_office_or_the_acquiring_bank(county, users):
    town = county["towns"][0]
    scene = records.scene_add(
        actor=users["office"],
        kind="taxi",
        name="县出租车公司",
        town=town,
        bank=county["rcb"],
        since=D(2020, 6, 1),
    )
    assert str(scene) == "出租车 县出租车公司"
    with pytest.raises(ValidationError) as e:
        records.scene_add(
            actor=users["abc"], kind="cinema", name="影院", town=town, bank=county["rcb"], since=D(2020, 6, 1)
        )
    assert "bank" in e.value.message_dict
    with pytest.raises(ValidationError):
        records.scene_add(
            actor=users["town_lishan"],
            kind="cinema",
            name="影院",
            town=town,
            bank=county["rcb"],
            since=D(2020, 6, 1),
        )


def test_the_registry_still_refuses_an_agent(county, users):
    with pytest.raises(PermissionDenied):
        network.service_point_open(
            actor=users["agent"], code="SPX", name="x", bank=county["abc"], village=county["villages"][0],
            functions=["withdrawal"], opened_on=D(2021, 1, 1),
        )  # fmt: skip


def test_photo_helper_makes_a_png():
    assert png().startswith(b"\x89PNG")
