"""puhui data_compute: recompute every derived indicator from the approved submissions."""

from django.core.management.base import BaseCommand

from puhui.core.models import User
from puhui.data import derived


class Command(BaseCommand):
    help = "按已审核通过的报送和平台数据重新计算全部派生指标"

    def add_arguments(self, parser):
        parser.add_argument("--actor", help="记入计算记录的用户名（默认：系统）")

    def handle(self, *args, actor=None, **options):
        user = User.objects.get(username=actor) if actor else None

        def progress(done, total, message):
            self.stdout.write(f"[{done}/{total}] {message}")

        result = derived.compute_all(actor=user, progress=progress)
        self.stdout.write(
            f"完成：{result['periods']} 个报送期，{result['values']:,} 个指标值，用时 {result['seconds']:.1f} 秒。"
        )
