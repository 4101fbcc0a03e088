"""Typical cases (典型案例): written anonymised by the office, published to the public page."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.service_checks import text_within
from puhui.protection import access
from puhui.protection.models import Business, Cause, TypicalCase
from puhui.protection.selectors.anonymise import personal_data_in


@transaction.atomic
def typical_add(
    *,
    actor,
    title: str,
    business: str,
    cause: str,
    summary: str,
    outcome: str,
    lesson: str = "",
    publish: bool = False,
) -> TypicalCase:
    access.require_office(actor)
    texts = {
        "title": text_within(title, "title", "标题", limit=100),
        "summary": text_within(summary, "summary", "基本案情", limit=4000),
        "outcome": text_within(outcome, "outcome", "处理结果", limit=4000),
        "lesson": text_within(lesson, "lesson", "典型意义", limit=4000, required=False),
    }
    if business not in Business.values:
        raise ValidationError({"business": "请选择业务类别。"})
    if cause not in Cause.values:
        raise ValidationError({"cause": "请选择投诉原因。"})
    for field, text in texts.items():
        found = personal_data_in(text)
        if found:
            raise ValidationError({field: f"请删去个人信息后再保存（发现{found}）：典型案例将向社会公开。"})
    case = TypicalCase.objects.create(
        **texts, business=business, cause=cause, author=actor,
        published_on=timezone.localdate() if publish else None,
    )  # fmt: skip
    audit_changed(actor=actor, obj=case, before=None, note="编写典型案例")
    return case


@transaction.atomic
def typical_publish(*, actor, case: TypicalCase, publish: bool) -> TypicalCase:
    access.require_office(actor)
    case = TypicalCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
    before = snapshot(case)
    case.published_on = timezone.localdate() if publish else None
    case.save(update_fields=["published_on"])
    audit_changed(actor=actor, obj=case, before=before, note="发布典型案例" if publish else "撤回典型案例")
    return case
