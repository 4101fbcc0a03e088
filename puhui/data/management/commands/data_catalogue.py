"""puhui data_catalogue: load the plan's indicators and targets shipped with the platform (only those missing)."""

from django.core.management.base import BaseCommand

from puhui.core.models import User
from puhui.data import services


class Command(BaseCommand):
    help = "载入方案的指标目录和量化目标（已有的不覆盖）"

    def add_arguments(self, parser):
        parser.add_argument("--actor", help="记入操作日志的用户名（默认：系统）")

    def handle(self, *args, actor=None, **options):
        user = User.objects.get(username=actor) if actor else None
        result = services.catalogue_sync(actor=user)
        self.stdout.write(f"新载入指标 {result['indicators']} 个、目标 {result['targets']} 个。")
