"""Writes of cases and publicity: what is stored, what is refused (in Chinese, naming the field, nothing
half-stored), the office's decisions and the attachments sealed at rest."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from puhui.cases.models import Case, CaseFile, Promotion, PromotionFile
from puhui.cases.services import cases, promotions
from puhui.cases.services.attachments import MAX_FILE_BYTES, file_chunks, file_type
from puhui.core import sealed_files
from puhui.core.models import AuditLog
from tests.cases.conftest import PDF, case_data, docx, png, promotion_data

pytestmark = pytest.mark.django_db
D = datetime.date


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_bank_sends_a_case_with_its_attachments_sealed(make_case, users, county, _media):
    case = make_case(files=[("做法.pdf", PDF), ("方案.docx", docx()), ("现场.png", png())])
    assert case.unit == county["abc"] and case.status == "submitted" and case.period_label == "2021年第2季度"
    types = sorted(case.files.values_list("content_type", flat=True))
    assert types == ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "image/png"]  # fmt: skip
    stored = case.files.get(name="做法.pdf")
    assert sealed_files.original_is_encrypted(stored.path)
    assert b"".join(file_chunks(stored)) == PDF
    assert AuditLog.objects.filter(object_id=str(case.pk), note__contains="报送典型案例").exists()


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("伪装.pdf", b"MZ\x90\x00 not a pdf", "不是允许的文件类型"),
        ("表格.xlsx", b"PK\x03\x04broken", "不是允许的文件类型"),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "不是有效的图片"),
        ("空.pdf", b"", "空文件"),
        ("大.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES, "超过 10 MB"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_stored(make_case, _media, name, content, words):
    with pytest.raises(ValidationError) as caught:
        make_case(files=[("好的.pdf", PDF), (name, content)])
    assert words in _messages(caught.value) and name in _messages(caught.value)
    assert "files" in caught.value.error_dict
    assert not Case.objects.exists() and not CaseFile.objects.exists()
    assert not (_media / "cases").exists() or not any((_media / "cases").rglob("*.*"))


def test_the_type_comes_from_the_bytes():
    assert file_type(docx()) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert (
        file_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"))
        == "application/msword"
    )
    assert file_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Workbook") is None  # an old Excel file
    assert file_type(PDF) == "application/pdf"


@pytest.mark.parametrize(
    "overrides,field,words",
    [
        ({"period": "2019"}, "period", "不能早于 2020 年"),
        ({"period": f"{timezone.localdate().year + 1}"}, "period", "尚未开始"),
        ({"period": "2021-05"}, "period", "须为年度或季度"),
        ({"period": "明年"}, "period", "请选择所属期间"),
        ({"topic": "sports"}, "topic", "请选择专题"),
        ({"title": " "}, "title", "请填写标题"),
        ({"task": "3"}, "task", "请选择实施方案中的任务"),
    ],
)
def test_case_refusals_name_the_field(make_case, overrides, field, words):
    with pytest.raises(ValidationError) as caught:
        make_case(**overrides)
    assert words in " ".join(caught.value.message_dict[field])
    assert not Case.objects.exists()


def test_only_units_send_cases_and_publicity(users, county):
    for who in ("town_lishan", "agent", "public", "admin"):
        with pytest.raises(ValidationError, match="只有成员单位、金融机构和领导小组办公室"):
            cases.case_create(actor=users[who], **case_data())
        with pytest.raises(ValidationError, match="只有成员单位、金融机构和领导小组办公室"):
            promotions.promotion_create(actor=users[who], **promotion_data(county))
    assert not Case.objects.exists() and not Promotion.objects.exists()


def test_another_unit_may_not_correct_a_case(make_case, users):
    case = make_case()
    with pytest.raises(ValidationError, match="不属于本单位"):
        cases.case_update(actor=users["rcb"], case=case, **case_data(title="改了"))
    case.refresh_from_db()
    assert case.title == "整村授信的做法"


def test_return_correct_accept_publish_select(make_case, users):
    office, abc = users["office"], users["abc"]
    case = make_case()
    with pytest.raises(ValidationError) as caught:
        cases.case_review(actor=office, case=case, decision="return", reason="")
    assert "请填写退回原因" in caught.value.message_dict["reason"][0]
    cases.case_review(actor=office, case=case, decision="return", reason="请补充数据")
    case.refresh_from_db()
    assert case.status == "returned" and case.return_reason == "请补充数据"
    assert abc.notifications.filter(title__contains="被退回").exists()
    first = case.files.get()
    cases.case_update(
        actor=abc, case=case, **case_data(title="补充后", files=[("照片.png", png())]), remove=[first.pk]
    )
    case.refresh_from_db()
    assert case.status == "submitted" and list(case.files.values_list("name", flat=True)) == ["照片.png"]
    with pytest.raises(ValidationError, match="只有办公室已采用或已发布的案例"):
        cases.case_select(actor=office, case=case, period="2021")
    cases.case_review(actor=office, case=case, decision="accept")
    with pytest.raises(ValidationError, match="不能修改"):
        cases.case_update(actor=abc, case=case, **case_data())
    cases.case_select(actor=office, case=case, period="2021")
    cases.case_review(actor=office, case=case, decision="publish")
    case.refresh_from_db()
    assert case.status == "published" and case.published_at and case.selected_label == "2021年"
    with pytest.raises(ValidationError, match="不能退回"):
        cases.case_review(actor=office, case=case, decision="return", reason="晚了")
    with pytest.raises(ValidationError, match="只有领导小组办公室"):
        cases.case_review(actor=abc, case=case, decision="unpublish")
    cases.case_select(actor=office, case=case, period="")
    assert Case.objects.get(pk=case.pk).selected_for == ""


@pytest.mark.parametrize(
    "overrides,field,words",
    [
        ({"held_on": timezone.localdate() + datetime.timedelta(days=1)}, "held_on", "不能晚于今天"),
        ({"held_on": D(2019, 12, 31)}, "held_on", "不能早于 2020 年"),
        ({"audience": None}, "audience", "只有媒体报道可以不填"),
        ({"audience": 0}, "audience", "受众人数须在 1 至"),
        ({"kind": "party"}, "kind", "请选择宣传方式"),
        ({"files": [("假.docx", b"PK\x03\x04xx")]}, "files", "不是允许的文件类型"),
    ],
)
def test_publicity_refusals(make_promotion, overrides, field, words):
    with pytest.raises(ValidationError) as caught:
        make_promotion(**overrides)
    assert words in " ".join(caught.value.message_dict[field])
    assert not Promotion.objects.exists() and not PromotionFile.objects.exists()


def test_a_media_report_needs_no_audience_and_the_office_reviews(make_promotion, users):
    record = make_promotion(kind="media", audience=None, town=None, files=[("报道.pdf", PDF)])
    assert record.audience is None and record.files.count() == 1
    with pytest.raises(ValidationError, match="只有领导小组办公室"):
        promotions.promotion_review(actor=users["abc"], record=record, decision="approve")
    promotions.promotion_review(actor=users["office"], record=record, decision="approve")
    with pytest.raises(ValidationError, match="不能修改"):
        promotions.promotion_update(actor=users["abc"], record=record, kind="media", held_on=D(2021, 6, 1),
                                    topic="改", place="电视台", summary="改")  # fmt: skip
    with pytest.raises(ValidationError, match="不能再审核"):
        promotions.promotion_review(actor=users["office"], record=record, decision="return", reason="再看")
