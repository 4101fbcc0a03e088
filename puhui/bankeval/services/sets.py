"""The indicator set's versions: the shipped version 1 is stored on first use; a new version is added from YAML."""

import functools

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed
from puhui.engines.evaluation import EvaluationInputError, parse_set, shipped_path
from puhui.engines.evaluation import IndicatorSet as EngineSet

from ..models import IndicatorSet


def engine_set(stored: IndicatorSet) -> EngineSet:
    return _parsed(stored.text)


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> EngineSet:
    # A stored version's text never changes; pages and runs read it many times.
    return parse_set(text)


@transaction.atomic
def set_add(*, actor, text: str, change_note: str = "") -> IndicatorSet:
    """A new version of the indicator set; every problem in the text is reported and nothing is stored."""
    try:
        parsed = parse_set(text)
    except EvaluationInputError as e:
        raise ValidationError(e.problems) from None
    if IndicatorSet.objects.filter(version=parsed.version).exists():
        raise ValidationError(f"版本 {parsed.version} 已经存在，请在指标体系中写一个新的版本号。")
    stored = IndicatorSet.objects.create(
        version=parsed.version,
        name=parsed.name,
        text=text,
        change_note=change_note.strip()[:300],
        created_by=actor,
    )
    audit_changed(actor=actor, obj=stored, before=None, note=f"新增综合评价指标体系第 {parsed.version} 版")
    return stored


def set_in_force(*, actor=None) -> IndicatorSet:
    """The latest version; the shipped version 1 is stored the first time one is needed."""
    latest = IndicatorSet.objects.order_by("-version").first()
    if latest is not None:
        return latest
    return set_add(
        actor=actor, text=shipped_path(1).read_text(encoding="utf-8"), change_note="随平台提供的第 1 版"
    )
