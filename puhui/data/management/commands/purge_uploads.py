"""puhui purge_uploads: delete uploaded originals past the retention period; encrypt any left in clear."""

from django.core.management.base import BaseCommand, CommandError

from puhui.core.models import User
from puhui.data import services


class Command(BaseCommand):
    help = (
        "删除超过保存期限（PUHUI_UPLOAD_RETENTION_DAYS，默认 180 天）的报送原始文件，"
        "并把此前以明文保存的原始文件就地加密"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="保存天数（默认取设置 PUHUI_UPLOAD_RETENTION_DAYS）")
        parser.add_argument("--actor", help="记入操作日志的用户名（默认：系统）")

    def handle(self, *args, days=None, actor=None, **options):
        user = User.objects.get(username=actor) if actor else None
        if days is not None and days < 1:
            raise CommandError("保存天数至少为 1 天")
        purged = services.submission_files_purge(actor=user, days=days)
        encrypted = services.submission_files_encrypt(actor=user)
        self.stdout.write(
            f"已删除超过保存期限（{days or services.retention_days()} 天）的原始文件：{purged['submissions']} 份报送，"
            f"{purged['files']} 个文件；已加密明文保存的旧文件 {encrypted['encrypted']} 个"
            + (f"；{encrypted['missing']} 个文件在磁盘上找不到" if encrypted["missing"] else "")
            + "。"
        )
