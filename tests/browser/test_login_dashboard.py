import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser


def test_office_logs_in_and_sees_the_dashboard_with_map(page, mapped_county, users):
    log_in(page, "office", "wrong-password")
    assert "用户名或密码错误" in page.inner_text("main")

    log_in(page, "office", PASSWORD)
    page.wait_for_url("**/")
    assert "概览" in page.inner_text("h1")
    cards = page.inner_text("[data-testid=cards]")
    assert "村（社区）" in cards and "市场主体" in cards
    page.wait_for_selector("#county-map[data-ready='1'] canvas")
    assert "领导小组办公室" in page.inner_text("[data-testid=whoami]")

    page.click("nav >> text=名录")
    page.click("nav >> text=机构与网点")
    expect(page.locator("main")).to_contain_text("中国农业银行沂源县支行")


def test_bank_user_sees_own_outlets_only(page, mapped_county, users):
    log_in(page, "abc", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/organisations/")
    text = page.inner_text("main")
    assert "农行鲁村分理处" in text and "农商行历山支行" not in text
    response = page.goto(f"/organisations/{mapped_county['rcb'].pk}/")
    assert response.status == 404


def test_dashboard_works_on_a_phone(browser, live_server, mapped_county, users):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    log_in(page, "lishan", PASSWORD)
    page.wait_for_url("**/")
    # The menu collapses behind the toggler on a narrow screen; a town official's 镇村信用建设 opens
    # their own town, with its villages.
    assert not page.is_visible("nav >> text=信用体系")
    page.click(".navbar-toggler")
    page.click("nav >> text=信用体系")
    page.click("nav >> text=镇村信用建设")
    page.wait_for_url(f"**/credit/towns/{mapped_county['towns'][0].pk}/**")
    assert "历山1村" in page.inner_text("main")
    context.close()
