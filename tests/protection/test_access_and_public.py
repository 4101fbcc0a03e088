"""Who sees what (access.py) role by role; the public page: filing without a login, following with the
code and the phone's last 4 digits, a forged code 404, the rate limits; the to-do lines, the menu, the
purge command."""

import datetime
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from puhui.core import plugins
from puhui.protection import access
from puhui.protection.models import Complaint, TypicalCase
from puhui.protection.services import complaints as cs
from puhui.protection.services import mediation as ms
from puhui.protection.services import typical as ts
from tests.protection.conftest import complaint_data

pytestmark = pytest.mark.django_db


def test_each_party_sees_its_own_complaints(users, county, units, file):
    abc, _ = file()
    own, _ = cs.complaint_file(actor=users["public"], institution=county["rcb"], **complaint_data())
    assert set(access.complaints_for(users["office"])) == {abc, own}
    assert set(access.complaints_for(users["admin"])) == {abc, own}
    assert list(access.complaints_for(users["abc"])) == [abc]
    assert list(access.complaints_for(users["rcb"])) == [own]
    assert list(access.complaints_for(users["public"])) == [own]
    for who in (
        users["member"],
        users["town_lishan"],
        users["agent"],
        units["court_user"],
        units["justice_user"],
    ):
        assert not access.complaints_for(who).exists()


def test_an_outlet_complaint_is_its_branch_bank_s(users, county):
    complaint, _ = cs.complaint_file(actor=users["office"], institution=county["abc_outlet"],
                                     **complaint_data(channel="04"))  # fmt: skip
    assert list(access.complaints_for(users["abc"])) == [complaint]
    assert access.handles(users["abc"], complaint)


def test_each_party_sees_its_own_mediation_cases(users, county, units, file):
    complaint, _ = file()
    own, _ = cs.complaint_file(actor=users["public"], institution=county["rcb"], **complaint_data())
    for c in (complaint, own):
        cs.complaint_answer(actor=users["abc" if c == complaint else "rcb"], complaint=c, answer="否",
                            answered_on=timezone.localdate())  # fmt: skip
        cs.complaint_escalate(actor=None, complaint=c, reason="不满意")
    today = timezone.localdate()
    a = ms.mediation_open(actor=users["office"], complaint=complaint, org=units["org"], opened_on=today)
    b = ms.mediation_open(actor=users["office"], complaint=own, org=units["org"], opened_on=today)
    court = ms.mediation_open(actor=units["court_user"], org=units["org"], applicant="王五", subject="诉前",
                              dispute_on=today, opened_on=today, institution=county["abc"])  # fmt: skip
    assert set(access.mediations_for(users["office"])) == {a, b, court}
    assert set(access.mediations_for(units["justice_user"])) == {a, b, court}
    assert set(access.mediations_for(units["court_user"])) == {court}  # until 司法确认 is applied for
    assert set(access.mediations_for(users["abc"])) == {a, court}
    assert set(access.mediations_for(users["rcb"])) == {b}
    assert set(access.mediations_for(users["public"])) == {b}
    for who in ("member", "town_lishan", "agent"):
        assert not access.mediations_for(users[who]).exists()


def test_a_farmer_files_from_a_phone_without_a_login_and_follows_it(client, county):
    page = client.get(reverse("protection:file"))
    assert page.status_code == 200 and "我要投诉" in page.content.decode()
    form = {"institution": county["abc"].pk, "business_channel": "101", "business": "02", "cause": "11", "name": "王五", "phone": "13912345678",
            "content": "贷款被搭售保险。"}  # fmt: skip
    answer = client.post(reverse("protection:file"), {**form, "phone": ""})
    assert answer.status_code == 400 and "请留下联系电话" in answer.content.decode()
    assert not Complaint.objects.exists()
    answer = client.post(reverse("protection:file"), form)
    assert answer.status_code == 200
    code = answer.context["code"]
    assert code in answer.content.decode() and Complaint.objects.get().filed_by is None
    client.cookies.clear()  # another day, another browser: the code and the digits open it
    assert client.get(reverse("protection:track_view")).status_code == 404
    assert client.post(reverse("protection:track"), {"code": code, "digits": "0000"}).status_code == 404
    assert client.post(reverse("protection:track"), {"code": "Z" * 12, "digits": "5678"}).status_code == 404
    followed = client.post(reverse("protection:track"), {"code": code.lower(), "digits": "5678"})
    assert followed.status_code == 302
    view = client.get(reverse("protection:track_view")).content.decode()
    assert "贷款被搭售保险" in view and "处理中" in view and "13912345678" not in view


