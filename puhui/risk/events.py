"""What risk monitoring does when another app publishes an event (`plugin.py` EVENT_HANDLERS)."""

from puhui.data.catalogue import GUARANTEES_FORM, LOANS_FORM
from puhui.data.models import Submission


def on_submission_approved(*, submission_id: int, **payload) -> None:
    """An approved 贷款明细表 or 担保关系明细表: queue the rebuild of the guarantee networks whose returns changed
    (its NPL and balances are the loans'); an approved 贷款明细表 also queues the evaluation of its quarter's early
    warnings (and of the quarter after, whose comparison it is the base of) — after the rebuild, whose groups the
    concentration rule reads. Other forms: nothing. A job already waiting for the same work is shared."""
    from puhui.jobs.services import job_enqueue
    from puhui.risk.tasks import networks_build_task, warnings_evaluate_task

    sub = (
        Submission.objects.filter(pk=submission_id, form__in=[LOANS_FORM, GUARANTEES_FORM])
        .select_related("period")
        .first()
    )
    if sub is None:
        return
    if not _waiting(networks_build_task, lambda kwargs: True):
        job_enqueue(
            actor=sub.reviewed_by,
            task=networks_build_task,
            label=f"生成担保网络（{sub.period.label}{sub.form_title}审核通过后）",
            actor_id=sub.reviewed_by_id,
        )
    if sub.form != LOANS_FORM or _waiting(
        warnings_evaluate_task, lambda k: k.get("period") == sub.period.code
    ):
        return
    job_enqueue(
        actor=sub.reviewed_by,
        task=warnings_evaluate_task,
        label=f"评估风险预警（{sub.period.label}贷款明细表审核通过后）",
        period=sub.period.code,
        actor_id=sub.reviewed_by_id,
    )


def _waiting(task, same) -> bool:
    """A job of this task for the same work (`same(kwargs)`) already queued and not started."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: just queue it
        return False
    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status="READY")
    return any(same(r.args_kwargs.get("kwargs", {})) for r in waiting.only("args_kwargs"))
