"""An early warning's walk in headless Chromium: ABC's 2021Q1 贷款明细表 cuts firm A (沂源甲公司) from 300 万 to
100 万 while it pays on time; the office approves it on the submission page, the background job raises the 抽贷
warning, the office assigns it to ABC, ABC acknowledges and answers, the office closes it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from puhui.risk.models import Warning
from tests.risk.conftest import SCENE, firm_row, upload_loans, write_loans

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(transactional_db, county, users, settings, tmp_path):
    from puhui.data import services

    settings.MEDIA_ROOT = tmp_path / "media"
    centre = county["finance_centre"]
    centre.plan_alias = "县金融证券工作服务中心"
    centre.save(update_fields=["plan_alias"])
    services.catalogue_sync(actor=users["office"])
    q4 = services.period_get("2020Q4")
    services.period_get("2021Q1")
    town = county["towns"][1]
    write_loans(county["abc"], q4, SCENE["2020Q4"]["abc"], town)
    write_loans(county["rcb"], q4, SCENE["2020Q4"]["rcb"], town)
    write_loans(county["rcb"], services.period_get("2021Q1"), SCENE["2021Q1"]["rcb"], town)
    rows = [firm_row(1, "A", 100), firm_row(2, "B", 100, "逾期")]
    return upload_loans(users["abc"], users["office"], county["abc"], "2021Q1", rows, approve=False)


def _open_menu(page, item: str):
    page.get_by_role("button", name="金融风险").click()
    page.click(f".dropdown-menu.show >> text={item}")


def test_an_approved_return_raises_a_credit_withdrawal_warning_that_is_followed_up(scene, as_user, county):
    office = as_user("office")

    # The office approves ABC's return; the queued job evaluates the quarter.
    office.goto(f"/data/submissions/{scene.pk}/")
    office.click("[data-testid=approve]")
    office.wait_for_load_state()
    assert "已通过" in office.inner_text("[data-testid=status]")
    assert not Warning.objects.exists()
    call_command("worker", "--batch")
    w = Warning.objects.get(rule_code="credit_withdrawal")

    # 金融风险 → 风险预警: the warning is listed; its page shows the evidence, the bank that cut.
    _open_menu(office, "风险预警")
    office.wait_for_url("**/risk/warnings/")
    listed = office.inner_text("[data-testid=list-table] tbody")
    assert "沂源甲公司" in listed and "待处理" in listed
    office.click("[data-testid=list-table] >> text=企业被抽贷、断贷、压贷")
    office.wait_for_url(f"**/risk/warnings/{w.pk}/")
    evidence = office.inner_text("[data-testid=evidence]")
    assert "中国农业银行沂源县支行" in evidence and "-2,000,000.00" in evidence
    assert "中国农业银行沂源县支行" in office.inner_text("[data-testid=banks]")

    # Assigned to ABC, with a note.
    office.select_option("#id_assign-owner", str(county["abc"].pk))
    office.fill("#id_assign-note", "请说明对该企业压降授信的原因")
    office.click("[data-testid=assign-form] button")
    expect(office.locator("main")).to_contain_text("已指派给中国农业银行沂源县支行，并已通知该单位。")
    assert "已指派" in office.inner_text("[data-testid=status]")

    # ABC: the to-do line leads to it; acknowledged, then answered.
    bank = as_user("abc")
    bank.goto("/")
    bank.click("text=指派给本单位的风险预警")
    bank.wait_for_url("**/risk/warnings/?status=assigned&mine=1")
    bank.click("[data-testid=list-table] >> text=企业被抽贷、断贷、压贷")
    bank.wait_for_url(f"**/risk/warnings/{w.pk}/")
    bank.click("[data-testid=acknowledge-form] button")
    expect(bank.locator("main")).to_contain_text("已签收")
    assert bank.get_attribute("#id_answer-text", "required") is not None  # an empty answer is not sent
    bank.fill("#id_answer-text", "该企业一笔 200 万元贷款到期正常收回，已受理续贷申请，将于下月发放。")
    bank.click("[data-testid=answer-form] button")
    expect(bank.locator("[data-testid=status]")).to_contain_text("已答复")
    assert "已受理续贷申请" in bank.inner_text("[data-testid=notes]")

    # The office closes it with a note.
    office.reload()
    office.fill("#id_close-note", "已核实为到期收回后续贷，不属于盲目抽贷。")
    office.click("[data-testid=close-form] button")
    expect(office.locator("[data-testid=status]")).to_contain_text("已关闭")
    w.refresh_from_db()
    assert w.status == Warning.Status.CLOSED and "不属于盲目抽贷" in w.closing_note
