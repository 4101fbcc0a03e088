"""The protection scene on the test county: the court (县法院) and 县司法局 with one user each, a mediation
organisation with a mediator, and helpers that file a complaint and take it along its way."""

import datetime

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from puhui.core.models import User
from puhui.protection.models import Complaint, MediationOrg, Mediator
from puhui.protection.services import complaints as services
from tests.conftest import PASSWORD, _org

D = datetime.date


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def units(county, users):
    court = _org("FY", "沂源县人民法院", "court", plan_alias="县法院", is_leading_group_member=True)
    justice = _org("SFJ", "沂源县司法局", "government", plan_alias="县司法局", is_leading_group_member=True)

    def make(username, org):
        return User.objects.create(
            username=username, role=User.Role.MEMBER_UNIT, organisation=org, password=make_password(PASSWORD)
        )

    org = MediationOrg.objects.create(name="沂源县金融纠纷人民调解委员会", kind="industry")
    return {
        "court": court,
        "justice": justice,
        "court_user": make("court", court),
        "justice_user": make("justice", justice),
        "org": org,
        "mediator": Mediator.objects.create(org=org, name="调解员甲", specialty="信贷纠纷"),
    }


def complaint_data(**overrides) -> dict:
    data = {
        "channel": "01",
        "business_channel": "101",
        "business": "02",
        "cause": "11",
        "name": "户主0",
        "phone": "13800000000",
        "content": "贷款时被收取了合同以外的费用。",
        "demand": "退还多收的费用。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def file(county, users):
    """file(actor=None, received_ago=0, **data) → (complaint, code), filed against ABC."""

    def go(actor=None, received_ago: int = 0, **data):
        data = complaint_data(**data)
        complaint, code = services.complaint_file(actor=actor, institution=county["abc"], **data)
        if received_ago:
            day = days_ago(received_ago)
            from puhui.protection import rules

            Complaint.objects.filter(pk=complaint.pk).update(received_on=day, due_on=rules.answer_due(day))
            complaint.refresh_from_db()
        return complaint, code

    return go
