"""Complaint services: intake, deadlines, extension, answer (late ones kept and counted), feedback,
escalation, closure, the retention purge; every refusal in Chinese with nothing stored."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from puhui.core.workdays import is_working_day
from puhui.protection import rules
from puhui.protection.models import Complaint, ComplaintStep
from puhui.protection.selectors import complaints as selectors
from puhui.protection.selectors import statistics
from puhui.protection.services import complaints as services
from tests.protection.conftest import complaint_data, days_ago

pytestmark = pytest.mark.django_db
D = datetime.date


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_the_answer_is_due_15_calendar_days_after_receipt_moved_past_holidays():
    assert rules.answer_due(D(2021, 3, 1)) == D(2021, 3, 16)  # a Tuesday
    # 2021-09-16 + 15 = 2021-10-01, National Day: the period ends on the first working day after the holiday.
    assert rules.answer_due(D(2021, 9, 16)) == D(2021, 10, 8)
    assert is_working_day(rules.latest_extension(D(2021, 5, 6)))
    assert rules.latest_extension(D(2021, 3, 1)) == D(2021, 4, 30)


def test_an_anonymous_complaint_gets_a_tracking_code_stored_only_hashed(file):
    complaint, code = file()
    assert len(code) == services.CODE_LENGTH
    assert complaint.tracking_hash == services.code_hash(code) and code not in complaint.tracking_hash
    assert complaint.channel == "01" and complaint.filed_by is None and complaint.complainant is None
    assert complaint.due_on == rules.answer_due(timezone.localdate())
    assert services.find_by_code(services.format_code(code).lower(), "0000") == complaint
    assert services.find_by_code(code, "1234") is None
    assert services.find_by_code("A" * services.CODE_LENGTH, "0000") is None
    assert list(complaint.steps.values_list("kind", flat=True)) == ["file"]


def test_a_complaint_without_contact_is_refused_and_nothing_stored(file):
    with pytest.raises(ValidationError) as e:
        file(phone="")
    assert "请留下联系电话" in _messages(e.value)
    with pytest.raises(ValidationError) as e:
        file(phone="abc")
    assert "7 到 12 位数字" in _messages(e.value)
    assert not Complaint.objects.exists() and not ComplaintStep.objects.exists()


def test_a_bank_records_only_about_itself_and_the_office_records_letters(users, county):
    complaint, _ = services.complaint_file(
        actor=users["abc"], institution=county["rcb"], **complaint_data(channel="02")
    )
    assert complaint.institution == county["abc"] and complaint.filed_by == users["abc"]
    with pytest.raises(ValidationError):
        services.complaint_file(actor=users["abc"], institution=None, **complaint_data(channel="05"))
    letter, _ = services.complaint_file(
        actor=users["office"],
        institution=county["rcb"],
        received_on=days_ago(3),
        **complaint_data(channel="05"),
    )
    assert letter.institution == county["rcb"] and letter.channel == "05"
    with pytest.raises(ValidationError):
        services.complaint_file(actor=users["town_lishan"], institution=county["rcb"], **complaint_data())
    mine, _ = services.complaint_file(
        actor=users["public"], institution=county["rcb"], **complaint_data(channel="05")
    )
    assert mine.channel == "01" and mine.complainant == users["public"]


def test_a_late_answer_is_accepted_marked_late_and_counted(users, file):
    complaint, _ = file(received_ago=30)
    assert selectors.state(complaint) == "逾期未答复"
    complaint = services.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="已退还费用。", answered_on=timezone.localdate()
    )
    assert complaint.status == "answered" and complaint.late
    stats = statistics.statistics(users["office"])
    assert stats["figures"]["late"] == 1 and stats["figures"]["on_time_rate"] == "0.0"
    tables = {t["key"]: t["rows"] for t in stats["tables"]}
    assert tables["institution"][0]["late"] == 1 and tables["cause"] == [
        {"label": "定价收费", "n": 1, "late": 1}
    ]
    assert stats["months"][0]["late"] == 1 and stats["months"][0]["on_time_rate"] == "0.0"
    on_time, _ = file()
    on_time = services.complaint_answer(
        actor=users["abc"], complaint=on_time, answer="已解释。", answered_on=timezone.localdate()
    )
    assert not on_time.late
    assert statistics.statistics(users["office"])["figures"]["on_time_rate"] == "50.0"


def test_only_the_institution_answers(users, file):
    complaint, _ = file()
    for who in ("rcb", "office", "public"):
        with pytest.raises(ValidationError):
            services.complaint_answer(
                actor=users[who], complaint=complaint, answer="x", answered_on=timezone.localdate()
            )
    complaint.refresh_from_db()
    assert complaint.status == "handling" and not complaint.answer


def test_extension_up_to_60_days_with_approver_and_reason(users, file):
    complaint, _ = file(received_ago=5)
    too_far = rules.latest_extension(complaint.received_on) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as e:
        services.complaint_extend(
            actor=users["abc"], complaint=complaint, until=too_far, reason="情况复杂", approver="市分行 王某"
        )
    assert "最长 60 天" in _messages(e.value)
    with pytest.raises(ValidationError) as e:
        services.complaint_extend(
            actor=users["abc"],
            complaint=complaint,
            until=complaint.due_on + datetime.timedelta(days=10),
            reason="情况复杂",
            approver="",
        )
    assert "审批人" in _messages(e.value)
    complaint.refresh_from_db()
    assert complaint.extended_to is None and complaint.steps.count() == 1
    until = complaint.due_on + datetime.timedelta(days=10)
    complaint = services.complaint_extend(
        actor=users["abc"], complaint=complaint, until=until, reason="需调取监控录像", approver="市分行 王某"
    )
    assert complaint.deadline == until
    assert "需调取监控录像" in complaint.steps.last().note  # the complainant sees the reason


def test_no_extension_once_the_deadline_has_passed(users, file):
    complaint, _ = file(received_ago=20)
    with pytest.raises(ValidationError) as e:
        services.complaint_extend(
            actor=users["abc"], complaint=complaint, until=timezone.localdate() + datetime.timedelta(days=5),
            reason="情况复杂", approver="王某",
        )  # fmt: skip
    assert "已过" in _messages(e.value)


def test_transfer_keeps_the_deadline(users, county, file):
    complaint, _ = file()
    due = complaint.due_on
    complaint = services.complaint_transfer(
        actor=users["abc"], complaint=complaint, to=county["rcb"], reason="系农商行业务"
    )
    assert complaint.institution == county["rcb"] and complaint.due_on == due
    with pytest.raises(ValidationError):
        services.complaint_answer(
            actor=users["abc"], complaint=complaint, answer="x", answered_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        services.complaint_transfer(actor=users["rcb"], complaint=complaint, to=county["pboc"], reason="x")


def test_feedback_escalation_and_closure(users, file):
    complaint, _ = file()
    with pytest.raises(ValidationError):
        services.complaint_escalate(
            actor=None, complaint=complaint, reason="不满意"
        )  # not yet due, no answer
    with pytest.raises(ValidationError):
        services.complaint_feedback(actor=None, complaint=complaint, feedback="satisfied")
    complaint = services.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="不予退费。", answered_on=timezone.localdate()
    )
    complaint = services.complaint_feedback(
        actor=None, complaint=complaint, feedback="unsatisfied", note="理由不成立"
    )
    assert complaint.status == "answered"
    with pytest.raises(ValidationError):  # another public user is not the complainant
        services.complaint_escalate(actor=users["public"], complaint=complaint, reason="x")
    complaint = services.complaint_escalate(actor=None, complaint=complaint, reason="对答复不满意")
    assert complaint.status == "escalated" and complaint.escalated_on == timezone.localdate()
    assert selectors.escalated_count(users["office"]) == 1 and selectors.escalated_count(users["abc"]) == 0
    with pytest.raises(Http404):
        services.complaint_close(
            actor=users["abc"], complaint=complaint, conclusion="x", closed_on=timezone.localdate()
        )
    complaint = services.complaint_close(
        actor=users["office"],
        complaint=complaint,
        conclusion="经核实，已督促退费。",
        closed_on=timezone.localdate(),
    )
    assert complaint.status == "closed"


def test_satisfied_feedback_closes(users, file):
    complaint, _ = file()
    complaint = services.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="已退费。", answered_on=timezone.localdate()
    )
    complaint = services.complaint_feedback(actor=None, complaint=complaint, feedback="satisfied")
    assert complaint.status == "closed" and complaint.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.complaint_escalate(actor=None, complaint=complaint, reason="x")


def test_an_unanswered_complaint_past_its_deadline_may_be_escalated(file):
    complaint, _ = file(received_ago=30)
    assert (
        services.complaint_escalate(actor=None, complaint=complaint, reason="逾期未答复").status
        == "escalated"
    )


def test_the_due_count_and_items(users, file):
    file(received_ago=14)
    file()
    assert selectors.due_count(users["abc"]) == 1
    assert selectors.due_count(users["rcb"]) == 0 and selectors.due_count(users["office"]) == 0
    assert "投诉" in selectors.due_items(users["abc"], 5)[0][0]


def test_the_purge_clears_personal_data_after_three_years(users, file):
    old, code = file()
    services.complaint_answer(
        actor=users["abc"], complaint=old, answer="已处理。", answered_on=timezone.localdate()
    )
    services.complaint_feedback(actor=None, complaint=old, feedback="satisfied")
    recent, _ = file()
    today = timezone.localdate()
    assert services.complaints_purge(today=today) == 0
    Complaint.objects.filter(pk=old.pk).update(closed_on=today - datetime.timedelta(days=3 * 366))
    assert services.complaints_purge(today=today) == 1
    old.refresh_from_db()
    assert old.name == "" and old.phone == "" and old.phone_hash == "" and old.purged_on == today
    assert old.business == "02" and old.status == "closed"  # the statistics keep it
    assert services.find_by_code(code, "0000") is None
    assert services.complaints_purge(today=today) == 0
    recent.refresh_from_db()
    assert recent.name == "户主0"


def test_the_handling_bank_sees_the_phone_in_clear_and_the_view_is_logged(client, users, file):
    from puhui.core.models import AuditLog

    complaint, _ = file(phone="13912345678")
    url = reverse("protection:complaint_unmask", args=[complaint.pk])
    client.force_login(users["abc"])
    page = client.get(reverse("protection:complaint_detail", args=[complaint.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page and 'data-testid="unmask-phone"' in page
    answer = client.post(url, {"field": "phone"}, HTTP_HX_REQUEST="true").content.decode()
    assert "13912345678" in answer
    log = AuditLog.objects.get(action=AuditLog.Action.UNMASK, object_id=str(complaint.pk))
    assert (log.actor, log.note, log.after) == (users["abc"], "查看投诉人明文：联系电话", {"field": "phone"})
    assert "13912345678" not in str(log.after) + log.note
    assert client.post(url, {"field": "content"}).status_code == 400
    client.force_login(users["rcb"])  # another bank
    assert client.post(url, {"field": "phone"}).status_code == 404
