"""Background task of the banks' evaluation: a thin wrapper around `services.runs.run_compute`."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.data.models import ReportingPeriod
from puhui.jobs.services import job_reporter, job_result

from .models import IndicatorSet
from .selectors.results import evaluable_periods
from .services.runs import run_compute


@task(takes_context=True)
def bankeval_run_task(context: TaskContext, *, period: str = "", version: int | None = None,
                      actor_id: int | None = None) -> dict:  # fmt: skip
    """Evaluate every bank for `period` (a year or a quarter code; blank: the latest year with data)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if period:
        chosen = ReportingPeriod.objects.get(code=period)
    else:
        years = [p for p in evaluable_periods() if p.kind == ReportingPeriod.Kind.YEAR]
        if not years:
            return job_result("还没有可以评价的年度（数据报送尚未计算出机构层级的指标）。")
        chosen = years[0]
    stored = IndicatorSet.objects.filter(version=version).first() if version else None
    run = run_compute(actor=actor, period=chosen, indicator_set=stored, progress=job_reporter(context))
    return job_result(
        f"已完成{run}：{run.banks} 家银行，全县平均 {run.averages.get('total') or '—'} 分，用时 {run.seconds:,.1f} 秒。",
        reverse("bankeval:run", args=[run.pk]),
    )
