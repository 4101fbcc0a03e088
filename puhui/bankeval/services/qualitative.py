"""The office's qualitative scores (定性): points within the item's weight, a reason, evidence checked by content."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.evidence import check_evidence
from puhui.engines.evaluation import MANUAL

from .. import access
from ..models import Evidence, IndicatorSet, QualitativeScore
from .sets import engine_set

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _points(points, item, problems: list[str]) -> Decimal | None:
    try:
        value = Decimal(str(points).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        problems.append(f"“{item.name}”的得分应为数字（现为“{points}”）。")
        return None
    if not 0 <= value <= item.weight or value != value.quantize(Decimal("0.01")):
        problems.append(
            f"“{item.name}”的得分应在 0 到 {item.weight} 分之间，最多两位小数（现为“{points}”）。"
        )
        return None
    return value


@transaction.atomic
def qualitative_set(
    *, actor, indicator_set: IndicatorSet, bank, year: int, item: str, points, reason: str, files=()
) -> QualitativeScore:
    """Enter or change one bank's points on one qualitative item for a year; every problem is reported in
    Chinese and nothing is kept (not the points, not any file) if one is found."""
    if not access.may_manage(actor) or not access.county_banks().filter(pk=bank.pk).exists():
        raise ValidationError("只有领导小组办公室可以为参评银行录入定性评分。")
    items = {s.code: s for s in engine_set(indicator_set).indicators if s.method == MANUAL}
    problems: list[str] = []
    spec = items.get(item)
    if spec is None:
        problems.append(f"指标体系第 {indicator_set.version} 版中没有定性项目“{item}”。")
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(f"评价年度应为 {FIRST_YEAR}–{LAST_YEAR} 之间的年份（现为“{year}”）。")
    value = _points(points, spec, problems) if spec is not None else None
    reason = (reason or "").strip()
    if not reason:
        problems.append("请写明评分理由（依据哪些佐证材料、扣分原因）。")
    elif len(reason) > 2000:
        problems.append("评分理由不能超过 2000 个字。")
    try:
        checked = check_evidence(files)
    except ValidationError as e:
        problems += e.messages
        checked = []
    if problems:
        raise ValidationError(problems)
    score = QualitativeScore.objects.filter(
        indicator_set=indicator_set, year=year, bank=bank, item=item
    ).first()
    before = snapshot(score)
    if score is None:
        score = QualitativeScore(indicator_set=indicator_set, year=year, bank=bank, item=item)
    score.points, score.reason, score.entered_by = value, reason, actor
    score.save()
    for f in checked:
        stored = Evidence(
            score=score, name=f.name, content_type=f.content_type, size=len(f.content), sha256=f.sha256
        )
        stored.file.save(f.name, ContentFile(f.content), save=False)
        stored.save()
    note = f"{year} 年综合评价定性评分：{bank.name}“{spec.name}”{value} 分"
    if checked:
        note += f"，佐证材料 {len(checked)} 个"
    audit_changed(actor=actor, obj=score, before=before, note=note)
    return score
