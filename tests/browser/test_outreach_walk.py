"""Outreach records as the people who do the work enter them, in headless Chromium (issue #17 §4): a bank's
staff member on a phone records a 流动银行 event — a "photo" that is not an image is refused with nothing
stored, then the event goes in with a real photo → the office returns it with a reason → the bank corrects
and resubmits → the office approves → the targets page counts it against the bank's ≥ 3 a year; a village
agent on a phone records a publicity session in its own village."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from puhui.outreach.models import MobileEvent, Publicity
from tests.outreach.conftest import png

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene(transactional_db, county, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return county


def _files(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def test_a_bank_records_an_event_on_a_phone_and_the_office_reviews_it(scene, as_user):
    held = datetime.date(2021, 5, 6)
    bank = as_user("abc", viewport=PHONE)
    bank.goto(reverse("outreach:event_add"))
    bank.fill("#id_held_on", held.isoformat())
    bank.check("#id_place_type_0")  # 农村
    bank.select_option("#id_town", str(scene["towns"][1].pk))
    bank.fill("#id_place", "鲁村1村文化广场")
    bank.check("[name=services][value=cash]")
    bank.check("[name=services][value=education]")
    bank.fill("#id_people_served", "120")
    bank.set_input_files("#id_photos", [_files("现场.jpg", b"not a photo at all", "image/jpeg")])
    bank.click("[data-testid=save]")
    expect(bank.locator("[data-testid=error-summary]")).to_contain_text("还没有保存")
    assert "图片" in bank.inner_text("[data-testid=record-form]")
    assert not MobileEvent.objects.exists()

    bank.set_input_files("#id_photos", [_files("现场.png", png(), "image/png")])
    bank.click("[data-testid=save]")
    expect(bank.locator("[data-testid=status]")).to_have_text("待审核", use_inner_text=True)
    event = MobileEvent.objects.get()
    assert event.people_served == 120 and event.photos.count() == 1
    expect(bank.locator("[data-testid=photos] img")).to_have_count(1)

    # The office returns it: the people served are for two villages, not one.
    office = as_user("office")
    office.goto(reverse("outreach:event_detail", args=[event.pk]))
    office.check("#id_review-decision_1")  # 退回修改
    office.fill("#id_review-reason", "服务人数请只填本村的。")
    office.click("[data-testid=review-form] button")
    expect(office.locator("main")).to_contain_text(
        "审核完成：已退回"
    )  # back on the list, with the next to review

    bank.goto(reverse("outreach:event_detail", args=[event.pk]))
    bank.click("[data-testid=edit]")
    expect(bank.locator("[data-testid=return-reason]")).to_contain_text("服务人数请只填本村的")
    bank.fill("#id_people_served", "80")
    bank.click("[data-testid=save]")
    expect(bank.locator("[data-testid=status]")).to_have_text("待审核", use_inner_text=True)

    office.goto(reverse("outreach:event_detail", args=[event.pk]))
    office.check("#id_review-decision_0")  # 通过
    office.click("[data-testid=review-form] button")
    expect(office.locator("main")).to_contain_text("审核完成：已通过")
    event.refresh_from_db()
    assert (event.status, event.people_served) == ("approved", 80)

    # The targets page counts the approved record: 1 of the 3 a year, not met.
    office.goto(reverse("outreach:targets") + f"?year={held.year}")
    row = office.inner_text(f"[data-testid=row-{scene['abc'].pk}]")
    assert "1" in row.split("\t")[1] and "未达到" in row


def test_an_agent_records_a_session_in_its_own_village_on_a_phone(scene, as_user):
    agent = as_user("agent", viewport=PHONE)
    agent.goto(reverse("outreach:publicity_add"))
    agent.fill("#id_held_on", "2021-06-01")
    agent.select_option("#id_audience_group", "returning")
    agent.fill("#id_topic", "返乡创业贷款政策宣讲")
    agent.select_option("#id_village", str(scene["villages"][0].pk))
    agent.fill("#id_audience", "35")
    agent.click("[data-testid=save]")
    expect(agent.locator("[data-testid=status]")).to_have_text("待审核", use_inner_text=True)
    record = Publicity.objects.get()
    assert (record.channel, record.village, record.audience) == ("agent", scene["villages"][0], 35)
