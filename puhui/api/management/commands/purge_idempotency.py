"""`puhui purge_idempotency`: forget stored write responses older than N days (run daily from cron)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from puhui.api.services import idempotency_records_purge


class Command(BaseCommand):
    help = "清理超过保留天数的接口幂等记录（之后用相同 Idempotency-Key 重试将作为新请求处理）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="保留天数，默认 7")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("保留天数至少为 1 天")
        before = timezone.now() - datetime.timedelta(days=days)
        deleted = idempotency_records_purge(actor="命令行 purge_idempotency", before=before)
        self.stdout.write(f"已清理 {deleted} 条 {days} 天前的幂等记录。")
