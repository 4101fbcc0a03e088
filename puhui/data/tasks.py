"""Background tasks of the data capability: thin wrappers around services."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.api.access import TokenActor
from puhui.api.models import ApiToken
from puhui.core.models import User
from puhui.data import derived, services
from puhui.jobs.services import job_reporter, job_result


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
    status = upload.get_status_display()
    summary = f"报表{status}：读取 {upload.rows_read:,} 行，发现 {upload.error_total:,} 处错误。"
    return job_result(
        summary,
        reverse("data_upload", args=[upload.pk]),
        status=status,
        rows=upload.rows_read,
        errors=upload.error_total,
        submission=upload.submission_id,
    )


@task(takes_context=True)
def derived_compute_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    result = derived.compute_all(actor=_actor(actor_id, None), progress=job_reporter(context))
    seconds = round(result["seconds"], 1)
    summary = (
        f"已重算派生指标：{result['periods']:,} 期，共 {result['values']:,} 个指标值，用时 {seconds} 秒。"
    )
    return job_result(
        summary, reverse("data_targets"), periods=result["periods"], values=result["values"], seconds=seconds
    )
