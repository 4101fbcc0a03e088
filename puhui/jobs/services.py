"""Starting background jobs and reporting their progress.

django-tasks keeps each task's status, return value and traceback (`DBTaskResult`); the `Job`
row adds what users see: who started it, a label, and how far it got.
"""

import uuid
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

from puhui.core.audit import audit_changed
from puhui.jobs.models import Job


def uses_database(task: Task) -> bool:
    """Whether the task's backend keeps its queue in this database (so it shares our transactions)."""
    return isinstance(task.get_backend(), DatabaseBackend)


@transaction.atomic
def job_enqueue(*, actor, task: Task, label: str, max_attempts: int = 1, **kwargs) -> Job:
    """Enqueue `task(**kwargs)` and create its Job row.

    Both rows are written in one transaction, so a worker never claims a task whose Job is missing.
    `max_attempts` > 1 retries a task that raises, with a back-off (`puhui.jobs.retries`).
    """
    fields = {
        "label": label[:200],
        "started_by": actor if actor is not None and actor.is_authenticated else None,
        "max_attempts": max(1, max_attempts),
    }
    if uses_database(task):
        job = Job.objects.create(task_result_id=str(task.enqueue(**kwargs).id), **fields)
    else:
        # Another backend (Redis) would hand the task to a worker at once, before this transaction
        # commits the Job row: send it after the commit, then point the row at its id.
        job = Job.objects.create(task_result_id=f"pending-{uuid.uuid4().hex}", **fields)

        def send() -> None:
            job.task_result_id = str(task.enqueue(**kwargs).id)
            Job.objects.filter(pk=job.pk).update(task_result_id=job.task_result_id)

        transaction.on_commit(send)
    audit_changed(actor=actor, obj=job, before=None, note=f"启动后台任务 {task.name}")
    return job


def job_progress(*, task_result_id: str, done: int, total: int, message: str = "") -> None:
    """One UPDATE, cheap enough to call once per batch. Not audited: progress is not a business write.

    Called outside any transaction (tasks run in autocommit) so the pages see it at once.
    """
    Job.objects.filter(task_result_id=str(task_result_id)).update(
        done=max(done, 0), total=max(total, 0), message=message[:300], updated_at=timezone.now()
    )


def job_reporter(context: TaskContext) -> Callable[[int, int, str], None]:
    """A `progress(done, total, message)` callback for a `takes_context=True` task."""
    task_result_id = str(context.task_result.id)

    def report(done: int, total: int, message: str = "") -> None:
        job_progress(task_result_id=task_result_id, done=done, total=total, message=message)

    return report
