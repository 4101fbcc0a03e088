"""Background tasks of risk monitoring: thin wrappers around the services."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.jobs.services import job_reporter, job_result
from puhui.risk.services.networks import networks_build_pending


@task(takes_context=True)
def networks_build_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    runs = networks_build_pending(actor=actor, progress=job_reporter(context))
    if not runs:
        return job_result("各报送期的担保网络都已是最新，没有需要重新生成的。", reverse("risk:networks"))
    labels = "、".join(r.period.label for r in runs)
    firms = sum(r.firms for r in runs)
    return job_result(f"已生成 {labels} 的担保网络，共 {firms:,} 户企业。", reverse("risk:networks"))
