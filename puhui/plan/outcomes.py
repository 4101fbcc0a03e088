"""Assessment by outcomes (考核结果导向): the plan's milestones linked to targets, and the banks' evaluation.

The plan never imports the apps that own these figures. It asks for them through the services other apps
offer (`puhui/core/plugins.py` `service`):

* "target_status" (the data app, `puhui.data.targets.target_status`): `fn(*, code, on=None, period=None)`
  → None for an unknown code, else a dict with `met` (bool, None when the period has no figure), `figure`,
  `threshold`, `comparator` (不低于/不高于), `unit`, `measure`, `name`, `period`, `period_label`;
* "bank_evaluation_results" (the banks' evaluation, `puhui.bankeval`): `fn(year)` → {bank id: {"total"
  (out of 100), "grade", "rank", …}} — the published annual evaluation of that year (`evaluation_year`).

Without the data app a linked milestone cannot be checked (it closes only by the office's override); without
the banks' evaluation the 金融机构综合评价 criterion scores nothing and says so.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from puhui.core.plugins import service
from puhui.plan.models import AssessmentScheme, Criterion, Milestone, PlanUnit, Score

TARGET_SERVICE = "target_status"
BANK_SERVICE = "bank_evaluation_results"


def _offered(name: str):
    try:
        return service(name)
    except LookupError:
        return None


def targets_available() -> bool:
    return _offered(TARGET_SERVICE) is not None


def target_status(code: str, *, on: datetime.date | None = None) -> dict | None:
    """The target's verdict for the period containing `on` (the milestone's due date); None when the data
    app is not installed or has no current target with this code."""
    fn = _offered(TARGET_SERVICE)
    return fn(code=code, on=on) if fn is not None and code else None


def figure_text(v: dict) -> str:
    """“2020年第4季度农户建档率 72.3%，目标不低于 80%”: the verdict as a sentence names it."""
    figure = "暂无数据" if v.get("figure") is None else f"{v['figure']:.2f}".rstrip("0").rstrip(".")
    unit = v.get("unit") or ""
    shown = figure if v.get("figure") is None else f"{figure}{unit}"
    threshold = f"{v['threshold']:g}{unit}"
    return f"{v['period_label']}{v['measure']} {shown}，目标{v['comparator']} {threshold}"


def verdict_message(m: Milestone, v: dict | None) -> str:
    """Why a linked milestone may not be closed, in the words the unit and the office read."""
    head = f"里程碑“{m.text[:24]}”关联目标“{m.target_code}”"
    if v is None:
        return f"{head}，但无法核验该目标（数据模块未提供或目标已不存在），不能申报完成。"
    no_figure = f"{v['period_label']}尚无数据，无法确认达标"
    reason = no_figure if v["met"] is None else f"{figure_text(v)}，未达到"
    return f"{head}（{v['name']}）：{reason}，不能申报完成。如确已完成，请领导小组办公室写明理由后确认完成。"


def check_milestone(m: Milestone) -> dict | None:
    """The verdict a linked milestone closes on; ValidationError (its message) when the target is not met."""
    if not m.target_code:
        return None
    v = target_status(m.target_code, on=m.due_on)
    if v is None or not v["met"]:
        raise ValidationError(verdict_message(m, v))
    return v


def verdict_record(v: dict, *, override: bool = False) -> dict:
    """The verdict as stored on the milestone (`target_check`): what it closed on, readable later."""
    return {
        "met": bool(v and v.get("met")),
        "period": (v or {}).get("period", ""),
        "figure": (v or {}).get("figure"),
        "threshold": (v or {}).get("threshold"),
        "text": figure_text(v) if v else "无法核验",
        "override": override,
    }


def validate_target_code(code: str) -> dict:
    """A target code the data app knows (its current version); the verdict is returned for display."""
    if not targets_available():
        raise ValidationError({"target_code": "数据模块未安装，不能关联目标。"})
    fn = _offered(TARGET_SERVICE)
    v = fn(code=code)
    if v is None:
        raise ValidationError({"target_code": f"没有编码为“{code}”的现行目标。"})
    return v


# ----------------------------------------------------------------------------------- assessment facts


def _milestone_units(m: Milestone) -> set[int]:
    """The units answering for a linked milestone: its own unit and the units named for its item."""
    ids = {m.unit.organisation_id} if m.unit.organisation_id else set()
    if m.item_id:
        ids |= {
            u.organisation_id
            for u in m.item.units.all()
            if u.type == PlanUnit.Type.ORGANISATION and u.organisation_id
        }
    return ids


def _milestone_state(m: Milestone, memo: dict) -> str:
    """met, overridden, no_data or unmet: the office's override first, then the verdict it closed on,
    then the target's figure for the due period as it stands."""
    if m.override_reason:
        return "overridden"
    if m.target_check.get("met"):
        return "met"
    key = (m.target_code, m.due_on)
    if key not in memo:
        memo[key] = target_status(m.target_code, on=m.due_on)
    v = memo[key]
    if v is None or v["met"] is None:
        return "no_data"
    return "met" if v["met"] else "unmet"


