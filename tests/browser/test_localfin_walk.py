"""The finance centre's walk through local finance in headless Chromium, on the test county with a guarantee
company whose approved 2021Q1 return is above its licensed leverage cap: from the 地方金融 menu to the listing
board, a firm put into the pipeline, moved forward, refused a move back without a reason, moved back with
one and the history shown; a bond whose maturity precedes its issue refused, corrected and listed; the
guarantee company's breach on 监管指标核查 and its own page; and the board on a phone without sideways scrolling."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from puhui.core.models import User
from puhui.data import services as data_services
from puhui.localfin.access import FINANCE_CENTRE
from puhui.localfin.models import BondIssue, Candidate, Licence
from puhui.localfin.services.listing import candidate_add
from tests.conftest import PASSWORD, _org
from tests.localfin.returns import guarantee_items, submit

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
FIRM = {"uscc": "91370323MA3D8KX70Q", "name": "沂源县南鲁山新材料有限公司", "industry": "新材料"}


@pytest.fixture
def scene(transactional_db, county, users, settings, tmp_path):
    """The finance centre known by its 方案称谓, and a guarantee company (cap 10 倍) whose 2021Q1 return has
    21,000 万元 in force on 2,000 万元 of net assets: 10.5 倍."""
    settings.MEDIA_ROOT = tmp_path / "media"
    centre = county["finance_centre"]
    centre.plan_alias = FINANCE_CENTRE
    centre.save(update_fields=["plan_alias"])
    guarantee = _org("GUAR", "沂源县普惠融资担保有限公司", "guarantee", division=county["villages"][0])
    Licence.objects.create(
        organisation=guarantee,
        licence_no="鲁融担001",
        licensed_on=datetime.date(2016, 5, 1),
        registered_capital=Decimal("200000000"),
        leverage_cap=Decimal("10"),
    )
    staff = User.objects.create(
        username="guar", role=User.Role.INSTITUTION, organisation=guarantee, password=make_password(PASSWORD)
    )
    data_services.catalogue_sync(actor=users["office"])
    submit(staff, users["office"], guarantee, "guarantee", "2021Q1", guarantee_items(2000, 21000))
    return {"guarantee": guarantee, "town": county["towns"][1]}


def _open_menu(page, item: str):
    page.get_by_role("button", name="地方金融").click()
    page.click(f".dropdown-menu.show >> text={item}")


def test_the_finance_centre_walk(scene, as_user):
    page = as_user("member")

    # 地方金融 → 概况 → 上市后备企业: an empty board of five stages.
    _open_menu(page, "概况")
    page.wait_for_url("**/localfin/")
    page.click(".nav-tabs >> text=上市后备企业")
    page.wait_for_url("**/localfin/listing/")
    assert page.locator("[data-testid=board] .card-header").count() == 5

    # 企业入库: a new firm at 培育.
    page.click("text=企业入库")
    page.fill("#id_uscc", FIRM["uscc"])
    page.fill("#id_name", FIRM["name"])
    page.select_option("#id_town", str(scene["town"].pk))
    page.fill("#id_industry", FIRM["industry"])
    page.select_option("#id_stage", "cultivating")
    page.select_option("#id_board", "qilu")
    page.click("[data-testid=candidate-form] button")
    candidate = Candidate.objects.get(enterprise__uscc=FIRM["uscc"])
    page.wait_for_url(f"**/localfin/listing/{candidate.pk}/")
    assert f"已将“{FIRM['name']}”加入上市后备企业库" in page.inner_text("main")

    # Found again from the board, then one stage forward.
    page.click(".breadcrumb >> text=上市后备企业库")
    page.wait_for_url("**/localfin/listing/")
    page.click(f"[data-testid=board] >> text={FIRM['name']}")
    page.wait_for_url(f"**/localfin/listing/{candidate.pk}/")
    page.select_option("#id_move-to_stage", "restructuring")
    page.click("[data-testid=move-form] button")
    expect(page.locator("main")).to_contain_text("已变更阶段：培育 → 规范化公司制改制")

    # Back without a reason: refused in Chinese, nothing moved.
    page.select_option("#id_move-to_stage", "cultivating")
    page.click("[data-testid=move-form] button")
    expect(page.locator("[data-testid=move-form]")).to_contain_text("退回到前一阶段须写明原因")
    refusal = page.inner_text("[data-testid=move-form]")
    assert "退回到前一阶段须写明原因（从“规范化公司制改制”退回到“培育”）" in refusal
    candidate.refresh_from_db()
    assert candidate.stage == "restructuring"

    # Back with a reason: the history shows entry, the move forward and the return with its reason.
    page.select_option("#id_move-to_stage", "cultivating")
    page.fill("#id_move-reason", "股东对改制方案意见分歧，暂缓改制")
    page.click("[data-testid=move-form] button")
    expect(page.locator("main")).to_contain_text("已变更阶段：规范化公司制改制 → 培育")
    rows = page.locator("[data-testid=history] tbody tr")
    expect(rows).to_have_count(3)
    assert "入库" in rows.nth(0).inner_text()
    assert "规范化公司制改制" in rows.nth(1).inner_text()
    last = rows.nth(2).inner_text()
    assert "培育（退回）" in last and "股东对改制方案意见分歧，暂缓改制" in last

    # 直接融资 → 登记债券发行: a maturity before the issue date is refused in Chinese, then put right.
    _open_menu(page, "直接融资")
    page.wait_for_url("**/localfin/financing/")
    page.click("text=登记债券发行")
    page.fill("#id_uscc", FIRM["uscc"])
    page.fill("#id_name", FIRM["name"])
    page.select_option("#id_town", str(scene["town"].pk))
    page.fill("#id_industry", FIRM["industry"])
    page.select_option("#id_instrument", "mtn")
    page.fill("#id_amount", "150000000")
    page.fill("#id_rate", "4.85")
    page.fill("#id_term_months", "36")
    page.fill("#id_issued_on", "2021-03-15")
    page.fill("#id_matures_on", "2021-03-01")
    page.fill("#id_underwriter", "中泰证券股份有限公司")
    page.click("[data-testid=record-form] button")
    expect(page.locator("[data-testid=record-form]")).to_contain_text("到期日期须晚于发行日期")
    refusal = page.inner_text("[data-testid=record-form]")
    assert "到期日期须晚于发行日期：到期 2021年3月1日，发行 2021年3月15日" in refusal, refusal
    assert not BondIssue.objects.exists()
    page.fill("#id_matures_on", "2024-03-15")
    page.click("[data-testid=record-form] button")
    page.wait_for_url("**/localfin/financing/bonds/")
    assert "已登记债券发行" in page.inner_text("main")
    listed = page.inner_text("[data-testid=list-table] tbody")
    assert FIRM["name"] in listed and "中期票据" in listed and "2021-03-15" in listed

    # 监管指标核查: the guarantee company's 10.50 倍 on a cap of 10 倍, and 超限 on its own page.
    _open_menu(page, "监管指标核查")
    page.wait_for_url("**/localfin/breaches/")
    assert "2021年第1季度：1 家组织已报送（共 1 家），超限 1 项" in page.inner_text("main")
    breach = page.inner_text("[data-testid=breaches] tbody")
    assert scene["guarantee"].name in breach and "融资担保放大倍数" in breach
    assert "10.50 倍" in breach and "10 倍" in breach
    page.click(f"[data-testid=breaches] >> text={scene['guarantee'].name}")
    quarter = page.inner_text("[data-testid=quarter-2021Q1]")
    assert "超限" in quarter and "融资担保放大倍数：10.50 倍，限额 10 倍" in quarter


def test_the_board_on_a_phone(scene, as_user):
    page = as_user("member", viewport=PHONE)
    page.goto("/localfin/listing/")
    assert page.locator("[data-testid=board] .card-header").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_each_label_of_the_candidate_page_names_its_own_field(scene, users, as_user):
    candidate = candidate_add(
        actor=users["member"], town=scene["town"], stage="cultivating", board="qilu",
        entered_on=datetime.date(2021, 3, 1), **FIRM,
    )  # fmt: skip
    page = as_user("member")
    page.goto(f"/localfin/listing/{candidate.pk}/")
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    edit_deadline = page.get_by_label("本阶段计划完成日期")
    assert edit_deadline.evaluate("el => el.closest('form').dataset.testid") == "edit-form"
