"""Evaluation runs: compute (a job with progress), publish. A run is stored whole in one transaction."""

from __future__ import annotations

import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.data.models import ReportingPeriod
from puhui.engines.evaluation import MANUAL, averages, evaluate

from .. import access
from ..models import IndicatorSet, QualitativeScore, Result, Run
from ..selectors.figures import bank_figures
from .sets import engine_set, set_in_force


def _quiet(done, total, message=""):
    pass


def _text(d: Decimal | None) -> str | None:
    return None if d is None else f"{d.quantize(Decimal('0.01'))}"


def qualitative_points(indicator_set: IndicatorSet, year: int) -> dict:
    rows = QualitativeScore.objects.filter(indicator_set=indicator_set, year=year)
    return {(bank, item): points for bank, item, points in rows.values_list("bank_id", "item", "points")}


def _store(run: Run, results, spec, year) -> None:
    rows = []
    for r in results:
        scores = {}
        for ind in spec.indicators:
            s = r.scores[ind.code]
            scores[ind.code] = {"value": _text(s.value), "points": _text(s.points), "status": s.status}
        rows.append(
            Result(run=run, bank_id=r.bank, total=r.total, grade=r.grade, rank=r.rank, applicable=r.applicable,
                   scores=scores)
        )  # fmt: skip
    Result.objects.bulk_create(rows)
    avg = averages(spec, results)
    run.averages = {k: ({"value": _text(v["value"]), "points": _text(v["points"])} if k != "total" else _text(v))
                    for k, v in avg.items()}  # fmt: skip


def run_compute(
    *, actor, period: ReportingPeriod, indicator_set: IndicatorSet | None = None, progress=None
) -> Run:
    """Evaluate every county bank for a year (with the office's qualitative scores) or a quarter (monitoring:
    the quantitative indicators only). Read and scored first, then stored in one transaction (the progress
    reports stay visible while it reads; a failure stores nothing)."""
    progress = progress or _quiet
    if actor is not None and not access.may_manage(actor):  # None: the system (bench, scheduled job)
        raise ValidationError("只有领导小组办公室可以进行综合评价。")
    if period.kind not in (ReportingPeriod.Kind.YEAR, ReportingPeriod.Kind.QUARTER):
        raise ValidationError("综合评价按年度进行，季度只作监测；请选择年度或季度。")
    started = time.perf_counter()
    indicator_set = indicator_set or set_in_force(actor=actor)
    spec = engine_set(indicator_set)
    banks = list(access.county_banks())
    if not banks:
        raise ValidationError("没有参评银行（县级银行业金融机构）。")
    annual = period.kind == ReportingPeriod.Kind.YEAR
    progress(0, 3, "读取指标值")
    qualitative = qualitative_points(indicator_set, period.year) if annual else None
    figures = bank_figures(spec, period, banks, qualitative)
    progress(1, 3, "计分、定级和排名")
    results = evaluate(spec, figures, year=period.year)
    manual = [s.code for s in spec.indicators if s.method == MANUAL]
    missing = sum(1 for f in figures for c in manual if f.values.get(c) is None) if annual else 0
    progress(2, 3, "保存结果")
    with transaction.atomic():
        run = Run.objects.create(
            indicator_set=indicator_set, period=period, computed_by=actor, banks=len(banks),
            kind=Run.Kind.ANNUAL if annual else Run.Kind.MONITORING, missing_qualitative=missing,
        )  # fmt: skip
        _store(run, results, spec, period.year)
        run.seconds = time.perf_counter() - started
        run.save(update_fields=["averages", "seconds"])
        audit_record(
            actor=actor, action="create", obj=run,
            note=f"计算{run}（指标体系第 {indicator_set.version} 版，{len(banks)} 家银行）",
        )  # fmt: skip
    progress(3, 3, "完成")
    return run


@transaction.atomic
def run_publish(*, actor, run: Run) -> Run:
    """Publish a run: banks then see their own result and rank. It replaces an earlier publication of the same
    period and set (which goes back to draft)."""
    if not access.may_manage(actor):
        raise ValidationError("只有领导小组办公室可以发布综合评价结果。")
    if run.is_published:
        raise ValidationError("该评价结果已经发布。")
    if run.kind == Run.Kind.ANNUAL and run.missing_qualitative:
        raise ValidationError(
            f"还有 {run.missing_qualitative} 个定性项目未录入评分，请录入后重新计算再发布。"
        )
    Run.objects.filter(
        period=run.period, indicator_set=run.indicator_set, published_at__isnull=False
    ).exclude(pk=run.pk).update(published_at=None, published_by=None)
    before = snapshot(run)
    run.published_at, run.published_by = timezone.now(), actor
    run.save(update_fields=["published_at", "published_by"])
    audit_changed(actor=actor, obj=run, before=before, note=f"发布{run}")
    return run
