"""In headless Chromium: the archive form on an agent's phone (steps, progress, the error summary that opens
the step of the first error and puts the cursor there, 保存并下一户), the figures helpers the charts use, and
the API documentation in Chinese."""

import pytest

from puhui.credit.models import HouseholdArchive
from puhui.registry.models import Household
from tests.conftest import PASSWORD, log_in
from tests.credit.conftest import COMPLETE

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def _visible_step(page) -> str:
    return page.locator("fieldset[data-step]:visible").get_attribute("data-step")


def _fill_step_one(page, labour="2"):
    page.select_option("#id_head_education", "junior_secondary")
    page.fill("#id_labour_count", labour)
    page.fill("#id_residence_years", "30")
    page.select_option("#id_housing", "owned_brick")


def test_an_agent_fills_the_archive_in_steps_on_a_phone(transactional_db, phone, county, users):
    h0 = county["households"][0]
    nxt = Household.objects.create(
        code="H9", village=h0.village, town=h0.town, head_name="户主9", head_age=50, size=2
    )
    page = phone
    log_in(page, "agent", PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/credit/households/{h0.pk}/archive/")
    # One step at a time, with where the agent is and how much is filled.
    assert _visible_step(page) == "1"
    assert page.inner_text("[data-testid=step-label]") == "第 1/6 步：家庭基本情况"
    assert "必填项已填 0/21 项" in page.inner_text("[data-testid=completeness]")
    _fill_step_one(page, labour="-1")  # no household has minus one worker
    assert "必填项已填 4/21 项" in page.inner_text("[data-testid=completeness]")
    page.click("[data-testid=step-next]")
    assert _visible_step(page) == "2"
    assert page.inner_text("[data-testid=step-label]") == "第 2/6 步：土地与经营"
    page.fill("#id_land_contracted_mu", "6.5")
    # Saved with a mistake: the summary at the top names it, the form opens at its step, the cursor is there.
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert "家庭劳动力人数" in page.inner_text("[data-testid=error-summary]")
    assert _visible_step(page) == "1"
    assert page.evaluate("document.activeElement.id") == "id_labour_count"
    assert page.locator("#id_labour_count").is_visible()
    assert not HouseholdArchive.objects.filter(household=h0).exists()
    # Put right, everything filled, 保存并下一户: the next household of the village, at its first step.
    for name, value in COMPLETE.items():
        selector = f"#id_{name}"
        kind = page.eval_on_selector(selector, "el => el.tagName")
        page.evaluate(
            "([sel, v]) => { const el = document.querySelector(sel); el.value = v;"
            " el.dispatchEvent(new Event('input', {bubbles: true})); }",
            [
                selector,
                {True: "true", False: "false"}.get(value, str(value)) if kind == "SELECT" else str(value),
            ],
        )
    assert "必填项已填 21/21 项（完整度 100%）" in page.inner_text("[data-testid=completeness]")
    page.click("[data-testid=save-next]")
    page.wait_for_url(f"**/credit/households/{nxt.pk}/archive/")
    assert "已保存 户主0 家的档案，完整度 100%" in page.inner_text("main")
    assert _visible_step(page) == "1"
    assert HouseholdArchive.objects.get(household=h0).completeness == 100


def test_a_member_can_be_added_on_the_page(transactional_db, phone, county, users):
    h0 = county["households"][0]
    page = phone
    log_in(page, "agent", PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/credit/households/{h0.pk}/archive/")
    page.click("[data-step-go='6']")
    rows = page.locator("[data-formset-rows=m] .member")
    before = rows.count()
    page.click("[data-formset-add=m]")
    assert rows.count() == before + 1
    assert page.input_value("#id_m-TOTAL_FORMS") == str(before + 1)
    page.fill(f"#id_m-{before}-name", "户主0之子")
    page.fill(f"#id_m-{before}-relation", "子")
    page.click("[data-testid=save]")
    page.wait_for_url(f"**/credit/households/{h0.pk}/")
    assert HouseholdArchive.objects.get(household=h0).members.filter(name="户主0之子").exists()


def test_chart_figures_fit_the_data(transactional_db, page, county, users):
    log_in(page, "office", PASSWORD)
    page.wait_for_url("**/")
    fit = page.evaluate("puhuiFigures.fit([0.77, 0.81, 0.96], {share: true})")
    assert 0.7 <= fit[0] <= 0.77 and 0.96 <= fit[1] <= 1  # not 0–100%: the towns differ in colour
    assert page.evaluate("puhuiFigures.scale([150000000, 2000], '元')") == {"divisor": 1e8, "unit": "亿元"}
    assert page.evaluate("puhuiFigures.format(123456789, '元')") == "1.23亿元"
    assert page.evaluate("puhuiFigures.format(45678.9, '元')") == "4.57万元"
    assert page.evaluate("puhuiFigures.format(0.786, 'share')") == "78.6%"
    assert page.evaluate("puhuiFigures.number(1234567)") == "1,234,567"


def test_the_api_documentation_speaks_chinese(transactional_db, page, county, users):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    body = page.inner_text("#swagger-ui")
    assert "授权" in body and "Authorize" not in body
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".try-out__btn")
    assert page.inner_text(".try-out__btn").strip() == "试用"
    section = page.inner_text(".opblock.is-open")
    assert "参数" in section and "响应" in section
    assert "Parameters" not in section and "Responses" not in section
