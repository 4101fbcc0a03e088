"""Background task of local finance: a thin wrapper around `services.orgs.breaches_notify`."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.jobs.services import job_result
from puhui.localfin.services.orgs import breaches_notify


@task(takes_context=True)
def breaches_notify_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    created = breaches_notify(actor=actor)
    return job_result(
        f"已核查地方金融组织的监管指标，发送超限通知 {created} 条。", reverse("localfin:breaches")
    )
