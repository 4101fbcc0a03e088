"""The jobs' line of the home page's to-do list (`TODO` in plugin.py): the last week's failed jobs, as the
job page lists them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from puhui.core.models import User
from puhui.jobs.access import jobs_for
from puhui.jobs.models import Job
from puhui.jobs.selectors import with_state

FAILED_WINDOW_DAYS = 7


def _recent_failed(user: User) -> list[Job]:
    since = timezone.now() - datetime.timedelta(days=FAILED_WINDOW_DAYS)
    recent = jobs_for(user).filter(created_at__gte=since).order_by("-created_at")[:200]
    return [job for job in with_state(recent) if job.state.is_failed]


def todo_failed_jobs(user: User) -> int:
    return len(_recent_failed(user))


def todo_failed_job_items(user: User, limit: int) -> list[tuple[str, str]]:
    return [(job.label, reverse("job_detail", args=[job.pk])) for job in _recent_failed(user)[:limit]]
