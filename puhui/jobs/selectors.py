"""Jobs joined with their django-tasks results: status, timings, return value and error.

The join is two queries per page (the jobs, then their `DBTaskResult` rows by primary key) rather than
a SQL join: `Job.task_result_id` is text while the result id is a UUID column (char(32) on SQLite,
uuid on PostgreSQL), and a cast in the join would cost the primary-key index.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from puhui.core.models import User
from puhui.jobs.models import Job, WorkerHeartbeat
from puhui.jobs.services import SUMMARY_KEY, URL_KEY, WORKER_STALE, safe_result_url

STATUS_LABELS = {
    TaskResultStatus.READY: "排队中",
    TaskResultStatus.RUNNING: "运行中",
    TaskResultStatus.SUCCESSFUL: "成功",
    TaskResultStatus.FAILED: "失败",
}
STATUS_BADGES = {
    TaskResultStatus.READY: "secondary",
    TaskResultStatus.RUNNING: "primary",
    TaskResultStatus.SUCCESSFUL: "success",
    TaskResultStatus.FAILED: "danger",
}
FINISHED = {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}


@dataclass
class JobState:
    status: str = ""
    enqueued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    return_value: Any = None
    exception_class_path: str = ""
    traceback: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, "未知")

    @property
    def badge(self) -> str:
        return STATUS_BADGES.get(self.status, "light")

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_failed(self) -> bool:
        return self.status == TaskResultStatus.FAILED

    @property
    def is_successful(self) -> bool:
        return self.status == TaskResultStatus.SUCCESSFUL


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def with_state(jobs, *, details: bool = False) -> list[Job]:
    """Attach `job.state` (a JobState) to each job with one query, whatever the page size.

    `details` also loads return values and tracebacks (the detail page); the list leaves them out.
    """
    jobs = list(jobs)
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DatabaseBackend):
        ids = {job.task_result_id: _as_uuid(job.task_result_id) for job in jobs}
        fields = ["id", "status", "enqueued_at", "started_at", "finished_at"]
        if details:
            fields += ["return_value", "exception_class_path", "traceback"]
        rows = DBTaskResult.objects.filter(id__in=[u for u in ids.values() if u]).only(*fields)
        by_id = {row.id: row for row in rows}
        for job in jobs:
            row = by_id.get(ids[job.task_result_id])
            job.state = _state_from_row(row, details) if row else JobState()
    else:
        # Another backend (RQ): ask it, one round trip per job on the page.
        for job in jobs:
            try:
                result = backend.get_result(job.task_result_id)
            except (TaskResultDoesNotExist, NotImplementedError):
                job.state = JobState()
                continue
            job.state = JobState(
                status=result.status,
                enqueued_at=result.enqueued_at,
                started_at=result.started_at,
                finished_at=result.finished_at,
                return_value=result._return_value,
                exception_class_path=result.errors[-1].exception_class_path if result.errors else "",
                traceback=result.errors[-1].traceback if result.errors else "",
            )
    return jobs


def _state_from_row(row: DBTaskResult, details: bool) -> JobState:
    state = JobState(
        status=row.status, enqueued_at=row.enqueued_at, started_at=row.started_at, finished_at=row.finished_at
    )
    if details:
        state.return_value = row.return_value
        state.exception_class_path = row.exception_class_path
        state.traceback = row.traceback
    return state


def job_with_state(job: Job) -> Job:
    return with_state([job], details=True)[0]


def may_see_errors(user: User) -> bool:
    """Tracebacks can quote data and code paths: only the office and administrators read them."""
    return user.role in {User.Role.OFFICE, User.Role.ADMIN}


# Labels for the keys jobs return in their result dict; unknown keys are shown as they are.
RESULT_LABELS = {
    "towns": "镇（街道）数",
    "villages": "村（社区）数",
    "changed_villages": "户数有变化的村",
    "households": "户数",
    "farm_households": "农户数",
    "output": "输出",
    "status": "状态",
    "rows": "读取行数",
    "errors": "错误数",
    "periods": "期数",
    "values": "指标值个数",
    "seconds": "用时（秒）",
    "published": "已发布",
    "version": "评分卡版本",
}


def result_rows(job: Job) -> list[tuple[str, Any]]:
    """A successful job's return value as (label, value) rows for the page; the summary sentence and
    the link (`job_result`) are shown on their own, and keys without a Chinese label are left out."""
    state = job.state
    if not state.is_successful or state.return_value is None:
        return []
    value = state.return_value
    if isinstance(value, dict):
        return [
            (RESULT_LABELS[k], _shown(v))
            for k, v in value.items()
            if k in RESULT_LABELS and k not in {SUMMARY_KEY, URL_KEY}
        ]
    return [("结果", value)]


def _shown(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def result_summary(job: Job) -> tuple[str, str]:
    """(sentence, link) of a finished job: the recorded ones, else from its return value (jobs that
    finished before the row kept them)."""
    summary, url = job.result_summary, job.result_url
    value = getattr(getattr(job, "state", None), "return_value", None)
    if not summary and isinstance(value, dict):
        summary = str(value.get(SUMMARY_KEY) or "")
        url = url or safe_result_url(value.get(URL_KEY))
    return summary, url


# ---------------------------------------------------------------- is a worker running?


@dataclass
class WorkerStatus:
    known: bool  # False for a backend whose workers do not beat (RQ: rqworker)
    alive: int = 0
    idle: int = 0

    @property
    def busy(self) -> int:
        return self.alive - self.idle


def worker_status(now=None) -> WorkerStatus:
    """The database workers alive now: seen within WORKER_STALE seconds, or busy with a task that is
    within the task time limit. One query."""
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return WorkerStatus(known=False)
    now = now or timezone.now()
    fresh = now - timedelta(seconds=WORKER_STALE)
    max_hours = float(getattr(settings, "PUHUI_JOB_MAX_RUNTIME", 6))
    rows = WorkerHeartbeat.objects.filter(
        Q(seen_at__gte=fresh) | Q(busy_since__gte=now - timedelta(hours=max_hours))
    ).values_list("busy_since", flat=True)
    busy = list(rows)
    return WorkerStatus(known=True, alive=len(busy), idle=sum(1 for b in busy if b is None))


NO_WORKER = "没有正在运行的后台任务处理进程，任务会一直排队。请系统管理员启动处理进程。"
WORKERS_BUSY = "处理进程正在运行其他任务，本任务排在其后，稍后自动开始。"


def queue_notice(job: Job, status: WorkerStatus | None = None) -> str:
    """What to tell about a queued job: no worker at all, or every worker busy; "" otherwise."""
    if getattr(job, "state", None) is None or job.state.status != TaskResultStatus.READY:
        return ""
    status = status or worker_status()
    if not status.known:
        return ""
    if status.alive == 0:
        return NO_WORKER
    return WORKERS_BUSY if status.idle == 0 else ""


def waiting_without_worker(jobs) -> bool:
    """Whether any of `jobs` (with state) is queued while no worker runs: the list's banner."""
    if not any(getattr(job, "state", None) and job.state.status == TaskResultStatus.READY for job in jobs):
        return False
    status = worker_status()
    return status.known and status.alive == 0
