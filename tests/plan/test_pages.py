"""The pages end to end through the test client: forms, uploads, downloads, and the board's query count."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from puhui.plan.models import (
    AssessmentScheme,
    Bulletin,
    Criterion,
    DelayRequest,
    Plan,
    ProgressReport,
    SupervisionNotice,
)
from tests.plan.conftest import PLAN_FILE, task

PDF = b"%PDF-1.4\n%%EOF\n"


def test_report_return_resubmit_through_the_pages(client, plan, users):
    t2 = task(plan, 2)
    client.force_login(users["member"])
    page = client.get(reverse("plan_report_new", args=[t2.pk]) + "?period=2021Q1")
    assert page.status_code == 200 and "2021年第1季度" in page.content.decode()
    response = client.post(
        reverse("plan_report_new", args=[t2.pk]),
        {
            "period": "2021Q1",
            "status": "in_progress",
            "completion": "35",
            "narrative": "推动设立两家小贷公司。",
            "files": [
                SimpleUploadedFile("材料.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("x.pdf", b"not really", "application/pdf"),
            ],
        },
    )
    assert response.status_code == 200 and "“x.pdf”不是允许的文件类型" in response.content.decode()
    assert not ProgressReport.objects.exists()
    response = client.post(
        reverse("plan_report_new", args=[t2.pk]),
        {
            "period": "2021Q1",
            "status": "in_progress",
            "completion": "35",
            "narrative": "推动设立两家小贷公司。",
            "files": [SimpleUploadedFile("材料.pdf", PDF, "application/pdf")],
        },
    )
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "plan_report_detail", args=[report.pk]
    )
    download = client.get(reverse("plan_evidence_download", args=[report.evidence.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    client.force_login(users["office"])
    response = client.post(
        reverse("plan_report_review", args=[report.pk]), {"decision": "return", "comment": "请附交易数据"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.review == "returned"

    client.force_login(users["member"])
    html = client.get(reverse("plan_report_detail", args=[report.pk])).content.decode()
    assert "请附交易数据" in html and 'data-testid="resubmit"' in html
    page = client.get(reverse("plan_report_new", args=[t2.pk]) + "?period=2021Q1").content.decode()
    assert "推动设立两家小贷公司。" in page and "保留上一版的佐证材料" in page
    client.post(
        reverse("plan_report_new", args=[t2.pk]),
        {
            "period": "2021Q1",
            "status": "in_progress",
            "completion": "45",
            "narrative": "补充交易数据。",
            "keep_evidence": "on",
        },
    )
    v2 = ProgressReport.objects.get(is_current=True)
    assert v2.version == 2 and v2.evidence.count() == 1
    html = client.get(reverse("plan_report_detail", args=[v2.pk])).content.decode()
    assert "第1版" in html and "第2版（最新）" in html


def test_office_issues_a_notice_and_the_unit_answers(client, plan, users, more_users):
    t3 = task(plan, 3)
    client.force_login(users["office"])
    page = client.get(reverse("plan_notice_new", args=[t3.pk])).content.decode()
    assert (
        "县财政局" in page and "山东鲁中高新区开发有限公司" not in page
    )  # a unit outside the platform is not a target
    response = client.post(
        reverse("plan_notice_new", args=[t3.pk]),
        {
            "unit": more_users["czj"].organisation_id,
            "reason": "未报送",
            "required_action": "补报",
            "working_days": "5",
        },
    )
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302
    client.force_login(more_users["czj"])
    html = client.get(reverse("plan_notice_detail", args=[notice.pk])).content.decode()
    d = notice.deadline
    assert "回复" in html and f"{d.year}年{d.month}月{d.day}日" in html
    client.post(reverse("plan_notice_respond", args=[notice.pk]), {"response": "已补报"})
    notice.refresh_from_db()
    assert notice.status == "responded"


def test_delay_request_and_decision_through_the_pages(client, plan, users, more_users):
    t3 = task(plan, 3)
    client.force_login(more_users["czj"])
    client.post(
        reverse("plan_delay_new", args=[t3.pk]),
        {"milestone": "", "requested_due": "2022-03-31", "reason": "资金未到位"},
    )
    d = DelayRequest.objects.get()
    client.force_login(users["office"])
    html = client.get(reverse("plan_delay_list")).content.decode()
    assert "资金未到位" in html
    client.post(reverse("plan_delay_decide", args=[d.pk]), {"decision": "approve", "comment": "同意"})
    d.refresh_from_db()
    assert d.status == "approved"
    assert "同意" in client.get(reverse("plan_task_detail", args=[t3.pk])).content.decode()


def test_assessment_and_bulletin_through_the_pages(client, plan, users, more_users):
    client.force_login(users["office"])
    client.post(
        reverse("plan_assessment_list"),
        {"name": "2021年上半年考核", "period_start": "2021-01-01", "period_end": "2021-06-30"},
    )
    scheme = AssessmentScheme.objects.get()
    quality = scheme.criteria.get(kind="quality")
    client.post(
        reverse("plan_score_manual", args=[scheme.pk]),
        {
            "criterion": quality.pk,
            "unit": more_users["czj"].organisation_id,
            "points": "14.5",
            "reason": "成效明显",
        },
    )
    client.post(reverse("plan_assessment_compute", args=[scheme.pk]))
    html = client.get(reverse("plan_assessment_detail", args=[scheme.pk])).content.decode()
    assert "14.50" in html and "县财政局" in html
    client.post(
        reverse("plan_bulletin_new"),
        {
            "scheme": scheme.pk,
            "number": "普惠办通报〔2021〕3号",
            "title": "上半年通报",
            "issued_on": "2021-07-10",
        },
    )
    bulletin = Bulletin.objects.get()
    client.post(
        reverse("plan_bulletin_detail", args=[bulletin.pk]),
        {"title": "上半年通报（修改）", "issued_on": "2021-07-12", "body": "第一段。\n第二段。"},
    )
    bulletin.refresh_from_db()
    assert bulletin.title == "上半年通报（修改）"
    client.post(reverse("plan_bulletin_publish", args=[bulletin.pk]))
    response = client.get(reverse("plan_bulletin_docx", args=[bulletin.pk]))
    from docx import Document

    doc = Document(io.BytesIO(response.content))
    assert "第二段。" in [p.text for p in doc.paragraphs]
    assert doc.tables[0].rows[1].cells[1].text == "县财政局"  # the only unit with quality points ranks first
    client.force_login(users["member"])
    assert (
        "上半年通报（修改）"
        in client.get(reverse("plan_bulletin_detail", args=[bulletin.pk])).content.decode()
    )


def test_every_page_renders_for_the_office_and_a_unit(client, plan, users):
    for who in ["office", "member", "abc"]:
        client.force_login(users[who])
        for name in [
            "plan_board",
            "plan_overdue",
            "plan_timeline",
            "plan_notice_list",
            "plan_delay_list",
            "plan_bulletin_list",
            "plan_notifications",
            "plan_my_tasks",
        ]:
            response = client.get(reverse(name))
            assert response.status_code in (200, 302), (who, name)
        assert client.get(reverse("plan_task_detail", args=[task(plan, 9).pk])).status_code == 200
    client.force_login(users["office"])
    html = client.get(reverse("plan_timeline")).content.decode()
    assert "milestone-data" in html and "到2020年底" in html
    html = client.get(reverse("plan_setup")).content.decode()
    assert "源政发〔2020〕9号" in html


def test_board_queries_do_not_grow_with_tasks(client, plan, users, django_assert_max_num_queries):
    client.force_login(users["office"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("plan_board") + "?period=2020Q4")
    html = response.content.decode()
    assert html.count('class="task"') == 22


def test_plan_upload_page_lists_problems_and_loads(client, units, village_bank, users, tmp_path):
    client.force_login(users["office"])
    bad = SimpleUploadedFile("bad.yaml", b"plan: {}\nunits: []\ntasks: []\n", "text/yaml")
    html = client.post(reverse("plan_setup"), {"action": "upload", "file": bad}).content.decode()
    assert "未导入任何内容" in html and "缺少县的区划代码" in html
    response = client.get(reverse("plan_template_download") + "?example=1")
    xlsx = SimpleUploadedFile("plan.xlsx", response.content)
    response = client.post(reverse("plan_setup"), {"action": "upload", "file": xlsx})
    assert response.status_code == 302 and Plan.objects.get().tasks.count() == 22
    client.post(
        reverse("plan_setup"),
        {"action": "settings", "report_frequency": "monthly", "report_due_working_days": "7"},
    )
    assert Plan.objects.get().report_frequency == "monthly"


@pytest.mark.parametrize("path", [PLAN_FILE])
def test_shipped_file_is_utf8_yaml(path):
    assert path.read_bytes().decode("utf-8").startswith("# 沂源县")
    assert datetime.date(2020, 7, 28).isoformat() in path.read_text(encoding="utf-8")


def test_the_office_chooses_a_rounds_points_on_a_page_until_it_is_first_computed(client, plan, users):
    client.force_login(users["office"])
    client.post(
        reverse("plan_assessment_list"),
        {"name": "2021年度考核", "period_start": "2021-01-01", "period_end": "2021-12-31"},
    )
    scheme = AssessmentScheme.objects.get()
    url = reverse("plan_assessment_criteria", args=[scheme.pk])
    page = client.get(url).content.decode()
    assert "目标达成（分）" in page and "保存分值" in page
    # Nothing given points: refused, the round keeps its criteria.
    before = list(scheme.criteria.values_list("kind", "max_points"))
    response = client.post(url, {k: "0" for k in Criterion.Kind.values})
    assert response.status_code == 200 and "至少需要一个考核项目" in response.content.decode()
    assert list(scheme.criteria.values_list("kind", "max_points")) == before
    # Outcomes weigh more, the quality score goes: stored in the kinds' order with the default names.
    chosen = {"report_timeliness": "10", "milestones": "20", "notice_response": "10", "targets": "40",
              "bank_evaluation": "15", "quality": "", "manual": "5"}  # fmt: skip
    response = client.post(url, chosen)
    assert response.status_code == 302
    rows = list(scheme.criteria.values_list("name", "kind", "max_points"))
    assert [(k, int(p)) for _n, k, p in rows] == [(k, int(v)) for k, v in chosen.items() if v]
    assert rows[3][0] == "目标达成" and rows[-1][0] == "其他（人工评分）"
    # Computed once: the points are frozen, the page says so and a change is refused.
    client.post(reverse("plan_assessment_compute", args=[scheme.pk]))
    page = client.get(url).content.decode()
    assert "分值已锁定" in page and "保存分值" not in page
    client.post(url, {**chosen, "targets": "50"})
    assert scheme.criteria.get(kind="targets").max_points == 40
