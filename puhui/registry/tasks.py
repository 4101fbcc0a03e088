"""Background tasks for the rosters: thin wrappers around services."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.jobs.services import job_reporter, job_result
from puhui.registry import services


@task(takes_context=True)
def census_refresh_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    out = services.census_refresh(actor=actor, progress=job_reporter(context))
    summary = (
        f"已按农户名录重算 {out['villages']:,} 个村（社区）的户数，其中 {out['changed_villages']:,} 个村有变化；"
        f"全县 {out['households']:,} 户，农户 {out['farm_households']:,} 户。"
    )
    return job_result(summary, reverse("division_list"), **out)
