"""The incentive walk in headless Chromium on the worked examples' 2020 evaluation: a bank finds its results and
objects to one with a PDF; the finance bureau sees the objection on its home page, answers it, approves the rural
bank's award with a lower amount, records the payment, and finds it in the ledger; the bank sees the payment."""

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from playwright.sync_api import expect

from puhui.core.models import Organisation, User
from puhui.policy.models import Objection, Result
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def finance_bureau(transactional_db, county):
    czj = Organisation.objects.create(
        code="CZJ", name="沂源县财政局", kind="government", plan_alias="县财政局"
    )
    return User.objects.create(
        username="czj", role="member_unit", organisation=czj, password=make_password(PASSWORD)
    )


def test_the_incentive_walk(
    transactional_db, as_user, worked_evaluation, users, finance_bureau, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # ABC sees only its own two results and objects to the failed award.
    bank = as_user("abc")
    bank.click("text=政策工具")
    bank.click("text=政策激励评价")
    bank.click("[data-testid=evaluations] >> text=2020 年")
    bank.wait_for_url("**/policy/evaluations/*/")
    # The locator's count does not wait for the page; expect() waits until the rows are there.
    expect(bank.locator("[data-testid=results] tbody tr")).to_have_count(5)
    assert "农村商业银行" not in bank.inner_text("[data-testid=results]")
    bank.click("[data-testid=results] tr:has-text('创业担保贷款奖补') >> text=不符合")
    expect(bank.locator("[data-testid=conditions]")).to_contain_text("不低于 10.00%")
    bank.fill("[data-testid=objection-form] textarea", "我行第四季度有一笔创业担保贷款漏报，已补报。")
    bank.set_input_files(
        "#id_files", files=[{"name": "补报说明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    bank.click("[data-testid=objection-form] button")
    expect(bank.locator("main")).to_contain_text("异议已提交")

    # The finance bureau sees it to answer, answers, and decides the rural bank's award.
    finance = as_user("czj")
    expect(finance.locator("main")).to_contain_text("待答复的政策激励异议")
    objection = Objection.objects.get()
    finance.goto(f"/policy/results/{objection.result_id}/")
    finance.fill("[data-testid=objection] textarea", "已核对，补报数据将在重新评价时采用。")
    finance.click("[data-testid=objection] button")
    expect(finance.locator("main")).to_contain_text("已答复")
    award = Result.objects.get(rule_code="startup_award", institution__code="RCB-YY")
    finance.goto(f"/policy/results/{award.pk}/")
    assert "333,333.33 元" in finance.inner_text("[data-testid=granted]")
    finance.select_option("#id_decision", "approved")
    finance.fill("#id_amount", "300000")
    finance.fill("#id_approval_no", "沂财金〔2021〕3号")
    finance.click("[data-testid=decide-form] button")
    finance.fill("#id_paid_on", timezone.localdate().isoformat())
    finance.click("[data-testid=pay-form] button")
    expect(finance.locator("main")).to_contain_text("已登记拨付")
    finance.goto("/policy/ledger/")
    assert "300,000 元" in finance.inner_text("[data-testid=ledger]")
    with finance.expect_download() as download:
        finance.click("text=导出 Excel")
    assert download.value.suggested_filename == "政策激励资金拨付台账.xlsx"

    # The rural bank sees its award paid; ABC's ledger stays empty.
    assert "300,000 元" in as_user("rcb").goto("/policy/ledger/").text()
    bank.goto("/policy/ledger/")
    assert "还没有已同意的奖补" in bank.inner_text("[data-testid=ledger]")
