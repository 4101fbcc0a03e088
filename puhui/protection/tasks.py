"""Background task of consumer protection: a thin wrapper around `services.complaints.complaints_purge`."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.jobs.services import job_result
from puhui.protection.services.complaints import complaints_purge


@task(takes_context=True)
def purge_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    purged = complaints_purge(actor=actor)
    return job_result(f"已清除 {purged} 件保存期满投诉的个人信息。", reverse("protection:complaints"))
