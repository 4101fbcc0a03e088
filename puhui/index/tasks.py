"""Background task for the index: a thin wrapper around services.index_build."""

from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.index import services
from puhui.jobs.services import job_reporter


@task(takes_context=True)
def index_build_task(
    context: TaskContext, *, actor_id: int | None = None, version: int | None = None, publish: bool = False
) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    runs = services.index_build(actor=actor, version=version, publish=publish, progress=job_reporter(context))
    return {"runs": [r.pk for r in runs], "published": publish}
