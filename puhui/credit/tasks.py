"""Background tasks of the credit app: thin wrappers around services."""

from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.credit import services
from puhui.jobs.services import job_reporter


@task(takes_context=True)
def households_rate_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return services.households_rate(actor=actor, progress=job_reporter(context))
