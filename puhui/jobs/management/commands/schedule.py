"""`puhui schedule`: show the daily schedule; `--run-due` enqueues what is due now; `--loop` keeps doing so.

`puhui worker` checks the schedule by itself. `--loop` is for deployments whose workers are not
`puhui worker` (the RQ backend's `rqworker`): run one `puhui schedule --loop` beside them (several are
harmless: a daily run is started once whatever the number of schedulers).
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from puhui.jobs.schedule import enqueue_due, last_runs, scheduled_jobs
from puhui.jobs.selectors import with_state


class Command(BaseCommand):
    help = "显示每日计划任务；--run-due 立即提交已到时间的任务；--loop 每分钟检查一次（配合 RQ 后端的 rqworker）。"

    def add_arguments(self, parser):
        parser.add_argument("--run-due", action="store_true", help="提交今天已到时间、尚未运行的计划任务")
        parser.add_argument("--loop", action="store_true", help="常驻运行，每分钟检查一次")

    def handle(self, *, run_due: bool, loop: bool, **options):
        if loop:
            while True:
                self._run_due()
                time.sleep(60)
        if run_due:
            self._run_due()
            return
        runs = last_runs()
        jobs = with_state([run.job for run in runs.values() if run.job])
        states = {job.pk: job.state for job in jobs}
        for entry in scheduled_jobs():
            run = runs.get(entry.name)
            last = "—"
            if run is not None:
                state = states.get(run.job_id)
                last = f"{run.run_date} {state.label if state else '（任务记录已删除）'}"
            args = " ".join([entry.command, *entry.args])
            self.stdout.write(f"{entry.at:%H:%M}  {entry.name:<28} puhui {args:<32} 上次：{last}")

    def _run_due(self) -> None:
        for job in enqueue_due():
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} 已提交：{job.label}（任务 {job.pk}）")
