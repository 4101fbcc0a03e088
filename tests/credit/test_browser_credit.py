"""The issue's walk in headless Chromium: an agent fills an archive on a phone (and the connection drops
on submit) → the bank verifies → the household is rated with reasons → pre-credit offered and accepted →
the village's designation changes."""

import datetime

import pytest

from puhui.credit.models import HouseholdArchive, PreCreditLine
from tests.conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TEXT = {
    "labour_count": "2",
    "residence_years": "30",
    "land_contracted_mu": "6.5",
    "land_transferred_in_mu": "3",
    "main_activities": "苹果",
    "operating_years": "12",
    "total_assets": "300000",
    "total_liabilities": "20000",
    "annual_net_income": "80000",
    "operating_income": "120000",
    "accounts": "农商行借记卡",
    "lender_count": "1",
    "overdue_count_3y": "0",
    "repaid_loans_count": "2",
    "guarantee_outstanding": "0",
}
SELECT = {
    "head_education": "junior_secondary",
    "housing": "owned_brick",
    "has_agri_insurance": "true",
    "new_agri_entity": "false",
    "current_overdue": "false",
    "current_npl": "false",
    "utility_arrears": "false",
    "litigation_pending": "false",
    "enforcement_pending": "false",
    "enforcement_closed": "false",
    "debt_evasion_record": "false",
}


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(username, viewport=None):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username, PASSWORD)
        page.wait_for_url("**/")
        return page

    yield open_as
    for c in contexts:
        c.close()


def test_the_credit_walk(transactional_db, as_user, county, users):
    hh = county["households"][0]
    village = county["villages"][0]
    village.farm_households = 1  # one credit household makes this small village a credit village
    village.save()

    office = as_user("office")
    office.goto(f"/credit/villages/{village.pk}/")
    assert "尚未达到" in office.inner_text("[data-testid=designation]")

    # The agent fills the archive on a phone; the connection drops as they submit.
    agent = as_user("agent", PHONE)
    agent.goto("/credit/")
    agent.click("[data-testid=worklist] a.btn:text-is('建档')")
    agent.wait_for_url(f"**/credit/households/{hh.pk}/archive/")
    for name, value in TEXT.items():
        agent.fill(f"#id_{name}", value)
    for name, value in SELECT.items():
        agent.select_option(f"#id_{name}", value)
    agent.context.set_offline(True)
    agent.click("button[type=submit]")
    agent.wait_for_selector("#draft-status:has-text('草稿已保存在本机')")
    assert not HouseholdArchive.objects.filter(household=hh).exists()
    agent.context.set_offline(False)  # back online: the draft is submitted by itself
    agent.wait_for_url(f"**/credit/households/{hh.pk}/")
    assert "待核实" in agent.inner_text("[data-testid=archive]")
    assert HouseholdArchive.objects.get(household=hh).is_complete

    # The bank verifies; the household is rated at once.
    bank = as_user("abc")
    bank.goto("/credit/")
    bank.click(f"[data-testid=pending] >> text={hh.code}")
    bank.click("text=核实档案")
    bank.wait_for_selector("[data-testid=grade]")
    grade = bank.inner_text("[data-testid=grade]")
    assert grade in {"AAA", "AA", "A"}

    # The bank offers a pre-credit line within the rule's limit.
    valid_until = datetime.date.today() + datetime.timedelta(days=365)
    bank.fill("input[name=valid_until]", valid_until.isoformat())
    bank.click("button:has-text('预授信')")
    bank.wait_for_selector("text=已预授信")
    assert PreCreditLine.objects.get().status == "offered"

    # The farmer sees the rating with reasons in plain Chinese and accepts the line.
    farmer = as_user("farmer", PHONE)
    farmer.goto(f"/credit/households/{hh.pk}/")
    assert farmer.inner_text("[data-testid=grade]") == grade
    assert farmer.locator("[data-testid=reasons] li").count() >= 1
    farmer.click("button:has-text('确认授信')")
    farmer.wait_for_selector("text=已确认授信")
    assert PreCreditLine.objects.get().status == "accepted"

    # The village now meets the credit-village conditions; the yearly evaluation records it.
    office.goto(f"/credit/villages/{village.pk}/")
    assert office.inner_text("[data-testid=designation]") == "达到信用村标准"
    office.goto("/credit/scorecards/")
    office.click("button:has-text('年度信用评定')")
    office.wait_for_selector("text=评定完成")
    office.goto(f"/credit/villages/{village.pk}/")
    assert f"{datetime.date.today().year}年：信用村" in office.content()
