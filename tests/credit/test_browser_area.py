"""In headless Chromium: the town credit page draws its map (villages at their seats on the town's
outline) and recolours it by another figure; a click on a village opens its page."""

import pytest

from tests.conftest import PASSWORD, log_in
from tests.credit.test_area_pages import square

pytestmark = pytest.mark.browser


def test_town_page_draws_the_map(transactional_db, page, county, users, archived):
    archived(0)
    town = county["towns"][0]
    town.boundary = square(118.0, 36.0)
    town.save()
    for i, v in enumerate(county["villages"][:2]):
        v.longitude, v.latitude = 118.03 + 0.04 * i, 36.05
        v.save()
    log_in(page, "lishan", PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/credit/towns/{town.pk}/")
    page.wait_for_selector("#area-map[data-ready='1'] canvas")
    assert page.locator("#area-map canvas").count() >= 1
    assert page.inner_text("[data-testid=archive-rate]") == "0.2%"
    page.select_option("#area-metric", "precredit_rate")
    page.wait_for_selector("#area-map canvas")
    assert "历山1村" in page.inner_text("[data-testid=villages]")
    page.click("[data-testid=villages] a:has-text('历山1村')")
    page.wait_for_selector("[data-testid=town-link]")
    page.wait_for_selector("#area-map[data-ready='1'] canvas")
