"""Each role's home page in headless Chromium: its to-do list (今日待办) leads to an item, the user does it,
and the line leaves the list. Agent and farmer on a phone. Also the menus each role sees, and the
administrator's role-aware user form with its village picker."""

import pytest
from playwright.sync_api import expect

from puhui.core.models import Notification, User
from puhui.credit import services as credit
from puhui.credit.models import HouseholdArchive, Objection, PreCreditLine
from puhui.plan import services as plan_services
from puhui.plan.models import ProgressReport
from tests.credit.conftest import COMPLETE, next_year  # noqa: F401
from tests.plan.conftest import _media, plan, units, village_bank  # noqa: F401  the plan's fixtures

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def todo_line(page, label):
    return page.locator("[data-testid=todo-line]", has_text=label)


def nav_labels(page) -> str:
    """Every entry of the navigation, those inside closed dropdowns too."""
    return page.text_content("#mainnav")


def test_office_reviews_a_progress_report_from_its_todo_list(transactional_db, as_user, plan, users):  # noqa: F811
    task = plan.tasks.get(number=2)
    report = plan_services.report_submit(
        actor=users["member"],
        task=task,
        unit=users["member"].organisation,
        period="2020Q3",
        status="in_progress",
        completion=40,
        narrative="推动两家小额贷款公司规范发展。",
    )
    # Submitting told the office.
    told = Notification.objects.get(user=users["office"], kind="report_submitted")
    assert told.read_at is None and "丰富金融业态" in told.title

    office = as_user("office")
    line = todo_line(office, "待审核的进度报告")
    assert "1 份" in line.inner_text()
    assert office.inner_text("#mainnav [data-testid=nav-badge] >> nth=0") == "1"  # 实施方案
    line.locator("[data-testid=todo-item]").click()
    office.wait_for_url(f"**/plan/reports/{report.pk}/")
    office.check("[data-testid=review-form] input[value=accept]")
    office.click("[data-testid=review-form] button")
    expect(office.locator(f"[data-testid=version-{report.version}] [data-testid=review]")).to_contain_text(
        "已通过"
    )

    office.goto("/")
    assert todo_line(office, "待审核的进度报告").count() == 0
    told.refresh_from_db()
    assert told.read_at is not None  # the review cleared it
    assert ProgressReport.objects.get(pk=report.pk).review == "accepted"


def test_member_unit_writes_a_due_report_from_its_todo_list(transactional_db, as_user, plan, users):  # noqa: F811
    member = as_user("member")
    line = todo_line(member, "待报送的进度报告")
    before = int(line.locator(".badge").inner_text().split()[0].replace(",", ""))
    first = line.locator("[data-testid=todo-item]").first
    first.click()
    member.wait_for_url("**/plan/tasks/*/report/?period=*")
    member.select_option("#id_status", "in_progress")
    member.fill("#id_completion", "50")
    member.fill("#id_narrative", "已完成本季度工作。")
    member.click("button[type=submit] >> text=报送")
    member.wait_for_selector("[data-testid=version-1]")

    report = ProgressReport.objects.get()
    assert Notification.objects.filter(user=users["office"], key=f"report-review:{report.pk}").exists()
    member.goto("/")
    after = todo_line(member, "待报送的进度报告").locator(".badge").inner_text()
    assert int(after.split()[0].replace(",", "")) == before - 1


def test_bank_verifies_an_archive_from_its_todo_list(transactional_db, as_user, county, users):
    hh = county["households"][0]  # 历山1村: ABC's county branch sits in 历山街道
    credit.archive_save(actor=users["agent"], household=hh, data=dict(COMPLETE))

    bank = as_user("abc")
    line = todo_line(bank, "待核实的农户信用档案")
    assert "1 份" in line.inner_text()
    assert "户主0 · 历山1村" in line.inner_text()  # names, not household codes
    line.locator("[data-testid=todo-item]").click()
    bank.wait_for_url(f"**/credit/households/{hh.pk}/")
    bank.click("text=核实档案")
    bank.wait_for_selector("[data-testid=grade]")
    assert HouseholdArchive.objects.get(household=hh).status == "verified"

    bank.goto("/")
    assert todo_line(bank, "待核实的农户信用档案").count() == 0
    # A bank's menu keeps the staff's pages: its jobs, the directories.
    assert "后台任务" in nav_labels(bank) and "行政区划" in nav_labels(bank)


def test_town_answers_an_objection_and_opens_its_own_town(transactional_db, as_user, county, users):
    hh = county["households"][0]
    credit.objection_raise(actor=users["public"], household=hh, text="我家的经营收入登记少了。")

    town = as_user("lishan")
    menu = nav_labels(town)
    assert "后台任务" not in menu and "行政区划" not in menu and "任务看板" not in menu
    line = todo_line(town, "待答复的异议")
    assert "经营收入登记少了" in line.inner_text()
    line.locator("[data-testid=todo-item]").click()
    town.wait_for_url(f"**/credit/households/{hh.pk}/")
    town.fill("textarea[name=answer]", "经核实，已按农户提供的材料更正。")
    town.click("button:text-is('答复')")
    town.wait_for_selector("text=已答复")
    assert Objection.objects.get().answered_at is not None

    town.goto("/")
    assert todo_line(town, "待答复的异议").count() == 0
    # 镇村信用建设 opens the official's own town.
    town.click("#mainnav >> text=信用体系")
    town.click("#mainnav >> text=镇村信用建设")
    town.wait_for_url(f"**/credit/towns/{county['towns'][0].pk}/**")
    assert "历山街道" in town.inner_text("h1")


