"""Background tasks of the policy app: thin wrappers around services."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.data.selectors import ended_periods
from puhui.jobs.services import job_reporter, job_result
from puhui.policy import services


@task(takes_context=True)
def evaluation_run_task(
    context: TaskContext, *, actor_id: int | None = None, year: int | None = None
) -> dict:
    """Evaluate `year` (default: the last year that has ended) as the 运行评价 button does."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if year is None:
        ended = ended_periods("year")
        if not ended:
            return job_result("还没有已结束的报送年度，未评价。", reverse("policy_home"))
        year = ended[0].year
    job_reporter(context)(0, 1, f"正在评价 {year} 年的政策激励")
    try:
        evaluation = services.evaluation_run(actor=actor, year=year)
    except ValidationError as e:
        return job_result(f"{year} 年未评价：{'；'.join(e.messages)}", reverse("policy_home"), year=year)
    summary = f"已完成 {year} 年政策激励评价：{evaluation.results.count()} 项结果，用时 {evaluation.seconds:.1f} 秒。"
    return job_result(summary, reverse("policy_evaluation", args=[evaluation.pk]), year=year)
