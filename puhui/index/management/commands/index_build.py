"""`puhui index_build`: compute the county index (yearly and quarterly) with its uncertainty analysis.

Without --now the job is queued for `puhui worker` and shows on the job page; --now runs it here.
"""

from django.core.management.base import BaseCommand, CommandError

from puhui.core.models import User
from puhui.index import services
from puhui.index.tasks import index_build_task
from puhui.jobs.services import job_enqueue

LABEL = "计算普惠金融指数"


class Command(BaseCommand):
    help = "计算全县普惠金融指数（年度和季度，含排名不确定性分析）。默认提交为后台任务；--now 在本进程内立即执行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--framework", type=int, help="指数框架版本号（默认最新版本；没有时载入内置第1版）"
        )
        parser.add_argument("--publish", action="store_true", help="计算完成后立即发布")
        parser.add_argument("--now", action="store_true", help="不经后台任务，在本进程内立即执行")
        parser.add_argument("--user", help="以该用户名记入操作日志（默认记为“系统”）")

    def handle(self, *, framework, publish, now, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在。")
        if not now:
            job = job_enqueue(
                actor=actor,
                task=index_build_task,
                label=LABEL,
                actor_id=actor.pk if actor else None,
                version=framework,
                publish=publish,
            )
            self.stdout.write(
                f"已提交后台任务 #{job.pk}（{LABEL}），由 puhui worker 执行；进度见“后台任务”页面。"
            )
            return
        try:
            runs = services.index_build(
                actor=actor,
                version=framework,
                publish=publish,
                progress=lambda d, t, m: self.stdout.write(f"[{d}/{t}] {m}"),
            )
        except services.IndexRefused as exc:
            raise CommandError(str(exc)) from exc
        for run in runs:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{run.get_frequency_display()}：#{run.pk}，{len(run.periods)} 个期间，"
                    f"{'已发布' if run.status == 'published' else '待发布'}，用时 {run.seconds:.2f} 秒"
                )
            )
            for s in run.skipped:
                self.stdout.write(f"  未计入：{s['name']}（{s['why']}）")
