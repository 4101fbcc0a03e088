"""The roster pages in headless Chromium: htmx filters and the 显示明文 button.

Chromium is driven from a thread of its own: the session-wide sync Playwright of tests/browser keeps an
event loop in the main thread, and a second sync Playwright cannot start beside it there.
"""

import threading

import pytest

from puhui.core.models import AuditLog
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, log_in
from tests.conftest import ID_NUMBERS, PASSWORD

pytestmark = pytest.mark.browser


def in_browser(live_server, steps) -> None:
    failures: list[BaseException] = []

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
                )
                context.set_default_timeout(10_000)
                try:
                    steps(context.new_page())
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


@pytest.fixture
def live_county(transactional_db, county):
    return county


def test_town_official_filters_and_unmasks(live_server, live_county, users):
    h = live_county["households"]
    h[1].is_farm = False
    h[1].save()

    def steps(page):
        log_in(page, "lishan", PASSWORD)
        page.wait_for_url("**/")
        page.click("nav >> text=农户名录")
        table = page.locator("[data-testid=household-table]")
        assert "H0" in table.inner_text() and "H1" in table.inner_text()
        assert "H2" not in table.inner_text()

        # Changing a select re-renders the roster through htmx and pushes the filter into the URL.
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

    in_browser(live_server, steps)
    log = AuditLog.objects.get(action="unmask")
    assert (log.actor, log.object_id) == (users["town_lishan"], str(h[1].pk))


def test_lookup_by_id_number(live_server, live_county, users):
    def steps(page):
        log_in(page, "office", PASSWORD)
        page.wait_for_url("**/")
        page.goto("/registry/households/")
        page.fill("input[name=number]", ID_NUMBERS[3])
        page.click("text=精确查找")
        page.wait_for_url("**key=**")
        assert ID_NUMBERS[3] not in page.url
        rows = page.locator("[data-testid=household-table] tbody tr")
        assert rows.count() == 1 and "H3" in rows.inner_text()

    in_browser(live_server, steps)
