"""Generating and publishing reports on the small test county: the figures are the data app's own target
evaluation, the files open (Word in python-docx, Excel in openpyxl) and are sealed at rest, every version is
kept, regeneration gives the same figures, and every refusal is in Chinese with nothing stored."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from puhui.core import sealed_files
from puhui.core.models import AuditLog
from puhui.data import targets as data_targets
from puhui.data.models import DerivedRun, IndicatorValue, ReportingPeriod
from puhui.data.services import period_get
from puhui.evaluation import services
from puhui.evaluation.models import EvaluationReport
from puhui.evaluation.selectors.periods import available_periods

pytestmark = pytest.mark.django_db


def _bytes(report, what):
    return b"".join(services.report_chunks(report, what))


def test_a_quarter_report_carries_the_target_page_figures(figures, users):
    report = services.report_generate(actor=users["office"], period="2021Q3")
    rows = {r["code"]: r for r in report.figures["targets"]["rows"]}
    page = {
        s.target.code: s for s in data_targets.evaluate_all(as_of=ReportingPeriod.objects.get(code="2021Q3"))
    }
    assert set(rows) == set(page) == {"archive_rate", "npl"}
    for code, s in page.items():
        assert (rows[code]["status"], rows[code]["value"], rows[code]["trend"]) == (
            s.status,
            s.figure,
            s.trend,
        )
    # The archive target is ahead of its deadline (on track by the trend); NPL is judged every quarter.
    assert rows["archive_rate"]["status"] == "on_track" and rows["npl"]["status"] == "missed"
    assert rows["npl"]["previous_status"] == "missed" and rows["npl"]["previous_value"] == 2.8
    assert report.title == "沂源县普惠金融综合示范区建设评估报告（2021年第3季度）"
    assert report.figures["index"] == {"available": False, "note": "2021年第3季度的普惠金融指数尚未发布。"}
    assert report.figures["plan"]["available"] is False
    assert report.figures["banks"]["conducted"] is False and report.figures["banks"]["note"].startswith(
        "本期未开展"
    )


def test_the_year_report_opens_and_its_annex_has_a_sheet_per_section(figures, users):
    report = services.report_generate(actor=users["office"], period="2021")
    assert report.figures["targets"]["as_of"] == "2021Q4"
    assert {r["code"]: r["status"] for r in report.figures["targets"]["rows"]} == {
        "archive_rate": "met",
        "npl": "met",
    }
    doc = Document(io.BytesIO(_bytes(report, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "沂源县普惠金融综合示范区建设评估报告（2021年）" in text and "示范区评估〔2021〕年度第1号" in text
    for heading in (
        "一、量化目标完成情况",
        "二、普惠金融指数和镇（街道）排名",
        "四、金融机构普惠金融综合评价",
    ):
        assert heading in text
    assert doc.tables[0].rows[1].cells[4].text == "91.00%"  # the archive rate, as the target page shows it
    wb = load_workbook(io.BytesIO(_bytes(report, "xlsx")))
    assert wb.sheetnames[:3] == ["量化目标", "指数（镇街）", "重点任务"]
    assert {"金融机构评价", "典型案例"} <= set(wb.sheetnames)
    assert [c.value for c in wb["量化目标"][2]][:2] == ["九", "农户建档率"]
    # Sealed at rest: the stored bytes are not the document's.
    assert sealed_files.original_is_encrypted(report.docx_path) and sealed_files.original_is_encrypted(
        report.xlsx_path
    )
    assert report.docx_name == "沂源县普惠金融综合示范区建设评估报告（2021年）.docx"
    assert AuditLog.objects.filter(object_type="evaluation.EvaluationReport", action="create").count() == 1


def test_regenerating_keeps_the_old_version_and_gives_the_same_figures(figures, users):
    first = services.report_generate(actor=users["office"], period="2021")
    # Figures of a later period do not reach a past period's report.
    later = period_get("2022Q1")
    IndicatorValue.objects.create(run=DerivedRun.objects.create(period=later), indicator_code="archive_rate",
                                  indicator_version=1, period=later, level="county", value=40)  # fmt: skip
    second = services.report_generate(actor=users["office"], period="2021")
    assert (first.version, second.version) == (1, 2)
    assert second.figures == first.figures
    assert second.number == "示范区评估〔2021〕年度第2号" and second.docx_name.endswith("（第2版）.docx")
    assert EvaluationReport.objects.filter(period="2021").count() == 2


def test_refusals_are_in_chinese_and_store_nothing(figures, users):
    office = users["office"]
    cases = {
        "2021-08": "评估报告按年度（如 2021）或季度（如 2021Q3）编写，“2021-08”是2021年8月。",
        "2021Q2X": "报送期“2021Q2X”格式错误，应为 2020、2020Q3 或 2020-08",
        "2020Q3": "2020年第3季度还没有计算出的指标数据，不能编写2020年第3季度评估报告。",
    }
    for period, message in cases.items():
        with pytest.raises(ValidationError) as e:
            services.report_generate(actor=office, period=period)
        assert e.value.message_dict == {"period": [message]}
    future = str(datetime.date.today().year + 1)
    with pytest.raises(ValidationError) as e:
        services.report_generate(actor=office, period=future)
    assert "尚未结束" in e.value.message_dict["period"][0]
    for who in ("admin", "member", "abc"):
        with pytest.raises(ValidationError, match="只有领导小组办公室"):
            services.report_generate(actor=users[who], period="2021")
    assert not EvaluationReport.objects.exists()


def test_publish_once_by_the_office(figures, users):
    report = services.report_generate(actor=users["office"], period="2021Q4")
    with pytest.raises(ValidationError):
        services.report_publish(actor=users["admin"], report=report)
    services.report_publish(actor=users["office"], report=report)
    report.refresh_from_db()
    assert report.is_published and report.published_by == users["office"]
    with pytest.raises(ValidationError, match="已于"):
        services.report_publish(actor=users["office"], report=report)


def test_the_picker_offers_ended_periods_with_figures(figures):
    codes = [c for c, _label in available_periods()]
    assert codes == ["2021", "2021Q4", "2021Q3", "2021Q2", "2021Q1", "2020", "2020Q4"]
    assert available_periods(today=datetime.date(2021, 12, 31))[0][0] == "2021Q3"
