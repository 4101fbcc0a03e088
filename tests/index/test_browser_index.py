"""The index pages in headless Chromium: overview with charts, a town page, the methodology."""

import pytest

from puhui.index import services
from tests.conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_index(transactional_db, dated, users):
    return services.index_build(actor=users["office"], publish=True, last_year=2021, uncertainty_runs=20)


def test_overview_town_and_methodology(page, live_index):
    log_in(page, "member", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/index/")
    page.wait_for_selector("#trend-chart[data-ready='1']")
    ranking = page.locator("[data-testid=ranking]")
    assert "历山街道" in ranking.inner_text() and "鲁村镇" in ranking.inner_text()

    page.select_option("#period", "2019")
    page.wait_for_url("**period=2019**")
    ranking.locator("text=鲁村镇").click()
    page.wait_for_url("**/index/towns/370323102000/**")
    page.wait_for_selector("#radar-chart[data-ready='1']")
    assert "2019年" in page.inner_text("main")
    assert page.locator("[data-testid=town-score]").inner_text().strip() != "—"

    page.click("text=普惠金融指数 >> nth=0")
    page.click("text=编制方法")
    page.wait_for_url("**/index/methodology/**")
    body = page.locator("[data-testid=methodology]").inner_text()
    assert "每万人银行网点数" in body and "安全" in body and "基期" in body
