"""The zone's publicity records (示范区宣传, plan 二十四): entered by a unit — a member unit, a bank or the
office —, corrected while waiting or returned, reviewed by the office (已通过, then counted and no longer
changed; or 已退回 with a reason). One transaction and one audit record each; refusals name the field."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from puhui.cases import access
from puhui.cases.models import Promotion, PromotionFile, PromotionKind, PromotionStatus
from puhui.cases.services.attachments import files_check, files_remove, files_store
from puhui.cases.services.cases import FIRST_YEAR
from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Division
from puhui.core.review import review_decide
from puhui.core.service_checks import not_future, text_within

UPLOAD_DIR = "cases/promotion"
MAX_AUDIENCE = 10_000_000  # more is a typing error (a county-wide broadcast reaches the county's 56万)


def _day(held_on) -> datetime.date:
    day = not_future(held_on, "held_on", "日期")
    if day.year < FIRST_YEAR:
        raise ValidationError({"held_on": f"日期不能早于 {FIRST_YEAR} 年（实施方案的第一年）。"})
    return day


def _audience(value, kind: str) -> int | None:
    if value in (None, ""):
        if kind == PromotionKind.MEDIA:
            return None
        raise ValidationError({"audience": "请填写受众人数（人）；只有媒体报道可以不填。"})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"audience": "受众人数须为整数（人）。"}) from None
    if number < 1 or number > MAX_AUDIENCE:
        raise ValidationError({"audience": f"受众人数须在 1 至 {MAX_AUDIENCE:,} 人之间，请核对。"})
    return number


def _fields(kind, held_on, topic, place, town, audience, summary) -> dict:
    if kind not in PromotionKind.values:
        raise ValidationError({"kind": "请选择宣传方式。"})
    if town is not None and (not isinstance(town, Division) or town.level != "town"):
        raise ValidationError({"town": "请选择镇（街道），或不选。"})
    return {
        "kind": kind,
        "held_on": _day(held_on),
        "topic": text_within(topic, "topic", "主题", limit=100),
        "place": text_within(place, "place", "地点或媒体", limit=100),
        "town": town,
        "audience": _audience(audience, kind),
        "summary": text_within(summary, "summary", "活动情况", limit=5000),
    }


@transaction.atomic
def promotion_create(
    *, actor, kind, held_on, topic, place, summary, town=None, audience=None, files=()
) -> Promotion:
    unit = access.unit_of(actor)
    if unit is None:
        raise ValidationError("只有成员单位、金融机构和领导小组办公室可以登记示范区宣传。")
    fields = _fields(kind, held_on, topic, place, town, audience, summary)
    checked = files_check(files)
    record = Promotion.objects.create(unit=unit, entered_by=actor, **fields)
    audit_changed(actor=actor, obj=record, before=None, note=f"登记示范区宣传（{len(checked)} 个佐证材料）")
    files_store(PromotionFile, "record", record, checked, UPLOAD_DIR)
    return record


@transaction.atomic
def promotion_update(
    *, actor, record: Promotion, kind, held_on, topic, place, summary, town=None, audience=None, files=(),
    remove=(),
) -> Promotion:  # fmt: skip
    record = Promotion.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if not access.may_edit_promotion(actor, record):
        raise ValidationError("这条宣传记录已审核通过或不属于本单位，不能修改。")
    fields = _fields(kind, held_on, topic, place, town, audience, summary)
    before = snapshot(record)
    removed = files_remove(record.files.all(), remove)
    checked = files_check(files, already=record.files.count())
    for name, value in fields.items():
        setattr(record, name, value)
    record.status = PromotionStatus.PENDING
    record.save()
    note = "修改后重新提交审核" + (f"，删除附件：{'、'.join(removed)}" if removed else "")
    audit_changed(actor=actor, obj=record, before=before, note=note)
    files_store(PromotionFile, "record", record, checked, UPLOAD_DIR)
    return record


def promotion_review(*, actor, record: Promotion, decision: str, reason: str = "") -> Promotion:
    """`decision`: "approve" or "return" (a reason is required to return)."""
    if not access.can_review(actor):
        raise ValidationError("只有领导小组办公室可以审核示范区宣传记录。")
    url = reverse("cases:publicity_detail", args=[record.pk])
    return review_decide(
        actor=actor,
        record=record,
        decision=decision,
        reason=reason,
        what="示范区宣传记录",
        kind="cases",
        url=url,
    )
