"""Starting background jobs and reporting their progress.

django-tasks keeps each task's status, return value and traceback (`DBTaskResult`); the `Job`
row adds what users see: who started it, a label, and how far it got.
"""

import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

from puhui.core.audit import audit_changed
from puhui.jobs.models import Job, WorkerHeartbeat


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


# ---------------------------------------------------------------- what a job produced

SUMMARY_KEY, URL_KEY = "summary", "url"


def job_result(summary: str, url: str = "", **data) -> dict:
    """A task's return value: a sentence in Chinese on what it produced, the page to see it (a path on
    this site, e.g. `reverse("data_targets")`), and any figures for the detail page. Capability apps
    build it in their tasks; the jobs app records it without knowing the app."""
    return {SUMMARY_KEY: summary, URL_KEY: url, **data}


def safe_result_url(url) -> str:
    """Only a path on this site ("/index/?run=3"): never another host or a script URL."""
    url = str(url or "").strip()
    return url[:300] if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


def job_record_result(*, task_result_id: str, value) -> None:
    """Keep a successful job's summary and link on its row (the list shows them without loading the
    return value). Not audited: the task's own service audited what it wrote."""
    if not isinstance(value, dict):
        return
    Job.objects.filter(task_result_id=str(task_result_id)).update(
        result_summary=str(value.get(SUMMARY_KEY) or "")[:300],
        result_url=safe_result_url(value.get(URL_KEY)),
        updated_at=timezone.now(),
    )


# ---------------------------------------------------------------- worker heartbeats

# A worker beats at most every HEARTBEAT_EVERY seconds while idle; one not seen for WORKER_STALE seconds
# is gone (killed, or stopped without cleaning up), unless it is busy with a task (then the task's own
# time limit, PUHUI_JOB_MAX_RUNTIME, bounds it, as `retries.reap_lost` does).
HEARTBEAT_EVERY = 5.0
WORKER_STALE = 30.0


def worker_beat(*, worker_id: str, queues: str = "", busy: bool | None = None) -> None:
    """Record that this worker is alive; `busy` True/False marks the start/end of a task."""
    now = timezone.now()
    fields = {"seen_at": now, "host": socket.gethostname()[:100], "pid": os.getpid(), "queues": queues[:200]}
    if busy is not None:
        fields["busy_since"] = now if busy else None
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**fields)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={**fields, "started_at": now})


def worker_gone(*, worker_id: str) -> None:
    """A worker that stops cleanly removes its row."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def workers_purge(now=None) -> int:
    """Drop rows of workers not seen for a day (killed workers leave theirs)."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()[0]
