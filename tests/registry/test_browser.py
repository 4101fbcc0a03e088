"""The roster pages in headless Chromium: filters, the number search and the 显示明文 button."""

import pytest

from puhui.core.models import AuditLog
from tests.conftest import ID_NUMBERS, PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_county(transactional_db, county):
    return county


def test_town_official_filters_and_unmasks(page, live_county, users):
    h = live_county["households"]
    h[1].is_farm = False
    h[1].save()

    log_in(page, "lishan", PASSWORD)
    page.wait_for_url("**/")
    page.click("nav >> text=名录")
    page.click("nav >> text=农户名录")
    table = page.locator("[data-testid=list-households] table")
    assert "H0" in table.inner_text() and "H1" in table.inner_text()
    assert "H2" not in table.inner_text()

    # Changing a select posts the search form; the list comes back with the filter in its URL.
    page.select_option("select[name=farm]", "0")
    page.wait_for_url("**farm=0**")
    assert "H0" not in table.inner_text() and "H1" in table.inner_text()

    page.click("text=H1")
    page.wait_for_url(f"**/registry/households/{h[1].pk}/")
    assert ID_NUMBERS[1] not in page.inner_text("main")
    page.click("[data-testid=unmask-head_id_number]")
    page.wait_for_selector("[data-testid=clear-value]")
    assert ID_NUMBERS[1] in page.inner_text("#pf-head_id_number")
    assert "13800000001" not in page.inner_text("main")  # the phone stays masked

    log = AuditLog.objects.get(action="unmask")
    assert (log.actor, log.object_id) == (users["town_lishan"], str(h[1].pk))


def test_lookup_by_id_number(page, live_county, users):
    log_in(page, "office", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/registry/households/")
    page.fill("input[name=q]", ID_NUMBERS[3])
    page.click('main button[type=submit]:has-text("查询")')
    page.wait_for_url("**key=**")
    assert ID_NUMBERS[3] not in page.url
    rows = page.locator("[data-testid=list-households] tbody tr")
    assert rows.count() == 1 and "H3" in rows.inner_text()