def test_agent_on_a_phone_finishes_an_archive_from_its_todo_list(transactional_db, as_user, county, users):
    hh = county["households"][0]  # the agent's village 历山1村
    credit.archive_save(
        actor=users["agent"], household=hh, data={**COMPLETE, "labour_count": None}
    )  # one required field left: still being collected
    assert HouseholdArchive.objects.get(household=hh).status == "draft"

    agent = as_user("agent", PHONE)
    assert agent.url.endswith("/")
    line = todo_line(agent, "采集中的档案")
    assert "户主0 · 历山1村" in line.inner_text()
    # The navigation is folded behind the toggler; its menu has no jobs, plan or division list.
    agent.click(".navbar-toggler")
    menu = nav_labels(agent)
    assert "后台任务" not in menu and "行政区划" not in menu and "实施方案" not in menu
    agent.click(".navbar-toggler")

    line.locator("[data-testid=todo-item]").click()
    agent.wait_for_url(f"**/credit/households/{hh.pk}/archive/")
    field = agent.locator("#id_labour_count")
    if not field.is_visible():  # the form in steps opened on another step: go to the first one
        agent.click("[data-step-go='1']")
    field.fill("2")
    agent.click("#archive-form button[type=submit]:not([name=then]):not([form])")
    agent.wait_for_url(f"**/credit/households/{hh.pk}/")
    archive = HouseholdArchive.objects.get(household=hh)
    assert archive.status == "submitted"  # the yes/no answers stored before survived the form

    agent.goto("/")
    assert todo_line(agent, "采集中的档案").count() == 0


def test_farmer_on_a_phone_lands_on_my_credit_and_accepts_a_line(
    transactional_db,
    as_user,
    county,
    users,
    next_year,  # noqa: F811
):
    hh = county["households"][0]
    archive = credit.archive_save(actor=users["agent"], household=hh, data=dict(COMPLETE))
    credit.archive_verify(actor=users["abc"], archive=archive)
    credit.household_rate(actor=users["abc"], household=hh)
    credit.line_offer(actor=users["abc"], household=hh, valid_until=next_year)

    farmer = as_user("farmer", PHONE)
    farmer.wait_for_url(f"**/credit/households/{hh.pk}/")  # 我的信用, not the county dashboard
    farmer.click(".navbar-toggler")
    menu = nav_labels(farmer)
    assert "我的信用" in menu
    assert "后台任务" not in menu and "行政区划" not in menu and "实施方案" not in menu
    farmer.click(".navbar-toggler")
    farmer.click("button:has-text('确认授信')")
    farmer.wait_for_selector("text=已确认授信")
    assert PreCreditLine.objects.get().status == "accepted"
    # The messages page shows no plan tabs to a farmer.
    farmer.goto("/plan/notifications/")
    assert farmer.locator("[data-testid=plan-nav]").count() == 0


def test_admin_makes_an_agent_with_the_village_picker(transactional_db, as_user, county, users):
    admin = as_user("admin")
    admin.goto("/users/new/")
    # Before a role is chosen no role's own field shows; each role shows its own.
    assert not admin.is_visible("#id_villages") and not admin.is_visible("#id_town")
    admin.select_option("#id_role", "town")
    assert admin.is_visible("#id_town") and not admin.is_visible("#id_villages")
    assert not admin.is_visible("#id_organisation") and not admin.is_visible("#id_household_code")
    admin.select_option("#id_role", "institution")
    assert admin.is_visible("#id_organisation") and not admin.is_visible("#id_town")
    admin.select_option("#id_role", "agent")
    assert admin.is_visible("#id_villages") and not admin.is_visible("#id_organisation")

    admin.fill("[data-option-filter=id_villages]", "鲁村2")
    visible = admin.eval_on_selector_all(
        "#id_villages option", "os => os.filter(o => !o.hidden).map(o => o.text)"
    )
    assert visible == ["鲁村2村"]
    admin.select_option("#id_villages", label="鲁村2村")
    assert "鲁村镇 鲁村2村" in admin.inner_text("[data-selected-summary=id_villages]")
    admin.fill("#id_username", "agent_lucun")
    admin.fill("#id_display_name", "鲁村代办员")
    admin.click("button:text-is('保存')")
    admin.wait_for_selector("text=agent_lucun")

    made = User.objects.get(username="agent_lucun")
    assert made.role == "agent" and made.town is None and made.organisation is None
    assert [v.name for v in made.villages.all()] == ["鲁村2村"]
