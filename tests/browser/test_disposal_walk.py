"""The dishonest-debtor list's due process in headless Chromium (issue #16 §4's "done when"): a bank
proposes a listing — first without its evidence, refused in Chinese with nothing stored — the office records
the notice, the debtor objects from their own account within the window, the office decides to list, the
bank reports settlement and the office removes the entry; the timeline shows every step, and the firm's
profile shows the flag only while the debtor is listed."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from puhui.disposal.models import Listing
from tests.conftest import ID_NUMBERS

pytestmark = pytest.mark.browser
JUDGMENT = "（2020）鲁0323民初1234号"


@pytest.fixture
def scene(transactional_db, county, users):
    return {"household": county["households"][0]}


def _open_menu(page, item: str):
    page.get_by_role("button", name="金融风险").click()
    page.click(f".dropdown-menu.show >> text={item}")


def test_propose_notify_object_list_settle_remove(scene, as_user):
    today = timezone.localdate().isoformat()

    # The bank: 金融风险 → 逃废债黑名单 → 提议列入, first without the judgment number.
    bank = as_user("abc")
    _open_menu(bank, "逃废债黑名单")
    bank.wait_for_url("**/disposal/listings/")
    bank.click("text=提议列入")
    bank.select_option("#id_debtor_kind", "person")
    bank.fill("#id_debtor_name", "户主0")
    bank.fill("#id_id_number", ID_NUMBERS[0])
    bank.fill("#id_amount_owed", "150000")
    bank.fill("#id_judgment_date", "2020-06-01")
    bank.fill("#id_enforcement_date", "2020-09-01")
    bank.click("[data-testid=propose-form] button")
    expect(bank.locator("[data-testid=propose-form]")).to_contain_text("请填写判决书或裁定书文号（证据）。")
    assert not Listing.objects.exists()
    bank.fill("#id_judgment_no", JUDGMENT)
    bank.click("[data-testid=propose-form] button")
    listing = Listing.objects.get()
    bank.wait_for_url(f"**/disposal/listings/{listing.pk}/")
    assert "已提议将“户主0”列入逃废债黑名单" in bank.inner_text("main")
    assert bank.inner_text("[data-testid=listing-status]") == "已提议"
    assert ID_NUMBERS[0] not in bank.inner_text("main")  # masked

    # The office records the notice: the 15-day window opens.
    office = as_user("office")
    office.goto(reverse("disposal:listing_detail", args=[listing.pk]))
    office.fill("#id_notice-notified_on", today)
    office.select_option("#id_notice-means", "delivery")
    office.click("[data-testid=notice-form] button")
    expect(office.locator("main")).to_contain_text("已登记告知")
    assert "15 天" in office.inner_text("[data-testid=window]")
    # Listing now, inside the window, is refused.
    office.select_option("#id_decision-decision", "list")
    office.fill("#id_decision-reason", "证据充分")
    office.click("[data-testid=decision-form] button")
    expect(office.locator("[data-testid=refused]")).to_contain_text("期满前不能决定列入")
    listing.refresh_from_db()
    assert listing.status == Listing.Status.NOTIFIED

    # The debtor (the public user heading the household) sees the notice and objects.
    debtor = as_user("farmer")
    debtor.goto(reverse("disposal:listings"))
    debtor.click("[data-testid=list-table] >> text=户主0")
    debtor.wait_for_url(f"**/disposal/listings/{listing.pk}/")
    assert "如有异议" in debtor.inner_text("main")
    debtor.fill("#id_objection-objection", "该笔借款已与银行协商展期，不属于恶意逃废债务。")
    debtor.click("[data-testid=objection-form] button")
    expect(debtor.locator("main")).to_contain_text("异议已登记")
    assert debtor.inner_text("[data-testid=listing-status]") == "异议中"

    # The office decides to list, answering the objection.
    office.goto(reverse("disposal:listing_detail", args=[listing.pk]))
    office.select_option("#id_decision-decision", "list")
    office.fill("#id_decision-reason", "展期协议未签订，债务人拒不履行生效判决，异议不成立。")
    office.click("[data-testid=decision-form] button")
    expect(office.locator("[data-testid=listing-status]")).to_have_text("已列入", use_inner_text=True)
    household = scene["household"]
    office.goto(reverse("household_detail", args=[household.pk]))
    assert "已列入逃废债黑名单" in office.inner_text("[data-testid=profile-flag]")

    # The bank reports the settlement; the office removes the entry.
    bank.goto(reverse("disposal:listing_detail", args=[listing.pk]))
    bank.fill("#id_settle-settled_on", today)
    bank.fill("#id_settle-note", "债务人已全额归还本息。")
    bank.click("[data-testid=settle-form] button")
    expect(bank.locator("main")).to_contain_text("已报告清偿")
    office.goto(reverse("disposal:listing_detail", args=[listing.pk]))
    office.select_option("#id_remove-removal", "settled")
    office.fill("#id_remove-reason", "银行报告债务人已全额清偿。")
    office.click("[data-testid=remove-form] button")
    expect(office.locator("[data-testid=listing-status]")).to_have_text("已移出", use_inner_text=True)
    steps = office.locator("[data-testid=timeline] li")
    texts = [steps.nth(i).inner_text() for i in range(steps.count())]
    kinds = ["银行提议", "告知债务人", "债务人提出异议", "决定列入", "银行报告已清偿", "移出黑名单"]
    assert [k for k in kinds if any(t.startswith(k) for t in texts)] == kinds and len(texts) == 6
    office.goto(reverse("household_detail", args=[household.pk]))
    assert office.locator("[data-testid=profile-flag]").count() == 0
