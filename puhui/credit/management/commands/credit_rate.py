"""`puhui credit_rate`: rate every household with a counted archive using the active scorecard.

Without options the job is queued for `puhui worker` (it shows on the job page); `--now` runs it here.
"""

from django.core.management.base import BaseCommand, CommandError

from puhui.core.models import User
from puhui.credit import services
from puhui.credit.tasks import households_rate_task
from puhui.jobs.services import job_enqueue

LABEL = "全县农户信用评级"


class Command(BaseCommand):
    help = "按当前启用的评分卡，为所有已建档（完整并已核实）的农户评级。默认提交为后台任务；--now 在本进程内立即执行。"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="不经后台任务，在本进程内立即执行")
        parser.add_argument("--user", help="以该用户名记入操作日志（默认记为“系统”）")
        parser.add_argument("--batch", type=int, default=200_000, help="每批评级的户数")

    def handle(self, *, now, user, batch, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在。")
        if not now:
            job = job_enqueue(
                actor=actor, task=households_rate_task, label=LABEL, actor_id=actor.pk if actor else None
            )
            self.stdout.write(
                f"已提交后台任务 #{job.pk}（{LABEL}），由 puhui worker 执行；进度见“后台任务”页面。"
            )
            return
        summary = services.households_rate(
            actor=actor, batch=batch, progress=lambda d, t, m: self.stdout.write(f"[{d}/{t}] {m}")
        )
        grades = "，".join(f"{g} {n:,} 户" for g, n in sorted(summary["grades"].items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：按评分卡 {summary['version']} 评级 {summary['households']:,} 户。{grades}"
            )
        )