def test_the_complainant_gives_feedback_and_escalates_from_the_tracking_page(client, users, file):
    complaint, code = file()
    cs.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="不予退费。", answered_on=timezone.localdate()
    )
    client.post(reverse("protection:track"), {"code": code, "digits": "0000"})
    client.post(reverse("protection:track_act", args=["feedback"]), {"feedback-feedback": "unsatisfied"})
    answer = client.post(reverse("protection:track_act", args=["escalate"]), {"escalate-reason": ""})
    assert answer.status_code == 400
    client.post(reverse("protection:track_act", args=["escalate"]), {"escalate-reason": "答复不合理"})
    complaint.refresh_from_db()
    assert complaint.feedback == "unsatisfied" and complaint.status == "escalated"


def test_filing_is_rate_limited_per_address(client, county, settings):
    settings.PUHUI_RATE_COMPLAINT_FILE = "2/h"
    form = {"institution": county["abc"].pk, "business_channel": "101", "business": "02", "cause": "11", "name": "王五", "phone": "13912345678",
            "content": "灌水"}  # fmt: skip
    assert [client.post(reverse("protection:file"), form).status_code for _ in range(3)] == [200, 200, 429]
    assert Complaint.objects.count() == 2
    refused = client.post(reverse("protection:file"), form)
    assert "提交投诉过于频繁" in refused.content.decode() and refused["Retry-After"]


def test_following_is_rate_limited_so_codes_cannot_be_guessed(client, file, settings):
    settings.PUHUI_RATE_COMPLAINT_TRACK = "3/h"
    _, code = file()
    for _ in range(3):
        assert (
            client.post(reverse("protection:track"), {"code": "Z" * 12, "digits": "0000"}).status_code == 404
        )
    # Even the right code is refused now: the address has used up its tries.
    assert client.post(reverse("protection:track"), {"code": code, "digits": "0000"}).status_code == 429


def test_a_public_user_reads_no_complaint_but_their_own(client, users, county, file):
    other, _ = file()
    own, _ = cs.complaint_file(actor=users["public"], institution=county["rcb"], **complaint_data())
    client.force_login(users["public"])
    assert client.get(reverse("protection:complaint_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("protection:complaint_detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("protection:complaints")).content.decode()
    assert own.number in page and other.number not in page


def test_the_public_database_is_anonymised(client, users, file):
    complaint, _ = file(name="赵六", phone="13755556666", content="特别的投诉内容")
    cs.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="已处理", answered_on=timezone.localdate()
    )
    page = client.get(reverse("protection:public")).content.decode()
    assert "中国农业银行沂源县支行" in page and "贷款" in page
    for secret in ("赵六", "13755556666", "5555", "特别的投诉内容", complaint.number):
        assert secret not in page


def test_typical_cases_refuse_personal_data_and_publish(client, users):
    with pytest.raises(Exception) as e:
        ts.typical_add(actor=users["office"], title="案例", business="02", cause="11",
                       summary="投诉人电话13812345678", outcome="已处理")  # fmt: skip
    assert "手机号码" in str(e.value)
    case = ts.typical_add(actor=users["office"], title="搭售案例", business="02", cause="11", summary="案情",
                          outcome="已退费")  # fmt: skip
    assert "搭售案例" not in client.get(reverse("protection:public")).content.decode()
    ts.typical_publish(actor=users["office"], case=case, publish=True)
    assert "搭售案例" in client.get(reverse("protection:public")).content.decode()
    assert TypicalCase.objects.count() == 1


def test_the_to_do_lines(users, file):
    file(received_ago=14)
    lines = {s.label: plugins.counted(s.count, users["abc"]) for s in plugins.todo_sources(users["abc"])}
    assert lines["三天内到期或已逾期的待答复投诉"] == 1
    office = {s.label for s in plugins.todo_sources(users["office"])}
    assert "提请人民银行处理的投诉" in office


def test_the_purge_command(users, file, capsys):
    complaint, _ = file()
    cs.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="已处理", answered_on=timezone.localdate()
    )
    cs.complaint_feedback(actor=None, complaint=complaint, feedback="satisfied")
    Complaint.objects.filter(pk=complaint.pk).update(
        closed_on=timezone.localdate() - datetime.timedelta(days=1200)
    )
    call_command("protection_purge")
    assert "已清除 1 件" in capsys.readouterr().out
    complaint.refresh_from_db()
    assert complaint.name == "" and complaint.purged_on == timezone.localdate()


def test_the_lists_export_with_a_chinese_name(client, users, file):
    file()
    client.force_login(users["office"])
    answer = client.get(reverse("protection:complaints"), {"export": "xlsx"})
    assert answer.status_code == 200 and "金融消费投诉" in unquote(answer["Content-Disposition"])


def test_the_statistics_page_filters_by_dates_and_ignores_impossible_ones(client, users, file):
    file(received_ago=40)
    file()
    client.force_login(users["office"])
    page = client.get(reverse("protection:statistics"), {"from": timezone.localdate().isoformat()})
    assert page.context["stats"]["figures"]["total"] == 1
    page = client.get(reverse("protection:statistics"), {"from": "2021-02-30"})
    assert page.status_code == 200 and page.context["stats"]["figures"]["total"] == 2
