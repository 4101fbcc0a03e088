"""Jobs the worker starts by itself, once a day at a set local time (no crontab).

The schedule is a list of entries, each a management command run by `run_command_task`:

- the `SCHEDULE` lists of the apps' `plugin.py` (dicts with the fields of `Scheduled`);
- `settings.PUHUI_SCHEDULE` (the same dicts) — replaces them all;
- entries apps add with `schedule(...)` from their `AppConfig.ready()` (an entry of the setting with the
  same name wins, so a deployment can move or switch off an app's job: `{"name": …, "enabled": False}`).

This module names commands as strings and imports no capability app: an entry whose command is not
installed is left out (with a warning in the log).

`enqueue_due()` (called by `puhui worker` about once a minute, and by `puhui schedule --run-due`) enqueues
each entry whose time has passed today and that has no `ScheduledRun` row for today. The row is
inserted first, under a unique (name, run_date) constraint, so two workers never start the same daily job
twice; a worker that starts after the set time (down at 07:00, up at 09:00) still runs today's job.
Missed earlier days are not caught up.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.core.management import get_commands
from django.db import IntegrityError, transaction
from django.utils import timezone

from puhui.core import plugins
from puhui.jobs.models import Job, ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scheduled:
    name: str  # "plan.remind": unique, recorded in ScheduledRun
    at: time  # local time (settings.TIME_ZONE), every day
    command: str  # management command name, e.g. "plan_remind"
    args: tuple[str, ...] = ()
    label: str = ""
    attempts: int = 3  # a failing run is retried (with back-off) up to this many attempts in all
    enabled: bool = True

    @property
    def title(self) -> str:
        return self.label or f"计划任务 {self.name}"


_registered: dict[str, Scheduled] = {}


def _parse_time(value) -> time:
    if isinstance(value, time):
        return value
    return datetime.strptime(str(value), "%H:%M").time()


def _entry(data: dict) -> Scheduled:
    data = dict(data)
    data["at"] = _parse_time(data["at"]) if "at" in data else time(0, 0)
    data["args"] = tuple(str(a) for a in data.get("args", ()))
    data.setdefault("command", "")
    return Scheduled(**data)


def schedule(
    name: str, *, at: str | time, command: str, args=(), label: str = "", attempts: int = 3
) -> Scheduled:
    """The hook for apps: call from `AppConfig.ready()`, e.g.
    `schedule("warning.rules", at="06:30", command="warning_run", label="运行预警规则")`."""
    entry = Scheduled(
        name=name,
        at=_parse_time(at),
        command=command,
        args=tuple(str(a) for a in args),
        label=label,
        attempts=attempts,
    )
    _registered[name] = entry
    return entry


def unschedule(name: str) -> None:
    _registered.pop(name, None)


def scheduled_jobs() -> list[Scheduled]:
    """The effective schedule, sorted by time: enabled entries whose command is installed."""
    configured = getattr(settings, "PUHUI_SCHEDULE", None)
    entries = {
        e.name: e
        for e in map(_entry, plugins.contributions("SCHEDULE") if configured is None else configured)
    }
    for name, entry in _registered.items():
        entries.setdefault(name, entry)
    commands = get_commands()
    result = []
    for entry in entries.values():
        if not entry.enabled:
            continue
        if entry.command not in commands:
            logger.warning("Scheduled job %s: no management command %r; skipped", entry.name, entry.command)
            continue
        result.append(entry)
    return sorted(result, key=lambda e: (e.at, e.name))


def is_due(entry: Scheduled, now: datetime) -> bool:
    return timezone.localtime(now).time() >= entry.at


def enqueue_due(now: datetime | None = None) -> list[Job]:
    """Enqueue today's runs that are due and not yet started (by this or any other worker)."""
    from puhui.jobs.services import job_enqueue
    from puhui.jobs.tasks import run_command_task

    now = now or timezone.now()
    today = timezone.localdate(now)
    started = []
    for entry in scheduled_jobs():
        if not is_due(entry, now):
            continue
        if ScheduledRun.objects.filter(name=entry.name, run_date=today).exists():
            continue
        try:
            with transaction.atomic():
                # The insert comes first: a second worker gets IntegrityError here, before enqueuing.
                run = ScheduledRun.objects.create(name=entry.name, run_date=today)
                job = job_enqueue(
                    actor=None,
                    task=run_command_task,
                    label=entry.title,
                    max_attempts=entry.attempts,
                    command=entry.command,
                    args=list(entry.args),
                )
                run.job = job
                run.save(update_fields=["job"])
        except IntegrityError:
            continue
        logger.info("Scheduled job %s enqueued as job %s", entry.name, job.pk)
        started.append(job)
    return started


def last_runs() -> dict[str, ScheduledRun]:
    """The latest ScheduledRun of each name (for `puhui schedule`)."""
    latest: dict[str, ScheduledRun] = {}
    for run in ScheduledRun.objects.select_related("job").order_by("name", "-run_date"):
        latest.setdefault(run.name, run)
    return latest
