"""The outreach scene on the test county: photos in a temporary MEDIA_ROOT, the education bureau with a user,
helpers that make a real PNG and enter records through the services."""

import datetime
from io import BytesIO

import pytest
from django.contrib.auth.hashers import make_password
from PIL import Image

from puhui.core.models import User
from puhui.outreach.services import records
from tests.conftest import PASSWORD, _org

D = datetime.date


def png(colour=(200, 30, 30)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def bureau(county):
    org = _org(
        "JTJ", "沂源县教育和体育局", "government", plan_alias="县教育和体育局", is_leading_group_member=True
    )
    user = User.objects.create(
        username="jtj", role=User.Role.MEMBER_UNIT, organisation=org, password=make_password(PASSWORD)
    )
    return user


def event_data(county, **overrides) -> dict:
    data = {
        "held_on": D(2021, 5, 6),
        "place_type": "rural",
        "town": county["towns"][1],
        "place": "鲁村1村文化广场",
        "services": ["cash", "education"],
        "people_served": 120,
        "note": "",
        "photos": [("现场.png", png())],
    }
    data.update(overrides)
    return data


def publicity_data(county, **overrides) -> dict:
    data = {
        "held_on": D(2021, 6, 1),
        "channel": "special",
        "audience_group": "returning",
        "topic": "返乡创业贷款政策宣讲",
        "town": county["towns"][0],
        "village": None,
        "audience": 60,
    }
    data.update(overrides)
    return data


def school_data(county, **overrides) -> dict:
    data = {
        "school": "沂源县实验小学",
        "town": county["towns"][0],
        "year": 2021,
        "bank": county["rcb"],
        "curriculum": "综合实践课，每学期 4 课时",
        "lectures": 3,
        "practice_days": 2,
        "teachers_trained": 5,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_event(county, users):
    def make(user=None, **overrides):
        return records.event_create(actor=user or users["abc"], **event_data(county, **overrides))

    return make
