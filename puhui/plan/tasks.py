"""Background tasks of the plan: thin wrappers around services."""

import datetime

from django_tasks import task

from puhui.plan import services


@task()
def plan_remind_task(*, as_of: str | None = None) -> dict:
    """The daily reminder run; schedule it (cron/systemd timer: `puhui plan_remind`, or enqueue this task)."""
    return services.plan_remind(actor=None, as_of=datetime.date.fromisoformat(as_of) if as_of else None)
