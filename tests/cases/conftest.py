"""The cases scene on the test county: files in a temporary MEDIA_ROOT, helpers that make real attachments
and enter records through the services."""

import datetime
import zipfile
from io import BytesIO

import pytest

from puhui.cases.services import cases, promotions
from tests.outreach.conftest import png

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def case_data(**overrides) -> dict:
    data = {
        "topic": "credit",
        "period": "2021Q2",
        "title": "整村授信的做法",
        "text": "一、做法。二、成效。",
        "task": None,
        "files": [("做法.pdf", PDF)],
    }
    data.update(overrides)
    return data


def promotion_data(county, **overrides) -> dict:
    data = {
        "kind": "session",
        "held_on": D(2021, 6, 1),
        "topic": "示范区建设集中宣讲",
        "place": "鲁村镇政府会议室",
        "town": county["towns"][1],
        "audience": 80,
        "summary": "介绍示范区建设的目标任务。",
        "files": [],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_case(users):
    def make(user=None, **overrides):
        return cases.case_create(actor=user or users["abc"], **case_data(**overrides))

    return make


@pytest.fixture
def make_promotion(users, county):
    def make(user=None, **overrides):
        return promotions.promotion_create(actor=user or users["abc"], **promotion_data(county, **overrides))

    return make


__all__ = ["png"]
