"""`puhui worker`: django-tasks-db's `db_worker` with defaults for this platform, plus the schedule.

Every option of `db_worker` passes through (`--batch`, `--max-tasks`, `--queue-name`, `--interval`,
`--worker-id`, `--reload`); only the defaults differ: all queues, no autoreload (a worker restarted
mid-task by a code change leaves the task marked as running), no start-up delay in batch mode.

Every worker writes a heartbeat (`WorkerHeartbeat`: at start, at most every few seconds while idle,
and around each task) and removes it when it stops, so the job pages can say when a queued job has no
worker to run it.

The worker also starts the scheduled jobs (`puhui.jobs.schedule`) and fails the tasks of workers that
died (`puhui.jobs.retries.reap_lost`): it checks when it starts, then at most once a minute — after a
task and before an idle sleep, in the worker's own thread, never inside a task. `--no-schedule` turns
both off (e.g. for workers dedicated to one queue); `--batch` does neither unless given `--schedule`.
"""

import logging
import os
import signal
import time
from argparse import BooleanOptionalAction

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from puhui.jobs.retries import reap_lost
from puhui.jobs.schedule import enqueue_due
from puhui.jobs.services import HEARTBEAT_EVERY, worker_beat, worker_gone, workers_purge

logger = logging.getLogger(__name__)

_SIGNALS = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s is not None]
SCHEDULE_EVERY = 60.0  # seconds between schedule checks


class SchedulingWorker(Worker):
    """db_worker's Worker, checking the schedule between tasks.

    The parent's loop has no hook for idle time, but it reads `self.interval` exactly when it is about to
    sleep (and once at start-up): `interval` is a property that checks the schedule first.
    """

    def __init__(self, *, schedule: bool, **kwargs):
        self.schedule = schedule
        self._next_check = 0.0
        self._next_beat = 0.0
        super().__init__(**kwargs)

    @property
    def interval(self) -> float:
        self.beat()
        self.check_schedule()
        return self._interval

    def beat(self, *, busy: bool | None = None) -> None:
        """The heartbeat: every call marking a task's start or end, else at most every HEARTBEAT_EVERY s."""
        now = time.monotonic()
        if busy is None and now < self._next_beat:
            return
        self._next_beat = now + HEARTBEAT_EVERY
        try:
            worker_beat(worker_id=self.worker_id, queues=",".join(self.queue_names), busy=busy)
        except Exception:
            # A locked database must not stop the worker; the next beat tries again.
            logger.warning("Could not record the worker's heartbeat", exc_info=True)

    @interval.setter
    def interval(self, value: float) -> None:
        self._interval = value

    def check_schedule(self, force: bool = False) -> None:
        if not self.schedule or self.running_task or not self.running:
            return
        now = time.monotonic()
        if not force and now < self._next_check:
            return
        self._next_check = now + SCHEDULE_EVERY
        try:
            reap_lost()
            enqueue_due()
            workers_purge()
        except Exception:
            # A broken schedule entry or a locked database must not stop the worker; try again later.
            logger.exception("Checking the schedule failed")

    def run_task(self, db_task_result) -> None:
        self.beat(busy=True)
        try:
            super().run_task(db_task_result)
        finally:
            self.beat(busy=False)
        self.check_schedule()

    def run(self) -> None:
        self.beat(busy=False)
        self.check_schedule(force=True)
        super().run()

    def stopped(self) -> None:
        try:
            worker_gone(worker_id=self.worker_id)
        except Exception:
            logger.warning("Could not remove the worker's heartbeat", exc_info=True)


class Command(DbWorkerCommand):
    help = "运行后台任务处理进程（可启动多个以并行处理），并按计划启动每日任务；--batch 处理完队列中的任务后退出。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule",
            action=BooleanOptionalAction,
            default=None,
            help="按计划启动每日任务（默认：常驻运行时启动，--batch 时不启动）",
        )
        parser.set_defaults(queue_name="*", reload=False)

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        schedule: bool | None = None,
        **options,
    ) -> None:
        # db_worker's handle() with our Worker; the validation and reload handling are the same.
        self.configure_logging(verbosity)
        if batch:
            startup_delay = reload = False
        if schedule is None:
            schedule = not batch
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SchedulingWorker(
            schedule=schedule,
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        # The worker installs its own signal handlers; give the caller (a test run, a script) its own back.
        saved = {s: signal.getsignal(s) for s in _SIGNALS}
        try:
            if reload:
                if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                    worker.configure_signals()
                run_with_reloader(worker.run)
            else:
                worker.configure_signals()
                worker.run()
        finally:
            worker.stopped()
            for s, handler in saved.items():
                signal.signal(s, handler)
