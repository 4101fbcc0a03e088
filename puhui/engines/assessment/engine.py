"""Assessment scoring (考核计分): facts per unit in, points per criterion, totals and ranks out.

Plain Python (no Django), so the rules are tested and benchmarked alone; `puhui.plan` feeds it facts
from the database, `python -m puhui.engines.assessment` from files (docs/assessment-engine.md).
Points are Decimal with two places. A unit with nothing due under an automatic criterion gets full
points for it: nothing was asked of it there, so nothing is deducted (无此项任务的不扣分).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

REPORT_TIMELINESS = "report_timeliness"
MILESTONES = "milestones"
NOTICE_RESPONSE = "notice_response"
TARGETS = "targets"  # 目标达成: the plan's targets a unit answers for, met at their deadline
BANK_EVALUATION = "bank_evaluation"  # 金融机构综合评价: a bank's points from the banks' evaluation
AUTOMATIC = {REPORT_TIMELINESS, MILESTONES, NOTICE_RESPONSE, TARGETS, BANK_EVALUATION}
# Outcome criteria (考核结果导向): what was achieved, not how the unit reported; the 通报 lists them.
OUTCOMES = {TARGETS, BANK_EVALUATION}


@dataclass(frozen=True)
class CriterionSpec:
    key: int | str
    kind: str
    max_points: Decimal


@dataclass
class UnitFacts:
    unit: int | str
    name: str = ""
    reports_due: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    milestones_due: int = 0
    milestones_met: int = 0
    notices: int = 0
    notices_on_time: int = 0
    # 目标达成: target-linked milestones due, of which the figure met the target at the due period, the
    # office confirmed with a written reason (override), or the period has no figure yet.
    targets_due: int = 0
    targets_met: int = 0
    targets_overridden: int = 0
    targets_no_data: int = 0
    # 金融机构综合评价: a bank's score out of `bank_score_max` (None: not evaluated for the period);
    # `bank_unavailable` when no evaluation is offered at all (the criterion then scores nothing).
    is_bank: bool = False
    bank_score: Decimal | None = None
    bank_score_max: Decimal = Decimal("100")
    bank_grade: str = ""
    bank_unavailable: bool = False


@dataclass
class CriterionScore:
    points: Decimal
    detail: dict


@dataclass
class UnitResult:
    unit: int | str
    name: str
    scores: dict = field(default_factory=dict)  # criterion key → CriterionScore
    total: Decimal = Decimal("0.00")
    rank: int = 0


def _share(max_points: Decimal, good: Decimal | int, total: int) -> Decimal:
    if total <= 0:
        return max_points.quantize(CENT)
    return (max_points * Decimal(good) / Decimal(total)).quantize(CENT, rounding=ROUND_HALF_UP)


def automatic_score(kind: str, max_points: Decimal, facts: UnitFacts) -> CriterionScore:
    if kind == REPORT_TIMELINESS:
        # A late report earns half of an on-time one; a missing report earns nothing.
        earned = Decimal(facts.reports_on_time) + Decimal(facts.reports_late) / 2
        detail = {
            "应报": facts.reports_due,
            "按时": facts.reports_on_time,
            "逾期补报": facts.reports_late,
            "未报": max(facts.reports_due - facts.reports_on_time - facts.reports_late, 0),
        }
        return CriterionScore(_share(max_points, earned, facts.reports_due), detail)
    if kind == MILESTONES:
        detail = {"到期里程碑": facts.milestones_due, "按期完成": facts.milestones_met}
        return CriterionScore(_share(max_points, facts.milestones_met, facts.milestones_due), detail)
    if kind == NOTICE_RESPONSE:
        detail = {"督办事项": facts.notices, "按期办理": facts.notices_on_time}
        return CriterionScore(_share(max_points, facts.notices_on_time, facts.notices), detail)
    if kind == TARGETS:
        return _targets_score(max_points, facts)
    if kind == BANK_EVALUATION:
        return _bank_score(max_points, facts)
    raise ValueError(f"not an automatic criterion: {kind}")


def _targets_score(max_points: Decimal, facts: UnitFacts) -> CriterionScore:
    """A target met at its deadline, or closed by the office with a written reason, earns its share; a
    target missed or without a figure earns nothing (no figure is no proof it was met)."""
    good = facts.targets_met + facts.targets_overridden
    detail = {
        "关联目标": facts.targets_due,
        "按期达成": facts.targets_met,
        "办公室确认": facts.targets_overridden,
        "未达成": max(facts.targets_due - good - facts.targets_no_data, 0),
        "暂无数据": facts.targets_no_data,
    }
    return CriterionScore(_share(max_points, good, facts.targets_due), detail)


def _bank_score(max_points: Decimal, facts: UnitFacts) -> CriterionScore:
    """The bank's evaluation score scaled to the criterion's maximum; a unit that is no bank has nothing
    asked of it here (full points); a bank without a result for the period, or no evaluation at all,
    scores nothing and the detail says why."""
    if facts.bank_unavailable:
        return CriterionScore(Decimal("0.00"), {"综合评价": "未提供（平台未开展金融机构综合评价）"})
    if not facts.is_bank:
        return CriterionScore(max_points.quantize(CENT), {"综合评价": "非金融机构，不适用"})
    if facts.bank_score is None or facts.bank_score_max <= 0:
        return CriterionScore(Decimal("0.00"), {"综合评价": "本考核期暂无评价结果"})
    score = min(max(Decimal(facts.bank_score), Decimal("0")), facts.bank_score_max)
    detail = {"综合评价得分": str(score), "满分": str(facts.bank_score_max), "等级": facts.bank_grade}
    points = (max_points * score / facts.bank_score_max).quantize(CENT, rounding=ROUND_HALF_UP)
    return CriterionScore(min(points, max_points.quantize(CENT)), detail)


def assess(
    criteria: list[CriterionSpec],
    facts: list[UnitFacts],
    manual: dict[tuple, Decimal] | None = None,
) -> list[UnitResult]:
    """Score every unit on every criterion; rank by total, ties sharing a rank (1, 2, 2, 4).

    `manual[(criterion key, unit)]` holds the office's points for manual criteria; a manual criterion
    without points scores 0 until the office enters them.
    """
    manual = manual or {}
    results = []
    for f in facts:
        result = UnitResult(unit=f.unit, name=f.name)
        for c in criteria:
            if c.kind in AUTOMATIC:
                score = automatic_score(c.kind, c.max_points, f)
            else:
                points = manual.get((c.key, f.unit))
                score = CriterionScore(
                    Decimal("0.00") if points is None else min(Decimal(points), c.max_points).quantize(CENT),
                    {"人工评分": points is not None},
                )
            result.scores[c.key] = score
            result.total += score.points
        result.total = result.total.quantize(CENT)
        results.append(result)
    results.sort(key=lambda r: (-r.total, r.name, str(r.unit)))
    previous_total = None
    for position, r in enumerate(results, start=1):
        r.rank = results[position - 2].rank if previous_total == r.total else position
        previous_total = r.total
    return results
