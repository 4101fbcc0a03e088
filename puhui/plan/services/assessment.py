"""Assessment: schemes and their criteria, manual scores, the computed totals and ranks."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Organisation
from puhui.engines.assessment import engine
from puhui.plan import selectors
from puhui.plan.models import AssessmentResult, AssessmentScheme, Criterion, Plan, Score
from puhui.plan.services.common import require_office

DEFAULT_CRITERIA = [
    (
        "进度报送及时性",
        Criterion.Kind.REPORT_TIMELINESS,
        Decimal("30"),
        "按期报送得满分，逾期补报得一半，未报不得分；按应报份数折算。",
    ),
    (
        "里程碑完成情况",
        Criterion.Kind.MILESTONES,
        Decimal("30"),
        "考核期内到期的里程碑按期完成的比例；经批准延期的以新日期为准。",
    ),
    (
        "督办事项按期办理",
        Criterion.Kind.NOTICE_RESPONSE,
        Decimal("20"),
        "考核期内收到的督办单在办理期限内回复的比例；未收到督办单得满分。",
    ),
    (
        "工作质量",
        Criterion.Kind.QUALITY,
        Decimal("20"),
        "领导小组办公室根据报告质量、工作成效评分，须写明理由。",
    ),
]


@transaction.atomic
def scheme_create(
    *, actor, plan: Plan, name: str, period_start, period_end, criteria=None
) -> AssessmentScheme:
    """A round of assessment; `criteria` is [(name, kind, max_points, description)], the default set if None."""
    require_office(actor)
    errors = {}
    if not (name or "").strip():
        errors["name"] = "请填写考核名称。"
    if period_start is None or period_end is None or period_start > period_end:
        errors["period_end"] = "考核期不正确。"
    criteria = DEFAULT_CRITERIA if criteria is None else criteria
    if not criteria:
        errors["criteria"] = "至少需要一个考核项目。"
    for c_name, kind, points, _d in criteria:
        if kind not in Criterion.Kind.values or Decimal(points) <= 0:
            errors["criteria"] = f"考核项目“{c_name}”的计分方式或分值不正确。"
    if errors:
        raise ValidationError(errors)
    scheme = AssessmentScheme.objects.create(
        plan=plan, name=name.strip(), period_start=period_start, period_end=period_end, created_by=actor
    )
    for order, (c_name, kind, points, description) in enumerate(criteria):
        Criterion.objects.create(
            scheme=scheme,
            order=order,
            name=c_name,
            kind=kind,
            max_points=Decimal(points),
            description=description,
        )
    audit_changed(actor=actor, obj=scheme, before=None, note=f"新建考核（{len(criteria)} 个考核项目）")
    return scheme


@transaction.atomic
def score_manual(
    *, actor, scheme: AssessmentScheme, criterion: Criterion, unit: Organisation, points, reason: str
) -> Score:
    require_office(actor)
    errors = {}
    if criterion.scheme_id != scheme.pk or criterion.is_automatic:
        errors["criterion"] = "该考核项目由系统自动计分。"
    try:
        points = Decimal(str(points)).quantize(engine.CENT)
        if points < 0 or points > criterion.max_points:
            errors["points"] = f"得分应在 0 到 {criterion.max_points} 之间。"
    except (InvalidOperation, ValueError):
        errors["points"] = "得分应为数字。"
    if not (reason or "").strip():
        errors["reason"] = "人工评分须写明理由。"
    if unit.pk not in selectors.assessed_unit_ids(scheme.plan):
        errors["unit"] = "该单位不是本方案的责任单位。"
    if errors:
        raise ValidationError(errors)
    score = Score.objects.filter(criterion=criterion, unit=unit).first()
    before = snapshot(score)
    if score is None:
        score = Score(scheme=scheme, criterion=criterion, unit=unit)
    score.points = points
    score.reason = reason.strip()
    score.is_manual = True
    score.scored_by = actor
    score.detail = {}
    score.save()
    audit_changed(actor=actor, obj=score, before=before, note="人工评分")
    return score


@transaction.atomic
def scheme_compute(*, actor, scheme: AssessmentScheme, as_of=None) -> list[AssessmentResult]:
    """Automatic points from the data, manual points as entered, totals and ranks."""
    require_office(actor)
    as_of = as_of or timezone.localdate()
    facts = selectors.assessment_facts(scheme, as_of=as_of)
    criteria = list(scheme.criteria.all())
    manual = {
        (s.criterion_id, s.unit_id): s.points for s in Score.objects.filter(scheme=scheme, is_manual=True)
    }
    results = engine.assess(
        [engine.CriterionSpec(key=c.pk, kind=c.kind, max_points=c.max_points) for c in criteria],
        facts,
        manual,
    )
    Score.objects.filter(scheme=scheme, is_manual=False).delete()
    AssessmentResult.objects.filter(scheme=scheme).delete()
    by_pk = {c.pk: c for c in criteria}
    Score.objects.bulk_create(
        Score(
            scheme=scheme,
            criterion=by_pk[key],
            unit_id=r.unit,
            points=cs.points,
            detail=cs.detail,
            is_manual=False,
        )
        for r in results
        for key, cs in r.scores.items()
        if by_pk[key].is_automatic
    )
    rows = AssessmentResult.objects.bulk_create(
        AssessmentResult(scheme=scheme, unit_id=r.unit, unit_name=r.name, total=r.total, rank=r.rank)
        for r in results
    )
    before = snapshot(scheme)
    scheme.status = AssessmentScheme.Status.COMPUTED
    scheme.computed_at = timezone.now()
    scheme.save(update_fields=["status", "computed_at"])
    audit_changed(
        actor=actor, obj=scheme, before=before, note=f"计算考核得分（{len(rows)} 个单位，截至 {as_of}）"
    )
    return rows
