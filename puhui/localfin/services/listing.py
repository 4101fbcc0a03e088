"""Writes of the listing pipeline (上市后备企业库, plan 三): the firms the finance centre cultivates, their stage
changes and the county's yearly goals.

Every write is one transaction, audited, and checks who acts first (`access.require_manage`). Bad input raises
`ValidationError({field: 中文})` and stores nothing — the firm's own row included, since `enterprise_save` runs
inside the same transaction. A candidate's stage changes only through `candidate_move`, which writes the
history (`StageChange`) the board's durations and the goals are computed from.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future
from puhui.localfin import access
from puhui.localfin.models import STAGE_ORDER, Board, Candidate, ListingGoal, Stage, StageChange
from puhui.localfin.services.enterprises import enterprise_save

FIRST_GOAL_YEAR, LAST_GOAL_YEAR = 2019, 2035  # the plan's years and beyond, a typing error outside
MAX_GOAL = 1000  # firms reaching a stage in one year: more is a typing error
TEXT_LIMITS = {
    "sponsors": ("保荐或服务机构", 200),
    "obstacles": ("存在的困难", 4000),
    "help_given": ("已提供的帮助", 4000),
}
REASON_LIMIT = 300


def _label(stage: str) -> str:
    return Stage(stage).label


def _check_stage(stage, field: str = "stage") -> str:
    if stage not in Stage.values:
        raise ValidationError(
            {field: f"阶段“{stage}”不在可选范围内（培育、规范化公司制改制、辅导备案、申报审核、上市挂牌）。"}
        )
    return stage


def _check_board(board) -> str:
    if board not in Board.values:
        raise ValidationError({"board": f"目标板块“{board}”不在可选范围内。"})
    return board


def _texts(**values) -> dict:
    out = {}
    for field, value in values.items():
        label, limit = TEXT_LIMITS[field]
        text = (value or "").strip()
        if len(text) > limit:
            raise ValidationError({field: f"{label}最多 {limit} 个字，填写了 {len(text)} 个字。"})
        out[field] = text
    return out


def _check_deadline(deadline, since: datetime.date):
    if deadline is not None and deadline < since:
        raise ValidationError(
            {
                "deadline": f"本阶段计划完成日期（{date_cn(deadline)}）不能早于进入本阶段的日期（{date_cn(since)}）。"
            }
        )
    return deadline


@transaction.atomic
def candidate_add(
    *,
    actor,
    uscc: str,
    name: str,
    town,
    industry: str,
    stage: str,
    board: str,
    entered_on: datetime.date,
    sponsors: str = "",
    obstacles: str = "",
    help_given: str = "",
    deadline: datetime.date | None = None,
) -> Candidate:
    """Put a firm into the pipeline at `stage` on `entered_on` (its first history row has no from-stage)."""
    access.require_manage(actor)
    _check_stage(stage)
    _check_board(board)
    not_future(entered_on, "entered_on", "入库日期")
    texts = _texts(sponsors=sponsors, obstacles=obstacles, help_given=help_given)
    _check_deadline(deadline, entered_on)
    firm = enterprise_save(actor=actor, uscc=uscc, name=name, town=town, industry=industry)
    existing = Candidate.objects.select_for_update().filter(enterprise=firm).first()
    if existing is not None:
        raise ValidationError(
            {
                "uscc": f"“{firm.name}”（{firm.uscc}）已在上市后备企业库中，处于“{existing.get_stage_display()}”阶段。"
            }
        )
    candidate = Candidate.objects.create(
        enterprise=firm,
        stage=stage,
        stage_since=entered_on,
        board=board,
        deadline=deadline,
        entered_on=entered_on,
        **texts,
    )
    StageChange.objects.create(candidate=candidate, from_stage="", to_stage=stage, on=entered_on, actor=actor)
    audit_changed(actor=actor, obj=candidate, before=None, note=f"加入上市后备企业库：{_label(stage)}")
    return candidate


def _locked(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().select_related("enterprise").get(pk=candidate.pk)


@transaction.atomic
def candidate_update(
    *, actor, candidate: Candidate, board: str, sponsors: str, obstacles: str, help_given: str, deadline
) -> Candidate:
    """The candidate's board, sponsors, obstacles, help and deadline — never its stage (`candidate_move`)."""
    access.require_manage(actor)
    candidate = _locked(candidate)
    before = snapshot(candidate)
    candidate.board = _check_board(board)
    for field, text in _texts(sponsors=sponsors, obstacles=obstacles, help_given=help_given).items():
        setattr(candidate, field, text)
    candidate.deadline = _check_deadline(deadline, candidate.stage_since)
    candidate.save()
    audit_changed(actor=actor, obj=candidate, before=before, note="修改上市后备企业信息")
    return candidate


