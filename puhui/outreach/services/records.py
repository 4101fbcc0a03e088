"""Entering and correcting outreach records, by the people who do the work: a bank its 流动银行 events and
publicity, a village agent publicity in its villages, the education bureau (or the office) school bases.

A new or corrected record waits for the office's review (待审核); an approved record is no longer changed.
Each write is one transaction and one audit record; a refusal names the field in Chinese and stores nothing
(an event's photos are all checked before any row is written, and written last).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Division, Organisation
from puhui.core.service_checks import not_future, text_within
from puhui.outreach import access
from puhui.outreach.models import (
    MEDIA_CHANNELS,
    Audience,
    Channel,
    EventService,
    MobileEvent,
    PlaceType,
    Publicity,
    SchoolBase,
    Status,
)
from puhui.outreach.services.photos import photos_check, photos_store

MAX_PEOPLE = 100_000  # more people at one event or session is a typing error
MAX_COUNT = 1_000  # lectures, practice days, teachers in one school year
FIRST_YEAR = 2020  # the plan's first year (沂源县普惠金融服务乡村振兴改革试验区实施方案, 2020)


def _choice(value, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: f"请选择{label}。"})
    return value


def _count(value, field: str, label: str, unit: str, *, low: int = 0, high: int = MAX_PEOPLE) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"请填写{label}（{unit}）。"}) from None
    if number < low:
        raise ValidationError({field: f"{label}不能少于 {low} {unit}。"})
    if number > high:
        raise ValidationError({field: f"{label}不能超过 {high:,} {unit}，请核对。"})
    return number


def _town(town) -> Division:
    if not isinstance(town, Division) or town.level != "town":
        raise ValidationError({"town": "请选择镇（街道）。"})
    return town


def _day(held_on) -> datetime.date:
    day = not_future(held_on, "held_on", "活动日期")
    if day.year < FIRST_YEAR:
        raise ValidationError({"held_on": f"活动日期不能早于 {FIRST_YEAR} 年（实施方案的第一年）。"})
    return day


def _resubmit(record, before, actor) -> None:
    """A corrected record goes back to the office (its last return reason stays for the reviewer to see)."""
    record.status = Status.PENDING
    record.save()
    audit_changed(actor=actor, obj=record, before=before, note="修改后重新提交审核")


# ---------------------------------------------------------------- 流动银行 events


def _event_fields(held_on, place_type, town, place, services, people_served, note) -> dict:
    services = list(dict.fromkeys(services or ()))
    if not services or any(s not in EventService.values for s in services):
        raise ValidationError({"services": "请选择本次活动提供的服务（至少一项）。"})
    return {
        "held_on": _day(held_on),
        "place_type": _choice(place_type, PlaceType, "place_type", "活动地点类型（农村、社区或矿区）"),
        "town": _town(town),
        "place": text_within(place, "place", "具体地点", limit=100),
        "services": services,
        "people_served": _count(people_served, "people_served", "服务人数", "人", low=1),
        "note": text_within(note, "note", "活动情况", limit=2000, required=False),
    }


@transaction.atomic
def event_create(
    *, actor, held_on, place_type, town, place, services, people_served, note="", photos=()
) -> MobileEvent:
    """A bank's 流动银行“三进” event, with at least one photo as evidence."""
    if not access.may_add_event(actor):
        raise ValidationError("只有银行业金融机构可以登记流动银行“三进”活动。")
    fields = _event_fields(held_on, place_type, town, place, services, people_served, note)
    checked = photos_check(photos, required=True)
    event = MobileEvent.objects.create(bank=access.bank_of(actor), entered_by=actor, **fields)
    audit_changed(actor=actor, obj=event, before=None, note=f"登记流动银行活动（{len(checked)} 张照片）")
    photos_store(event, checked)
    return event


@transaction.atomic
def event_update(
    *,
    actor,
    event: MobileEvent,
    held_on,
    place_type,
    town,
    place,
    services,
    people_served,
    note="",
    photos=(),
) -> MobileEvent:
    """The bank corrects a pending or returned event (photos may be added); it goes back for review."""
    event = MobileEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if not access.may_edit_event(actor, event):
        raise ValidationError("这条活动记录已审核通过或不属于本机构，不能修改。")
    fields = _event_fields(held_on, place_type, town, place, services, people_served, note)
    checked = photos_check(photos, already=event.photos.count())
    before = snapshot(event)
    for name, value in fields.items():
        setattr(event, name, value)
    _resubmit(event, before, actor)
    photos_store(event, checked)
    return event


# ---------------------------------------------------------------- publicity


