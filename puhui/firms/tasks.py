"""Background tasks of the firms app: thin wrappers around `services.ratings.ratings_compute` and
`services.scorecards.scorecard_train`."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks import TaskContext, task

from puhui.core.models import User
from puhui.firms.services.ratings import ratings_compute
from puhui.firms.services.scorecards import scorecard_train
from puhui.jobs.services import job_reporter, job_result


@task(takes_context=True)
def ratings_compute_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    done = ratings_compute(actor=actor, progress=job_reporter(context))
    grades = "，".join(f"{g} {n:,} 户" for g, n in sorted(done["grades"].items()))
    summary = f"已按{done['name']}（{done['version'].rpartition('@')[2]}版）评级 {done['firms']:,} 户企业：{grades or '无'}。"
    return job_result(summary, reverse("firms:list"), firms=done["firms"])


@task(takes_context=True)
def scorecard_train_task(context: TaskContext, *, actor_id: int | None = None) -> dict:
    """A refusal (too few outcomes) is the job's result, in its Chinese words, as the policy app does."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        made = scorecard_train(actor=actor, progress=job_reporter(context))
    except ValidationError as e:
        return job_result(f"未开发统计评分卡：{'；'.join(e.messages)}", reverse("firms:scorecards"))
    auc = ((made.report.get("cross_validation") or {}).get("summary") or {}).get("auc") or {}
    cv = f"，交叉验证 AUC {auc['mean']:.3f} ± {auc['sd']:.3f}" if auc else ""
    summary = (
        f"已开发{made.name}（{made.version}版，待启用）：{made.labelled:,} 户有贷款结果的企业，"
        f"逾期或不良 {made.bad:,} 户{cv}。请审核验证报告后决定是否启用。"
    )
    return job_result(
        summary, reverse("firms:scorecard", args=[made.pk]), labelled=made.labelled, bad=made.bad
    )
