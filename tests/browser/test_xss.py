"""In headless Chromium (issue M3): names that users enter reach the ECharts tooltips as text, never as HTML,
and the main pages run under the Content-Security-Policy without a single violation.

The tooltip checks run with the policy switched off (bypass_csp) so that they prove the encoding on its own:
with the policy on, Chromium would refuse the inline onerror handler anyway.
"""

import pytest

from puhui.core.models import Division
from puhui.data import derived
from puhui.data import selectors as data_selectors
from puhui.data import services as data_services
from puhui.data.models import Indicator
from puhui.index import services as index_services
from puhui.plan.models import Milestone
from tests.conftest import PASSWORD, log_in
from tests.credit.conftest import archived  # noqa: F401 (fixture)
from tests.credit.test_area_pages import square
from tests.data.conftest import loan_row
from tests.index.conftest import dated  # noqa: F401 (fixture)
from tests.plan.conftest import plan, units, village_bank  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

EVIL = "<img src=x onerror=window.__xss=1>"
MARK = "onerror=window.__xss=1"

# Shows the tooltip of the first data item (in any series of the chart in #id) whose name or raw item contains
# MARK, as a hover would; returns false when there is none.
SHOW_TIP = """([id, mark]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const count = chart.getOption().series.length;
  for (let s = 0; s < count; s++) {
    const data = chart.getModel().getSeriesByIndex(s).getData();
    for (let i = 0; i < data.count(); i++) {
      const raw = JSON.stringify(data.getRawDataItem(i) ?? null) || "";
      if (String(data.getName(i)).includes(mark) || raw.includes(mark)) {
        chart.dispatchAction({ type: "showTip", seriesIndex: s, dataIndex: i });
        return true;
      }
    }
  }
  return false;
}"""

# The tooltip (ECharts puts it inside the chart's element) holds the name: as text, or as an element made of it.
TOOLTIP_FILLED = """([id, evil]) => {
  const el = document.getElementById(id);
  return !!el.querySelector("img") || [...el.querySelectorAll("div")].some((d) => d.textContent.includes(evil));
}"""
TOOLTIP_TEXT = """([id, evil]) =>
  [...document.getElementById(id).querySelectorAll("div")].some((d) => d.textContent.includes(evil))"""


def assert_tooltip_is_text(page, chart_id):
    page.wait_for_selector(f"#{chart_id}[data-ready='1'] canvas")
    assert page.evaluate(SHOW_TIP, [chart_id, MARK]), f"{chart_id}：图中没有恶意名称"
    page.wait_for_function(TOOLTIP_FILLED, arg=[chart_id, EVIL])
    page.wait_for_timeout(300)  # an <img src=x> would have failed to load and run its onerror by now
    assert page.evaluate("() => window.__xss") is None, f"{chart_id}：提示框执行了名称中的脚本"
    assert page.locator(f"#{chart_id} img").count() == 0, f"{chart_id}：提示框把名称当作 HTML"
    # The name appears in the tooltip as the literal text typed.
    assert page.evaluate(TOOLTIP_TEXT, [chart_id, EVIL])


@pytest.fixture
def evil_county(transactional_db, county, users):
    """A county whose town 历山街道, village 历山1村, an indicator and a plan milestone carry HTML in their names."""
    for i, town in enumerate(county["towns"]):
        town.boundary = square(118.1 + 0.05 * i, 36.1)
        town.save(update_fields=["boundary"])
    town, village = county["towns"][0], county["villages"][0]
    Division.objects.filter(pk=town.pk).update(name=EVIL)
    Division.objects.filter(pk=village.pk).update(name=EVIL)
    return county