def _publicity_fields(actor, held_on, channel, audience_group, topic, town, village, audience, note) -> dict:
    channel = _choice(channel, Channel, "channel", "宣传渠道")
    if access.is_agent(actor):
        channel = Channel.AGENT  # an agent's session is the agent channel, whatever was sent
        allowed = access.agent_village_ids(actor)
        if not isinstance(village, Division) or village.pk not in allowed:
            raise ValidationError({"village": "请选择您负责的村（社区）。"})
        town = village.parent
    elif channel == Channel.AGENT:
        raise ValidationError({"channel": "“代办员（驻村）”渠道由代办员本人登记。"})
    if village is not None and (not isinstance(village, Division) or village.level != "village"):
        raise ValidationError({"village": "请选择村（社区）。"})
    if village is not None and town is not None and village.parent_id != town.pk:
        raise ValidationError({"village": f"“{village.name}”不在{town.name}。"})
    if town is None and channel not in MEDIA_CHANNELS:
        raise ValidationError({"town": "除电视广播、报纸和微信公众号外，请选择活动所在的镇（街道）。"})
    return {
        "held_on": _day(held_on),
        "channel": channel,
        "audience_group": _choice(audience_group, Audience, "audience_group", "宣传对象"),
        "topic": text_within(topic, "topic", "宣传主题", limit=100),
        "town": _town(town) if town is not None else None,
        "village": village,
        "audience": _count(audience, "audience", "受众人数", "人", low=1, high=10_000_000),
        "note": text_within(note, "note", "活动情况", limit=2000, required=False),
    }


@transaction.atomic
def publicity_create(
    *, actor, held_on, channel, audience_group, topic, audience, town=None, village=None, note=""
) -> Publicity:
    """A publicity activity: a bank's (outlet, media, special session) or a village agent's own session."""
    if not access.may_add_publicity(actor):
        raise ValidationError("只有金融机构和代办员可以登记金融知识宣传活动。")
    fields = _publicity_fields(actor, held_on, channel, audience_group, topic, town, village, audience, note)
    record = Publicity.objects.create(organiser=access.bank_of(actor), entered_by=actor, **fields)
    audit_changed(actor=actor, obj=record, before=None, note="登记金融知识宣传活动")
    return record


@transaction.atomic
def publicity_update(
    *,
    actor,
    record: Publicity,
    held_on,
    channel,
    audience_group,
    topic,
    audience,
    town=None,
    village=None,
    note="",
) -> Publicity:
    record = Publicity.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if not access.may_edit_publicity(actor, record):
        raise ValidationError("这条宣传记录已审核通过或不是您登记的，不能修改。")
    fields = _publicity_fields(actor, held_on, channel, audience_group, topic, town, village, audience, note)
    before = snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    _resubmit(record, before, actor)
    return record


# ---------------------------------------------------------------- school bases


def _school_fields(school, town, year, bank, curriculum, lectures, practice_days, teachers_trained) -> dict:
    this_year = timezone.localdate().year
    year = _count(year, "year", "年度", "年", low=FIRST_YEAR, high=this_year)
    if bank is not None and (not isinstance(bank, Organisation) or bank.kind not in access.BANK_KINDS):
        raise ValidationError({"bank": "对接金融机构须为银行业金融机构。"})
    return {
        "school": text_within(school, "school", "学校", limit=100),
        "town": _town(town),
        "year": year,
        "bank": bank,
        "curriculum": text_within(curriculum, "curriculum", "纳入课程情况", limit=2000),
        "lectures": _count(lectures, "lectures", "专题讲座", "次", high=MAX_COUNT),
        "practice_days": _count(practice_days, "practice_days", "社会实践和职业体验", "天", high=366),
        "teachers_trained": _count(teachers_trained, "teachers_trained", "培训教师", "人", high=MAX_COUNT),
    }


def _unique_school(fields: dict, exclude_pk=None) -> None:
    same = SchoolBase.objects.filter(school=fields["school"], year=fields["year"]).exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError(
            {"school": f"“{fields['school']}”{fields['year']}年的记录已经登记过，请修改原记录。"}
        )


@transaction.atomic
def school_create(
    *, actor, school, town, year, curriculum, lectures, practice_days, teachers_trained, bank=None
) -> SchoolBase:
    """One school year of a financial-education base, entered by the education bureau or the office."""
    if not access.may_add_school(actor):
        raise ValidationError("只有县教育和体育局或领导小组办公室可以登记校园金融知识教育基地。")
    fields = _school_fields(school, town, year, bank, curriculum, lectures, practice_days, teachers_trained)
    _unique_school(fields)
    record = SchoolBase.objects.create(entered_by=actor, **fields)
    audit_changed(actor=actor, obj=record, before=None, note="登记校园金融知识教育基地")
    return record


@transaction.atomic
def school_update(
    *,
    actor,
    record: SchoolBase,
    school,
    town,
    year,
    curriculum,
    lectures,
    practice_days,
    teachers_trained,
    bank=None,
) -> SchoolBase:
    record = SchoolBase.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if not access.may_edit_school(actor, record):
        raise ValidationError("这条教育基地记录已审核通过，不能修改。")
    fields = _school_fields(school, town, year, bank, curriculum, lectures, practice_days, teachers_trained)
    _unique_school(fields, exclude_pk=record.pk)
    before = snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    _resubmit(record, before, actor)
    return record
