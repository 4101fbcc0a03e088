"""Background tasks of the credit app: thin wrappers around services."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.credit import services
from puhui.jobs.services import job_reporter, job_result


@task(takes_context=True)
def households_rate_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    out = services.households_rate(actor=actor, progress=job_reporter(context))
    grades = "、".join(f"{g} 级 {n:,} 户" for g, n in sorted(out["grades"].items()))
    summary = f"已按评分卡 {out['version']} 为 {out['households']:,} 户评级" + (
        f"：{grades}。" if grades else "。"
    )
    return job_result(
        summary, reverse("credit_scorecards"), households=out["households"], version=out["version"]
    )
