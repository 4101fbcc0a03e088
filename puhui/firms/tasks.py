"""Background task of the firms app: a thin wrapper around `services.ratings.ratings_compute`."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.firms.services.ratings import ratings_compute
from puhui.jobs.services import job_reporter, job_result


@task(takes_context=True)
def ratings_compute_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    done = ratings_compute(actor=actor, progress=job_reporter(context))
    grades = "，".join(f"{g} {n:,} 户" for g, n in sorted(done["grades"].items()))
    summary = f"已按小微企业信用评价评分卡（{done['version'].rpartition('@')[2]}版）评级 {done['firms']:,} 户企业：{grades or '无'}。"
    return job_result(summary, reverse("firms:list"), firms=done["firms"])