@transaction.atomic
def candidate_move(
    *,
    actor,
    candidate: Candidate,
    to_stage: str,
    on: datetime.date,
    reason: str = "",
    deadline: datetime.date | None = None,
) -> StageChange:
    """Move a candidate to another stage on `on`. A move back needs a reason. `deadline` is the new stage's
    planned completion; the old stage's deadline no longer applies and is cleared when none is given."""
    access.require_manage(actor)
    candidate = _locked(candidate)
    _check_stage(to_stage, "to_stage")
    current = candidate.stage
    if to_stage == current:
        raise ValidationError({"to_stage": f"“{candidate.enterprise.name}”已处于“{_label(current)}”阶段。"})
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": f"原因最多 {REASON_LIMIT} 个字，填写了 {len(reason)} 个字。"})
    if STAGE_ORDER[to_stage] < STAGE_ORDER[current] and not reason:
        raise ValidationError(
            {"reason": f"退回到前一阶段须写明原因（从“{_label(current)}”退回到“{_label(to_stage)}”）。"}
        )
    not_future(on, "on", "变更日期")
    if on < candidate.stage_since:
        raise ValidationError(
            {
                "on": f"变更日期（{date_cn(on)}）不能早于进入当前阶段的日期（{date_cn(candidate.stage_since)}）。"
            }
        )
    _check_deadline(deadline, on)
    before = snapshot(candidate)
    change = StageChange.objects.create(
        candidate=candidate, from_stage=current, to_stage=to_stage, on=on, reason=reason, actor=actor
    )
    candidate.stage, candidate.stage_since, candidate.deadline = to_stage, on, deadline
    candidate.save(update_fields=["stage", "stage_since", "deadline"])
    note = f"阶段变更：{_label(current)} → {_label(to_stage)}（{date_cn(on)}）"
    audit_changed(
        actor=actor, obj=candidate, before=before, note=f"{note}；原因：{reason}" if reason else note
    )
    return change


@transaction.atomic
def goal_set(*, actor, year: int, stage: str, count: int) -> ListingGoal:
    """Set the county's goal for a year and stage (a second call for the same year and stage replaces it)."""
    access.require_manage(actor)
    if not isinstance(year, int) or not FIRST_GOAL_YEAR <= year <= LAST_GOAL_YEAR:
        raise ValidationError(
            {"year": f"年度须在 {FIRST_GOAL_YEAR} 年到 {LAST_GOAL_YEAR} 年之间，填写的是“{year}”。"}
        )
    _check_stage(stage)
    if not isinstance(count, int) or not 0 <= count <= MAX_GOAL:
        raise ValidationError({"count": f"目标数须在 0 到 {MAX_GOAL} 户之间，填写的是“{count}”。"})
    goal = ListingGoal.objects.select_for_update().filter(year=year, stage=stage).first()
    before = snapshot(goal)
    if goal is None:
        goal = ListingGoal.objects.create(year=year, stage=stage, count=count)
    else:
        goal.count = count
        goal.save(update_fields=["count"])
    audit_changed(actor=actor, obj=goal, before=before, note=f"{year}年{_label(stage)}目标")
    return goal