@pytest.fixture
def xss_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def test_names_reach_the_tooltips_as_text(xss_page, evil_county, users, plan, archived):  # noqa: F811
    page = xss_page
    data_services.catalogue_sync(actor=users["office"])
    indicator = next(i for i in data_selectors.browsable_indicators() if "town" in i.levels)
    Indicator.objects.filter(pk=indicator.pk).update(name=EVIL)
    milestone = Milestone.objects.order_by("due_on").first()
    Milestone.objects.filter(pk=milestone.pk).update(text=EVIL)
    archived(0)  # a rated household in the evil village, so the credit map has a figure to show
    town = evil_county["towns"][0]
    for i, v in enumerate(evil_county["villages"][:2]):
        Division.objects.filter(pk=v.pk).update(longitude=118.12 + 0.02 * i, latitude=36.12)

    log_in(page, "office", PASSWORD)
    page.wait_for_url("**/")

    # Dashboard: the county map (puhui/static/js/county-map.js).
    assert_tooltip_is_text(page, "county-map")

    # Data explorer at town level: the town map (puhui/data/static/data/charts.js); the indicator's name too.
    page.goto(f"/data/indicators/?indicator={indicator.code}&level=town")
    assert_tooltip_is_text(page, "town-map")

    # Plan timeline: the milestone's text (puhui/plan/static/plan/timeline.js).
    page.goto("/plan/timeline/")
    assert_tooltip_is_text(page, "milestone-chart")

    # Credit map of the town: villages at their seats (puhui/credit/static/credit/area-map.js).
    page.goto(f"/credit/towns/{town.pk}/")
    assert_tooltip_is_text(page, "area-map")
    # …and of the county: towns as areas.
    page.goto("/credit/towns/")
    assert_tooltip_is_text(page, "area-map")

    # The tables beside the charts show the name as text as well (Django's autoescape).
    assert page.evaluate("() => window.__xss") is None


# ------------------------------------------------------------------------------------------------ policy


@pytest.fixture
def everything(transactional_db, dated, users, plan, archived):  # noqa: F811
    """A county with boundaries, the data catalogue, the plan, a rated household and a published index."""
    for i, town in enumerate(dated["towns"]):
        town.boundary = square(118.1 + 0.05 * i, 36.1)
        town.save(update_fields=["boundary"])
    data_services.catalogue_sync(actor=users["office"])
    # Two measured years: the index builds only periods with reported data, and needs two to impute.
    for period, issued in (("2019Q4", "2019-11-05"), ("2020Q4", "2020-11-05")):
        rows = [loan_row(n, **{"发放日期": issued, "贷款余额（元）": "40000"}) for n in (1, 2, 3)]
        up = data_services.upload_start(
            actor=users["abc"],
            institution=dated["abc"],
            form_code="loans",
            period_code=period,
            channel="api",
            rows=rows,
        )
        data_services.submission_review(
            actor=users["office"], submission=up.submission, approve=True, recompute=False
        )
    derived.compute_all()
    archived(0)
    index_services.index_build(actor=users["office"], publish=True, last_year=2021, uncertainty_runs=10)
    return dated


def test_main_pages_run_under_the_policy(page, everything, users):
    violations = []

    def on_console(msg):
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            violations.append(f"{page.url}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: violations.append(f"{page.url}: {exc}"))

    log_in(page, "office", PASSWORD)
    page.wait_for_url("**/")
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#county-map[data-ready='1'] canvas")

    page.goto("/data/targets/")
    page.wait_for_selector("main")
    page.locator("main [data-target] a").first.click()
    page.wait_for_selector("#series-chart[data-ready='1'] canvas")
    page.goto("/data/indicators/?level=town")
    page.wait_for_selector("#town-map[data-ready='1'] canvas")

    page.goto("/plan/timeline/")
    page.wait_for_selector("#milestone-chart[data-ready='1'] canvas")

    page.goto("/credit/towns/")
    page.wait_for_selector("#area-map[data-ready='1'] canvas")
    town = everything["towns"][0]
    page.goto(f"/credit/towns/{town.pk}/")
    page.wait_for_selector("main")

    page.goto("/index/")
    page.wait_for_selector("#trend-chart[data-ready='1'] canvas")
    page.wait_for_selector("#county-map[data-ready='1'] canvas")
    # A behaviour moved out of an onchange= attribute (puhui/static/js/app.js) still works.
    page.select_option("#period", "2019")
    page.wait_for_url("**period=2019**")
    page.wait_for_selector("#trend-chart[data-ready='1'] canvas")

    page.goto(f"/index/towns/{town.code}/")
    page.wait_for_selector("#radar-chart[data-ready='1'] canvas")

    # htmx re-renders the roster when a filter changes (no hx-on, no eval).
    page.goto("/registry/households/")
    page.select_option("select[name=farm]", "0")
    page.wait_for_url("**farm=0**")

    # Swagger UI runs from ninja's static files under the same policy.
    page.goto("/api/v1/docs")
    page.wait_for_selector("#swagger-ui .info")

    page.wait_for_timeout(300)
    assert violations == []


def test_a_confirm_moved_out_of_onsubmit_still_asks(page, county, users, transactional_db):
    log_in(page, "admin", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/users/")
    form = page.locator("form[data-confirm]").first
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    url = page.url
    form.locator("button").click()
    page.wait_for_timeout(300)
    assert asked == ["确定重置该用户的密码？"] and page.url == url
