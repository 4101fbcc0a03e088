"""The share of complaints answered on time per county bank, as the banks' evaluation reads it (plug-in service
`complaints_on_time_rate`)."""

import datetime

import pytest

from puhui.core import plugins
from puhui.protection.models import Complaint
from puhui.protection.services import complaints as services
from tests.protection.conftest import days_ago

pytestmark = pytest.mark.django_db


def test_complaints_due_in_the_period_answered_on_time_or_not(file, users, county):
    on_time, _ = file(received_ago=20)
    services.complaint_answer(
        actor=users["abc"], complaint=on_time, answer="已退还。", answered_on=days_ago(5)
    )
    late, _ = file(received_ago=40)
    Complaint.objects.filter(pk=late.pk).update(answered_on=days_ago(1), late=True, status="answered")
    unanswered, _ = file(received_ago=40)  # past its deadline, no answer: not on time
    file(received_ago=0)  # due after the period: not counted
    rates = plugins.service("complaints_on_time_rate")
    due = [c.due_on for c in (on_time, late, unanswered)]
    start, end = min(due), max(due)
    assert rates(start, end) == {county["abc"].pk: pytest.approx(100 / 3, abs=0.01)}
    assert rates(end + datetime.timedelta(days=400), end + datetime.timedelta(days=500)) == {}
