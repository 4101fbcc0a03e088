"""Jobs joined with their django-tasks results: status, timings, return value and error.

The join is two queries per page (the jobs, then their `DBTaskResult` rows by primary key) rather than
a SQL join: `Job.task_result_id` is text while the result id is a UUID column (char(32) on SQLite,
uuid on PostgreSQL), and a cast in the join would cost the primary-key index.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from puhui.core.models import User
from puhui.jobs.models import Job

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
    "command": "命令",
    "output": "输出",
}


def result_rows(job: Job) -> list[tuple[str, Any]]:
    """A successful job's return value as (label, value) rows for the page."""
    state = job.state
    if not state.is_successful or state.return_value is None:
        return []
    value = state.return_value
    if isinstance(value, dict):
        return [(RESULT_LABELS.get(k, k), v) for k, v in value.items()]
    return [("结果", value)]
