"""Entering, correcting and reviewing outreach records: the rules, the refusals in Chinese, nothing half-stored."""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from puhui.core import sealed_files
from puhui.core.models import AuditLog, Notification
from puhui.outreach.models import EventPhoto, MobileEvent, Publicity, SchoolBase
from puhui.outreach.services import records
from puhui.outreach.services.review import record_review
from tests.outreach.conftest import event_data, png, publicity_data, school_data

pytestmark = pytest.mark.django_db


def _files(media):
    return [f for _, _, names in os.walk(media) for f in names] if os.path.exists(media) else []


def test_a_bank_enters_an_event_with_a_photo_sealed_at_rest(users, county, _media):
    event = records.event_create(actor=users["abc"], **event_data(county))
    assert event.bank == county["abc"] and event.status == "pending"
    photo = event.photos.get()
    assert photo.content_type == "image/png" and (photo.width, photo.height) == (8, 6)
    assert sealed_files.original_is_encrypted(photo.path)
    assert b"".join(sealed_files.original_chunks(photo.path)) == png()
    assert AuditLog.objects.filter(object_type="outreach.MobileEvent", object_id=str(event.pk)).exists()


def test_an_event_in_the_future_is_refused_and_nothing_is_stored(users, county, _media):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as e:
        records.event_create(actor=users["abc"], **event_data(county, held_on=tomorrow))
    assert "不能晚于今天" in str(e.value.message_dict["held_on"])
    assert not MobileEvent.objects.exists() and not EventPhoto.objects.exists() and _files(_media) == []


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_stored(users, county, _media):
    fake = SimpleUploadedFile("照片.png", b"%PDF-1.4 not an image", content_type="image/png")
    photos = [("好的.png", png()), fake]
    with pytest.raises(ValidationError) as e:
        records.event_create(actor=users["abc"], **event_data(county, photos=photos))
    assert "“照片.png”不是有效的图片" in str(e.value.message_dict["photos"])
    assert not MobileEvent.objects.exists() and not EventPhoto.objects.exists() and _files(_media) == []


def test_a_truncated_image_and_a_missing_photo_are_refused(users, county):
    with pytest.raises(ValidationError, match="不是有效的图片"):
        records.event_create(actor=users["abc"], **event_data(county, photos=[("半张.png", png()[:30])]))
    with pytest.raises(ValidationError, match="至少 1 张"):
        records.event_create(actor=users["abc"], **event_data(county, photos=[]))
    assert not MobileEvent.objects.exists()


def test_a_failed_file_write_leaves_neither_rows_nor_files(users, county, _media, monkeypatch):
    real = sealed_files.original_write
    calls = []

    def second_fails(relative, file):
        calls.append(relative)
        if len(calls) == 2:
            raise OSError("磁盘已满")
        return real(relative, file)

    monkeypatch.setattr(sealed_files, "original_write", second_fails)
    with pytest.raises(OSError):
        records.event_create(
            actor=users["abc"], **event_data(county, photos=[("1.png", png()), ("2.png", png((0, 0, 9)))])
        )
    assert not MobileEvent.objects.exists() and _files(_media) == []


def test_only_banks_enter_events_and_bad_fields_are_named(users, county):
    for who in ("office", "agent", "member", "town_lishan", "public"):
        with pytest.raises(ValidationError, match="只有银行业金融机构"):
            records.event_create(actor=users[who], **event_data(county))
    cases = {
        "place_type": {"place_type": "moon"},
        "services": {"services": []},
        "people_served": {"people_served": 0},
        "town": {"town": county["villages"][0]},
        "held_on": {"held_on": datetime.date(2019, 12, 31)},
    }
    for field, bad in cases.items():
        with pytest.raises(ValidationError) as e:
            records.event_create(actor=users["abc"], **event_data(county, **bad))
        assert field in e.value.message_dict, field


def test_the_office_approves_or_returns_with_a_reason_and_the_bank_corrects(users, county, make_event):
    office = users["office"]
    event = make_event()
    with pytest.raises(ValidationError, match="退回原因"):
        record_review(actor=office, record=event, decision="return", reason=" ")
    with pytest.raises(ValidationError, match="只有领导小组办公室"):
        record_review(actor=users["admin"], record=event, decision="approve")
    event = record_review(actor=office, record=event, decision="return", reason="照片模糊")
    assert event.status == "returned" and event.return_reason == "照片模糊"
    assert Notification.objects.filter(user=users["abc"], kind="outreach").exists()
    with pytest.raises(ValidationError, match="不能再审核"):
        record_review(actor=office, record=event, decision="approve")
    data = event_data(county, people_served=150, photos=[("补充.png", png((1, 2, 3)))])
    with pytest.raises(ValidationError):
        records.event_update(actor=users["rcb"], event=event, **data)
    event = records.event_update(actor=users["abc"], event=event, **data)
    assert event.status == "pending" and event.people_served == 150 and event.photos.count() == 2
    event = record_review(actor=office, record=event, decision="approve")
    assert event.status == "approved" and event.reviewed_by == office
    with pytest.raises(ValidationError, match="已审核通过"):
        records.event_update(actor=users["abc"], event=event, **event_data(county))


def test_publicity_by_a_bank_and_by_an_agent_in_its_own_village(users, county):
    record = records.publicity_create(actor=users["abc"], **publicity_data(county))
    assert record.organiser == county["abc"] and record.channel == "special"
    media = records.publicity_create(
        actor=users["rcb"], **publicity_data(county, channel="wechat", town=None)
    )
    assert media.town is None
    with pytest.raises(ValidationError) as e:
        records.publicity_create(actor=users["abc"], **publicity_data(county, channel="outlet", town=None))
    assert "town" in e.value.message_dict
    with pytest.raises(ValidationError, match="代办员本人"):
        records.publicity_create(actor=users["abc"], **publicity_data(county, channel="agent"))
    own, other = county["villages"][0], county["villages"][2]
    mine = records.publicity_create(
        actor=users["agent"], **publicity_data(county, channel="outlet", village=own)
    )
    assert (mine.channel, mine.town, mine.organiser) == ("agent", own.parent, None)
    with pytest.raises(ValidationError) as e:
        records.publicity_create(actor=users["agent"], **publicity_data(county, village=other))
    assert "您负责的村" in str(e.value.message_dict["village"])
    assert Publicity.objects.count() == 3


def test_school_bases_by_the_bureau_once_per_school_and_year(users, county, bureau):
    record = records.school_create(actor=bureau, **school_data(county))
    assert record.status == "pending"
    with pytest.raises(ValidationError, match="已经登记过"):
        records.school_create(actor=users["office"], **school_data(county))
    with pytest.raises(ValidationError, match="只有县教育和体育局"):
        records.school_create(actor=users["member"], **school_data(county, year=2020))
    next_year = timezone.localdate().year + 1
    with pytest.raises(ValidationError) as e:
        records.school_create(actor=bureau, **school_data(county, year=next_year))
    assert "year" in e.value.message_dict
    assert SchoolBase.objects.count() == 1
