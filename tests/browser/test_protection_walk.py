"""The consumer-protection chain in headless Chromium (issue #17's "done when"): a farmer files a complaint
on a phone without an account and keeps the tracking code → the bank's extension beyond 60 days is refused
→ the bank answers after the deadline (accepted, marked late) → the farmer, following the complaint by its
code and phone digits, is not satisfied and escalates to the PBoC → the office refers it to mediation →
县司法局 records the session and the agreement (调解协议书 downloaded as Word) and the application for
司法确认 → the court accepts, confirms, and records the enforcement. Each party sees its own part only;
the statistics and the anonymised public view show the case."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from puhui.core.models import AuditLog
from puhui.protection import rules
from puhui.protection.models import Complaint, MediationCase
from tests.protection.conftest import units  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene(transactional_db, county, users, units):  # noqa: F811
    return {"abc": county["abc"], "units": units}


def _phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_file_answer_late_escalate_mediate_confirm_enforce(scene, browser, live_server, as_user):
    today = timezone.localdate()

    # A farmer on a phone, not signed in: first without a phone number (refused, nothing stored), then filed.
    context, farmer = _phone_page(browser, live_server)
    farmer.goto(reverse("protection:public"))
    farmer.click("[data-testid=file-link]")
    farmer.select_option("#id_institution", str(scene["abc"].pk))
    farmer.select_option("#id_business_channel", "101")
    farmer.select_option("#id_business", "02")
    farmer.select_option("#id_cause", "07")
    farmer.fill("#id_name", "王老汉")
    farmer.fill("#id_content", "申请农户贷款时被要求购买理财产品，否则不放贷。")
    farmer.fill("#id_demand", "退还理财资金。")
    farmer.click("[data-testid=file-form] button")
    expect(farmer.locator("[data-testid=file-form]")).to_contain_text("请留下联系电话")
    assert not Complaint.objects.exists()
    farmer.fill("#id_phone", "13905331234")
    farmer.click("[data-testid=file-form] button")
    code = farmer.inner_text("[data-testid=tracking-code]")
    complaint = Complaint.objects.get()
    assert complaint.tracking_hash != code and complaint.filed_by is None

    # The bank asks to extend beyond 60 days: refused in Chinese, nothing stored.
    bank = as_user("abc")
    bank.goto(reverse("protection:board"))
    bank.click(f"[data-testid=list-table] >> text={complaint.number}")
    assert "13905331234" not in bank.inner_text("main") and "139****1234" in bank.inner_text("main")
    bank.click("[data-testid=unmask-phone]")  # to call the farmer back: shown in place, and logged
    assert bank.inner_text("[data-testid=clear-value]") == "13905331234"
    assert AuditLog.objects.filter(action=AuditLog.Action.UNMASK, object_id=str(complaint.pk)).count() == 1
    bank.fill("#id_extend-until", (today + datetime.timedelta(days=90)).isoformat())
    bank.fill("#id_extend-reason", "需调取录像")
    bank.fill("#id_extend-approver", "市分行投诉处理负责人")
    bank.click("[data-testid=extend-form] button")
    expect(bank.locator("[data-testid=extend-form]")).to_contain_text("最长 60 天")
    complaint.refresh_from_db()
    assert complaint.extended_to is None

    # Twenty days on (the complaint was received then), the bank answers: accepted, marked late.
    received = today - datetime.timedelta(days=20)
    Complaint.objects.filter(pk=complaint.pk).update(received_on=received, due_on=rules.answer_due(received))
    bank.goto(reverse("protection:complaint_detail", args=[complaint.pk]))
    assert "逾期未答复" in bank.inner_text("[data-testid=complaint-state]")
    bank.fill("#id_answer-answer", "经核查，理财产品系客户自愿购买，不予退还。")
    bank.click("[data-testid=answer-form] button")
    expect(bank.locator("[data-testid=answer]")).to_contain_text("逾期答复")

    # The farmer follows it from another browser with the code and the phone's last 4 digits; escalates.
    context.close()
    context, farmer = _phone_page(browser, live_server)
    farmer.goto(reverse("protection:track"))
    farmer.fill("#id_code", "AAAA-BBBB-CCCC")
    farmer.fill("#id_digits", "1234")
    with farmer.expect_navigation() as forged:
        farmer.click("[data-testid=track-form] button")
    assert forged.value.status == 404  # a forged code: nothing said about what exists
    farmer.goto(reverse("protection:track"))
    farmer.fill("#id_code", code)
    farmer.fill("#id_digits", "1234")
    farmer.click("[data-testid=track-form] button")
    farmer.wait_for_url("**/protection/track/view/")
    assert "不予退还" in farmer.inner_text("[data-testid=timeline]")
    farmer.check("#id_feedback-feedback_1")
    farmer.click("[data-testid=feedback-form] button")
    farmer.fill("#id_escalate-reason", "银行以贷款为条件搭售理财，请人民银行处理。")
    farmer.click("[data-testid=escalate-form] button")
    expect(farmer.locator("[data-testid=track-state]")).to_contain_text("已提请人民银行")

    # The office refers it to mediation.
    office = as_user("office")
    office.goto(reverse("protection:complaint_detail", args=[complaint.pk]))
    office.select_option("#id_refer-org", str(scene["units"]["org"].pk))
    office.click("[data-testid=refer-form] button")
    case = MediationCase.objects.get()
    office.wait_for_url(f"**/protection/mediation/{case.pk}/")

    # 县司法局 mediates: a session, the agreement (Word), the application for 司法确认.
    justice = as_user("justice")
    justice.goto(reverse("protection:mediation_detail", args=[case.pk]))
    justice.fill("#id_session-note", "双方到场，银行同意退还理财资金。")
    justice.click("[data-testid=session-form] button")
    justice.fill("#id_agree-terms", "银行于 10 日内退还理财资金 30,000 元。")
    justice.fill("#id_agree-amount", "30000")
    justice.click("[data-testid=agree-form] button")
    expect(justice.locator("[data-testid=agree-form]")).to_contain_text("双方当事人均同意")
    justice.check("#id_agree-applicant_consents")
    justice.check("#id_agree-institution_consents")
    justice.click("[data-testid=agree-form] button")
    expect(justice.locator("[data-testid=mediation-state]")).to_have_text(
        "已达成调解协议", use_inner_text=True
    )
    with justice.expect_download() as download:
        justice.click("[data-testid=agreement-download]")
    assert download.value.suggested_filename == f"调解协议书_{case.number}.docx"
    justice.click("[data-testid=confirm_apply-form] button")
    expect(justice.locator("[data-testid=mediation-state]")).to_have_text(
        "司法确认审查中", use_inner_text=True
    )

    # The court: acceptance, ruling, enforcement.
    court = as_user("court")
    court.goto(reverse("protection:mediations"))
    court.click(f"[data-testid=list-table] >> text={case.number}")
    court.click("[data-testid=accept-form] button")
    court.fill("#id_rule-ruling_no", "（2021）鲁0323民特15号")
    court.click("[data-testid=rule-form] button")
    expect(court.locator("[data-testid=mediation-state]")).to_have_text("已司法确认", use_inner_text=True)
    court.fill("#id_enforce_apply-case_no", "（2021）鲁0323执88号")
    court.click("[data-testid=enforce_apply-form] button")
    court.fill("#id_enforce_close-amount", "30000")
    court.fill("#id_enforce_close-outcome", "已扣划款项，执行完毕。")
    court.click("[data-testid=enforce_close-form] button")
    expect(court.locator("[data-testid=mediation-state]")).to_have_text("执行完毕", use_inner_text=True)
    assert "到司法确认 20 天" in court.inner_text("[data-testid=durations]")

    # Each party its own part: the court and another bank see no complaint; a public user none but theirs.
    for who, url in (
        (court, reverse("protection:complaint_detail", args=[complaint.pk])),
        (as_user("rcb"), reverse("protection:mediation_detail", args=[case.pk])),
        (as_user("farmer"), reverse("protection:complaint_detail", args=[complaint.pk])),
    ):
        assert who.goto(url).status == 404

    # The statistics count the late answer and the chain's days; the public view shows it anonymised.
    office.goto(reverse("protection:statistics"))
    assert office.inner_text("[data-testid=late-count]") == "1"
    assert office.inner_text("[data-testid=to-title]") == "20.0"
    farmer.goto(reverse("protection:public"))
    public = farmer.inner_text("[data-testid=public-database]")
    assert "中国农业银行沂源县支行" in public and "自主选择权" in public
    assert "王老汉" not in farmer.inner_text("body") and "13905331234" not in farmer.inner_text("body")
    context.close()
