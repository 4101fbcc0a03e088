"""Retrying a job that raised: enqueue it again after a back-off, or leave it failed with its error.

Backend-agnostic: it listens to django-tasks' `task_finished` signal, which the database worker and the
RQ backend both send after a task fails. The retry is a new task result (same task, same arguments,
`run_after` = now + delay); the `Job` row is re-pointed at it, so the job page follows the job through
its attempts. The failed attempts' results stay in the backend as history.

Delay before attempt n+1: `PUHUI_JOB_RETRY_DELAY` seconds (default 60) × 2^(n-1): 1, 2, 4 minutes…
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

from puhui.jobs.models import Job

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based)."""
    base = float(getattr(settings, "PUHUI_JOB_RETRY_DELAY", 60))
    return base * 2 ** (attempt - 1)


def error_message(task_result) -> str:
    """'ExceptionClass: message' of the last error, from the traceback's last line."""
    if not task_result.errors:
        return "任务执行失败"
    error = task_result.errors[-1]
    lines = [line for line in (error.traceback or "").strip().splitlines() if line.strip()]
    message = lines[-1].strip() if lines else ""
    name = error.exception_class_path.rsplit(".", 1)[-1]
    if not message.startswith((name, error.exception_class_path)):
        message = f"{error.exception_class_path}: {message}" if message else error.exception_class_path
    return message[:500]


def on_task_finished(sender, task_result, **kwargs) -> None:
    """Connected to `task_finished`: a success records what the job produced, a failure is retried or
    recorded. Never raises: an error here would stop the worker."""
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        from puhui.jobs.services import job_record_result

        try:
            job_record_result(task_result_id=str(task_result.id), value=task_result.return_value)
        except Exception:
            logger.exception("Could not record the result of task %s", task_result.id)
        return
    if task_result.status != TaskResultStatus.FAILED:
        return
    try:
        job_retry_or_fail(task_result)
    except Exception:
        logger.exception("Could not record the failure of task %s", task_result.id)


def job_retry_or_fail(task_result) -> Job | None:
    from puhui.jobs.services import uses_database

    task = task_result.task
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(task_result_id=str(task_result.id)).first()
        if job is None:
            return None
        job.error = error_message(task_result)
        if job.attempt >= job.max_attempts:
            if job.max_attempts > 1:
                job.message = f"已尝试 {job.attempt} 次，均失败"[:300]
            job.save(update_fields=["error", "message", "updated_at"])
            return job
        delay = retry_delay(job.attempt)
        if delay > 0 and task.get_backend().supports_defer:
            task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
        else:
            task = task.using(run_after=None)
        job.attempt += 1
        job.message = f"第 {job.attempt - 1} 次尝试失败，{int(delay)} 秒后第 {job.attempt} 次尝试"[:300]
        fields = ["attempt", "error", "message", "updated_at"]
        in_database = uses_database(task)
        if in_database:  # the retry and the re-pointed row commit together
            job.task_result_id = str(task.enqueue(*task_result.args, **task_result.kwargs).id)
            fields.append("task_result_id")
        job.save(update_fields=fields)
    if not in_database:  # Redis: enqueue once the row is committed, then point the row at the retry
        job.task_result_id = str(task.enqueue(*task_result.args, **task_result.kwargs).id)
        Job.objects.filter(pk=job.pk).update(task_result_id=job.task_result_id)
    logger.warning(
        "Task %s failed (%s); attempt %s is %s", task_result.id, job.error, job.attempt, job.task_result_id
    )
    return job


class WorkerLost(Exception):
    """A task left running by a worker that died (killed, out of memory, machine restarted)."""


def reap_lost(now=None) -> list[str]:
    """Fail (and so retry, if it has attempts left) every database task running for longer than
    `PUHUI_JOB_MAX_RUNTIME` hours (default 6): its worker has died, nothing else would ever finish it.

    Called with the schedule check, about once a minute, by every `puhui worker`. The conditional
    UPDATE (still running?) makes it safe when several workers reap at once. The RQ backend has its own
    job timeout (`RQ_QUEUES[…]["DEFAULT_TIMEOUT"]`).
    """
    from django_tasks_db.models import DBTaskResult

    hours = float(getattr(settings, "PUHUI_JOB_MAX_RUNTIME", 6))
    now = now or timezone.now()
    error = WorkerLost(f"运行超过 {hours:g} 小时仍未结束，处理进程可能已中止")
    reaped = []
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(hours=hours)
    )
    for row in stale.only("id"):
        updated = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: {error}\n",
            return_value=None,
        )
        if updated:
            row = DBTaskResult.objects.get(pk=row.pk)
            logger.warning("Task %s ran for more than %s hours; marked failed", row.pk, hours)
            on_task_finished(None, row.task_result)
            reaped.append(str(row.pk))
    return reaped
