"""The JR/T 0169-2018 classification (A 业务办理渠道, B 业务类别, C 投诉原因), the earlier codes recoded, and the
statistics read in a fixed number of statements and handed out as a workbook."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from puhui.protection.models import Business, BusinessChannel, Cause, Complaint
from puhui.protection.selectors import statistics
from puhui.protection.services import complaints as services
from tests.protection.conftest import complaint_data

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("puhui.protection.migrations.0003_jrt_classification")


def test_every_dimension_has_other_and_unique_labels():
    for codes in (BusinessChannel, Business, Cause):
        assert len(set(codes.labels)) == len(codes.labels)
        assert any(label.endswith("其他") for label in codes.labels)
    # the standard's published cause classes, in its order
    assert Cause.labels[:10] == [
        "服务态度及服务质量", "服务设施、设备、业务系统", "管理制度、业务规则与流程", "营销方式和手段", "信息披露",
        "产品收益", "自主选择权", "合同条款", "消费者资金安全", "消费者信息安全",
    ]  # fmt: skip


def test_a_complaint_without_its_business_channel_is_refused_and_nothing_stored(county):
    with pytest.raises(ValidationError) as err:
        services.complaint_file(actor=None, institution=county["abc"], **complaint_data(business_channel="9"))
    assert err.value.message_dict == {"business_channel": ["请选择办理业务的渠道。"]}
    assert not Complaint.objects.exists()


def test_the_code_joins_the_three_dimensions(file):
    complaint, _ = file(business_channel="1033", business="0302", cause="12")
    assert complaint.classification_code == "A1033-B0302-C12"


def test_the_first_codes_are_recoded_in_one_pass(file):
    """Old cause 10 (业务规则) becomes 03, old 03 (信息披露) becomes 05, old 05 (定价收费) becomes 11: a value
    that is both old and new must be read before it is written."""
    made = {}
    for old_business, old_cause in (("04", "10"), ("03", "03"), ("02", "05"), ("10", "99")):
        complaint, _ = file()
        Complaint.objects.filter(pk=complaint.pk).update(business=old_business, cause=old_cause)
        made[complaint.pk] = (old_business, old_cause)
    MIGRATION.recode(apps, None)
    recoded = dict(Complaint.objects.values_list("pk", "business"))
    causes = dict(Complaint.objects.values_list("pk", "cause"))
    assert [(recoded[pk], causes[pk]) for pk in made] == [
        ("02", "03"),
        ("0302", "05"),
        ("0301", "11"),
        ("99", "99"),
    ]


def test_the_statistics_read_the_complaints_once_on_postgresql_and_both_roads_agree(file, users):
    for business_channel, business, cause in (
        ("101", "02", "11"),
        ("1033", "0302", "12"),
        ("200", "06", "10"),
    ):
        file(business_channel=business_channel, business=business, cause=cause)
    statistics.statistics(users["office"])  # warm-up
    with CaptureQueriesContext(connection) as queries:
        stats = statistics.statistics(users["office"])
    reads = [q["sql"] for q in queries.captured_queries if ' FROM "' in q["sql"]]
    # PostgreSQL: the grouping sets and the institutions' names; elsewhere a GROUP BY per breakdown.
    assert len(reads) == (2 if connection.vendor == "postgresql" else 8), reads
    assert stats == statistics.statistics(users["office"], grouping_sets=False)
    tables = {t["key"]: t["rows"] for t in stats["tables"]}
    assert list(tables) == ["institution", "business_channel", "business", "cause", "channel"]
    assert {r["label"] for r in tables["business_channel"]} == {
        "营业现场",
        "电子渠道·移动客户端",
        "中、后台业务渠道",
    }
    assert tables["channel"] == [{"label": "网络（平台公开页面）", "n": 3, "late": 0}]
    assert stats["figures"]["total"] == 3 and stats["months"][0]["n"] == 3


def test_the_statistics_download_as_a_workbook_with_units(client, file, users):
    file()
    client.force_login(users["office"])
    response = client.get(reverse("protection:statistics"), {"from": "2020-01-01", "export": "xlsx"})
    assert response.status_code == 200
    assert (
        "%E6%8A%95%E8%AF%89%E4%B8%8E%E8%B0%83%E8%A7%A3%E7%BB%9F%E8%AE%A1" in response["Content-Disposition"]
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "总体情况", "按被投诉机构", "按业务办理渠道", "按业务类别", "按投诉原因", "按受理方式", "按月趋势", "调解与司法确认",
    ]  # fmt: skip
    overview = {row[0]: row[1:] for row in wb["总体情况"].iter_rows(min_row=2, values_only=True)}
    assert overview["投诉"] == (1, "件") and overview["统计范围（受理日期）"][0].startswith("2020年1月1日至")
    assert list(wb["按业务类别"].iter_rows(values_only=True)) == [
        ("业务类别", "投诉（件）", "逾期答复（件）"),
        ("贷款", 1, 0),
    ]
    # a bank's workbook holds its own complaints only
    client.force_login(users["rcb"])
    wb = load_workbook(io.BytesIO(client.get(reverse("protection:statistics"), {"export": "xlsx"}).content))
    assert list(wb["按被投诉机构"].iter_rows(min_row=2, values_only=True)) == []


def test_a_user_who_sees_no_complaint_gets_empty_statistics(file, users):
    file()
    for grouping_sets in {connection.vendor == "postgresql", False}:  # both roads on PostgreSQL
        stats = statistics.statistics(users["member"], grouping_sets=grouping_sets)
        assert stats["figures"]["total"] == 0 and stats["months"] == []
        assert all(t["rows"] == [] for t in stats["tables"])
