"""`puhui backup [--out PATH]`: the database and the uploaded files in one .tar.gz (puhui/core/backup.py)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from puhui.core.backup import BackupError, create_backup, human_size


class Command(BaseCommand):
    # Works on a database whose checks fail (e.g. a wrong FIELD_ENCRYPTION_KEY): backups and recovery are
    # what one does then. The restore makes its own, stricter checks.
    requires_system_checks = []
    help = "备份数据库和上传文件到一个 .tar.gz 文件（含校验和清单）；平台运行时也可以备份。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            help="备份文件路径（默认 <PUHUI_VAR_DIR>/backups/puhui-年月日-时分秒.tar.gz）",
        )

    def handle(self, *args, out: str | None, **options):
        if out is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            out = Path(settings.VAR_DIR) / "backups" / f"puhui-{stamp}.tar.gz"
        out = Path(out)
        started = time.monotonic()
        try:
            manifest = create_backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        db, media = manifest["database"], manifest["media"]
        self.stdout.write(
            f"备份完成：{out}（{human_size(out.stat().st_size)}，用时 {time.monotonic() - started:.1f} 秒）\n"
            f"  数据库：{db['vendor']}，{len(db['tables'])} 张表，{sum(db['tables'].values()):,} 行\n"
            f"  上传文件：{media['count']} 个，{human_size(media['bytes'])}\n"
            f"  校验：puhui restore {out} --check"
        )
