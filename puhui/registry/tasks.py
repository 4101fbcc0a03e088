"""Background tasks for the rosters: thin wrappers around services."""

from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.jobs.services import job_reporter
from puhui.registry import services


@task(takes_context=True)
def census_refresh_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return services.census_refresh(actor=actor, progress=job_reporter(context))
