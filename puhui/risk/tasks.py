"""Background tasks of risk monitoring: thin wrappers around the services (guarantee networks, early warnings)."""

from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.data.models import ReportingPeriod
from puhui.jobs.services import job_reporter, job_result
from puhui.risk.services.networks import networks_build_pending
from puhui.risk.services.warnings import periods_to_evaluate, warnings_evaluate


@task(takes_context=True)
def networks_build_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    runs = networks_build_pending(actor=actor, progress=job_reporter(context))
    if not runs:
        return job_result("各报送期的担保网络都已是最新，没有需要重新生成的。", reverse("risk:networks"))
    labels = "、".join(r.period.label for r in runs)
    firms = sum(r.firms for r in runs)
    return job_result(f"已生成 {labels} 的担保网络，共 {firms:,} 户企业。", reverse("risk:networks"))


@task(takes_context=True)
def warnings_evaluate_task(context: TaskContext, *, period: str = "", actor_id: int | None = None) -> dict:
    """One quarter (`period`, its code), or every quarter with approved loans and, for each, the next one."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if period:
        chosen = list(ReportingPeriod.objects.filter(code=period))
        if chosen:
            following = (
                ReportingPeriod.objects.filter(kind=chosen[0].kind, start__gt=chosen[0].end)
                .order_by("start")
                .first()
            )
            if following is not None and following in periods_to_evaluate():
                chosen.append(following)
    else:
        chosen = periods_to_evaluate()
    raised = updated = 0
    for p in chosen:
        counts = warnings_evaluate(actor=actor, period=p)
        raised, updated = raised + counts["raised"], updated + counts["updated"]
    labels = "、".join(p.label for p in chosen) or "（没有已审核的贷款明细）"
    return job_result(
        f"已评估 {labels} 的风险预警：新发预警 {raised} 项，更新 {updated} 项。", reverse("risk:warnings")
    )
