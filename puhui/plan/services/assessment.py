"""Assessment: schemes and their criteria, manual scores, the computed totals and ranks."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Organisation
from puhui.engines.assessment import engine
from puhui.plan import selectors
from puhui.plan.models import AssessmentResult, AssessmentScheme, Bulletin, Criterion, Plan, Score
from puhui.plan.services.common import require_office

DEFAULT_CRITERIA = [
    (
        "进度报送及时性",
        Criterion.Kind.REPORT_TIMELINESS,
        Decimal("20"),
        "按期报送得满分，逾期补报得一半，未报不得分；按应报份数折算。",
    ),
    (
        "里程碑完成情况",
        Criterion.Kind.MILESTONES,
        Decimal("20"),
        "考核期内到期的里程碑按期完成的比例；经批准延期的以新日期为准。",
    ),
    (
        "督办事项按期办理",
        Criterion.Kind.NOTICE_RESPONSE,
        Decimal("15"),
        "考核期内收到的督办单在办理期限内回复的比例；未收到督办单得满分。",
    ),
    (
        "目标达成",
        Criterion.Kind.TARGETS,
        Decimal("20"),
        "考核期内到期、关联方案量化目标的里程碑，其目标在完成期达标（或经办公室书面确认）的比例；"
        "里程碑的责任单位和该责任目标的各责任单位同样计分；无关联目标的不扣分，无数据的不得分。",
    ),
    (
        "金融机构综合评价",
        Criterion.Kind.BANK_EVALUATION,
        Decimal("10"),
        "金融机构按普惠金融综合评价得分折算；非金融机构不适用，得满分；无评价结果的不得分。",
    ),
    (
        "工作质量",
        Criterion.Kind.QUALITY,
        Decimal("15"),
        "领导小组办公室根据报告质量、工作成效评分，须写明理由。",
    ),
]
FROZEN = "该考核已在已发布的通报中公布，得分和分值已锁定；如需调整，请新建一轮考核。"


def _require_unpublished(scheme: AssessmentScheme) -> None:
    """A published 通报 cites the scheme's scores: they, and the weights behind them, no longer change."""
    if scheme.bulletins.filter(status=Bulletin.Status.PUBLISHED).exists():
        raise ValidationError(FROZEN)


def _weights_of(criteria) -> list[dict]:
    """The criteria and points in force, as recorded on the scheme when it is computed."""
    return [{"name": c.name, "kind": c.kind, "max_points": f"{c.max_points:.2f}"} for c in criteria]


def _check_criteria(criteria, errors: dict) -> None:
    if not criteria:
        errors["criteria"] = "至少需要一个考核项目。"
    for c_name, kind, points, _d in criteria:
        try:
            ok = kind in Criterion.Kind.values and Decimal(points) > 0
        except (InvalidOperation, ValueError, TypeError):
            ok = False
        if not ok:
            errors["criteria"] = f"考核项目“{c_name}”的计分方式或分值不正确。"


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
    _check_criteria(criteria, errors)
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
    _require_unpublished(scheme)
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
    # Lock the round (two computes never interleave) and keep the caller's object, which is updated below.
    AssessmentScheme.objects.select_for_update().filter(pk=scheme.pk).first()
    _require_unpublished(scheme)
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
    scheme.weights = _weights_of(criteria)
    scheme.save(update_fields=["status", "computed_at", "weights"])
    audit_changed(
        actor=actor, obj=scheme, before=before, note=f"计算考核得分（{len(rows)} 个单位，截至 {as_of}）"
    )
    return rows


@transaction.atomic
def scheme_criteria_set(*, actor, scheme: AssessmentScheme, criteria) -> AssessmentScheme:
    """Change a round's criteria and points (`[(name, kind, max_points, description)]`) — only before it is
    first computed: from then on its weights are frozen, and other points need a new round."""
    require_office(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != AssessmentScheme.Status.DRAFT or scheme.weights:
        raise ValidationError({"criteria": "考核已计算，分值已锁定；如需调整分值，请新建一轮考核。"})
    errors: dict = {}
    _check_criteria(criteria, errors)
    if errors:
        raise ValidationError(errors)
    before = _weights_of(scheme.criteria.all())
    scheme.criteria.all().delete()
    made = [
        Criterion.objects.create(
            scheme=scheme, order=order, name=n, kind=k, max_points=Decimal(p), description=d
        )
        for order, (n, k, p, d) in enumerate(criteria)
    ]
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=scheme,
        before={"分值": before},
        after={"分值": _weights_of(made)},
        note="修改考核项目和分值（计算前）",
    )
    return scheme
