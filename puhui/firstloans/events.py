"""What the first-loan app does when another app publishes an event (`plugin.py` EVENT_HANDLERS)."""

from puhui.data.catalogue import LOANS_FORM
from puhui.data.models import Submission


def on_submission_approved(*, submission_id: int, **payload) -> None:
    """An approved 贷款明细表: queue a new computation (list, 首贷, renewals) unless one is already waiting —
    it reads every approved return when it starts, so one waiting job serves several approvals."""
    from puhui.firstloans.tasks import firstloans_compute_task
    from puhui.jobs.services import job_enqueue

    sub = Submission.objects.filter(pk=submission_id, form=LOANS_FORM).select_related("period").first()
    if sub is None or _waiting(firstloans_compute_task):
        return
    job_enqueue(
        actor=sub.reviewed_by,
        task=firstloans_compute_task,
        label=f"计算首贷培植名单和续贷（{sub.period.label}贷款明细表审核通过后）",
        actor_id=sub.reviewed_by_id,
    )


def _waiting(task) -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: just queue it
        return False
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists()
