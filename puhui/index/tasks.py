"""Background task for the index: a thin wrapper around services.index_build."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.core.periods import label
from puhui.index import services
from puhui.jobs.services import job_reporter, job_result


@task(takes_context=True)
def index_build_task(
    context: TaskContext, *, actor_id: int | None = None, version: int | None = None, publish: bool = False
) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    runs = services.index_build(actor=actor, version=version, publish=publish, progress=job_reporter(context))
    kinds = "、".join(
        f"{r.get_frequency_display()}（{label(r.periods[0])}至{label(r.periods[-1])}）"
        for r in runs
        if r.periods
    )
    state = "并已发布" if publish else "草稿，待发布"
    summary = f"已计算普惠金融指数 {len(runs)} 批：{kinds or '无可计算的期间'}，{state}。"
    # A draft's link is its comparison with the published index (where it is published from).
    if not runs:
        url = reverse("index:overview")
    elif publish:
        url = f"{reverse('index:overview')}?run={runs[0].pk}"
    else:
        url = reverse("index:compare", args=[runs[0].pk])
    return job_result(summary, url, runs=[r.pk for r in runs], published=publish)
