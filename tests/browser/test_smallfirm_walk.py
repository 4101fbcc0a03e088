"""Issue #15's "done when", in headless Chromium: a firm authorises its bank and posts a financing demand on a
phone → the bank sees it ranked with the fitting products and accepts → the loan arrives in the bank's next
loan-level return, approved by the office → it counts as the firm's 首贷 → the adviser logs a visit on a phone →
the quarterly-visit target and the firm's profile show all of it. The other bank sees neither the demand nor
the firm's profile."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from puhui.data.models import Submission
from puhui.financing.models import Route
from puhui.financing.services import advisers
from puhui.firstloans.models import FirstLoanCount
from tests.financing.conftest import shelf  # noqa: F401 (a fixture)
from tests.firstloans.conftest import approved_return, loan

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene(transactional_db, county, users, shelf):  # noqa: F811
    firm = county["firms"][0]
    advisers.assignment_create(
        actor=users["abc"], adviser=users["abc"], firm=firm, start=datetime.date(2020, 1, 1)
    )
    return {"firm": firm}


def test_demand_to_first_loan_to_visit(scene, county, users, as_user):
    firm, today = scene["firm"], timezone.localdate()

    # The firm, on its phone: authorise ABC, then post a demand.
    owner = as_user("firm_a", viewport=PHONE)
    owner.goto(reverse("firms:mine"))
    owner.click("[data-testid=grant]")
    owner.check(f"input[name=banks][value='{county['abc'].pk}']")
    owner.click("[data-testid=save]")
    owner.wait_for_url(f"**{reverse('firms:mine')}")
    assert "中国农业银行沂源县支行" in owner.inner_text("main")
    owner.goto(reverse("financing:demand_add"))
    owner.fill("#id_amount", "200000")
    owner.fill("#id_term", "12")
    owner.fill("#id_purpose", "购置包装设备")
    owner.check("input[name=collateral][value=credit]")
    owner.check("#id_female")
    owner.click("[data-testid=save]")
    expect(owner.locator("[data-testid=status]")).to_have_text("待答复", use_inner_text=True)
    assert owner.locator("[data-testid=ranked]").first.inner_text().startswith("巾帼信用贷")
    demand_url = owner.url

    # The bank: the demand ranked with its fitting products; accept with terms.
    bank = as_user("abc")
    bank.goto(reverse("financing:demands"))
    bank.locator("tr", has_text=firm.name).locator("a").first.click()
    expect(bank.locator("main")).to_contain_text("巾帼信用贷")
    answer = bank.locator("[data-testid=answer]")
    answer.locator("input[name=decision][value=accepted]").check()
    answer.locator("input[name=amount]").fill("200000")
    answer.locator("input[name=rate]").fill("4.20")
    answer.locator("input[name=term]").fill("12")
    answer.locator("button").click()
    expect(bank.locator("[data-testid=status]")).to_have_text("已获批", use_inner_text=True)
    bank.goto(reverse("firms:profile", args=[firm.pk]))  # authorised: the bank may read the profile
    assert firm.uscc in bank.inner_text("main")

    # The other bank sees neither the demand nor the profile.
    other = as_user("rcb")
    other.goto(reverse("financing:demands"))
    assert firm.name not in other.inner_text("main")
    assert other.goto(reverse("firms:profile", args=[firm.pk])).status == 404

    # The loan arrives in ABC's next loans return; the office approves it on its page.
    sub = approved_return(county["abc"], f"{today.year}Q{(today.month - 1) // 3 + 1}", status="submitted")
    loan(sub, firm.uscc, "ABC-2021-0001", today, today + datetime.timedelta(days=365), amount=200_000,
         town=firm.town)  # fmt: skip
    office = as_user("office")
    office.goto(reverse("data_submission", args=[sub.pk]))
    office.click("[data-testid=approve]")
    assert Submission.objects.get(pk=sub.pk).status == "approved"
    route = Route.objects.get(demand__firm=firm, bank=county["abc"])
    assert route.loan_no == "ABC-2021-0001"
    call_command("worker", "--batch")  # the first-loan computation the approval queued
    assert sum(FirstLoanCount.objects.filter(bank=county["abc"]).values_list("platform", flat=True)) == 1
    office.goto(reverse("firstloans:first_check"))
    assert "中国农业银行沂源县支行" in office.inner_text("main")

    # The adviser (ABC's staff) logs a visit on a phone; the quarter's target is met from the log.
    adviser = as_user("abc", viewport=PHONE)
    adviser.goto(reverse("financing:visit_add"))
    adviser.select_option("#id_firm", str(firm.pk))
    adviser.fill("#id_done", "讲解首贷续贷政策，了解设备投产情况")
    adviser.click("[data-testid=save]")
    row = adviser.locator("[data-testid=quarter-row]", has_text="中国农业银行沂源县支行")
    assert "已完成" in row.inner_text()

    # The firm's own page shows the loan from the return, its first loan and the visit.
    owner.goto(demand_url)
    assert "ABC-2021-0001" in owner.inner_text("[data-testid=granted]")
    owner.goto(reverse("firms:mine"))
    section = owner.inner_text("[data-testid=section-financing]")
    assert "ABC-2021-0001" in section
    assert "金融辅导员走访" in section and "1 次" in section
    assert today.strftime("%Y-%m-%d") in owner.inner_text("[data-testid=loans]")
