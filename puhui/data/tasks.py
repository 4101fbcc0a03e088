"""Background tasks of the data capability: thin wrappers around services."""

from django_tasks import TaskContext, task

from puhui.api.access import TokenActor
from puhui.api.models import ApiToken
from puhui.core.models import User
from puhui.data import derived, services
from puhui.jobs.services import job_reporter


def _actor(actor_id: int | None, token_id: int | None):
    if token_id:
        return TokenActor(ApiToken.objects.select_related("organisation").get(pk=token_id))
    return User.objects.filter(pk=actor_id).first() if actor_id else None


@task(takes_context=True)
def upload_process_task(
    context: TaskContext, *, upload_id: int, actor_id: int | None = None, token_id: int | None = None
) -> dict:
    upload = services.upload_process(
        upload_id=upload_id, actor=_actor(actor_id, token_id), progress=job_reporter(context)
    )
    return {
        "status": upload.get_status_display(),
        "rows": upload.rows_read,
        "errors": upload.error_total,
        "submission": upload.submission_id,
    }


@task(takes_context=True)
def derived_compute_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    result = derived.compute_all(actor=_actor(actor_id, None), progress=job_reporter(context))
    return {"periods": result["periods"], "values": result["values"], "seconds": round(result["seconds"], 1)}
