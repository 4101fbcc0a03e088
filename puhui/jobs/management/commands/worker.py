"""`puhui worker`: django-tasks-db's `db_worker` with defaults for this platform.

Every option of `db_worker` passes through (`--batch`, `--max-tasks`, `--queue-name`, `--interval`,
`--worker-id`, `--reload`); only the defaults differ: all queues, no autoreload (a worker restarted
mid-task by a code change leaves the task marked as running), no start-up delay in batch mode.
"""

import signal

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

_SIGNALS = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s is not None]


class Command(DbWorkerCommand):
    help = "运行后台任务处理进程（可启动多个以并行处理）；--batch 处理完队列中的任务后退出。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *args, **options):
        if options.get("batch"):
            options["startup_delay"] = False
        # The worker installs its own signal handlers; give the caller (a test run, a script) its own back.
        saved = {s: signal.getsignal(s) for s in _SIGNALS}
        try:
            return super().handle(*args, **options)
        finally:
            for s, handler in saved.items():
                signal.signal(s, handler)
