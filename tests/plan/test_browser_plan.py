"""The issue's walk in headless Chromium: report → returned → resubmitted → 督办 → overdue reminder → ranking → 通报."""

import datetime
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from puhui.plan import services
from puhui.plan.models import ProgressReport, SupervisionNotice
from tests.conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_supervision_walk(transactional_db, as_user, plan, users):
    # The unit submits its progress report with a PDF as evidence.
    unit = as_user("member")
    unit.goto("/plan/my/")
    unit.click("[data-testid=my-tasks] >> text=2. 丰富金融业态")
    unit.click("[data-testid=report-new]")
    unit.select_option("#id_period", "2022Q2")
    unit.select_option("#id_status", "in_progress")
    unit.fill("#id_completion", "60")
    unit.fill("#id_narrative", "推动两家小额贷款公司规范发展。")
    unit.set_input_files(
        "#id_files", files=[{"name": "进展.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    unit.click("button[type=submit] >> text=报送")
    expect(unit.locator("[data-testid=version-1] [data-testid=review]")).to_contain_text("待审核")
    report = ProgressReport.objects.get()

    # The office returns it with a comment.
    office = as_user("office")
    office.goto(f"/plan/reports/{report.pk}/")
    office.check("[data-testid=review-form] input[value=return]")
    office.fill("[data-testid=review-form] textarea[name=comment]", "请补充小额贷款公司的贷款余额数据。")
    office.click("[data-testid=review-form] button")
    expect(office.locator("[data-testid=version-1] [data-testid=review]")).to_contain_text("已退回")

    # The unit sees it among its to-dos and resubmits; both versions stay readable.
    unit.goto("/plan/my/")
    unit.click("[data-testid=todo] >> text=丰富金融业态")
    expect(unit.locator("main")).to_contain_text("请补充小额贷款公司的贷款余额数据。")
    unit.click("[data-testid=resubmit]")
    unit.fill("#id_completion", "65")
    unit.fill("#id_narrative", "两家小额贷款公司贷款余额合计 1.3 亿元。")
    unit.click("button[type=submit] >> text=报送")
    assert "第2版（最新）" in unit.inner_text("main") and "第1版" in unit.inner_text("main")
    assert ProgressReport.objects.filter(version=2, is_current=True).exists()

    # The office issues a 督办 notice with a deadline in working days.
    office.goto(f"/plan/tasks/{report.task_id}/")
    office.click("[data-testid=notice-new]")
    office.select_option("#id_unit", label="县金融证券工作服务中心")
    office.fill("#id_reason", "小额贷款公司监管数据未按要求报送。")
    office.fill("#id_required_action", "三个工作日内报送监管数据。")
    office.fill("#id_working_days", "3")
    office.click("button[type=submit] >> text=签发")
    notice = SupervisionNotice.objects.get()
    assert notice.number in office.inner_text("h1")

    # The deadline passes without an answer; the daily reminder run (as the job would, a day later) sends 催办.
    services.plan_remind(as_of=notice.deadline + datetime.timedelta(days=1))
    unit.goto("/plan/notifications/")
    assert f"催办：督办单 {notice.number}已逾期" in unit.inner_text("[data-testid=notifications]")
    assert int(unit.inner_text("[data-testid=unread]")) >= 1

    # The office assesses the units: the unit ranks first on the office's quality score.
    office.goto("/plan/assessments/")
    office.fill("#id_name", "2022年度考核")
    office.fill("#id_period_start", "2022-01-01")
    office.fill("#id_period_end", "2022-12-31")
    office.click("button[type=submit] >> text=新建")
    office.select_option("#id_criterion", label="工作质量（满分 15.00）")
    office.select_option("#id_unit", label="县金融证券工作服务中心")
    office.fill("#id_points", "14.5")
    office.fill("#id_reason", "整改及时，报告翔实。")
    office.click("button[type=submit] >> text=保存评分")
    office.click("[data-testid=compute]")
    first = office.inner_text("[data-testid=ranking] tbody tr:first-child")
    assert first.startswith("1") and "县金融证券工作服务中心" in first

    # The 通报 is drafted with the ranking and downloaded as Word.
    office.click("text=起草通报")
    office.fill("#id_issued_on", (notice.deadline + datetime.timedelta(days=1)).isoformat())
    office.click("button[type=submit] >> text=生成草稿")
    office.wait_for_url(re.compile(r".*/plan/bulletins/\d+/$"))
    assert "县金融证券工作服务中心" in office.inner_text("[data-testid=bulletin-ranking]")
    with office.expect_download() as download:
        office.click("[data-testid=docx]")
    from docx import Document

    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[1][:2] == ["1", "县金融证券工作服务中心"]
    assert any(notice.number in p.text for p in doc.paragraphs)  # the overdue notice is listed in the 通报


def test_my_tasks_on_a_phone(browser, live_server, transactional_db, plan, users):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    log_in(page, "member", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/plan/my/")
    assert page.is_visible("[data-testid=my-tasks]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing forces sideways scrolling
    page.goto("/plan/timeline/")
    page.wait_for_selector("#milestone-chart[data-ready='1'] canvas")
    context.close()