def linked_milestones(plan, start: datetime.date, end: datetime.date):
    return (
        Milestone.objects.filter(task__plan=plan, due_on__gte=start, due_on__lte=end)
        .exclude(target_code="")
        .select_related("task", "unit", "item")
        .prefetch_related("item__units")
        .order_by("due_on", "task__number", "seq")
    )


def add_target_facts(facts: dict, plan, start: datetime.date, end: datetime.date) -> list[dict]:
    """Count each unit's target-linked milestones due in the window and how they stand; returns the
    milestones with their state (for the 通报)."""
    memo: dict = {}
    rows = []
    for m in linked_milestones(plan, start, end):
        state = _milestone_state(m, memo)
        rows.append({"milestone": m, "state": state, "verdict": memo.get((m.target_code, m.due_on))})
        for org_id in _milestone_units(m):
            f = facts.get(org_id)
            if f is None:
                continue
            f.targets_due += 1
            if state == "met":
                f.targets_met += 1
            elif state == "overridden":
                f.targets_overridden += 1
            elif state == "no_data":
                f.targets_no_data += 1
    return rows


def _decimal(value) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() else None


def evaluation_year(scheme: AssessmentScheme) -> int:
    """The year whose evaluation an assessment reads: the latest calendar year ended by the period's end
    (a round ending 2021-06-30 reads 2020's evaluation, one ending 2021-12-31 reads 2021's)."""
    end = scheme.period_end
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


def add_bank_facts(facts: dict, scheme: AssessmentScheme, financial_ids: set[int]) -> None:
    """Each financial institution's published evaluation total (out of 100) for the year the round reads."""
    fn = _offered(BANK_SERVICE)
    for org_id, f in facts.items():
        f.is_bank = org_id in financial_ids
        f.bank_unavailable = fn is None
    if fn is None:
        return
    for org_id, row in (fn(evaluation_year(scheme)) or {}).items():
        f = facts.get(org_id)
        score = _decimal(row.get("total"))
        top = _decimal(row.get("max_score", 100)) or Decimal("100")
        if f is None or not f.is_bank or score is None or top <= 0:
            continue
        f.bank_score = min(max(score, Decimal("0")), top)
        f.bank_score_max = top
        f.bank_grade = str(row.get("grade") or "")


# ------------------------------------------------------------------------------------ the 通报 snapshot


def bulletin_outcomes(scheme: AssessmentScheme) -> dict:
    """What a 通报 drafted from `scheme` lists, as plain data stored on it: each unit's points under the
    outcome criteria, the milestones of the period closed by the office's override (with the reasons), and
    those whose targets are unmet or without figures."""
    criteria = [c for c in scheme.criteria.all() if c.kind in Criterion.OUTCOMES]
    names = dict(scheme.results.values_list("unit_id", "unit_name"))
    scores: dict = {}
    for s in Score.objects.filter(scheme=scheme, criterion__in=criteria):
        scores.setdefault(s.unit_id, {})[s.criterion_id] = s
    units = [
        {
            "name": names.get(org_id, ""),
            "scores": [
                {
                    "criterion": c.name,
                    "points": f"{scores[org_id][c.pk].points:.2f}" if c.pk in scores[org_id] else "—",
                    "max": f"{c.max_points:.2f}",
                    "detail": _detail_text(scores[org_id].get(c.pk)),
                }
                for c in criteria
            ],
        }
        for org_id in sorted(scores, key=lambda o: names.get(o, ""))
    ]
    end = min(scheme.period_end, scheme.computed_at.date()) if scheme.computed_at else scheme.period_end
    overrides, unmet = [], []
    memo: dict = {}
    for m in linked_milestones(scheme.plan, scheme.period_start, end):
        state = _milestone_state(m, memo)
        row = {
            "task": f"{m.task.number}.{m.task.title}",
            "milestone": m.text,
            "unit": m.unit.name,
            "due_on": m.due_on.isoformat(),
            "target": m.target_code,
        }
        if state == "overridden":
            overrides.append({**row, "reason": m.override_reason, "check": m.target_check.get("text", "")})
        elif state in ("unmet", "no_data"):
            v = memo.get((m.target_code, m.due_on))
            unmet.append({**row, "check": figure_text(v) if v else "无法核验"})
    return {
        "criteria": [c.name for c in criteria],
        "units": units,
        "overrides": overrides,
        "unmet": unmet,
    }


def _detail_text(score) -> str:
    if score is None or not score.detail:
        return ""
    return "，".join(f"{k} {v}" for k, v in score.detail.items() if v not in ("", None))
