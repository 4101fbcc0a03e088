"""`puhui census_refresh`: recompute every village's household counts from the roster.

Without options the job is queued for `puhui worker` and shows on the job page; `--wait` then follows
its progress here; `--now` runs it in this process, one line per town.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from puhui.core.models import User
from puhui.jobs.models import Job
from puhui.jobs.selectors import job_with_state
from puhui.jobs.services import job_enqueue
from puhui.registry import services
from puhui.registry.tasks import census_refresh_task

LABEL = "按农户名录重算各村户数"


class Command(BaseCommand):
    help = "按农户名录重算各村（社区）的户数和农户数。默认提交为后台任务；--wait 等待并显示进度；--now 在本进程内立即执行。"

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--wait", action="store_true", help="提交后等待任务完成并显示进度（需要 puhui worker 在运行）"
        )
        mode.add_argument("--now", action="store_true", help="不经后台任务，在本进程内立即执行")
        parser.add_argument("--user", help="以该用户名记入操作日志（默认记为“系统”）")
        parser.add_argument("--poll", type=float, default=1.0, help="--wait 时查询进度的间隔秒数")

    def handle(self, *, wait, now, user, poll, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在。")
        if now:
            summary = services.census_refresh(actor=actor, progress=self._print_progress)
            self._print_summary(summary)
            return
        job = job_enqueue(
            actor=actor, task=census_refresh_task, label=LABEL, actor_id=actor.pk if actor else None
        )
        self.stdout.write(f"已提交后台任务 #{job.pk}（{LABEL}）。")
        if not wait:
            self.stdout.write("由 puhui worker 执行；进度见“后台任务”页面，或加 --wait 在此等待。")
            return
        self._follow(job.pk, poll)

    def _print_progress(self, done: int, total: int, message: str) -> None:
        self.stdout.write(f"[{done}/{total}] {message}")

    def _print_summary(self, summary: dict) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：{summary['villages']} 个村，{summary['changed_villages']} 个村有变化；"
                f"共 {summary['households']:,} 户，其中农户 {summary['farm_households']:,} 户。"
            )
        )

    def _follow(self, pk: int, poll: float) -> None:
        last = None
        waited = 0.0
        while True:
            job = job_with_state(Job.objects.get(pk=pk))
            line = (job.state.status, job.done, job.total, job.message)
            if line != last:
                if job.message or job.total:
                    self._print_progress(job.done, job.total, job.message)
                last = line
            if job.state.is_successful:
                self._print_summary(job.state.return_value)
                return
            if not job.state.status:
                raise CommandError("无法读取任务状态：当前任务后端不支持查询结果。")
            if job.state.is_failed:
                raise CommandError(f"任务失败：{job.state.exception_class_path}\n{job.state.traceback}")
            if not job.state.started_at and waited >= 10 and waited - poll < 10:
                self.stdout.write("任务仍在排队，请确认 puhui worker 正在运行。")
            time.sleep(poll)
            waited += poll
