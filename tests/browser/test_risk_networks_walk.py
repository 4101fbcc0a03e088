"""The office and a bank look at the county's guarantee network in headless Chromium (the test network of
tests/risk/networks_fixtures.py): from the 金融风险 menu to the overview, the groups list, the circle's group with
its graph drawn; the bank sees the same group with the other bank summed and no graph."""

import pytest

from puhui.risk.services.networks import network_build
from tests.risk import networks_fixtures

pytestmark = pytest.mark.browser
network = networks_fixtures.network


@pytest.fixture
def scene(transactional_db, network, users):
    network_build(actor=users["office"], period=network["period"])
    return network


def test_the_office_and_a_bank_read_the_guarantee_network(scene, as_user):
    page = as_user("office")
    page.get_by_role("button", name="金融风险").click()
    page.click(".dropdown-menu.show >> text=担保网络")
    page.wait_for_url("**/risk/networks/")
    figures = page.inner_text("[data-testid=figures]")
    assert "3 个" in figures and "10 户" in figures
    page.click(".nav-tabs >> text=担保群")
    page.wait_for_url("**/risk/networks/groups/?period=2020Q1")
    page.click("main table >> text=2")
    page.wait_for_url("**/risk/networks/groups/2/?period=2020Q1")
    graph = page.locator("[data-testid=graph]")
    graph.locator("canvas").wait_for()
    assert graph.get_attribute("data-nodes") == "3" and graph.get_attribute("data-links") == "3"
    assert "沂源乙方果品有限公司" in page.inner_text("[data-testid=circles]")

    bank = as_user("abc")
    bank.goto("/risk/networks/groups/2/")
    banks = bank.inner_text("[data-testid=banks]")
    assert "中国农业银行" in banks and "其他银行合计（1 家）" in banks
    assert bank.locator("[data-testid=graph]").count() == 0
    assert "沂源乙方果品有限公司" not in bank.inner_text("main")
