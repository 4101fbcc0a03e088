"""Background task of the monetary tools: a thin wrapper around `services.rate_cells_refresh`."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.jobs.services import job_reporter, job_result
from puhui.monetary import services


@task(takes_context=True)
def rate_cells_refresh_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    refresh = services.rate_cells_refresh(actor=actor, progress=job_reporter(context))
    summary = (
        f"已重新汇总利率监测数据：{len(refresh.submission_ids)} 份贷款明细报送，"
        f"{refresh.cells} 个汇总格，用时 {refresh.seconds:.1f} 秒。"
    )
    return job_result(summary, reverse("monetary:rates"), cells=refresh.cells)
