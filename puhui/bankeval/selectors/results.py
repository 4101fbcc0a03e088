"""What the pages, the API, the Word 通报 and the plug-in service read: runs, results, the qualitative grid."""

from __future__ import annotations

from decimal import Decimal

from puhui.data.models import IndicatorValue, ReportingPeriod
from puhui.engines.evaluation import LINEAR, LOWER, MANUAL, RANK

from .. import access
from ..models import IndicatorSet, QualitativeScore, Result, Run
from ..services.sets import engine_set

STATUS = {"scored": "", "absent": "无数据", "na": "不适用"}
# The indicator every bank's loan return gives at institution level: a period has data when it has this.
DATA_MARKER = "loan_balance"


def evaluable_periods() -> list[ReportingPeriod]:
    """Years and quarters for which the data app has institution-level figures, latest first."""
    ids = (
        IndicatorValue.objects.filter(indicator_code=DATA_MARKER, level=IndicatorValue.Level.INSTITUTION)
        .values_list("period_id", flat=True)
        .distinct()
    )
    return list(ReportingPeriod.objects.filter(pk__in=list(ids)).order_by("-end", "kind"))


def method_text(spec, year: int | None = None) -> str:
    if spec.method == MANUAL:
        return "办公室依据佐证材料评分"
    if spec.method == RANK:
        better = "越低越好" if spec.direction == LOWER else "越高越好"
        return f"参评银行间排名计分（{better}）：第一名满分，最后一名 0 分，并列同分"
    goal = spec.goal_for(year)
    return f"{spec.floor:g}{spec.unit} 得 0 分，达到 {goal:g}{spec.unit} 得满分，其间按比例"


def indicator_rows(stored: IndicatorSet, year: int | None = None) -> list[dict]:
    """The set as the methodology page and the 通报 describe it."""
    spec = engine_set(stored)
    return [
        {"spec": s, "method": method_text(s, year), "part": "定性" if s.method == MANUAL else "定量",
         "goals": sorted(s.goal_by_year.items()) if s.method == LINEAR else []}
        for s in spec.indicators
    ]  # fmt: skip


def result_rows(result: Result, run: Run) -> list[dict]:
    """One bank's result per indicator beside the county's averages."""
    spec = engine_set(run.indicator_set)
    rows = []
    for s in spec.indicators:
        got = result.scores.get(s.code, {})
        avg = run.averages.get(s.code) or {}
        rows.append(
            {"spec": s, "method": method_text(s, run.period.year), "value": _d(got.get("value")),
             "points": _d(got.get("points")), "status": STATUS.get(got.get("status"), ""),
             "avg_value": _d(avg.get("value")), "avg_points": _d(avg.get("points"))}
        )  # fmt: skip
    return rows


def _d(text) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def run_table(user, run: Run) -> dict:
    """The office: every bank's row (points per indicator); a bank: its own row only."""
    spec = engine_set(run.indicator_set)
    results = access.results_for(user).filter(run=run).order_by("rank", "bank__name")
    rows = [
        {"result": r, "points": [(_d(r.scores[s.code]["points"]), STATUS[r.scores[s.code]["status"]])
                                 for s in spec.indicators]}
        for r in results
    ]  # fmt: skip
    return {"indicators": spec.indicators, "rows": rows, "average": _d(run.averages.get("total"))}


def grade_counts(run: Run) -> list[tuple[str, int]]:
    spec = engine_set(run.indicator_set)
    grades = list(run.results.values_list("grade", flat=True))
    return [(g.label, grades.count(g.label)) for g in spec.grades]


def qualitative_grid(stored: IndicatorSet, year: int) -> dict:
    """Banks × qualitative items of a year: the points entered (None where missing)."""
    items = [s for s in engine_set(stored).indicators if s.method == MANUAL]
    scores = {
        (q.bank_id, q.item): q
        for q in QualitativeScore.objects.filter(indicator_set=stored, year=year).prefetch_related("evidence")
    }
    banks = list(access.county_banks())
    rows = [{"bank": b, "cells": [(i, scores.get((b.pk, i.code))) for i in items]} for b in banks]
    missing = sum(1 for r in rows for _i, s in r["cells"] if s is None)
    return {"items": items, "rows": rows, "missing": missing}


def latest_year_to_evaluate() -> int | None:
    """The latest year with data whose annual evaluation is not yet published."""
    years = [p.year for p in evaluable_periods() if p.kind == ReportingPeriod.Kind.YEAR]
    published = set(
        Run.objects.filter(kind=Run.Kind.ANNUAL, published_at__isnull=False).values_list(
            "period__year", flat=True
        )
    )
    pending = [y for y in years if y not in published]
    return max(pending) if pending else None


def missing_qualitative_count(user) -> int:
    """To-do: the qualitative scores the office has yet to enter for the year to evaluate next."""
    if not access.may_manage(user):
        return 0
    year = latest_year_to_evaluate()
    stored = IndicatorSet.objects.order_by("-version").first()
    if year is None or stored is None:
        return 0
    items = sum(1 for s in engine_set(stored).indicators if s.method == MANUAL)
    entered = QualitativeScore.objects.filter(indicator_set=stored, year=year).count()
    return max(access.county_banks().count() * items - entered, 0)


def published_results(year: int) -> dict[int, dict]:
    """bank id → its published annual total, grade and rank for a year (latest indicator set published)."""
    run = (
        Run.objects.filter(kind=Run.Kind.ANNUAL, period__year=year, published_at__isnull=False)
        .order_by("-indicator_set__version", "-published_at")
        .first()
    )
    if run is None:
        return {}
    return {
        bank: {"total": total, "grade": grade, "rank": rank, "banks": run.banks, "run": run.pk}
        for bank, total, grade, rank in run.results.values_list("bank_id", "total", "grade", "rank")
    }
