"""Background tasks of the first-loan app: a thin wrapper around the computation (`services.compute`)."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.data.models import ReportingPeriod
from puhui.firstloans.services.compute import run_compute
from puhui.jobs.services import job_reporter, job_result


@task(takes_context=True)
def firstloans_compute_task(context: TaskContext, *, period: str = "", actor_id: int | None = None) -> dict:
    """The list, the 首贷 cross-check and the renewals as at `period` (a quarter code; blank: the latest)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    chosen = ReportingPeriod.objects.filter(code=period).first() if period else None
    run = run_compute(actor=actor, period=chosen, progress=job_reporter(context))
    return job_result(
        f"已计算截至{run.period.label}的首贷培植名单：从未获得贷款的企业 {run.listed:,} 户，"
        f"平台认定首贷 {run.first_loans:,} 笔，首贷标记不一致 {run.disagreements:,} 笔，"
        f"识别无还本续贷 {run.renewals:,} 笔，用时 {run.seconds:,.1f} 秒。",
        reverse("firstloans:list"),
    )
